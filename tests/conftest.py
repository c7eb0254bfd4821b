"""Fixtures that wire the helpers in tests/support: real files, real git repositories with an
isolated configuration, the CLI as a user runs it, and the day every test runs on."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import git
from tests.support.cli import Result, invoke
from tests.support.files import FIXTURES, REPO, TODAY


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on the same day, so 'not in the future' rules are reproducible."""
    monkeypatch.setenv("PERFDOCS_TODAY", TODAY)
    monkeypatch.delenv("PERFDOCS_RECORDS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A copy of the small hand-made organisation in tests/fixtures/minimal (valid)."""
    dest = tmp_path / "records"
    shutil.copytree(FIXTURES / "minimal", dest)
    return dest


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the repository's example organisation (records/)."""
    dest = tmp_path / "records"
    shutil.copytree(REPO / "records", dest)
    return dest


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `perfdocs ARGS` in a folder through click's CliRunner; never raises."""

    def run(*args: object, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return invoke(args, input=input)

    return run


@pytest.fixture
def git_repo(tmp_path: Path) -> Callable[..., git.GitRepo]:
    """Factory: git_repo('name') -> GitRepo in tmp_path/name."""

    def make(name: str = "repo", branch: str = "main") -> git.GitRepo:
        return git.GitRepo(tmp_path / name, branch)

    return make


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git with a private global configuration (user Ann), for perfdocs' own git calls."""
    for key, value in git.isolated_config(tmp_path).items():
        monkeypatch.setenv(key, value)
    return tmp_path / "gitconfig"


@pytest.fixture
def org(minimal: Path, git_repo: Callable[..., git.GitRepo]) -> tuple[Path, git.GitRepo, dict[str, str]]:
    """The minimal organisation with team core deploying acme/api, the payments story of
    tests/support/git.py: (records folder, repository, named shas)."""
    return git.deploying_org(minimal, git_repo("payments"))


@pytest.fixture
def world(
    minimal: Path, git_repo: Callable[..., git.GitRepo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The minimal organisation with two configured clones (tests/support/git.py) and a private
    index cache."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    return git.linked_world(minimal, git_repo("api"), git_repo("proj", branch="trunk"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-cases",
        action="store_true",
        help="rewrite tests/cases/*.txt and tests/hostile/*/expected.txt from the current output (review the diff!)",
    )
