"""The listing: which record files a records folder holds, and which changed since the last
run, without walking the folder or stat-ing every file.

Walking 100,000 files (`perfdocs.records.load.walk`) and stat-ing each costs ~0.8 s in
Python, most of a warm `validate`. The listing (kept in the snapshot, perfdocs.records.snapshot)
holds what a quick run needs to know instead:

- every folder the walk enters, with its modification time and inode and the names in it
  the walk reads (record files; subfolders with a trailing '/'): creating, deleting or
  renaming a file changes its folder's modification time, so a folder whose time is
  unchanged holds the same names, and only the folders that changed are listed again;
- the commit the git index was taken from, and the index entries that differ from its files
  (perfdocs.git.worktree): a tracked file that git says is clean, whose index entry (its blob
  id) is the same now, holds the content the last run checked; the next run asks git which
  entries differ from that commit's, and compares them with these;
- the stat signature of every other file (untracked, or modified and not yet added):
  compared one by one, as the record cache does.

A folder or file modified within two seconds of the run that recorded it is listed or
compared again (git's 'racy' case). Anything the quick path does not follow (a symbolic
link, a pipe, a new or deleted folder, a merge conflict) makes `changes` return None: the
run then walks the folder as always. Pure: git's answers are handed in by the caller.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from perfdocs.records.cache import RACY_NS, Signature, signature
from perfdocs.records.load import IGNORED_NAMES  # the walk's: a quick run lists what it reads
from perfdocs.records.parse import RECORD_SUFFIXES

Entry = tuple[str, str]
"""An index entry (mode, blob id), as perfdocs.git.worktree gives it."""

Folder = tuple[tuple[int, int] | None, str]
"""(modification time and inode, or None when it must be listed again; its names, sorted,
joined by NUL: one string a folder to keep and read back, not one a file)."""


def names(folder: Folder) -> list[str]:
    """The names of a folder of the listing (subfolders with a trailing '/')."""
    return _split(folder[1])


def _split(joined: str) -> list[str]:
    return joined.split("\0") if joined else []


@dataclass
class Listing:
    folders: dict[str, Folder] = field(default_factory=dict)
    """Every folder the walk enters ('' for the records folder), with its names."""
    head: str | None = None
    """The commit HEAD named (perfdocs.git.worktree.Worktree.head); None: no quick run follows."""
    staged: dict[str, Entry] = field(default_factory=dict)
    """The index entries under the records folder that differed from that commit's files."""
    untracked: frozenset[str] = frozenset()
    """Record files git does not track."""
    stat: dict[str, Signature | None] = field(default_factory=dict)
    """The files compared by their stat: untracked ones and those modified since they were
    added (None: modified around the run that recorded it, compared again)."""

    def files(self) -> list[str]:
        """Every record file, by relative path."""
        return [
            f"{rel}/{name}" if rel else name
            for rel, folder in self.folders.items()
            for name in names(folder)
            if name[-1] != "/"
        ]

    def count(self) -> int:
        """How many record files there are."""
        # Every folder but the top one is one name (with a '/') in its parent's names.
        return sum(joined.count("\0") + 1 for _, joined in self.folders.values() if joined) - (len(self.folders) - 1)

    def holds(self, rel: str) -> bool:
        """Whether `rel` is one of the record files."""
        folder, _, name = rel.rpartition("/")
        entry = self.folders.get(folder)
        return entry is not None and f"\0{name}\0" in f"\0{entry[1]}\0"

    def marshal(self) -> tuple[object, ...]:
        return self.folders, self.head, self.staged, sorted(self.untracked), self.stat

    @classmethod
    def unmarshal(cls, stored: object) -> Listing | None:
        if not (isinstance(stored, tuple) and len(stored) == 5):
            return None
        folders, head, staged, untracked, stats = stored
        if not (
            isinstance(folders, dict)
            and (head is None or isinstance(head, str))
            and isinstance(staged, dict)
            and isinstance(stats, dict)
        ):
            return None
        return cls(folders, head, staged, frozenset(untracked), stats)


def _names(folder: str) -> str | None:
    """The names `walk` reads in a folder (subfolders with a trailing '/'), sorted; None when
    it holds a symbolic link or a record-named file that is not a regular file."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if name.startswith((".", "_")) or name in IGNORED_NAMES:
            continue
        try:
            if entry.is_symlink():
                return None
            if entry.is_dir(follow_symlinks=False):
                found.append(name + "/")
            elif name.endswith(RECORD_SUFFIXES):
                if not entry.is_file(follow_symlinks=False):
                    return None
                found.append(name)
        except OSError:
            return None
    return "\0".join(sorted(found, key=_plain))


def _plain(name: str) -> str:
    return name[:-1] if name[-1] == "/" else name


def _folder_sig(path: str, started_ns: int) -> tuple[int, int] | None | bool:
    """A folder's (modification time, inode); None when modified around `started_ns` (list it
    again next time); False when it cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if info.st_mtime_ns >= started_ns - RACY_NS:
        return None
    return info.st_mtime_ns, info.st_ino


def scan(root: Path, started_ns: int) -> dict[str, Folder] | None:
    """Every folder under `root` the walk enters, with its names (each folder's signature is
    taken before it is listed: a change during the listing shows next time); None when the
    folder holds what a quick run does not follow."""
    base = str(root)
    folders: dict[str, Folder] = {}
    stack = [""]
    while stack:
        rel = stack.pop()
        path = f"{base}/{rel}" if rel else base
        sig = _folder_sig(path, started_ns)
        joined = _names(path) if sig is not False else None
        if sig is False or joined is None:
            return None
        folders[rel] = (sig, joined)  # type: ignore[assignment]  # sig is not False here
        # Visited in the walk's order (its records are loaded in this order): a folder's files,
        # then its subfolders, each in name order.
        subfolders = [n[:-1] for n in names(folders[rel]) if n[-1] == "/"]
        stack.extend(reversed([f"{rel}/{n}" if rel else n for n in subfolders]))
    return folders


@dataclass
class Changes:
    """The record files changed since the listing was recorded."""

    added: set[str]
    deleted: set[str]
    modified: set[str]
    folders: dict[str, Folder]
    """The folders as they are now."""
    stats: dict[str, Signature | None]
    """The stat signatures taken while comparing (for the next listing)."""


def folder_changes(root: Path, stored: Listing, started_ns: int) -> tuple[dict[str, Folder], set[str], set[str]] | None:
    """The folders as they are now, and the files added to and deleted from them since `stored`
    was recorded (only the folders whose time changed are listed again); None when a folder
    appeared or went away, or holds what a quick run does not follow."""
    base = str(root)
    folders = dict(stored.folders)
    added: set[str] = set()
    deleted: set[str] = set()
    for rel, (was, joined) in stored.folders.items():
        path = f"{base}/{rel}" if rel else base
        now = _folder_sig(path, started_ns)
        if now is False:
            return None
        if was is not None and now == was:
            continue
        fresh = _names(path)
        if fresh is None:
            return None
        if fresh != joined:
            old, new = set(_split(joined)), set(_split(fresh))
            if any(n[-1] == "/" for n in old ^ new):
                return None  # a folder appeared or went away
            prefix = f"{rel}/" if rel else ""
            added.update(prefix + n for n in new - old)
            deleted.update(prefix + n for n in old - new)
        folders[rel] = (now, fresh)  # type: ignore[assignment]  # now is not False here
    return folders, added, deleted


def changes(
    root: Path,
    stored: Listing,
    dirty: frozenset[str],
    index_changed: set[str],
    started_ns: int,
    folders: tuple[dict[str, Folder], set[str], set[str]] | None = None,
) -> Changes | None:
    """What changed under `root` since `stored` was recorded, given the tracked files git says
    differ from its index (`dirty`) and the paths whose index entry changed since `stored`
    (and `folder_changes`, when the caller asked for them already); None when something
    changed that a quick run does not follow (a folder added or deleted, a symbolic link):
    the caller then walks the folder."""
    found = folders if folders is not None else folder_changes(root, stored, started_ns)
    if found is None:
        return None
    now, added, deleted = found
    base = str(root)
    present = stored.untracked | set(stored.stat) | dirty | index_changed
    modified = {rel for rel in index_changed if rel not in added and rel not in deleted}
    stats: dict[str, Signature | None] = {}
    for rel in present:
        if rel in deleted or rel in added:
            continue
        try:
            sig: Signature | None = signature(os.stat(f"{base}/{rel}"))
        except FileNotFoundError:
            continue  # not a file of the listing (a deleted non-record file git still tracks)
        except OSError:
            return None
        if sig is not None and sig[1] >= started_ns - RACY_NS:
            sig = None
        stats[rel] = sig
        if rel in dirty or rel in stored.stat or rel in stored.untracked:
            if sig is None or stored.stat.get(rel) != sig:
                modified.add(rel)
    return Changes(added, deleted, modified, now, stats)
