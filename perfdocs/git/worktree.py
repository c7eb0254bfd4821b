"""What git knows about the files of a working tree, in a few plumbing commands run side by side.

A quick `validate` (perfdocs.records.listing) needs to know which of 100,000 record files
changed since the last run without reading or even stat-ing each one in Python (~0.3 s):

- `git diff-files --name-only -z --relative` names the tracked files whose working copy
  differs from the index, by git's own stat check in C (with its 'racy git' rule: a file
  modified in the clock tick the index was written is compared by content);
- `git rev-parse HEAD` and `git diff-index --cached --raw HEAD` say which commit the index
  was taken from and where it differs from it (nothing, in the common case): a run keeps
  those, and the next one asks `git diff-index --cached <that commit>` which index entries
  differ from the ones it saw: a commit of five changed files names those five, whatever
  the size of the folder (~20 ms at 100,000 files, where listing and comparing the whole
  index cost ~0.25 s and 11 MB to keep);
- `git ls-files -v -z` says which files git tracks and which it does not look at
  (assume-unchanged, skip-worktree: counted as changed), with `-s` (every file's mode) when
  a run starts afresh, to see a symbolic link or submodule (a quick run sees one that
  appears among the entries that changed).

They are started here rather than through `perfdocs.git.run`, whose errors are for
commands that need git: here the same fixed environment and timeout apply, but any
failure (no git, not a repository, a commit that is gone) is None, and the caller checks
everything the slow way.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from perfdocs.git.run import ENV, GIT, TIMEOUT

Entry = tuple[str, str]
"""An index entry as `git diff-index --raw` shows it: (mode, blob id); ('000000', '0' * 40)
for a path not in the index."""

_UNSUPPORTED_MODES = (b"120000", b"160000")  # a symbolic link, a submodule
_ABSENT: Entry = ("000000", "0" * 40)
"""What `git diff-index --raw` shows for a path the index does not hold."""


@dataclass(frozen=True)
class Worktree:
    """The index and the working copy's differences from it, for the files under a folder."""

    listed: bytes
    """`git ls-files -v -z` output for the folder (paths relative to it), each entry
    '<tag> <path>', or with `modes` (`-s`) '<tag> <mode> <blob> <stage>\\t<path>'."""
    modes: bool
    dirty: frozenset[str]
    """Paths (relative to the folder) whose working copy may differ from the index: what
    `git diff-files` names, and the entries git does not check (assume-unchanged,
    skip-worktree)."""
    unsupported: bool
    """The index holds what a quick run does not follow (a symbolic link, a submodule, a merge
    conflict): check everything instead."""
    head: str | None
    """The commit HEAD names (None: there is none yet)."""
    staged: dict[str, Entry]
    """The index entries that differ from HEAD's files, by path."""
    since: dict[str, Entry] | None
    """The index entries that differ from the files of the commit `compare` was given (None:
    it was not given)."""

    def paths(self) -> set[str]:
        """Every path the index holds."""
        entries = self.listed.split(b"\0")
        if self.modes:
            return {os.fsdecode(entry.partition(b"\t")[2]) for entry in entries if entry}
        return {os.fsdecode(entry[2:]) for entry in entries if entry}

    def tracks(self, rels: set[str]) -> set[str]:
        """Which of `rels` the index holds: those whose entry differs from the commit `compare`
        was given are known from it (a commit of a thousand files names them all), the others
        are looked up in the listing (a few in place, many by listing all)."""
        since = self.since or {}
        found = {rel for rel in rels if since.get(rel, _ABSENT)[0] != _ABSENT[0]}
        rels = {rel for rel in rels if rel not in since}
        if len(rels) > 50 or self.modes:
            return found | (rels & self.paths())
        listed = b"\0" + self.listed
        for rel in rels:
            needle = b" " + os.fsencode(rel) + b"\0"
            at = listed.find(needle)
            while at != -1:
                if listed[at - 2 : at - 1] == b"\0":  # '\0<tag> <path>\0': a whole entry
                    found.add(rel)
                    break
                at = listed.find(needle, at + 1)
        return found

    def moved(self, staged: dict[str, Entry]) -> set[str]:
        """The paths whose index entry differs from the one a run saw, given what that run
        found `staged` against the commit this one was `compare`d with."""
        since = self.since or {}
        return {rel for rel in staged.keys() | since.keys() if staged.get(rel) != since.get(rel)}


def state(folder: Path, base: str | None = None) -> Worktree | None:
    """What git knows about the files under `folder` (every mode listed; `since` against
    `base` when given), or None (git missing, not a repository, a command failed or took
    too long)."""
    pending = start(folder, modes=True)
    if pending is None:
        return None
    pending.compare(base)
    return pending.result()


def _popen(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [GIT, *args],
        cwd=folder,
        env={**os.environ, **ENV},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def start(folder: Path, modes: bool = False) -> Pending | None:
    """Start asking git (`state`), to do something else while it works; None when git
    cannot be started. `modes`: list every file's mode (a run that starts afresh)."""
    commands = (
        ["ls-files", *(["-s"] if modes else []), "-v", "-z", "--", "."],
        ["diff-files", "--name-only", "-z", "--relative", "--", "."],
        ["rev-parse", "-q", "--verify", "HEAD^{commit}"],
    )
    pending = Pending(folder, modes)
    try:
        for command in commands:
            pending.processes.append(_popen(folder, *command))
    except OSError:
        pending.cancel()
        return None
    return pending


class Pending:
    """The git commands of `state`, running."""

    def __init__(self, folder: Path, modes: bool) -> None:
        self.folder = folder
        self.modes = modes
        self.processes: list[subprocess.Popen[bytes]] = []
        self.head: str | None = None
        self.base: str | None = None
        self.failed = False

    def cancel(self) -> None:
        """Stop them (a run that no longer needs the answer)."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.communicate()

    def _output(self, process: subprocess.Popen[bytes]) -> bytes | None:
        try:
            out, _ = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None
        return out if process.returncode == 0 else None

    def compare(self, base: str | None) -> None:
        """Start comparing the index with HEAD's files, and with `base`'s (a commit a run saw)
        when given."""
        self.base = base
        head = self._output(self.processes[2]) if len(self.processes) == 3 else None
        self.head = (head.decode("ascii").strip() or None) if head else None
        try:
            for commit in dict.fromkeys(c for c in (base, self.head) if c is not None):
                command = ("diff-index", "--cached", "--raw", "-z", "--no-renames", "--relative", commit, "--", ".")
                self.processes.append(_popen(self.folder, *command))
        except OSError:
            self.failed = True

    def result(self) -> Worktree | None:
        if self.failed or len(self.processes) < 3:
            self.cancel()
            return None
        outputs: list[bytes] = []
        for index, process in enumerate(self.processes):
            out = self._output(process)
            if out is None and index != 2:  # rev-parse fails in a repository without commits
                self.cancel()
                return None
            outputs.append(out or b"")
        listed, changed = outputs[0], outputs[1]
        compared = dict(zip(dict.fromkeys(c for c in (self.base, self.head) if c is not None), outputs[3:]))
        unsupported = False
        diffs: dict[str, dict[str, Entry]] = {}
        for commit, raw in compared.items():
            diffs[commit], odd = _raw(raw)
            unsupported |= odd
        dirty, odd = _parse(listed, changed, self.modes)
        return Worktree(
            listed,
            self.modes,
            dirty,
            odd or unsupported,
            self.head,
            diffs.get(self.head, {}) if self.head is not None else {},
            diffs.get(self.base) if self.base is not None else None,
        )


def _raw(raw: bytes) -> tuple[dict[str, Entry], bool]:
    """`git diff-index --raw -z` output: each path's index entry (its mode and blob), and
    whether one is what a quick run does not follow (a link, a submodule, a conflict)."""
    fields = raw.split(b"\0")
    entries: dict[str, Entry] = {}
    odd = False
    for meta, path in zip(fields[0::2], fields[1::2]):
        # ':<old mode> <new mode> <old blob> <new blob> <status>'
        parts = meta.split(b" ")
        if len(parts) != 5:
            odd = True
            continue
        mode, blob, status = parts[1], parts[3], parts[4]
        odd |= mode in _UNSUPPORTED_MODES or status.startswith(b"U")
        entries[os.fsdecode(path)] = (mode.decode("ascii"), blob.decode("ascii"))
    return entries, odd


def _parse(listed: bytes, changed: bytes, modes: bool) -> tuple[frozenset[str], bool]:
    """The paths that may differ from the index (`Worktree.dirty`), and whether the index holds
    what a quick run does not follow, from `git ls-files -v` (with `-s` or without) and `git
    diff-files` output."""
    dirty = {os.fsdecode(name) for name in changed.split(b"\0") if name}
    unsupported = modes and any(b" %s " % mode in listed for mode in _UNSUPPORTED_MODES)
    # Every entry tagged H (cached, checked by git) at stage 0, the common case, is seen at once.
    plain = listed.count(b"\0H ") + listed.startswith(b"H ")
    if plain != listed.count(b"\0") or (modes and (b" 1\t" in listed or b" 2\t" in listed or b" 3\t" in listed)):
        for entry in listed.split(b"\0"):
            if not entry:
                continue
            tag = entry[:2]
            path = entry.partition(b"\t")[2] if modes else entry[2:]
            if tag != b"H ":
                dirty.add(os.fsdecode(path))  # assume-unchanged, skip-worktree: git does not look
            if tag in (b"M ", b"m ") or (modes and not entry.partition(b"\t")[0].endswith(b" 0")):
                unsupported = True  # a merge conflict's stages
    return frozenset(dirty), unsupported
