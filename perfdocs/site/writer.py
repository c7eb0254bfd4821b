"""The output folder: pages are written into a temporary folder beside it, which replaces
the old site only once the whole build has succeeded.

Two ways to replace it. A cold build (or one over a folder holding anything a build does
not write: a symbolic link, a special file) swaps the whole folder: two renames, the old
one removed last. A rebuild over a site of ours updates it in place (`update_in_place`):
the pages it reuses stay where they are (neither linked into a new folder nor deleted
with the old one, which costs a file system operation per page), and only once the whole
build has succeeded, a journal in the temporary folder names the files to remove; then
the removed files go first (a page that must no longer be published never outlives the
build), and each new file is moved over its old one (each rename atomic). A build killed
during those few operations is finished by the next one (`recover`, under the output
folder's lock) from its journal: the folder ends as the whole new site, never as half of
one; a reader in those milliseconds may see some new files beside old ones.

Nothing is ever written outside that temporary folder, and an existing output folder
is replaced only when it is empty or was made by perfdocs (it holds the marker file):
`--out .` or `--out ~` by mistake must not wipe a person's files.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import fault, writing

MARKER = ".perfdocs-site"
"""A file at the top of every built site: proof that perfdocs may replace the folder."""
JOURNAL = ".perfdocs-journal"
"""In a temporary folder whose build updates the site in place: the files to remove, written
once the build has succeeded (its presence says: finish moving this folder's files in)."""


def check_outside(out: Path, records: Path) -> None:
    """Refuse an output folder that is, holds or lies inside the records folder. Pure path
    arithmetic, checked before anything is created (even the folder for the lock)."""
    out_abs, rec_abs = out.resolve(), records.resolve()
    if out_abs == rec_abs or rec_abs.is_relative_to(out_abs) or out_abs.is_relative_to(rec_abs):
        raise PerfdocsError(
            f"the output folder {display_path(out)} must be outside the records folder {display_path(records)}"
        )


def check_target(out: Path, records: Path) -> None:
    """Refuse output folders that are not ours to replace."""
    check_outside(out, records)
    if out.exists() or out.is_symlink():
        if out.is_symlink() or not out.is_dir():
            raise PerfdocsError(f"{display_path(out)} exists and is not a folder; not replacing it")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise PerfdocsError(
                f"{display_path(out)} is not empty and was not built by perfdocs (no {MARKER} file); not replacing it"
            )


def recover(out: Path) -> None:
    """Tidy what a build killed mid-way left beside `out`; call it only while holding the
    output folder's lock (perfdocs/lock.py), when no other build can be running.

    Half-built folders are removed; if the kill fell between the two renames of
    `commit()`, the previous site is put back first."""
    parent = out.parent
    if not parent.is_dir():
        return
    pattern = glob.escape(f".{out.name}")
    olds = sorted(parent.glob(pattern + ".old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not (out.exists() or out.is_symlink()):
        os.replace(olds.pop(), out)
    buildings = list(parent.glob(pattern + ".building-*"))
    for folder in buildings:
        # A build that was updating the site in place when it was killed: finish it.
        drop = _journal(folder)
        if drop is not None and out.is_dir() and not out.is_symlink():
            with writing(out):
                _apply(out, folder, drop)
    for leftover in [*buildings, *olds]:
        shutil.rmtree(leftover, ignore_errors=True)


class SiteWriter:
    """Collects a build in a temporary folder beside `out`; `commit()` swaps it in."""

    def __init__(self, out: Path) -> None:
        self.out = out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        except OSError as err:
            raise fault(err, out) or PerfdocsError(
                f"cannot write beside {display_path(out)}: {err.strerror or err}"
            ) from None
        self._root = self.tmp.resolve()
        self._root_str = str(self._root)
        self._out_str = str(out)
        self.files = 0
        self.bytes = 0
        self._made: set[str] = set()
        self._old_dirs: dict[str, bool] = {}
        self._found: frozenset[str] | None = None
        """The files of the site being replaced, when it is updated in place (`update_in_place`)."""

    def path(self, rel: str) -> Path:
        """Where `rel` (a '/'-separated relative path) goes; never outside the folder."""
        return Path(self._place(rel))

    def _place(self, rel: str) -> str:
        parts = rel.split("/")
        if (
            not rel
            or rel.startswith("/")
            or "\\" in rel
            or "\0" in rel
            or ".." in parts
            or any(p in ("", ".") for p in parts[:-1])
            or parts[-1] in ("", ".")
        ):
            pure = PurePosixPath(rel)
            if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in rel or "\0" in rel:
                raise PerfdocsError(f"refusing to write {rel!r}: not a plain relative path")
            parts = list(pure.parts)
        # Plain names, none of them '..': the target is inside the folder by construction.
        target = os.path.join(self._root_str, *parts)
        parent = "/".join(parts[:-1])
        if parent not in self._made:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self._made.add(parent)
        return target

    def shown(self, rel: str) -> Path:
        """Where `rel` will be once the site is swapped in: the path a fault names (the
        temporary folder it happened in means nothing to the reader)."""
        return self.out / rel

    def write(self, rel: str, content: str | bytes | list[bytes | memoryview]) -> Stat:
        """Write a new file (its bytes, or pieces of them one after the other); its stat
        identity (size, modification time, inode) as written."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        # "x": a second page with the same path is a bug, never a silent overwrite.
        with writing(self.shown(rel)), open(self._place(rel), "xb") as fh:
            if isinstance(data, list):
                fh.writelines(data)
            else:
                fh.write(data)
            fh.flush()
            info = os.fstat(fh.fileno())
        self.files += 1
        self.bytes += info.st_size
        return identity(info)

    def copy(self, src: Path, rel: str) -> None:
        with writing(self.shown(rel)):
            shutil.copyfile(src, self.path(rel))
        self.files += 1

    def update_in_place(self) -> bool:
        """From now on, a reused page stays in the site being replaced, and `commit` updates
        that site in place rather than swapping a whole new folder in (see the module's
        docstring). Not when the folder holds anything but folders and regular files (a
        symbolic link could lead a write or a removal outside it): False, and the build
        swaps the folder as a cold one does."""
        found: set[str] = set()
        stack = [(self._out_str, "")]
        try:
            while stack:
                folder, prefix = stack.pop()
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_symlink():
                            return False
                        if entry.is_dir(follow_symlinks=False):
                            stack.append((entry.path, prefix + entry.name + "/"))
                        elif entry.is_file(follow_symlinks=False):
                            found.add(prefix + entry.name)
                        else:
                            return False
        except OSError:
            return False
        self._found = frozenset(found)
        return True

    def keep_site(
        self, files: dict[str, Stat | None], accept: Callable[[str, bytes], bool]
    ) -> tuple[dict[str, Stat], int] | None:
        """`update_in_place`, keeping each of `files` where it is (as `reuse` would, in one walk
        of the folder): each must be a regular file of the site, with the stat identity given
        (out of the racy window), else holding bytes that `accept(rel, bytes)`. Their stat
        identities, and how many were read back; None when the folder holds anything but
        folders and regular files, or one of `files` is missing or not accepted (then abandon
        the writer: nothing was kept). Folders are opened one in another, never through a
        symbolic link, and each file is looked at from its folder's descriptor."""
        found: list[str] = []
        taken: dict[str, Stat] = {}
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
        read_flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        read = 0

        def walk(fd: int, prefix: str) -> bool:
            nonlocal read
            folders = []
            with os.scandir(fd) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.name)
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        return False  # a symbolic link or a special file
                    rel = prefix + entry.name
                    found.append(rel)
                    if rel not in files:
                        continue
                    info = entry.stat(follow_symlinks=False)
                    st = (info.st_size, info.st_mtime_ns, info.st_ino)
                    if st != files[rel]:
                        one = os.open(entry.name, read_flags, dir_fd=fd)
                        with os.fdopen(one, "rb") as fh:
                            info = os.fstat(one)
                            if not stat.S_ISREG(info.st_mode) or not accept(rel, fh.read()):
                                return False
                        st = (info.st_size, info.st_mtime_ns, info.st_ino)
                        read += 1
                    taken[rel] = st
            for name in folders:
                sub = os.open(name, flags, dir_fd=fd)
                try:
                    if not walk(sub, prefix + name + "/"):
                        return False
                finally:
                    os.close(sub)
            return True

        try:
            top = os.open(self._out_str, flags)
            try:
                whole = walk(top, "")
            finally:
                os.close(top)
        except OSError:
            return None
        if not whole or len(taken) != len(files):
            return None
        self._found = frozenset(found)
        self.files += len(taken)
        self.bytes += sum(st[0] for st in taken.values())
        return taken, read

    def reuse(self, rel: str, accept: Callable[[bytes], bool], known: Stat | None = None) -> Stat | None:
        """Take `rel` from the site being replaced (hard-linked, else copied) if it is a
        regular file there, inside it, whose bytes `accept`; else write nothing, say None.
        Returns the file's stat identity (size, modification time, inode).

        The bytes are checked in the new folder, after linking: what is checked is what
        is published. When `known` is given (the identity the file had when a previous
        build wrote or checked it, out of the racy window) and the linked file still has
        it, the file is that one, unmodified: it is taken without reading it (git's index
        trusts a file's stat the same way)."""
        parent = rel.rpartition("/")[0] or "."
        inside = self._old_dirs.get(parent)
        if inside is None:  # a folder of the old site swapped for a link to elsewhere: not ours
            real = os.path.realpath(self.out)
            inside = self._old_dirs[parent] = os.path.realpath(os.path.join(self.out, parent)) == os.path.normpath(
                os.path.join(real, parent)
            )
        if not inside:
            return None
        if self._found is not None:
            return self._keep(rel, accept, known)
        target = self._place(rel)
        src = os.path.join(self._out_str, rel)
        try:
            os.link(src, target, follow_symlinks=False)
        except OSError:
            data = _read_regular(src)
            if data is None or not accept(data):
                return None
            with writing(self.shown(rel)), open(target, "xb") as fh:
                fh.write(data)
                fh.flush()
                info = os.fstat(fh.fileno())
        else:
            if known is not None:
                try:
                    linked: os.stat_result | None = os.lstat(target)
                except OSError:
                    linked = None
                if linked is not None and stat.S_ISREG(linked.st_mode) and identity(linked) == known:
                    self.files += 1
                    self.bytes += linked.st_size
                    return known
            data = _read_regular(target)
            if data is None or not accept(data):
                os.unlink(target)
                return None
            info = os.lstat(target)
        self.files += 1
        self.bytes += len(data)
        return identity(info)

    def _keep(self, rel: str, accept: Callable[[bytes], bool], known: Stat | None) -> Stat | None:
        """`reuse` when the site is updated in place: the page's file stays where it is, if it
        is one of the site's files (found by `update_in_place`: a plain relative path) and
        still holds what `accept`s (or has the stat identity `known`)."""
        assert self._found is not None
        if rel not in self._found:
            return None
        path = self._out_str + "/" + rel
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        if known is None or identity(info) != known:
            read = read_regular(path)
            if read is None or not accept(read[0]):
                return None
            info = read[1]
        self.files += 1
        self.bytes += info.st_size
        return identity(info)

    def note(self, name: str, data: bytes) -> None:
        """A file of the build's own (like the marker) at the top of the folder: not
        one of the site's files."""
        with writing(self.shown(name)), open(self.path(name), "xb") as fh:
            fh.write(data)

    def commit(self, pages: Iterable[str] = ()) -> None:
        """Replace the old site with the new one: two renames, the old one removed last; or,
        when the site is updated in place, `pages` (every page of the build: those not
        written were reused where they are) stay, every other file of the old site goes,
        and the new files are moved in."""
        with writing(self.out):
            (self.tmp / MARKER).write_text(
                "built by perfdocs; this folder is replaced on every build\n", encoding="utf-8"
            )
            if self._found is not None:
                keep = set(pages)
                keep.update(_files(self.tmp))
                drop = sorted(rel for rel in self._found if rel not in keep)
                # The commit point: from here on, the next build finishes this one (`recover`).
                journal = self.tmp / (JOURNAL + ".tmp")
                journal.write_text(json.dumps(drop), encoding="utf-8")
                os.replace(journal, self.tmp / JOURNAL)
                _apply(self.out, self.tmp, drop)
                shutil.rmtree(self.tmp, ignore_errors=True)
                return
            os.chmod(self.tmp, 0o755)  # mkdtemp makes it 0700; a static host must read it
            old = None
            if self.out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
                os.rmdir(old)
                os.replace(self.out, old)
            try:
                os.replace(self.tmp, self.out)
            except OSError:
                if old is not None:
                    os.replace(old, self.out)
                raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        if (self.tmp / JOURNAL).exists():
            return  # an in-place update that failed half-way: the next build finishes it (`recover`)
        shutil.rmtree(self.tmp, ignore_errors=True)


Stat = tuple[int, int, int]
"""A file's stat identity: (size, modification time in ns, inode)."""


def identity(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ino


def _read_regular(path: str | Path) -> bytes | None:
    """A regular file's bytes, never through a symbolic link (nor blocking on a FIFO)."""
    read = read_regular(path)
    return read[0] if read is not None else None


def read_regular(path: str | Path) -> tuple[bytes, os.stat_result] | None:
    """A regular file's bytes and its stat, taken from the file that was read, never
    through a symbolic link (nor blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            return fh.read(), info
        except OSError:
            return None


def _files(folder: Path) -> list[str]:
    """The files of a build's temporary folder, as '/'-separated relative paths (its journal
    aside)."""
    found: list[str] = []
    for dirpath, _, names in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in names if not (prefix == "" and name.startswith(JOURNAL)))
    return found


def _journal(folder: Path) -> list[str] | None:
    """The files a killed in-place build was removing, or None when it had not succeeded."""
    try:
        drop = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(drop, list) and all(isinstance(rel, str) for rel in drop)):
        return None
    return drop


def _apply(out: Path, tmp: Path, drop: list[str]) -> None:
    """Update the site `out` in place from a build's temporary folder: remove `drop` first,
    then move every new file over its old one. Every step can be done again (`recover`);
    nothing is removed or written through a symbolic link, nor outside `out`."""
    try:
        _update(out, tmp, drop)
    except OSError as err:
        raise fault(err, out) or PerfdocsError(
            f"cannot update {display_path(out)}: {err.strerror or err}; the next build finishes the update"
        ) from None


def _update(out: Path, tmp: Path, drop: list[str]) -> None:
    base = str(out)
    checked: dict[str, bool] = {"": True}

    def real_folder(parent: str, create: bool) -> bool:
        """Whether out/parent is a folder reached through no symbolic link (made if asked)."""
        known = checked.get(parent)
        if known is not None:
            return known
        up, _, name = parent.rpartition("/")
        ok = False
        if name not in ("", ".", "..") and real_folder(up, create):
            path = os.path.join(base, parent)
            try:
                ok = stat.S_ISDIR(os.lstat(path).st_mode)
            except FileNotFoundError:
                if create:
                    os.mkdir(path)
                    ok = True
        checked[parent] = ok
        return ok

    emptied = set()
    for rel in drop:
        parent = rel.rpartition("/")[0]
        parts = rel.split("/")
        if "\0" in rel or "\\" in rel or any(part in ("", ".", "..") for part in parts):
            continue  # not a plain relative path: never one of the site's files
        if not real_folder(parent, False):
            continue
        try:
            os.unlink(os.path.join(base, rel))
        except FileNotFoundError:
            pass
        emptied.add(parent)
    for parent in sorted(emptied, key=len, reverse=True):  # folders a cold build would not have
        while parent:
            try:
                os.rmdir(os.path.join(base, parent))
            except OSError:
                break
            checked.pop(parent, None)
            parent = parent.rpartition("/")[0]
    for rel in sorted(_files(tmp)):
        parent = rel.rpartition("/")[0]
        if not real_folder(parent, True):
            raise PerfdocsError(f"{display_path(out / parent)} is not a folder; not updating the site through it")
        os.replace(os.path.join(tmp, rel), os.path.join(base, rel))
