"""The CI templates `init` ships, run for real; and `validate --changed-since`, which they use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from perfdocs import __version__

from tests.support.files import REPO, edit, write_body
from tests.support.git import GIT_ENV

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
    write_body(work / res.stdout.splitlines()[0])
    ok(work, "git add . && git commit -q -m 'Evidence: retry redesign'")
    return work


def workflow(repo: Path) -> dict:
    return yaml.safe_load((repo / ".github/workflows/perfdocs.yml").read_text())


def gitlab(repo: Path) -> dict:
    return yaml.safe_load((repo / ".gitlab-ci.yml").read_text())


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


CHANGED_SINCE = "${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}"
CACHE_DIR = "${{ github.workspace }}/.perfdocs-cache"
CACHE = {
    "path": CACHE_DIR,
    "key": "perfdocs-${{ runner.os }}-${{ github.sha }}",
    "restore-keys": "perfdocs-${{ runner.os }}-",
}


def job_env(repo: Path, event: str) -> dict[str, str]:
    """The validate job's environment as GitHub sets it for a pull request into main or a push
    to main: its one expression, evaluated."""
    env = dict(workflow(repo)["jobs"]["validate"]["env"])
    assert env["PERFDOCS_CHANGED_SINCE"] == CHANGED_SINCE
    env["PERFDOCS_CHANGED_SINCE"] = "origin/main" if event == "pull_request" else ""
    assert env["PERFDOCS_CACHE_DIR"] == CACHE_DIR
    env["PERFDOCS_CACHE_DIR"] = str(repo / ".perfdocs-cache")  # github.workspace: the checkout
    assert not any("${{" in str(value) for value in env.values()), env
    return {key: str(value) for key, value in env.items()}


def shell_steps(steps: list[dict]) -> list[str]:
    """The `run:` scripts of a list of steps, each with `shell: bash` as GitHub runs it."""
    assert all(step["shell"] == "bash" for step in steps if "run" in step)
    return [step["run"] for step in steps if "run" in step]


def run_step(cwd: Path, script: str, env: dict) -> subprocess.CompletedProcess:
    """One step as GitHub's `shell: bash` runs it: bash --noprofile --norc -eo pipefail."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def github_env(repo: Path, event: str, tmp_path: Path, path: str | None = None) -> dict[str, str]:
    """What a step sees: the runner's environment (perfdocs on PATH), the job's env, the summary file."""
    return {
        **os.environ,
        "PATH": path or f"{REPO / '.venv/bin'}{os.pathsep}{os.environ['PATH']}",
        **job_env(repo, event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def test_the_github_workflow_validates_pull_requests_builds_and_publishes_from_main(pull_request):
    flow = workflow(pull_request)
    assert set(flow[True]) == {"pull_request", "push", "workflow_dispatch"}  # YAML 1.1 reads 'on' as true
    assert flow[True]["push"]["branches"] == ["main"]
    validate, publish = flow["jobs"]["validate"], flow["jobs"]["publish"]
    assert validate["steps"][0]["with"]["fetch-depth"] == 0
    install = next(s for s in validate["steps"] if s.get("name") == "Install perfdocs")
    assert install["run"] == 'pip install "$PERFDOCS_INSTALL"'
    assert validate["env"]["PERFDOCS_INSTALL"] == f"git+https://github.com/perfdocs/perfdocs@v{__version__}"
    assert (validate["env"]["PERFDOCS_RECORDS"], validate["env"]["PERFDOCS_SITE"]) == ("records", "site")
    assert [s.get("uses", "").split("@")[0] for s in validate["steps"]] == [
        "actions/checkout",
        "actions/cache",
        "actions/setup-python",
        "",
        "",
        "",
        "actions/upload-pages-artifact",
    ]
    assert shell_steps(validate["steps"])[1:] == [
        "status=0\n"
        'perfdocs validate --format github ${PERFDOCS_CHANGED_SINCE:+--changed-since "$PERFDOCS_CHANGED_SINCE"}'
        " || status=$?\n"
        "{\n"
        '  echo "### perfdocs validate"\n'
        "  echo '```'\n"
        '  perfdocs validate ${PERFDOCS_CHANGED_SINCE:+--changed-since "$PERFDOCS_CHANGED_SINCE"} 2>&1 || true\n'
        "  echo '```'\n"
        '} >> "$GITHUB_STEP_SUMMARY"\n'
        'exit "$status"\n',
        'perfdocs build --audience public --out "$PERFDOCS_SITE"',
    ]
    upload = next(s for s in validate["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    # perfdocs' cache (its key inside) is kept between runs, one per commit, restored from the
    # latest one GitHub lets the branch read (its own, else its base branch's).
    assert validate["steps"][1]["with"] == CACHE and validate["env"]["PERFDOCS_CACHE_DIR"] == CACHE_DIR
    assert publish["needs"] == "validate"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["steps"][-1]["uses"].startswith("actions/deploy-pages")
    assert "refs/heads/main" in publish["if"] and "refs/heads/main" in upload["if"]


@pytest.mark.parametrize("event", ["pull_request", "push"])
def test_the_github_workflow_steps_pass_on_a_clean_pull_request(pull_request, tmp_path, event):
    validate, build = shell_steps(workflow(pull_request)["jobs"]["validate"]["steps"])[1:]
    env = github_env(pull_request, event, tmp_path)
    out = run_step(pull_request, validate, env)
    assert (out.returncode, out.stdout) == (0, ""), out.stderr  # annotations only when there are problems
    note = "note: reporting the 1 record file changed since origin/main\n" if event == "pull_request" else ""
    assert out.stderr == note  # the github format has no summary line: the job summary has it
    reported = note + "7 files checked: 0 errors, 0 warnings (ok)\n"
    assert (tmp_path / "summary.md").read_text() == f"### perfdocs validate\n```\n{reported}```\n"
    out = run_step(pull_request, build, env)
    assert out.returncode == 0, out.stderr
    assert (pull_request / "site/index.html").is_file()


def test_the_github_workflow_annotates_only_what_the_pull_request_broke(pull_request, tmp_path):
    # A problem already on main, in a file the pull request does not touch...
    upstream = pull_request.parent / "upstream"
    edit(upstream / "records/teams/core.yaml", "name: Core", "name: Core\nmision: typo")
    ok(upstream, "git commit -q -am 'Typo on main'")
    ok(pull_request, "git fetch -q origin && git rebase -q origin/main")
    # ...and one the pull request makes.
    edit(pull_request / EVIDENCE, "  - system-design\n", "  - system-desing\n")
    ok(pull_request, "git commit -q -am 'Typo in the evidence'")
    validate = shell_steps(workflow(pull_request)["jobs"]["validate"]["steps"])[1]
    out = run_step(pull_request, validate, github_env(pull_request, "pull_request", tmp_path))
    assert out.returncode == 1
    assert out.stdout == (
        f"::error file={EVIDENCE},line=10,col=5,title=ref/unknown-competency::unknown competency "
        "'system-desing' for track engineering; did you mean 'system-design'?\n"
    )
    assert out.stderr == "note: reporting the 1 record file changed since origin/main\n"
    assert (tmp_path / "summary.md").read_text() == (
        "### perfdocs validate\n```\n"
        "note: reporting the 1 record file changed since origin/main\n"
        f"{EVIDENCE}:10:5: unknown competency 'system-desing' for track engineering; did you mean "
        "'system-design'? [ref/unknown-competency]\n"
        "    |\n"
        " 10 |   - system-desing\n"
        "    |     ^^^^^^^^^^^^^\n"
        "\n"
        "7 files checked: 1 error, 0 warnings (invalid)\n"
        "```\n"
    )


def test_the_action_runs_the_workflows_steps(pull_request):
    """action.yml (perfdocs' composite action) and the workflow `init` writes run the same
    commands, with the action's inputs in the same environment variables."""
    flow_steps = workflow(pull_request)["jobs"]["validate"]["steps"]
    steps = action()["runs"]["steps"]
    assert action()["runs"]["using"] == "composite"
    assert shell_steps(steps) == shell_steps(flow_steps)
    assert [s.get("uses", "").split("@")[0] for s in steps] == [
        "actions/cache",
        "actions/setup-python",
        "",
        "",
        "",
        "actions/upload-pages-artifact",
    ]
    assert steps.pop(0)["with"] == CACHE
    for step in steps:  # every variable a script reads is set from an input (or the action's own path)
        for name in step.get("env", {}):
            assert name in workflow(pull_request)["jobs"]["validate"]["env"], name
    inputs = action()["inputs"]
    assert {k: v["default"] for k, v in inputs.items()} == {
        "records": "records",
        "install-spec": "",
        "site": "site",
        "changed-since": "",
        "upload": "true",
        "python-version": "3.12",
    }
    assert steps[1]["env"] == {"PERFDOCS_INSTALL": "${{ inputs.install-spec || github.action_path }}"}
    assert steps[2]["env"] == {
        "PERFDOCS_RECORDS": "${{ inputs.records }}",
        "PERFDOCS_CHANGED_SINCE": "${{ inputs.changed-since }}",
        "PERFDOCS_CACHE_DIR": CACHE_DIR,
    }
    assert steps[3]["env"] == {
        "PERFDOCS_RECORDS": "${{ inputs.records }}",
        "PERFDOCS_SITE": "${{ inputs.site }}",
        "PERFDOCS_CACHE_DIR": CACHE_DIR,
    }
    assert steps[-1]["with"] == {"path": "${{ inputs.site }}"} and steps[-1]["if"] == "inputs.upload == 'true'"


def test_the_readme_names_the_install_spec_and_the_action_init_uses():
    from perfdocs.repo.init import REPOSITORY, action, default_install_spec

    readme = (REPO / "README.md").read_text()
    assert REPOSITORY == "https://github.com/perfdocs/perfdocs"
    assert f'pip install "{default_install_spec()}"' in readme
    assert f"  - uses: {action()}   #" in readme
    assert default_install_spec() == f"git+{REPOSITORY}@v{__version__}"


def test_the_gitlab_pipeline_validates_merge_requests_and_publishes_pages(pull_request):
    ci = gitlab(pull_request)
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert ci["validate"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    assert ci["default"]["before_script"] == ['pip install "$PERFDOCS_INSTALL"']
    assert ci["variables"]["PERFDOCS_INSTALL"] == f"git+https://github.com/perfdocs/perfdocs@v{__version__}"
    # perfdocs' cache (its key inside) is kept between pipelines, per branch, in the project
    # folder (GitLab caches nothing outside it); protected branches' caches stay apart.
    assert ci["default"]["cache"] == {
        "key": "perfdocs-$CI_COMMIT_REF_SLUG",
        "fallback_keys": ["perfdocs-$CI_DEFAULT_BRANCH"],
        "paths": [".perfdocs-cache/"],
    }
    assert "unprotect" not in ci["default"]["cache"]
    assert ci["variables"]["PERFDOCS_CACHE_DIR"] == "$CI_PROJECT_DIR/.perfdocs-cache"
    env = {
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_BRANCH": "main",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_PROJECT_DIR": str(pull_request),
        **{k: v for k, v in ci["variables"].items() if k != "PERFDOCS_INSTALL"},
    }
    env["PERFDOCS_CACHE_DIR"] = os.path.expandvars(
        env["PERFDOCS_CACHE_DIR"].replace("$CI_PROJECT_DIR", str(pull_request))
    )
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
        "note: reporting the 0 record files changed since HEAD\n7 files checked: 0 errors, 0 warnings (ok)\n"
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


# --- installing perfdocs as CI does ----------------------------------------------------------


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> tuple[Path, str]:
    """A local clone of this repository, as a CI runner would fetch it, and its commit (the
    committed HEAD of the checkout under test: uncommitted changes are not in it)."""
    where = tmp_path_factory.mktemp("perfdocs-src") / "perfdocs"
    subprocess.run(
        ["git", "clone", "-q", str(REPO), str(where)], check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )
    sha = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return where, sha.stdout.strip()


def fresh_venv(home: Path) -> Path:
    """A new virtualenv without perfdocs. The machine may have no package index, so what
    pip would download is borrowed from the test environment instead, through a .pth line:
    pip itself (a `pip` script stands in for the one ensurepip would install), perfdocs'
    dependencies and hatchling, its build backend. perfdocs itself is not borrowed (the
    .pth names a plain folder, so the editable install's own .pth is not read): `pip install
    SPEC` must fetch and build it from SPEC."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True, capture_output=True)
    python = home / "bin/python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = home / "bin/pip"
    pip.write_text(f"#!{python}\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n")
    pip.chmod(0o755)
    return home


def offline_runner(tmp_path: Path, venv: Path) -> dict[str, str]:
    """A CI runner's environment without a network: only the venv, git and the base system on
    PATH, no pip configuration or index, and no build isolation (which would download hatchling).
    pip reads PIP_NO_BUILD_ISOLATION inverted: 'false' turns isolation off."""
    git_bin = str(Path(shutil.which("git") or "/usr/bin/git").parent)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    return {
        **base,
        **GIT_ENV,
        "PATH": os.pathsep.join([str(venv / "bin"), git_bin, "/usr/bin", "/bin"]),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "false",
        "PIP_CACHE_DIR": str(tmp_path / "pip-cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


@pytest.mark.slow
def test_the_generated_workflow_installs_perfdocs_from_its_spec_and_validates_and_builds(
    cli, tmp_path, isolated_git, clone
):
    """Every shell step of the workflow `init --install-spec` writes, run as GitHub runs it on a
    push to main: pip installs perfdocs from a git URL pinned to a commit (a local clone of this
    repository, offline), then that perfdocs validates the records and builds the site."""
    source, sha = clone
    spec = f"git+file://{source}@{sha}"
    res = cli("init", "records-repo", "--handle", "ann", "--install-spec", spec, cwd=tmp_path)
    assert res.exit_code == 0, res
    assert f'CI installs perfdocs with: pip install "{spec}" (change it with --install-spec)\n' in res.stdout
    repo = tmp_path / "records-repo"
    ok(repo, "git add . && git commit -q -m 'Start our records'")
    venv = fresh_venv(tmp_path / "venv")
    env = {**offline_runner(tmp_path, venv), **job_env(repo, "push")}
    assert env["PERFDOCS_INSTALL"] == spec

    install, validate, build = shell_steps(workflow(repo)["jobs"]["validate"]["steps"])
    out = run_step(repo, install, env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert run_step(repo, "command -v perfdocs", env).stdout == f"{venv}/bin/perfdocs\n"
    out = run_step(repo, validate, env)
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert (tmp_path / "summary.md").read_text() == (
        "### perfdocs validate\n```\n6 files checked: 0 errors, 0 warnings (ok)\n```\n"
    )
    out = run_step(repo, build, env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (repo / "site/index.html").is_file()


@pytest.mark.slow
def test_the_action_installs_perfdocs_from_its_own_checkout_by_default(cli, tmp_path, isolated_git, clone):
    """action.yml's shell steps with its default inputs, as GitHub runs a composite action:
    `install-spec` empty, so pip installs the action's own checkout (github.action_path)."""
    source, _ = clone
    assert cli("init", "records-repo", "--handle", "ann", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "records-repo"
    venv = fresh_venv(tmp_path / "venv")
    inputs = {name: spec["default"] for name, spec in action()["inputs"].items()}
    known = {
        "${{ inputs.install-spec || github.action_path }}": inputs["install-spec"] or str(source),
        "${{ inputs.records }}": inputs["records"],
        "${{ inputs.changed-since }}": inputs["changed-since"],
        "${{ inputs.site }}": inputs["site"],
        CACHE_DIR: str(repo / ".perfdocs-cache"),
    }
    for step in action()["runs"]["steps"]:
        if "run" not in step:
            continue
        env = {**offline_runner(tmp_path, venv), "GITHUB_ACTION_PATH": str(source)}
        env.update({name: known[value] for name, value in step["env"].items()})
        out = run_step(repo, step["run"], env)
        assert out.returncode == 0, f"{step['name']}\n{out.stdout}\n{out.stderr}"
    assert run_step(repo, "command -v perfdocs", env).stdout == f"{venv}/bin/perfdocs\n"
    assert (tmp_path / "summary.md").read_text() == (
        "### perfdocs validate\n```\n6 files checked: 0 errors, 0 warnings (ok)\n```\n"
    )
    assert (repo / "site/index.html").is_file()
