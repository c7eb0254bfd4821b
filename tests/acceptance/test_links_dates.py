"""History with extreme dates is data, not a crash (issue 13, item 4): git records any timestamp
it is given, so a tracked repository may hold a commit of year 1 (git cannot even print its date),
one of 9999-12-31 at +14:00 (year 10000 in local time) and one with an offset of -99:59. `links
check`, `links resolve --write`, `validate` and `kpi dora` read them without an internal error."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from perfdocs.git import log

from tests.support.files import edit
from tests.support.git import GitRepo

ANN = "Ann Example <ann@tiny.example>"


def raw_commit(repo: GitRepo, parent: str, author_date: str, committer_date: str, message: str) -> str:
    """A commit written object by object, with raw `<timestamp> <offset>` dates that `git commit`
    would refuse."""
    tree = repo.git("write-tree")
    text = f"tree {tree}\nparent {parent}\nauthor {ANN} {author_date}\ncommitter {ANN} {committer_date}\n\n{message}\n"
    path = repo.path / ".raw-commit"
    path.write_text(text, encoding="utf-8")
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", str(path))
    path.unlink()
    repo.git("update-ref", "refs/heads/main", sha)
    return sha


@pytest.fixture
def odd(minimal: Path, git_repo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    repo = git_repo("api")
    root = repo.commit("Initial commit", {"README.md": "api\n"}, "2026-01-05T09:00:00+00:00")
    shas = {"#7": raw_commit(repo, root, "-62135596800 +0000", "-62135596800 -1234", "Year one (#7)")}
    shas["#8"] = raw_commit(repo, shas["#7"], "253402300799 +1400", "253402300799 +1400", "Year 9999 (#8)")
    shas["#9"] = raw_commit(repo, shas["#8"], "1700000000 +9959", "1700000000 -9959", "Odd offset (#9)")
    for name, sha in [("deploy-2026-01-05", root), *((f"deploy-{n[1]}", s) for n, s in shas.items())]:
        repo.git("update-ref", f"refs/tags/{name}", sha)  # `git tag` refuses such a commit
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            textwrap.dedent("\n            repositories:\n              tiny/api:\n                path: ../api\n")
        )
    edit(minimal / "teams/core.yaml", "services:\n", "repositories:\n  - tiny/api\nservices:\n")
    edit(
        minimal / "people/ann/evidence/2026-03-01-retry-redesign.md",
        "  - tiny/api#12\n",
        "  - tiny/api#7\n  - tiny/api#8\n  - tiny/api#9\n",
    )
    return {"root": minimal, "repo": repo, "shas": shas}


def test_git_prints_what_it_can_and_perfdocs_reads_every_date():
    assert log.when("%cI") == log.EARLIEST  # git could not print a year-one date
    assert log.when("10000-01-01T13:59:59+14:00") == log.LATEST
    assert log.when("2023-11-10T18:14:20-99:59").isoformat() == "2023-11-14T22:13:20+00:00"
    assert log.when("2026-03-12T11:00:00+01:00").isoformat() == "2026-03-12T11:00:00+01:00"


def test_links_check_resolve_and_validate_read_extreme_dates(cli, odd, tmp_path):
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == (  # a date is data: this one is far from the evidence's
        "records/people/ann/evidence/2026-03-01-retry-redesign.md:9:5: warning: the evidence is dated 2026-03-01 "
        "but tiny/api#8 merged on 9999-12-30, 2912382 days later (tolerance 14 days) [link/date-mismatch]\n"
        "   |\n"
        " 9 |   - tiny/api#8\n"
        "   |     ^^^^^^^^^^\n"
        "   = help: date the evidence when the work landed\n"
        "\n"
    )
    assert res.stderr == "4 links checked, 3 resolved against git: 0 errors, 1 warning (ok)\n"
    res = cli("links", "resolve", "--write", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    text = (odd["root"] / "people/ann/evidence/2026-03-01-retry-redesign.md").read_text(encoding="utf-8")
    assert "merged_at: '0001-01-02T00:00:00+00:00'" in text  # held to the range Python reads
    assert "merged_at: '9999-12-30T00:00:00+00:00'" in text
    assert "merged_at: '2023-11-14T22:13:20+00:00'" in text  # -99:59 applied by hand
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "note: 3 evidence links verified against git" in res.stderr


def test_kpi_dora_reads_extreme_dates(cli, odd, tmp_path):
    res = cli("kpi", "dora", "--team", "core", "--records", "records", cwd=tmp_path)
    assert "internal error" not in res.stderr + res.stdout, res
    assert res.exit_code == 0, res
