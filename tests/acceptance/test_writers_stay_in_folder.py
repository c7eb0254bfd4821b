"""Writers stay in their folder (issue 18, item 3): ids, periods and handles are checked before
any path is formed, `--force` replaces only a record of the same kind, `export -o` and `build`
refuse the records folder, and a refused command leaves the tree byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.errors import PerfdocsError
from perfdocs.repo import scaffold
from perfdocs.validation import load_valid


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, dot files included."""
    return {
        p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))
    }


REFUSED = [
    (["new", "metric", "--id", "../org", "--force", "--author", "ann"], "--id '../org' is not allowed"),
    (["new", "team", "--id", "../org", "--force", "--author", "ann"], "--id '../org' is not allowed"),
    (["new", "person", "--id", "../org", "--team", "core", "--force"], "--id '../org' is not allowed"),
    (["new", "person", "--id", "../people/bob", "--team", "core", "--force"], "is not allowed"),
    (["new", "postmortem", "--id", "../org", "--title", "t", "--author", "ann", "--force"], "is not allowed"),
    (["new", "metric", "--id", "a/b", "--author", "ann"], "is not allowed"),
    (["new", "metric", "--id", "a\0b", "--author", "ann"], "is not allowed"),
    (["new", "metric", "--id", "NUL", "--author", "ann"], "is not allowed"),
    (["new", "metric", "--id", "con.yaml", "--author", "ann"], "is not allowed"),
    (["new", "metric", "--id", ".hidden", "--author", "ann"], "is not allowed"),
    (
        ["new", "goal", "--period", "../../x", "--title", "t", "--force", "--company"],
        "--period '../../x' is not a quarter",
    ),
    (["new", "goal", "--period", "../../x", "--title", "t", "--author", "ann", "--force"], "is not a quarter"),
    (
        ["new", "goal", "--period", "2026-Q5", "--title", "t", "--company"],
        "--period '2026-Q5' is not a quarter: use YYYY-Q1",
    ),
    (["new", "goal", "--period", "0000-Q1", "--title", "t", "--company"], "outside the calendar"),
    (["export", "-o", "records/org.yaml"], "inside the records folder"),
    (["export", "-o", "records/new-folder/out.json"], "inside the records folder"),
    (["build", "--out", "records/sub/site"], "must be outside the records folder"),
    (["build", "--out", "records"], "must be outside the records folder"),
    (["serve", "--out", "records/site", "--port", "0"], "must be outside the records folder"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[" ".join(a).replace("\0", "NUL") for a, _ in REFUSED])
def test_a_refused_writer_says_what_is_allowed_and_creates_nothing(cli, minimal, tmp_path, args, message):
    before = tree(tmp_path)
    res = cli(*args, "--records", "records", cwd=tmp_path)
    assert res.exit_code == 2, res
    assert message in res.stderr, res
    assert len(res.stderr.strip().splitlines()) == 1, res
    assert "internal error" not in res.stderr
    assert tree(tmp_path) == before


def test_force_replaces_a_record_of_the_same_kind_and_id(cli, minimal):
    path = minimal / "metrics/api-latency.yaml"
    res = cli("new", "metric", "--id", "api-latency", "--author", "ann", "--records", minimal)
    assert res.exit_code == 2 and "already exists" in res.stderr, res
    res = cli("new", "metric", "--id", "api-latency", "--author", "ann", "--force", "--records", minimal)
    assert res.exit_code == 0, res
    assert "id: api-latency" in path.read_text()


def test_force_never_replaces_a_record_of_another_kind(minimal):
    """A path that is not the kind's own record (org.yaml, a person) is refused, naming what is there."""
    org = load_valid(minimal).org
    org_before, person_before = (minimal / "org.yaml").read_bytes(), (minimal / "people/ann/person.yaml").read_bytes()
    with pytest.raises(PerfdocsError, match=r"org.yaml holds the org record '.*'; --force only replaces a metric"):
        scaffold.replaceable("metric", org, minimal, (minimal / "org.yaml").resolve())
    with pytest.raises(PerfdocsError, match=r"holds the person record 'ann'; --force only replaces a team record"):
        scaffold.replaceable("team", org, minimal, (minimal / "people/ann/person.yaml").resolve())
    (minimal / "metrics/notes.txt").write_text("mine\n")
    with pytest.raises(PerfdocsError, match="is not a metric record"):
        scaffold.replaceable("metric", org, minimal, (minimal / "metrics/notes.txt").resolve())
    assert (minimal / "org.yaml").read_bytes() == org_before
    assert (minimal / "people/ann/person.yaml").read_bytes() == person_before


def test_export_outside_the_records_folder_still_writes(cli, minimal, tmp_path):
    res = cli("export", "-o", tmp_path / "out.json", "--records", minimal)
    assert res.exit_code == 0, res
    assert '"records": [' in (tmp_path / "out.json").read_text()
