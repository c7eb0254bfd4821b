"""What git knows about the files of a working tree, in two plumbing commands run side by side.

A quick `validate` (perfdocs.records.listing) needs to know which of 100,000 record files
changed since the last run without reading or even stat-ing each one in Python (~0.3 s):

- `git ls-files -s -v -z` lists the index: each tracked file's mode, blob id, merge stage
  and flags (~30 ms at 100,000 files). Two runs whose index lines for a file are equal saw
  the same content there, when the file is clean.
- `git diff-files --name-only -z --relative` names the tracked files whose working copy
  differs from the index, by git's own stat check in C (with its 'racy git' rule: a file
  modified in the clock tick the index was written is compared by content).

Both run through `subprocess` directly rather than GitPython's wrapper (`perfdocs.git.run`):
this is on the path of every quick `validate`, where importing GitPython alone costs ~60 ms
of a 0.5 s budget. The same fixed environment and timeout apply; any failure (no git, not a
repository) is None, and the caller checks everything the slow way.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from perfdocs.git.run import ENV, TIMEOUT


@dataclass(frozen=True)
class Worktree:
    """The index and the working copy's differences from it, for the files under a folder."""

    index: bytes
    """`git ls-files -s -v -z` output for the folder (paths relative to it): each entry is
    '<tag> <mode> <blob> <stage>\\t<path>'."""
    dirty: frozenset[str]
    """Paths (relative to the folder) whose working copy may differ from the index: what
    `git diff-files` names, and the entries git does not check (assume-unchanged,
    skip-worktree)."""
    unsupported: bool
    """The index holds what a quick run does not follow (a symbolic link, a submodule, a merge
    conflict): check everything instead."""


def state(folder: Path) -> Worktree | None:
    """What git knows about the files under `folder`, or None (git missing, not a
    repository, a command failed or took too long)."""
    pending = start(folder)
    return pending.result() if pending is not None else None


def start(folder: Path) -> Pending | None:
    """Start asking git (`state`), to do something else while it works; None when git
    cannot be started."""
    git = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"
    env = {**os.environ, **ENV}
    commands = (
        [git, "ls-files", "-s", "-v", "-z", "--", "."],
        [git, "diff-files", "--name-only", "-z", "--relative", "--", "."],
    )
    started: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            started.append(
                subprocess.Popen(
                    command,
                    cwd=folder,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            )
    except OSError:
        Pending(started).cancel()
        return None
    return Pending(started)


class Pending:
    """The two git commands of `state`, running."""

    def __init__(self, processes: list[subprocess.Popen[bytes]]) -> None:
        self.processes = processes

    def cancel(self) -> None:
        """Stop them (a run that no longer needs the answer)."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.communicate()

    def result(self) -> Worktree | None:
        outputs = []
        for process in self.processes:
            try:
                out, _ = process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.cancel()
                return None
            if process.returncode != 0:
                self.cancel()
                return None
            outputs.append(out)
        index, changed = outputs
        return _parse(index, changed)


def _parse(index: bytes, changed: bytes) -> Worktree:
    dirty = {os.fsdecode(name) for name in changed.split(b"\0") if name}
    entries = index.count(b"\0")
    unsupported = b" 120000 " in index or b" 160000 " in index
    # Every entry tagged H (cached, checked by git) at stage 0, the common case, is seen at once.
    plain = index.count(b"\0H ") + index.startswith(b"H ")
    if plain != entries or b" 1\t" in index or b" 2\t" in index or b" 3\t" in index:
        for entry in index.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            if meta[:2] != b"H ":
                dirty.add(os.fsdecode(path))  # assume-unchanged, skip-worktree: git does not look
            if not meta.endswith(b" 0"):
                unsupported = True  # a merge conflict's stages
    return Worktree(index, frozenset(dirty), unsupported)


_PATH = re.compile(rb"\t([^\0]*)\0")


def paths(index: bytes) -> set[str]:
    """The paths an index listing (`Worktree.index`) holds."""
    return set(os.fsdecode(b"\0".join(_PATH.findall(index))).split("\0")) - {""}


def changed(before: bytes, after: bytes) -> tuple[set[str], bool]:
    """The paths whose index entry differs between two listings (added, removed, or with
    another blob, mode or flag), and whether the set of paths itself differs."""
    if before == after:
        return set(), False
    old, new = before.split(b"\0"), after.split(b"\0")
    if len(old) == len(new):
        # The same number of entries, listed in path order: a commit of changed files changes
        # a few lines in place, and comparing them in order finds them (in C, mostly).
        pairs = [(a, b) for a, b in zip(old, new) if a != b]
        gone = {a.partition(b"\t")[2] for a, _ in pairs}
        came = {b.partition(b"\t")[2] for _, b in pairs}
        if gone == came:
            return {os.fsdecode(path) for path in gone}, False
    was, now = set(old), set(new)
    gone = {entry.partition(b"\t")[2] for entry in was - now if entry}
    came = {entry.partition(b"\t")[2] for entry in now - was if entry}
    return {os.fsdecode(path) for path in gone | came}, gone != came
