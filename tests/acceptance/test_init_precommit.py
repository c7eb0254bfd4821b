"""End to end: init, new evidence, commit, validate, build; then pre-commit (the real one)
rejects a commit that breaks a record, with the path:line:col message."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.files import REPO, edit, write_body

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit", path=str(REPO / ".venv/bin")) is None and shutil.which("pre-commit") is None,
    reason="pre-commit is not installed (pip install -e '.[test]')",
)

EVIDENCE = "records/people/ann/evidence/2026-11-24-retry-redesign.md"


def run(cwd: Path, *args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    out = subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True)
    if check:
        assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture
def env(tmp_path, isolated_git):
    """The environment a user has: perfdocs and pre-commit on PATH, a private pre-commit cache."""
    return {
        **os.environ,
        "PATH": f"{REPO / '.venv/bin'}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
    }


def test_from_init_to_a_commit_rejected_by_the_pre_commit_hook(cli, tmp_path, env):
    assert cli("init", "my-records", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "my-records"

    res = cli(
        "new",
        "evidence",
        "--title",
        "Retry redesign",
        "--type",
        "pr",
        "--competency",
        "system-design",
        "--link",
        "acme/payments#412",
        cwd=repo,
    )
    assert (res.exit_code, res.stdout) == (0, EVIDENCE + "\n"), res
    write_body(repo / EVIDENCE)
    run(repo, "git", "add", ".", env=env)
    run(repo, "git", "commit", "-q", "-m", "Start our records", env=env)

    assert cli("validate", cwd=repo).exit_code == 0
    built = cli("build", cwd=repo)
    assert built.exit_code == 0, built
    assert (repo / "site/index.html").is_file()

    run(repo, "pre-commit", "install", env=env)
    edit(repo / EVIDENCE, "  - system-design\n", "  - system-desing\n")
    run(repo, "git", "add", EVIDENCE, env=env)
    head = run(repo, "git", "rev-parse", "HEAD", env=env).stdout
    rejected = run(repo, "git", "commit", "-m", "Typo", env=env, check=False)
    assert rejected.returncode != 0
    line = next(i for i, text in enumerate((repo / EVIDENCE).read_text().splitlines(), 1) if "system-desing" in text)
    assert rejected.stderr == (
        "perfdocs validate........................................................Failed\n"
        "- hook id: perfdocs-validate\n"
        "- exit code: 1\n"
        "\n"
        f"{EVIDENCE}:{line}:5: unknown competency 'system-desing' for track engineering; "
        "did you mean 'system-design'? [ref/unknown-competency]\n"
        "    |\n"
        f" {line} |   - system-desing\n"
        "    |     ^^^^^^^^^^^^^\n"
        "\n"
        "7 files checked: 1 error, 0 warnings (invalid)\n"
        "\n"
    )
    assert run(repo, "git", "rev-parse", "HEAD", env=env).stdout == head

    edit(repo / EVIDENCE, "  - system-desing\n", "  - system-design\n  - mentoring\n")
    run(repo, "git", "add", EVIDENCE, env=env)
    accepted = run(repo, "git", "commit", "-m", "Mentoring too", env=env)
    assert "perfdocs validate" in accepted.stderr and "Passed" in accepted.stderr


def test_the_hook_reports_only_the_staged_records(cli, tmp_path, env):
    """A problem already committed elsewhere does not block an unrelated commit, while the
    changed file's references are still checked against all the records."""
    assert cli("init", "r", "--handle", "ann", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "r"
    run(repo, "pre-commit", "install", env=env)
    edit(repo / "records/teams/core.yaml", "name: Core", "name: Core\nmision: typo")
    run(repo, "git", "add", ".", env=env)
    run(repo, "git", "commit", "-q", "--no-verify", "-m", "Broken team, committed anyway", env=env)

    edit(repo / "records/people/ann/person.yaml", "level: l2", "level: l3")
    run(repo, "git", "add", ".", env=env)
    run(repo, "git", "commit", "-q", "-m", "Promotion", env=env)

    edit(repo / "records/people/ann/person.yaml", "level: l3", "level: l9")
    run(repo, "git", "add", ".", env=env)
    rejected = run(repo, "git", "commit", "-m", "Unknown level", env=env, check=False)
    assert rejected.returncode != 0
    assert rejected.stderr == (
        "perfdocs validate........................................................Failed\n"
        "- hook id: perfdocs-validate\n"
        "- exit code: 1\n"
        "\n"
        "records/people/ann/person.yaml:9:8: level 'l9' is not in track engineering [ref/unknown-level]\n"
        "   |\n"
        " 9 | level: l9\n"
        "   |        ^^\n"
        "   = help: levels: l1, l2, l3, l4\n"
        "\n"
        "6 files checked: 1 error, 0 warnings (invalid)\n"
        "\n"
    )


def test_the_hook_definition_matches_the_hook_init_ships():
    """The published hook (for `repo: <perfdocs>`) and the local one in init's configuration
    run the same command the same way."""
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    shipped = yaml.safe_load((REPO / "templates/init/dot-pre-commit-config.yaml").read_text())
    (hook,) = published
    (local,) = shipped["repos"][0]["hooks"]
    assert hook["id"] == local["id"] == "perfdocs-validate"
    for key in ("entry", "pass_filenames", "require_serial"):
        assert hook[key] == local[key], key
    assert (hook["entry"], hook["pass_filenames"]) == ("perfdocs validate", True)
    assert hook["language"] == "python"


@pytest.mark.slow
def test_the_published_hook_installs_and_runs_through_pre_commit_try_repo(cli, tmp_path, env):
    """pre-commit installs perfdocs from this repository (its .pre-commit-hooks.yaml) into its
    own environment and runs it; needs the package index for perfdocs' dependencies."""
    assert cli("init", "r", "--handle", "ann", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "r"
    run(repo, "git", "add", ".", env=env)
    run(repo, "git", "commit", "-q", "-m", "init", env=env)
    edit(repo / "records/people/ann/person.yaml", "level: l2", "level: l9")
    out = run(
        repo,
        "pre-commit",
        "try-repo",
        str(REPO),
        "perfdocs-validate",
        "--files",
        "records/people/ann/person.yaml",
        env=env,
        check=False,
    )
    if "Could not find a version" in out.stdout + out.stderr or "Network is unreachable" in out.stdout:
        pytest.skip("no package index to install perfdocs' dependencies from")
    assert out.returncode == 1, out.stdout + out.stderr
    assert (
        "records/people/ann/person.yaml:9:8: level 'l9' is not in track engineering [ref/unknown-level]\n"
        "   |\n"
        " 9 | level: l9\n"
        "   |        ^^\n"
        "   = help: levels: l1, l2, l3, l4\n"
    ) in out.stdout
