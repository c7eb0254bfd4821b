"""The snapshot (perfdocs.records.snapshot): a run that re-checks only what changed reports
exactly what a cold run reports, after any sequence of edits."""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from perfdocs.records import snapshot

from tests.support.cli import invoke

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402  (found through the sys.path entry above)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    """Cache files and their key in the test's own folder; files edited a moment ago are
    trusted (nothing edits them while a run reads them here), so the snapshot is used at once."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    # _validate sets PERFDOCS_CACHE for each run; setting it here first (auto) makes monkeypatch
    # restore what it was after the test, so no later test runs with this test's last value
    monkeypatch.setenv("PERFDOCS_CACHE", "auto")


def _validate(root: Path, cache: str) -> str:
    os.environ["PERFDOCS_CACHE"] = cache
    res = invoke(["validate", root])
    return f"exit {res.exit_code}\n{res.stdout}{res.stderr}"


Edit = Callable[[Path, random.Random, dict[str, str]], str]


def _files(root: Path, pattern: str = "**/*.*") -> list[Path]:
    return sorted(
        p
        for p in root.glob(pattern)
        if p.is_file() and p.name != "org.yaml" and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _evidence(root: Path) -> list[Path]:
    return _files(root, "people/*/evidence/*.md")


def _handles(root: Path) -> list[str]:
    return sorted(p.parent.name for p in root.glob("people/*/person.yaml"))


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text + new, encoding="utf-8")


def add(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    source = rng.choice(_evidence(root))
    handle = rng.choice(_handles(root) + ["nobody"])
    dest = root / "people" / handle / "evidence" / f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}-added.md"
    dest.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    if rng.random() < 0.7:  # as its author would write it, or copied with the other author's name
        text = text.replace(f"author: {source.parts[-3]}", f"author: {handle}", 1)
    dest.write_text(text, encoding="utf-8")
    return f"add {dest.relative_to(root)}"


def change(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_evidence(root))
    how = rng.choice(["title", "todo", "future", "competency", "body"])
    if how == "title":
        _rewrite(path, "title: ", f"title: Changed {rng.randint(0, 999)} ")
    elif how == "todo":
        _rewrite(path, "## Impact", "## Impact\n\nTODO: write this")
    elif how == "future":
        _rewrite(path, "\ndate: ", "\ndate: 2027-01-01\nold_date: ")
    elif how == "competency":
        _rewrite(path, "competencies:\n", "competencies:\n  - design\n")
    else:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.split("\n---\n", 1)[0] + "\n---\nShort.\n", encoding="utf-8")
    return f"change {path.relative_to(root)} ({how})"


def delete(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_files(root))
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    path.unlink()
    return f"delete {path.relative_to(root)}"


def rename(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_evidence(root) + _files(root, "people/*/goals/*.yaml") + _files(root, "teams/*.yaml"))
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    dest = path.with_name(f"{path.stem}-moved{path.suffix}")
    if rng.random() < 0.3 and "evidence" in path.parts:
        dest = root / "people" / rng.choice(_handles(root)) / "evidence" / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
    path.rename(dest)
    return f"rename {path.relative_to(root)} -> {dest.relative_to(root)}"


def break_reference(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    targets = {
        "evidence": (_evidence(root), ["author: ", "  - mentoring", "  - design"]),
        "person": (_files(root, "people/*/person.yaml"), ["team: ", "level: ", "track: ", "manager: "]),
        "review": (_files(root, "people/*/reviews/*"), ["reviewer: ", "key_result: ", "      - p0"]),
        "team": (_files(root, "teams/*.yaml"), ["manager: ", "  - p0"]),
    }
    files, fields = targets[rng.choice(sorted(targets))]
    if not files:
        return "break nothing"
    path = rng.choice(files)
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    field = rng.choice(fields)
    _rewrite(path, field, field + "zz")
    return f"break {path.relative_to(root)} at {field.strip()!r}"


def fix_reference(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    if not originals:
        return "fix nothing"
    rel = rng.choice(sorted(originals))
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(originals.pop(rel), encoding="utf-8")
    return f"restore {rel}"


def change_person(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    # New people: one who fixes nothing, and ones whose handles are closer to a broken 'zzp0000N'
    # than the handle it was (its "did you mean" changes).
    handle = rng.choice(_handles(root) + ["newbie", "zp00000", "zp00001"])
    path = root / "people" / handle / "person.yaml"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"kind: person\nhandle: {handle}\nname: New\nemails:\n  - {handle}@tiny.example\n"
            "track: backend\nlevel: l1\nteam: core\nmanager: p00000\nstart_date: 2024-01-01\n",
            encoding="utf-8",
        )
        return f"add person {handle}"
    text = path.read_text(encoding="utf-8")
    how = rng.choice(
        ["level: l1", "level: l3", "track: nowhere", "track: backend", "track: frontend", "manager: " + handle]
    )
    key = how.split(":")[0] + ":"
    lines = [how if line.startswith(key) else line for line in text.splitlines()]
    path.write_text("\n".join(lines if how in lines else [*lines, how]) + "\n", encoding="utf-8")
    return f"person {handle}: {how}"


def change_shared(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    how = rng.choice(["markers", "pay", "dimension", "matrix", "restore"])
    org = root / "org.yaml"
    originals.setdefault("org.yaml", org.read_text(encoding="utf-8"))
    matrix = root / "matrices/backend.yaml"
    if how == "markers":
        _rewrite(org, "\nplaceholders:", "")
        org.write_text(org.read_text(encoding="utf-8") + "placeholders:\n  markers: [Producer]\n", encoding="utf-8")
    elif how == "pay":
        org.write_text(org.read_text(encoding="utf-8") + "compensation_fields: [scope]\n", encoding="utf-8")
    elif how == "dimension":
        _rewrite(org, "id: reliability", "id: reliable")
    elif how == "matrix" and matrix.exists():
        originals.setdefault("matrices/backend.yaml", matrix.read_text(encoding="utf-8"))
        _rewrite(matrix, "id: mentoring", "id: coaching")
    else:
        org.write_text(originals.pop("org.yaml"), encoding="utf-8")
    return f"shared: {how}"


def _set(path: Path, key: str, value: str) -> None:
    """The first line `key: ...` of a file says `key: value` (added when there is none)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if at is None:
        lines.insert(1 if lines[0] == "---" else 0, f"{key}: {value}")
    else:
        lines[at] = f"{key}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")


def mismatch(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """An evidence entry's author or date made to disagree with its folder or file name
    (id/mismatch), or to agree with them again."""
    path = rng.choice(_evidence(root))
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    if rng.random() < 0.5:
        author = rng.choice([path.parts[-3], *_handles(root)])
        _set(path, "author", author)
        return f"author of {path.relative_to(root)}: {author}"
    day = path.name[:10] if rng.random() < 0.4 else f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    _set(path, "date", day)
    return f"date of {path.relative_to(root)}: {day}"


def _collisions(root: Path) -> list[Path]:
    """The files `collide` made: 'Case-' teams, capitalised evidence slugs, P- and р-people."""
    teams = _files(root, "teams/Case-*.yaml")
    people = [p for p in _files(root, "people/*/person.yaml") if p.parent.name[:1] in ("P", "р")]
    return teams + people + [p for p in _evidence(root) if p.name[11:12].isupper()]


def collide(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """A file whose path, or a team whose id, differs from another's only by case or look-alike
    characters (id/collision; a non-ASCII handle is id/invalid too); or one such file removed."""
    made = _collisions(root)
    if made and rng.random() < 0.5:
        path = rng.choice(made)
        path.unlink()
        return f"delete {path.relative_to(root)}"
    how = rng.choice(["evidence", "person", "team"])
    if how == "evidence":
        source = rng.choice(_evidence(root))
        dest = source.with_name(source.name[:11] + source.name[11:].capitalize())
    elif how == "person":
        handle = rng.choice(_handles(root))
        folder = handle.replace("p", rng.choice(["P", "р"]), 1)  # a capital, or a Cyrillic look-alike
        source, dest = root / "people" / handle / "person.yaml", root / "people" / folder / "person.yaml"
    else:
        source = rng.choice(_files(root, "teams/*.yaml"))
        dest = source.with_name(f"Case-{source.name}")
    if not source.exists() or dest.exists():
        return "collide nothing"
    dest.parent.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    if how == "team":
        text = re.sub(r"^id: (.*)$", lambda m: f"id: {m.group(1).upper()}", text, count=1, flags=re.MULTILINE)
    dest.write_text(text, encoding="utf-8")
    return f"add {dest.relative_to(root)} beside {source.relative_to(root)}"


REVIEW_TEXT = [
    "She was abrasive and bossy in the incident.",  # language/personality
    "Cut p95 latency by 40% across the fleet.",  # language/unsupported-claim
    "A strong quarter.",  # what the corpus writes (frontend's org.yaml list finds it vague)
    "Concern: missed deadlines. Concern: weak tests. Struggled with ownership.",  # rating-mismatch
]


def review_text(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """A review's (or packet's) prose rewritten: language findings appear or go away."""
    files = _files(root, "people/*/reviews/*.md") + _files(root, "people/*/packets/*.md")
    if not files:
        return "review nothing"
    path = rng.choice(files)
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.rpartition("\n---\n")
    said = rng.choice(REVIEW_TEXT)
    path.write_text(f"{head}\n---\n{said}\n", encoding="utf-8")
    return f"review text of {path.relative_to(root)}: {said}"


def rename_person(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """A person's folder and handle renamed, and every record naming them with them; or, now and
    then, only their own records: the records of others that name them (reviewer, manager,
    team members, collaborators) break."""
    handles = [h for h in _handles(root) if h.isascii() and h.islower()]
    if not handles:
        return "rename nobody"
    handle = rng.choice(handles)
    new = f"{handle}n"
    if (root / "people" / new).exists():
        return "rename nobody"
    (root / "people" / handle).rename(root / "people" / new)
    everywhere = rng.random() < 0.7
    for path in _files(root if everywhere else root / "people" / new):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"(?<![\w-]){handle}(?![\w-])", new, text), encoding="utf-8")
    return f"rename person {handle} -> {new}" + ("" if everywhere else " (their own records only)")


def language_by_track(root: Path) -> None:
    """A second track, frontend, whose reviews org.yaml's language settings read differently
    (its list of vague terms holds the corpus's 'strong quarter'), so a person who changes
    track changes the findings of their reviews."""
    for folder in ("tracks", "matrices"):
        text = (root / folder / "backend.yaml").read_text(encoding="utf-8")
        (root / folder / "frontend.yaml").write_text(text.replace("backend", "frontend"), encoding="utf-8")
    org = root / "org.yaml"
    org.write_text(
        org.read_text(encoding="utf-8")
        + "language:\n  tracks:\n    frontend:\n      extend:\n        vague: [strong quarter]\n",
        encoding="utf-8",
    )


def duplicate(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    """A second record with an id already taken (a team, a goal), perhaps a draft: it is not
    indexed, until the first one goes."""
    path = rng.choice(_files(root, "teams/*.yaml") + _files(root, "goals/*.yaml") or _files(root))
    dest = path.with_name(f"copy-{rng.randint(0, 9)}{path.suffix}")
    text = path.read_text(encoding="utf-8")
    dest.write_text(
        text.replace("objective: ", "objective: TODO ", 1) if rng.random() < 0.7 else text, encoding="utf-8"
    )
    return f"duplicate {path.relative_to(root)} as {dest.name}"


def unreadable(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_files(root))
    originals.setdefault(path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
    path.write_text("kind: [evidence\n  : broken: {", encoding="utf-8")
    return f"unparseable {path.relative_to(root)}"


def touch(root: Path, rng: random.Random, originals: dict[str, str]) -> str:
    path = rng.choice(_files(root))
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return f"rewrite {path.relative_to(root)} unchanged"


EDITS: list[tuple[Edit, int]] = [
    (add, 3),
    (change, 4),
    (delete, 2),
    (rename, 2),
    (break_reference, 4),
    (fix_reference, 4),
    (change_person, 3),
    (change_shared, 1),
    (unreadable, 1),
    (touch, 1),
    (duplicate, 2),
    (mismatch, 2),
    (collide, 2),
    (review_text, 3),
    (rename_person, 1),
]


STEPS = 24


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_runs_report_what_cold_runs_report_on_random_edits(seed, tmp_path, monkeypatch):
    """After each random edit, `validate` with the snapshot (twice: once re-checking what the
    edit touched, once with everything reused) prints what a cold run prints, with the same
    exit code."""
    root = tmp_path / "records"
    corpus.organisation(root, 60, seed=seed)
    language_by_track(root)
    planned: list[tuple[int, int]] = []
    plan = snapshot.Snapshot.plan

    def counted(self, records, context):  # the real plan, counted: the test must not pass by re-checking all
        stale = plan(self, records, context)
        planned.append((len(stale), len(records)))
        return stale

    monkeypatch.setattr(snapshot.Snapshot, "plan", counted)
    rng = random.Random(seed)
    originals: dict[str, str] = {}
    assert _validate(root, "1") == _validate(root, "0")
    steps = []
    for _ in range(STEPS):
        edit = rng.choices([e for e, _ in EDITS], [w for _, w in EDITS])[0]
        steps.append(edit(root, rng, originals))
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold, "\n".join(steps)
        assert _validate(root, "1") == cold, "\n".join(steps)
    rechecked, records = map(sum, zip(*planned))
    assert rechecked < records / 2  # most records were reused, not checked again
    shutil.rmtree(root)


def test_a_snapshot_from_elsewhere_is_never_read(tmp_path, monkeypatch):
    """A snapshot file not sealed with the local key (committed, crafted, damaged) is ignored:
    every record is checked."""
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    first = _validate(root, "1")
    where = snapshot.location(root)
    assert where is not None and where.is_file()
    raw = where.read_bytes()
    where.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])
    kept = snapshot.Snapshot(root, 0)
    assert kept.entries == {}
    assert _validate(root, "1") == first


def _steps(root: Path, *edits: Callable[[], object]) -> None:
    """Apply each edit, then compare runs with the snapshot with a cold run."""
    assert _validate(root, "1") == _validate(root, "0")
    for edit in edits:
        edit()
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold
        assert _validate(root, "1") == cold


def test_a_duplicate_that_takes_over_its_id_is_checked_again(tmp_path):
    """A second goal with a taken id is not indexed (its placeholder is not reported); once the
    first goes, it is, although its own file did not change."""
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    goal = next(root.glob("goals/*.yaml"))
    copy = goal.with_name("copy.yaml")
    _steps(
        root,
        lambda: copy.write_text(goal.read_text(encoding="utf-8").replace("objective: ", "objective: TODO "), "utf-8"),
        goal.unlink,
    )
    assert "copy.yaml" in _validate(root, "1")


def test_a_new_id_closer_to_a_broken_reference_changes_its_suggestion(tmp_path):
    """'did you mean' reads every id of a kind: a record with an unknown reference is checked
    again when any record of that kind appears."""
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    evidence = _evidence(root)[0]
    author = evidence.parts[-3]
    newcomer = root / "people" / f"z{author}" / "person.yaml"
    _steps(
        root,
        lambda: _rewrite(evidence, f"author: {author}", f"author: zz{author}"),
        lambda: newcomer.parent.mkdir(parents=True),
        lambda: newcomer.write_text(
            f"kind: person\nhandle: z{author}\nname: New\nemails:\n  - z{author}@tiny.example\n"
            "track: backend\nlevel: l1\nteam: core\nmanager: p00000\nstart_date: 2024-01-01\n",
            encoding="utf-8",
        ),
    )
    assert f"did you mean 'z{author}'" in _validate(root, "1")


def _found(output: str, rule: str, where: str) -> bool:
    """Does a run's output report `rule` in the file at `where`?"""
    return any(line.startswith(where) and line.endswith(f"[{rule}]") for line in output.splitlines())


def test_a_person_who_changes_track_has_their_reviews_checked_again(tmp_path):
    """Review language reads the reviewed person's track (org.yaml's lists differ by track): their
    review is checked again when they change track, although it did not change, and nothing
    else is."""
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    language_by_track(root)  # 'strong quarter', which every corpus review says, is vague on frontend
    person = root / "people" / "p00000" / "person.yaml"
    review = "people/p00000/reviews/2026-Q1.md"
    assert _validate(root, "1") == _validate(root, "0")
    found = []
    for track in ("frontend", "backend", "frontend"):
        _set(person, "track", track)
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold
        assert _validate(root, "1") == cold
        found.append(_found(cold.replace(f"{root}/", ""), "language/vague", review))
    assert found == [True, False, True]


def test_identity_findings_come_and_go_with_the_files(tmp_path):
    """id/mismatch (author against folder, date against file name) and id/collision (a path that
    differs from another only by case) appear and go away in incremental runs as in cold ones."""
    root = tmp_path / "records"
    corpus.organisation(root, 20)
    evidence = _evidence(root)[0]
    rel, author, day = evidence.relative_to(root).as_posix(), evidence.parts[-3], evidence.name[:10]
    twin = evidence.with_name(evidence.name[:11] + evidence.name[11:].capitalize())
    edits: list[tuple[Callable[[], object], str, str, bool]] = [
        (lambda: _set(evidence, "author", "ann"), "id/mismatch", rel, True),
        (lambda: _set(evidence, "author", author), "id/mismatch", rel, False),
        (lambda: _set(evidence, "date", "2025-01-02"), "id/mismatch", rel, True),
        (lambda: _set(evidence, "date", day), "id/mismatch", rel, False),
        (lambda: twin.write_text(evidence.read_text(encoding="utf-8"), encoding="utf-8"), "id/collision", "", True),
        (twin.unlink, "id/collision", "", False),
    ]
    assert _validate(root, "1") == _validate(root, "0")
    for edit, rule, where, expected in edits:
        edit()
        cold = _validate(root, "0")
        assert _validate(root, "1") == cold
        assert _validate(root, "1") == cold
        assert _found(cold.replace(f"{root}/", ""), rule, where) == expected, (rule, where)


def test_a_file_changed_around_the_run_that_checked_it_is_checked_again(tmp_path, monkeypatch):
    """A file modified within the racy window of a run is stored without its identity: a second
    change in the same clock tick would not show in it, so the next run checks it again."""
    monkeypatch.setattr(snapshot, "RACY_NS", 2_000_000_000)
    root = tmp_path / "records"
    corpus.organisation(root, 5)  # written a moment ago
    _validate(root, "1")
    entries = snapshot.Snapshot(root, 0).entries
    assert entries and all(entry[0] is None for entry in entries.values())


def test_build_and_rebuild_re_check_only_what_changed(tmp_path, monkeypatch):
    """`build` reads the records through the snapshot `validate` left: after one evidence entry
    changed, the rebuild re-checks that entry and what cites it, and renders the pages that show it."""
    root = tmp_path / "records"
    corpus.organisation(root, 30)
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    planned: list[tuple[int, int]] = []
    plan = snapshot.Snapshot.plan

    def counted(self, records, context):  # the real plan, counted
        stale = plan(self, records, context)
        planned.append((len(stale), len(records)))
        return stale

    monkeypatch.setattr(snapshot.Snapshot, "plan", counted)
    assert _validate(root, "1").startswith("exit 0")
    site = tmp_path / "site"
    first = invoke(["build", "--records", root, "--out", site, "--audience", "internal"])
    assert first.exit_code == 0, first
    evidence = _evidence(root)[0]
    _rewrite(evidence, "title: ", "title: Changed ")
    again = invoke(["build", "--records", root, "--out", site, "--audience", "internal"])
    assert again.exit_code == 0, again
    (validated, records), (built, _), (rebuilt, _) = planned
    assert validated == records and built == 0  # the build reused every finding of validate
    assert 1 <= rebuilt < 5  # the entry, and a review or packet citing it
    pages, rendered = map(int, re.search(r"built (\d+) pages \((\d+) rendered", again.stderr + again.stdout).groups())
    assert 1 <= rendered < pages / 4


def test_reused_findings_are_shown_at_the_path_as_typed(tmp_path, monkeypatch):
    """Findings are stored without their path: reused for the same folder named another way,
    they point where that run's paths point."""
    root = tmp_path / "records"
    corpus.organisation(root, 10)
    _rewrite(_evidence(root)[0], "## Impact", "## Impact\n\nTODO: write this")
    monkeypatch.chdir(tmp_path)
    relative = _validate(Path("records"), "1")
    assert "records/people/" in relative
    monkeypatch.chdir(root)
    inside = _validate(Path("."), "1")
    assert inside == _validate(Path("."), "0")
    assert "\npeople/p" in inside and "records/" not in inside
