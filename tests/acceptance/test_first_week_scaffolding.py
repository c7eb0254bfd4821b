"""A real organisation's first week (issue 17), the scaffolding: `new goal` is yours unless you
say whose it is, `new person` joins their team and CODEOWNERS, `init` writes a manager so a
packet can be drafted on day one, and the generated .gitignore keeps perfdocs' locks and
leftovers out of commits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from perfdocs.lock import output_lock_path, records_lock_path


@pytest.fixture
def repo(cli, tmp_path, isolated_git) -> Path:
    """`perfdocs init` as Ann (git's user.email ann@example.com), committed."""
    assert cli("init", "r", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "r"
    subprocess.run("git add . && git commit -q -m init", shell=True, cwd=repo, check=True)
    return repo


def test_new_goal_without_author_is_the_git_users_like_new_evidence(cli, repo):
    res = cli("new", "goal", "--title", "Cut checkout latency", "--period", "2026-Q4", cwd=repo)
    assert (res.exit_code, res.stdout, res.stderr) == (
        0,
        "records/people/ann/goals/2026-q4-cut-checkout-latency.yaml\n",
        "",
    )
    goal = yaml.safe_load((repo / "records/people/ann/goals/2026-q4-cut-checkout-latency.yaml").read_text())
    assert (goal["level"], goal["owner"]) == ("individual", "ann")


def test_new_goal_for_the_company_or_a_team_says_so(cli, repo):
    res = cli("new", "goal", "--company", "--title", "Reliable payments", "--period", "2026-Q4", cwd=repo)
    assert (res.exit_code, res.stdout) == (0, "records/goals/2026-q4-reliable-payments.yaml\n"), res
    goal = yaml.safe_load((repo / "records/goals/2026-q4-reliable-payments.yaml").read_text())
    assert (goal["level"], goal.get("owner")) == ("company", None)
    res = cli("new", "goal", "--team", "core", "--title", "Fast deploys", "--period", "2026-Q4", cwd=repo)
    assert (res.exit_code, res.stdout) == (0, "records/goals/2026-q4-fast-deploys.yaml\n"), res
    goal = yaml.safe_load((repo / "records/goals/2026-q4-fast-deploys.yaml").read_text())
    assert (goal["level"], goal["owner"]) == ("team", "core")
    res = cli("new", "goal", "--company", "--team", "core", "--title", "Both", cwd=repo)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == "perfdocs: error: --company and --team: a goal is the company's or a team's, not both\n"


def test_new_goal_without_author_or_a_known_email_names_the_other_owners(cli, repo, monkeypatch):
    subprocess.run(["git", "config", "--global", "user.email", "someone@else.example"], check=True)
    res = cli("new", "goal", "--title", "Cut checkout latency", cwd=repo)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == (
        "perfdocs: error: --author is needed: git's user.email someone@else.example is not any person's "
        "email; for a team goal give --team TEAM, for a company goal --company\n"
    )
    assert not (repo / "records/goals").exists() and not (repo / "records/people/ann/goals").exists()


def test_new_person_joins_their_team_and_the_generated_codeowners(cli, repo):
    res = cli("new", "person", "--id", "ines", "--title", "Ines Duarte", "--team", "core", cwd=repo)
    assert (res.exit_code, res.stdout) == (0, "records/people/ines/person.yaml\n"), res
    assert res.stderr == "updated records/teams/core.yaml\nupdated CODEOWNERS\n"
    diff = subprocess.run(["git", "diff", "-U1"], cwd=repo, capture_output=True, text=True, check=True).stdout
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "+/records/people/ines/ @manager @ines",
        "+  - ines",
    ]
    assert cli("codeowners", "--check", cwd=repo).exit_code == 0
    check = cli("validate", cwd=repo)
    assert (check.exit_code, check.stdout) == (0, "")
    assert check.stderr == "7 files checked: 0 errors, 0 warnings (ok)\n"


def test_new_person_leaves_a_hand_written_codeowners_alone(cli, repo):
    (repo / "CODEOWNERS").write_text("* @platform-team\n")
    res = cli("new", "person", "--id", "ines", "--team", "core", cwd=repo)
    assert res.exit_code == 0, res
    assert res.stderr == "updated records/teams/core.yaml\n"
    assert (repo / "CODEOWNERS").read_text() == "* @platform-team\n"


def test_init_writes_a_manager_so_a_packet_can_be_drafted_on_day_one(cli, repo):
    res = cli("packet", "draft", "ann", "--target", "l3", cwd=repo)
    assert res.exit_code == 0, res
    assert res.stdout.startswith("records/people/ann/packets/")
    packet = next((repo / "records/people/ann/packets").glob("*.md"))
    assert "sponsor: manager" in packet.read_text()


def test_init_manager_names_the_first_persons_manager(cli, tmp_path, isolated_git):
    res = cli("init", "r", "--manager", "bo", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stderr == ""  # no placeholder to fill in
    repo = tmp_path / "r"
    boss = yaml.safe_load((repo / "records/people/bo/person.yaml").read_text())
    assert (boss["handle"], boss["team"], boss["emails"]) == ("bo", "core", ["bo@example.com"])
    assert yaml.safe_load((repo / "records/people/ann/person.yaml").read_text())["manager"] == "bo"
    assert not (repo / "records/people/manager").exists()
    res = cli("init", "s", "--manager", "ann", cwd=tmp_path)
    assert (res.exit_code, res.stderr) == (
        2,
        "perfdocs: error: --manager 'ann' is the first person: name their manager, someone else\n",
    )


def test_the_generated_gitignore_covers_perfdocs_locks_and_leftovers(cli, repo):
    site, public = repo / "site", repo / "public"
    leftovers = [
        records_lock_path(repo / "records"),
        output_lock_path(site),
        output_lock_path(public),
        repo / ".site.building-k2x9a1",  # a killed build's folder (perfdocs/site/writer.py)
        repo / ".site.old-3hq0z8",
        repo / "records/people/ann/.person.yaml.x8f2k1.tmp",  # an interrupted atomic write (fsutil)
        repo / ".perfdocs-cache/records/ab.bin",
        site / "index.html",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    (repo / ".perfdocs/schemas/extra.schema.json").write_text("{}")  # the schemas' copies are committed
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout == "?? .perfdocs/schemas/extra.schema.json\n"
