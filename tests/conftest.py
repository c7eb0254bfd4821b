"""Shared fixtures: real files, real git repositories, the CLI as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdocs.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    """Every test runs on the same day, so 'not in the future' rules are reproducible."""
    monkeypatch.setenv("PERFDOCS_TODAY", TODAY)
    monkeypatch.delenv("PERFDOCS_RECORDS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} under root (texts are dedented)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A copy of the small hand-made organisation in tests/fixtures/minimal (valid)."""
    dest = tmp_path / "records"
    shutil.copytree(FIXTURES / "minimal", dest)
    return dest


@pytest.fixture
def example(tmp_path) -> Path:
    """A copy of the repository's example organisation (records/)."""
    dest = tmp_path / "records"
    shutil.copytree(REPO / "records", dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


@pytest.fixture
def cli(monkeypatch):
    """Run `perfdocs ARGS` in a folder through click's CliRunner; never raises."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        runner = CliRunner()
        if cwd is not None:
            monkeypatch.chdir(cwd)
        res = runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
        return Result(res.exit_code, res.stdout, res.stderr)

    return run


GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class GitRepo:
    """A real git repository with an isolated configuration and commits at fixed dates."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(
        self,
        *args: str,
        date: str | None = None,
        author: tuple[str, str] | None = None,
        committer: tuple[str, str] | None = None,
    ) -> str:
        env = {**os.environ, **GIT_ENV}
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        if author:
            env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = author
        if committer:
            env["GIT_COMMITTER_NAME"], env["GIT_COMMITTER_EMAIL"] = committer
        out = subprocess.run(["git", *args], cwd=self.path, env=env, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def commit(
        self,
        message: str,
        files: dict[str, str] | None = None,
        date: str = "2026-01-01T12:00:00+00:00",
        author: tuple[str, str] = ("Test", "test@example.com"),
        committer: tuple[str, str] | None = None,
    ) -> str:
        for rel, text in (files or {f"file-{abs(hash(message)) % 10**8}.txt": message}).items():
            path = self.path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", rel)
        self.git(
            "commit", "-q", "--allow-empty", "-m", message, date=date, author=author, committer=committer or author
        )
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_repo(tmp_path):
    """Factory: git_repo('name') -> GitRepo in tmp_path/name."""

    def make(name: str = "repo", branch: str = "main") -> GitRepo:
        return GitRepo(tmp_path / name, branch)

    return make


def pytest_addoption(parser):
    parser.addoption(
        "--regen-cases",
        action="store_true",
        help="rewrite tests/cases/*.txt from the current output (review the diff!)",
    )
