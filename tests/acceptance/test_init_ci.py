"""The CI templates `init` ships, run for real; and `validate --changed-since`, which they use."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from perfdocs import __version__

from tests.support.files import REPO, edit

EVIDENCE = "records/people/ann/evidence/2026-11-20-retry-redesign.md"


def sh(cwd: Path, command: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{REPO / '.venv/bin'}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)


def ok(cwd: Path, command: str, env: dict | None = None) -> str:
    out = sh(cwd, command, env)
    assert out.returncode == 0, f"{command}\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.fixture
def pull_request(cli, tmp_path, isolated_git):
    """A records repository on a server ('upstream', branch main) and a clone with a branch
    that adds one evidence entry: what CI checks out for a pull request."""
    assert cli("init", "upstream", cwd=tmp_path).exit_code == 0
    upstream = tmp_path / "upstream"
    ok(upstream, "git add . && git commit -q -m 'Start our records'")
    ok(tmp_path, "git clone -q upstream work")
    work = tmp_path / "work"
    ok(work, "git switch -q -c evidence/retries")
    res = cli(
        "new",
        "evidence",
        "--title",
        "Retry redesign",
        "--type",
        "pr",
        "--date",
        "2026-11-20",
        "--competency",
        "system-design",
        cwd=work,
    )
    assert res.exit_code == 0, res
    ok(work, "git add . && git commit -q -m 'Evidence: retry redesign'")
    return work


def workflow(repo: Path) -> dict:
    return yaml.safe_load((repo / ".github/workflows/perfdocs.yml").read_text())


def gitlab(repo: Path) -> dict:
    return yaml.safe_load((repo / ".gitlab-ci.yml").read_text())


def github_commands(repo: Path, base_ref: str = "main") -> list[str]:
    """Every perfdocs command of the workflow, with GitHub's expressions filled in."""
    commands = []
    for job in workflow(repo)["jobs"].values():
        for step in job["steps"]:
            command = step.get("run", "")
            if command.startswith("perfdocs "):
                command = command.replace("${{ github.base_ref }}", base_ref)
                assert "${{" not in command, command
                commands.append(command)
    return commands


def test_the_github_workflow_validates_pull_requests_builds_and_publishes_from_main(pull_request):
    flow = workflow(pull_request)
    assert set(flow[True]) == {"pull_request", "push", "workflow_dispatch"}  # YAML 1.1 reads 'on' as true
    assert flow[True]["push"]["branches"] == ["main"]
    validate, publish = flow["jobs"]["validate"], flow["jobs"]["publish"]
    assert validate["steps"][0]["with"]["fetch-depth"] == 0
    install = next(s for s in validate["steps"] if s.get("name") == "Install perfdocs")
    assert install["run"] == f'pip install "perfdocs=={__version__}"'
    assert github_commands(pull_request) == [
        "perfdocs validate --format github --changed-since origin/main",
        "perfdocs validate --format github",
        "perfdocs build --audience public --out site",
    ]
    upload = next(s for s in validate["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert publish["needs"] == "validate"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["steps"][-1]["uses"].startswith("actions/deploy-pages")
    assert "refs/heads/main" in publish["if"] and "refs/heads/main" in upload["if"]


def test_the_github_workflow_commands_pass_on_a_clean_pull_request(pull_request):
    for command in github_commands(pull_request):
        out = sh(pull_request, command)
        assert out.returncode == 0, f"{command}\n{out.stdout}\n{out.stderr}"
        assert out.stdout == "", command  # annotations only when there are problems
    assert (pull_request / "site/index.html").is_file()


def test_the_github_workflow_annotates_only_what_the_pull_request_broke(pull_request):
    # A problem already on main, in a file the pull request does not touch...
    upstream = pull_request.parent / "upstream"
    edit(upstream / "records/teams/core.yaml", "name: Core", "name: Core\nmision: typo")
    ok(upstream, "git commit -q -am 'Typo on main'")
    ok(pull_request, "git fetch -q origin && git rebase -q origin/main")
    # ...and one the pull request makes.
    edit(pull_request / EVIDENCE, "  - system-design\n", "  - system-desing\n")
    ok(pull_request, "git commit -q -am 'Typo in the evidence'")
    out = sh(pull_request, github_commands(pull_request)[0])
    assert out.returncode == 1
    assert out.stdout == (
        f"::error file={EVIDENCE},line=10,col=5,title=ref/unknown-competency::unknown competency "
        "'system-desing' for track engineering; did you mean 'system-design'?\n"
    )
    assert out.stderr == "note: reporting the 1 record file changed since origin/main\n"


def test_the_gitlab_pipeline_validates_merge_requests_and_publishes_pages(pull_request):
    ci = gitlab(pull_request)
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert ci["validate"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert ci["default"]["before_script"] == [f'pip install "perfdocs=={__version__}"']
    env = {
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_BRANCH": "main",
        "CI_PIPELINE_SOURCE": "merge_request_event",
    }
    for job in ("validate", "pages"):
        for command in ci[job]["script"]:
            assert command.split()[0] in ("git", "perfdocs"), command
            ok(pull_request, command, env)
    assert (pull_request / "public/index.html").is_file()
    assert (pull_request / "site/index.html").is_file()


# --- validate --changed-since ----------------------------------------------------------


def test_changed_since_reports_committed_staged_unstaged_and_untracked_changes_only(cli, pull_request):
    work = pull_request
    # committed on the branch: the evidence (fine); now break four more files in four states
    edit(work / EVIDENCE, "type: pr", "type: prr")
    ok(work, "git commit -q -am 'committed'")
    edit(work / "records/teams/core.yaml", "name: Core", "name: Core\nmision: staged")
    ok(work, "git add records/teams/core.yaml")
    edit(work / "records/tracks/engineering.yaml", "name: Software engineering", "nam: unstaged")
    (work / "records/people/ann/goals").mkdir(parents=True)
    (work / "records/people/ann/goals/2026-Q4-x.yaml").write_text("kind: goal\n")
    # changed on main after the branch forked: not this branch's business
    upstream = work.parent / "upstream"
    edit(upstream / "records/org.yaml", "review_cadence_quarters: 1", "review_cadence_quarters: 9")
    ok(upstream, "git commit -q -am 'main moves on' && cd ../work && git fetch -q origin")

    res = cli("validate", "--changed-since", "origin/main", cwd=work)
    assert res.exit_code == 1
    rules = [line.split(":")[0] for line in res.stdout.splitlines() if line and not line.startswith(" ")]
    reported = set(rules)
    assert reported == {
        EVIDENCE,
        "records/people/ann/goals/2026-Q4-x.yaml",
        "records/teams/core.yaml",
        "records/tracks/engineering.yaml",
    }
    assert res.stderr.startswith("note: reporting the 4 record files changed since origin/main\n")


def test_changed_since_with_paths_reports_the_changed_files_among_them(cli, pull_request):
    edit(pull_request / "records/teams/core.yaml", "name: Core", "name: Core\nmision: x")
    edit(pull_request / EVIDENCE, "type: pr", "type: prr")
    res = cli("validate", "records/teams", "--changed-since", "origin/main", cwd=pull_request)
    assert res.exit_code == 1
    assert res.stdout == (
        "records/teams/core.yaml:5:1: unknown field 'mision'; did you mean 'mission'? [schema/unknown-field]\n"
        "   |\n"
        " 5 | mision: x\n"
        "   | ^^^^^^\n"
        "\n"
    )


def test_changed_since_without_changes_reports_nothing_and_passes(cli, pull_request):
    res = cli("validate", "--changed-since", "HEAD", cwd=pull_request)
    assert (res.exit_code, res.stdout) == (0, "")
    assert res.stderr == (
        "note: reporting the 0 record files changed since HEAD\n6 files checked: 0 errors, 0 warnings (ok)\n"
    )


def test_changed_since_an_unknown_ref_is_a_usage_error(cli, pull_request):
    res = cli("validate", "--changed-since", "origin/nope", cwd=pull_request)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == (
        "perfdocs: error: --changed-since: unknown git ref 'origin/nope' (in CI, fetch "
        "it first, e.g. git fetch origin main, or check out with fetch-depth: 0)\n"
    )


def test_changed_since_outside_a_git_repository_is_a_usage_error(cli, minimal, tmp_path, isolated_git):
    res = cli("validate", "--changed-since", "main", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (2, "")
    assert res.stderr == ("perfdocs: error: --changed-since needs a git repository, and records is not in one\n")
