"""`perfdocs codeowners`: each person's folder routed to their manager; stale files warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.repo.codeowners import MARKER

from tests.support.files import edit

HEADER = [
    MARKER,
    "# Each person's folder is owned by their manager and by themselves, so pull requests",
    "# adding evidence, reviews or packets ask the right people. Regenerate after changing",
    "# a manager, a team or a person:  perfdocs codeowners",
]


@pytest.fixture
def repo(minimal, git_repo) -> Path:
    """The minimal organisation under records/ in a git repository (ann is managed by bob)."""
    git_repo("repo")
    target = minimal.parent / "repo" / "records"
    minimal.rename(target)
    return target.parent


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_codeowners_routes_each_folder_to_the_manager_and_the_person(cli, repo):
    res = cli("codeowners", cwd=repo)
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "wrote CODEOWNERS (2 people)\n")
    assert lines(repo / "CODEOWNERS") == HEADER + [
        "/records/people/ann/ @bob @ann",
        "/records/people/bob/ @bob",
    ]


def test_a_github_username_replaces_the_handle(cli, repo):
    edit(repo / "records/people/bob/person.yaml", "team: core\n", "team: core\ngithub: bob-gh\n")
    assert cli("codeowners", cwd=repo).exit_code == 0
    assert lines(repo / "CODEOWNERS")[-2:] == ["/records/people/ann/ @bob-gh @ann", "/records/people/bob/ @bob-gh"]


def test_without_a_manager_field_the_teams_manager_owns_the_folder(cli, repo):
    edit(repo / "records/people/ann/person.yaml", "manager: bob\n", "")
    assert cli("codeowners", cwd=repo).exit_code == 0
    assert lines(repo / "CODEOWNERS")[-2] == "/records/people/ann/ @bob @ann"


def test_the_repositorys_own_lines_are_kept_above_the_generated_part(cli, repo):
    (repo / ".github").mkdir()
    (repo / ".github/CODEOWNERS").write_text("* @platform\n/records/org.yaml @leads\n")
    assert cli("codeowners", cwd=repo).exit_code == 0
    assert not (repo / "CODEOWNERS").exists()
    assert lines(repo / ".github/CODEOWNERS") == ["* @platform", "/records/org.yaml @leads", ""] + HEADER + [
        "/records/people/ann/ @bob @ann",
        "/records/people/bob/ @bob",
    ]
    edit(repo / "records/people/bob/person.yaml", "team: core\n", "team: core\ngithub: bob-gh\n")
    again = cli("codeowners", cwd=repo)
    assert again.exit_code == 0, again
    assert lines(repo / ".github/CODEOWNERS") == ["* @platform", "/records/org.yaml @leads", ""] + HEADER + [
        "/records/people/ann/ @bob-gh @ann",
        "/records/people/bob/ @bob-gh",
    ]


def test_check_passes_when_up_to_date_and_fails_when_stale_or_missing(cli, repo):
    missing = cli("codeowners", "--check", cwd=repo)
    assert (missing.exit_code, missing.stderr) == (
        1,
        "CODEOWNERS is missing: run 'perfdocs codeowners' and commit it\n",
    )
    assert cli("codeowners", cwd=repo).exit_code == 0
    fresh = cli("codeowners", "--check", cwd=repo)
    assert (fresh.exit_code, fresh.stderr) == (0, "CODEOWNERS is up to date\n")
    edit(repo / "CODEOWNERS", "@bob @ann", "@ann")
    stale = cli("codeowners", "--check", cwd=repo)
    assert (stale.exit_code, stale.stderr) == (
        1,
        "CODEOWNERS is out of date: run 'perfdocs codeowners' and commit it\n",
    )
    assert lines(repo / "CODEOWNERS")[-2] == "/records/people/ann/ @ann"  # --check writes nothing


def test_stdout_prints_the_file_without_writing_it(cli, repo):
    res = cli("codeowners", "--stdout", cwd=repo)
    assert res.exit_code == 0
    assert res.stdout.splitlines() == HEADER + ["/records/people/ann/ @bob @ann", "/records/people/bob/ @bob"]
    assert not (repo / "CODEOWNERS").exists()


def test_validate_warns_at_the_person_when_codeowners_no_longer_routes_their_folder(cli, repo):
    assert cli("codeowners", cwd=repo).exit_code == 0
    assert cli("validate", cwd=repo).exit_code == 0
    (repo / "records/people/cy").mkdir()
    (repo / "records/people/cy/person.yaml").write_text(
        "kind: person\nhandle: cy\nname: Cy\nemails: [cy@tiny.example]\ntrack: backend\nlevel: l1\n"
        "team: core\nmanager: ann\nstart_date: 2026-01-05\n"
    )
    edit(repo / "records/teams/core.yaml", "  - bob\n", "  - bob\n  - cy\n")
    edit(repo / "CODEOWNERS", "/records/people/bob/ @bob", "/records/people/bob/ @bob\n/records/people/zed/ @zed")
    res = cli("validate", cwd=repo)
    assert res.exit_code == 0, res  # a warning: the records are fine, the routing is behind
    assert res.stdout == (
        "CODEOWNERS:7:1: warning: '/records/people/zed/ @zed' is not what perfdocs would generate from the "
        "records [codeowners/stale]\n"
        "   |\n"
        " 7 | /records/people/zed/ @zed\n"
        "   | ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "   = help: run 'perfdocs codeowners' and commit the file\n"
        "\n"
        "records/people/cy/person.yaml:8:10: warning: CODEOWNERS does not route /records/people/cy/ to "
        "@ann @cy [codeowners/stale]\n"
        "   |\n"
        " 8 | manager: ann\n"
        "   |          ^^^\n"
        "   = help: run 'perfdocs codeowners' and commit the file\n"
        "\n"
    )
    assert cli("codeowners", cwd=repo).exit_code == 0
    assert cli("validate", "--strict", cwd=repo).exit_code == 0


def test_a_hand_written_codeowners_is_not_checked(cli, repo):
    (repo / "CODEOWNERS").write_text("* @everyone\n")
    res = cli("validate", cwd=repo)
    assert (res.exit_code, res.stdout) == (0, "")


def test_init_writes_a_codeowners_that_validate_finds_up_to_date(cli, tmp_path, git_repo):
    git_repo("r")
    assert cli("init", tmp_path / "r", "--handle", "ann", cwd=tmp_path).exit_code == 0
    assert cli("codeowners", "--check", cwd=tmp_path / "r").exit_code == 0
    assert cli("validate", "--strict", cwd=tmp_path / "r").exit_code == 0
