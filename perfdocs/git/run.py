"""The one door to git: every git command perfdocs runs goes through `run` (or, for the
few plumbing commands a quick `validate` starts before it reads anything,
perfdocs.git.worktree, with the same environment and timeout).

Each command runs as a process of its own (`subprocess`, no shell), with a fixed
environment added (a C locale, no terminal prompts, no pager), a timeout, and one error
policy: git missing, a folder that is not a repository, a command that fails or hangs,
each becomes a `GitError` (a PerfdocsError: one line, exit code 2). A caller that expects
a command to fail (a ref that may not exist) passes `check=False` and reads
`Output.returncode`.

GitPython was the wrapper here once; it was only ever used to start processes, and
importing it cost ~60 ms of every command that touches git (a quarter of a quick
`validate --changed-since`'s budget). The timeout is enforced with
`communicate(timeout=...)`, which starts no thread: perfdocs never forks a threaded
process (the loader and the site build fork workers), so running git must leave no
thread behind.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError

TIMEOUT = 120.0
"""Seconds one git command may take (a log walk of a 100,000-commit history takes ~2 s)."""

ENV = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "LC_ALL": "C",
    "LANGUAGE": "C",
}


class GitError(PerfdocsError):
    """git is missing, the folder is not a repository, or a git command failed."""


@dataclass(frozen=True)
class Output:
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def text(self) -> str:
        """stdout as text (git writes what commits hold byte for byte: invalid UTF-8 is replaced)."""
        return self.stdout.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def error(self) -> str:
        """The last line git wrote on stderr (its message), or a note that it wrote none."""
        lines = self.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.returncode}"


GIT = "git"
"""The git perfdocs runs: the one on PATH."""


def run(
    folder: Path | str,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    check: bool = True,
) -> Output:
    """Run `git ARGS` in `folder`. With `check`, a non-zero exit is a GitError naming the
    command, the folder and git's message."""
    return run_all(folder, [args], input=input, env=env, timeout=timeout, check=check)[0]


def run_all(
    folder: Path | str,
    commands: list[tuple[str, ...]],
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
    check: bool = True,
) -> list[Output]:
    """Run several git commands in `folder` side by side (each `run` alone would wait for the
    one before), and their outputs in order; `input` goes to each. A failure is handled as
    `run` handles it, once every command has ended."""
    folder = Path(folder)
    first = commands[0][0] if commands and commands[0] else ""
    if not folder.is_dir():
        raise GitError(f"{display_path(folder)} is not a folder (git {first})")
    environment = {**os.environ, **ENV, **(env or {})}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for args in commands:
            processes.append(
                subprocess.Popen(
                    [GIT, *args],
                    cwd=folder,
                    env=environment,
                    stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            )
    except FileNotFoundError:
        _stop(processes)
        raise GitError("git is not installed (or not on PATH); perfdocs needs it for this command") from None
    except OSError as error:
        _stop(processes)
        raise GitError(f"git could not be started in {display_path(folder)}: {error.strerror}") from None
    outputs = []
    for args, process in zip(commands, processes, strict=True):
        try:
            stdout, stderr = process.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(processes)
            raise GitError(f"git {args[0]} took longer than {timeout:g} s in {display_path(folder)}; stopped") from None
        outputs.append(Output(process.returncode, stdout or b"", stderr or b""))
    for args, out in zip(commands, outputs, strict=True):
        if check and not out.ok:
            if b"not a git repository" in out.stderr:
                raise GitError(f"{display_path(folder)} is not in a git repository (git {args[0]})")
            raise GitError(f"git {args[0]} failed in {display_path(folder)}: {out.error}")
    return outputs


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        try:
            process.communicate()
        except (OSError, ValueError):  # its pipes closed already
            pass


def text(folder: Path | str, *args: str, **options: Any) -> str:
    """stdout of `run(folder, *args)` as text."""
    return run(folder, *args, **options).text


def toplevel(folder: Path | str) -> Path | None:
    """The working tree holding `folder`, or None when it is not in a git repository (or
    git is not installed: a records folder outside git simply has no history)."""
    try:
        out = run(folder, "rev-parse", "--show-toplevel", check=False)
    except GitError:
        return None
    top = out.text.strip()
    return Path(top) if out.ok and top else None


def resolve(folder: Path | str, ref: str = "HEAD") -> str | None:
    """The commit `ref` names, or None (no such ref, or a repository without commits)."""
    if ref.startswith("-"):
        return None
    out = run(folder, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    return out.text.strip() or None if out.ok else None
