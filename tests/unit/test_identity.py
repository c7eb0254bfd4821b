"""Identity collisions (perfdocs.rules.identity.check): the fast path, which folds every path
and id at once and skips the walk when nothing folds together, reports exactly what the
ordered walk over every record reports, on random names with case, look-alikes, accents and
separators in them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfdocs.diagnostics import Diagnostic
from perfdocs.records import organisation
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text
from perfdocs.rules import identity

LETTERS = ["a", "A", "b", "B", "р", "Р", "é", "e\u0301", "\0", "-", "ﬁ", "fi"]
"""Letters that fold together: case, a Cyrillic look-alike, accents composed or not, a
compatibility ligature, and the separator the fast path joins with."""


def _walk(org: Organisation) -> Iterator[Diagnostic]:
    """The collisions as the rule found them before its fast path: every record, in order."""
    seen_paths: dict[str, str] = {}
    seen_ids: dict[tuple[str, str], tuple[str, str]] = {}
    for record in org.records:
        key = identity.skeleton(record.rel)
        other = seen_paths.get(key)
        path_clash = other is not None and other != record.rel
        if path_clash:
            yield record.diag(
                "id/collision",
                f"the path '{record.rel}' and '{other}' {identity._describe(record.rel, str(other))}; "
                "they clash on macOS and Windows checkouts",
            )
        else:
            seen_paths[key] = record.rel
        id_key = (record.kind, identity.skeleton(record.id))
        prior = seen_ids.get(id_key)
        if prior is not None and prior[0] != record.id and not path_clash:
            field = ("handle",) if record.kind == "person" else ("id",)
            yield record.diag(
                "id/collision",
                f"{record.kind} id '{record.id}' and '{prior[0]}' ({prior[1]}) "
                f"{identity._describe(record.id, prior[0])}",
                field,
            )
        else:
            seen_ids.setdefault(id_key, (record.id, record.display))


def _record(folder: Path, kind: str, id_: str, rel: str) -> Record:
    doc = load_text(f"kind: {kind}\nid: x\n", folder / rel, rel)
    return Record(doc, rel, kind, id_)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 2)))


@pytest.mark.parametrize("seed", range(40))
def test_the_fast_path_reports_what_the_walk_reports(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    ascii_only = seed % 2 == 0  # half the organisations take the one-lower() path for everything
    records = []
    for _ in range(rng.randint(0, 24)):
        name = _name(rng)
        if ascii_only:
            name = "".join(ch if ch.isascii() else "x" for ch in name)
        kind = rng.choice(["team", "goal", "metric"])
        folder = rng.choice(["teams", "goals", "Teams"])
        id_ = name if rng.random() < 0.8 else _name(rng)
        records.append(_record(tmp_path, kind, id_, f"{folder}/{name}.yaml"))
    org, _ = organisation.build(records)
    assert list(identity.check(org)) == list(_walk(org))


def test_an_organisation_without_collisions_reports_none_and_one_with_reports_the_later_record(tmp_path: Path) -> None:
    records = [
        _record(tmp_path, "team", "core", "teams/core.yaml"),
        _record(tmp_path, "team", "web", "teams/web.yaml"),
        _record(tmp_path, "goal", "Core", "goals/Core.yaml"),  # another kind: no id collision
    ]
    org, _ = organisation.build(records)
    assert list(identity.check(org)) == []
    org.records.append(_record(tmp_path, "team", "WEB", "teams/other.yaml"))
    found = list(identity.check(org))
    assert [(d.path, d.rule) for d in found] == [("teams/other.yaml", "id/collision")]
    assert "team id 'WEB' and 'web' (teams/web.yaml) differ only by case" in found[0].message
