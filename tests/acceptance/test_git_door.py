"""The one door to git (perfdocs.git.run): git missing, a folder outside git, a git that
hangs and a clean process afterwards, each as a user meets it. The environment is real: an
empty PATH has no git, and a script named `git` that sleeps is a git that hangs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from perfdocs.git import log
from perfdocs.git.run import GitError, run

from tests.support.files import REPO
from tests.support.git import GitRepo

REPOSITORIES = "repositories:\n  tiny/api:\n    path: ../api\n"


def perfdocs(*args: str | Path, path: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`perfdocs ARGS` as a user runs it, in a new process with PATH set to `path`."""
    env = {**os.environ, "PATH": path, "PYTHONPATH": str(REPO), "PERFDOCS_TODAY": "2026-11-24", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "perfdocs", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture
def records(tmp_path: Path) -> Path:
    """The minimal organisation in a real git repository, with a clone of tiny/api beside it."""
    repo = GitRepo(tmp_path / "org")
    shutil.copytree(REPO / "tests/fixtures/minimal", repo.path / "records")
    with open(repo.path / "records/org.yaml", "a", encoding="utf-8") as fh:
        fh.write(REPOSITORIES.replace("../api", "../../api"))
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "records")
    GitRepo(tmp_path / "api").commit("Initial commit")
    return repo.path / "records"


@pytest.mark.parametrize(
    "command",
    [("validate", "--changed-since", "main", "records"), ("links", "check", "--records", "records")],
    ids=["validate --changed-since", "links check"],
)
def test_without_git_a_command_that_needs_it_says_so_in_one_line_and_exits_2(records, tmp_path, command):
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    res = perfdocs(*command, path=str(empty), cwd=records.parent)
    assert res.returncode == 2, res
    assert res.stderr == "perfdocs: error: git is not installed (or not on PATH); perfdocs needs it for this command\n"
    assert "Traceback" not in res.stdout + res.stderr


def test_a_folder_outside_git_is_a_one_line_error_with_exit_2(tmp_path):
    shutil.copytree(REPO / "tests/fixtures/minimal", tmp_path / "records")
    res = perfdocs("validate", "--changed-since", "main", "records", path=os.environ["PATH"], cwd=tmp_path)
    assert res.returncode == 2, res
    assert res.stderr == "perfdocs: error: --changed-since needs a git repository, and records is not in one\n"


def test_run_in_a_folder_outside_git_raises_one_git_error(tmp_path):
    with pytest.raises(GitError) as err:
        run(tmp_path, "log")
    assert str(err.value).endswith("is not in a git repository (git log)")
    assert err.value.exit_code == 2


def test_run_without_git_on_path_raises_git_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError, match=r"^git is not installed \(or not on PATH\)"):
        run(tmp_path, "status")


def test_a_git_that_hangs_is_stopped_at_the_timeout(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "git"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    import time

    started = time.monotonic()
    with pytest.raises(GitError, match=r"^git status took longer than 0.5 s in .*; stopped$"):
        run(tmp_path, "status", timeout=0.5)
    assert time.monotonic() - started < 10


def test_running_git_leaves_no_thread_behind(git_repo):
    repo = git_repo("api")
    repo.commit("One")
    repo.git("tag", "deploy-1")
    before = threading.active_count()
    run(repo.path, "rev-parse", "HEAD")
    log.commits(repo.path, "HEAD")
    log.tags(repo.path)
    with pytest.raises(GitError):
        run(repo.path, "status", timeout=0.000001)
    assert threading.active_count() == before


def test_commits_are_read_in_one_format_with_names_dates_and_trailers(git_repo):
    repo = git_repo("api")
    first = repo.commit("Add retries", date="2026-03-01T10:00:00+01:00", author=("Ann", "ann@tiny.example"))
    second = repo.commit(
        "Fix the \x1e\x1f separators (#12)\n\nCo-authored-by: Bob <bob@tiny.example>\n",
        date="2026-03-02T09:30:00+00:00",
        author=("Ann", "ann@tiny.example"),
        committer=("GitHub", "noreply@github.com"),
    )
    repo.git("tag", "-a", "deploy-1", "-m", "deploy", second, date="2026-03-03T00:00:00+00:00")
    newest, oldest = log.commits(repo.path, "HEAD")
    assert (oldest.sha, oldest.parents, oldest.subject) == (first, (), "Add retries")
    assert oldest.authored.isoformat() == "2026-03-01T10:00:00+01:00"
    assert (newest.sha, newest.parents) == (second, (first,))
    assert (newest.author_name, newest.author_email) == ("Ann", "ann@tiny.example")
    assert (newest.committer_name, newest.committer_email) == ("GitHub", "noreply@github.com")
    assert newest.subject == "Fix the \x1e\x1f separators (#12)"
    assert newest.coauthors == ["bob@tiny.example"]
    [tag] = log.tags(repo.path)
    assert (tag.name, tag.sha, tag.time.isoformat()) == ("deploy-1", second, "2026-03-03T00:00:00+00:00")
