"""Breakage shown where it is caused: `validate PATHS`, `validate --changed-since REF` and the
pre-commit hook also report the problems a change causes in records it did not touch (a
renamed competency, a removed person, a renamed team), marked with the file whose change
caused them, and fail on them."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.support.files import FIXTURES, REPO, edit
from tests.support.git import GitRepo

MATRIX = "records/matrices/backend.yaml"
NOTE = f"caused by your change to {MATRIX}"

BROKEN_BY_THE_RENAME = (
    "records/people/ann/evidence/2026-03-01-retry-redesign.md:10:5: "
    "unknown competency 'design' for track backend [ref/unknown-competency]\n"
    "    |\n"
    " 10 |   - design\n"
    "    |     ^^^^^^\n"
    f"    = note: {NOTE}\n"
    "\n"
    "records/people/ann/packets/2026-senior.md:13:17: "
    "unknown competency 'design' for track backend [ref/unknown-competency]\n"
    "    |\n"
    " 13 |   - competency: design\n"
    "    |                 ^^^^^^\n"
    f"    = note: {NOTE}\n"
    "\n"
    "records/people/ann/reviews/2026-Q1.md:21:17: "
    "unknown competency 'design' for track backend [ref/unknown-competency]\n"
    "    |\n"
    " 21 |     competency: design\n"
    "    |                 ^^^^^^\n"
    f"    = note: {NOTE}\n"
    "\n"
)


def _rename_design(records):
    edit(records / "matrices/backend.yaml", "  - id: design\n", "  - id: architecture\n")


def test_renaming_a_competency_reports_the_three_records_it_breaks(cli, minimal, tmp_path):
    """No git here: the matrix owns its track's competencies, so every reference to one it
    lacks is its change's doing."""
    _rename_design(minimal)
    res = cli("validate", MATRIX, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stdout == BROKEN_BY_THE_RENAME
    assert res.stderr == "16 files checked: 3 errors, 0 warnings (invalid)\n"

    as_json = json.loads(cli("validate", MATRIX, "--format", "json", cwd=tmp_path).stdout)
    assert [(d["path"], d["line"], d["caused_by"]) for d in as_json["diagnostics"]] == [
        ("records/people/ann/evidence/2026-03-01-retry-redesign.md", 10, MATRIX),
        ("records/people/ann/packets/2026-senior.md", 13, MATRIX),
        ("records/people/ann/reviews/2026-Q1.md", 21, MATRIX),
    ]
    github = cli("validate", MATRIX, "--format", "github", cwd=tmp_path).stdout
    assert github.splitlines()[0] == (
        "::error file=records/people/ann/evidence/2026-03-01-retry-redesign.md,line=10,col=5,"
        f"title=ref/unknown-competency::unknown competency 'design' for track backend ({NOTE})"
    )


def test_an_unrelated_file_reports_nothing_of_the_others(cli, minimal, tmp_path):
    _rename_design(minimal)
    res = cli("validate", "records/teams/core.yaml", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_a_problem_that_the_change_did_not_cause_is_not_reported(cli, minimal, tmp_path):
    """A broken reference elsewhere to something the changed file never defined stays the
    business of its own file."""
    edit(minimal / "people/ann/person.yaml", "manager: bob", "manager: bobb")
    res = cli("validate", MATRIX, cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


@pytest.fixture
def records_repo(tmp_path, isolated_git):
    """The minimal organisation committed in a git repository, as records/ (branch main)."""
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(FIXTURES / "minimal", repo.path / "records")
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "records")
    return repo


def test_changed_since_reports_the_records_a_renamed_competency_breaks(cli, records_repo):
    records_repo.git("checkout", "-q", "-b", "rename")
    _rename_design(records_repo.path / "records")
    records_repo.git("commit", "-q", "-am", "Rename design")
    res = cli("validate", "--changed-since", "main", cwd=records_repo.path)
    assert res.exit_code == 1, res
    assert res.stdout == BROKEN_BY_THE_RENAME
    assert res.stderr == (
        "note: reporting the 1 record file changed since main\n16 files checked: 3 errors, 0 warnings (invalid)\n"
    )


def test_changed_since_reports_what_a_deleted_person_leaves_dangling(cli, records_repo):
    """A deleted file defines nothing now: what it used to define comes from git."""
    records_repo.git("rm", "-q", "-r", "records/people/bob")
    res = cli("validate", "--changed-since", "HEAD", "--format", "json", cwd=records_repo.path)
    assert res.exit_code == 1, res
    found = [(d["path"], d["line"], d["message"], d["caused_by"]) for d in json.loads(res.stdout)["diagnostics"]]
    bob = "records/people/bob/person.yaml"
    # every place the minimal organisation names bob (grep -rn bob), his own folder aside
    assert found == [
        (f"records/{path}", line, "unknown person 'bob'", bob)
        for path, line in (
            ("metrics/api-latency.yaml", 4),
            ("people/ann/evidence/2026-05-10-mentoring.md", 12),
            ("people/ann/packets/2026-senior.md", 7),
            ("people/ann/person.yaml", 9),
            ("people/ann/reviews/2026-Q1.md", 5),
            ("people/ann/reviews/2026-Q1.md", 14),
            ("postmortems/pm-1.md", 15),
            ("teams/core.yaml", 4),
            ("teams/core.yaml", 7),
        )
    ]


def test_validate_a_file_in_git_knows_the_ids_it_used_to_define(cli, records_repo):
    """A team renamed inside its file: the references to its old id are the change's doing,
    which only git (the file at HEAD) can tell."""
    records = records_repo.path / "records"
    edit(records / "teams/core.yaml", "id: core", "id: platform")
    res = cli("validate", "records/teams/core.yaml", "--format", "json", cwd=records_repo.path)
    assert res.exit_code == 1, res
    found = {(d["path"], d["message"], d["caused_by"]) for d in json.loads(res.stdout)["diagnostics"]}
    assert found == {
        ("records/kpis/core/api-latency.yaml", "unknown team 'core'", "records/teams/core.yaml"),
        ("records/people/ann/person.yaml", "unknown team 'core'", "records/teams/core.yaml"),
        ("records/people/bob/person.yaml", "unknown team 'core'", "records/teams/core.yaml"),
        ("records/postmortems/pm-1.md", "unknown team 'core'", "records/teams/core.yaml"),
        # the changed file's own problems, reported as ever
        ("records/teams/core.yaml", "'ann' is listed as a member, but their team is 'core'", None),
        ("records/teams/core.yaml", "'bob' is listed as a member, but their team is 'core'", None),
    }


PRE_COMMIT = shutil.which("pre-commit", path=str(REPO / ".venv/bin")) or shutil.which("pre-commit")


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install -e '.[test]')")
def test_the_pre_commit_hook_refuses_a_commit_that_breaks_other_records(cli, tmp_path, isolated_git):
    """The real hook, in the repository `init` writes, with the minimal organisation's records:
    renaming a competency is refused with the three records it breaks."""
    import os

    assert cli("init", "repo", "--handle", "ann", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "repo"
    shutil.rmtree(repo / "records")
    shutil.copytree(FIXTURES / "minimal", repo / "records")
    env = {
        **os.environ,
        "PATH": f"{REPO / '.venv/bin'}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True)

    assert run("pre-commit", "install").returncode == 0
    assert run("git", "add", ".").returncode == 0
    first = run("git", "commit", "-q", "-m", "Our records")
    assert first.returncode == 0, first.stdout + first.stderr

    _rename_design(repo / "records")
    run("git", "add", MATRIX)
    head = run("git", "rev-parse", "HEAD").stdout
    rejected = run("git", "commit", "-m", "Rename design")
    assert rejected.returncode != 0
    assert rejected.stderr == (
        "perfdocs validate........................................................Failed\n"
        "- hook id: perfdocs-validate\n"
        "- exit code: 1\n"
        "\n"
        f"{BROKEN_BY_THE_RENAME}"
        "16 files checked: 3 errors, 0 warnings (invalid)\n"
        "\n"
    )
    assert run("git", "rev-parse", "HEAD").stdout == head
