"""The output folder: pages are written into a temporary folder beside it, which replaces
the old site only once the whole build has succeeded.

Nothing is ever written outside that temporary folder, and an existing output folder
is replaced only when it is empty or was made by perfdocs (it holds the marker file):
`--out .` or `--out ~` by mistake must not wipe a person's files.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import fault, writing

MARKER = ".perfdocs-site"
"""A file at the top of every built site: proof that perfdocs may replace the folder."""


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
    for leftover in [*parent.glob(pattern + ".building-*"), *olds]:
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

    def write(self, rel: str, content: str | bytes) -> Stat:
        """Write a new file; its stat identity (size, modification time, inode) as written."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        # "x": a second page with the same path is a bug, never a silent overwrite.
        with writing(self.shown(rel)), open(self._place(rel), "xb") as fh:
            fh.write(data)
            fh.flush()
            info = os.fstat(fh.fileno())
        self.files += 1
        self.bytes += len(data)
        return identity(info)

    def copy(self, src: Path, rel: str) -> None:
        with writing(self.shown(rel)):
            shutil.copyfile(src, self.path(rel))
        self.files += 1

    def reuse(self, rel: str, accept: Callable[[bytes], bool], known: Stat | None = None) -> Stat | None:
        """Take `rel` from the site being replaced (hard-linked, else copied) if it is a
        regular file there, inside it, whose bytes `accept`; else write nothing, say None.
        Returns the file's stat identity (size, modification time, inode).

        The bytes are checked in the new folder, after linking: what is checked is what
        is published. When `known` is given (the identity the file had when a previous
        build wrote or checked it, out of the racy window) and the linked file still has
        it, the file is that one, unmodified: it is taken without reading it (git's index
        trusts a file's stat the same way)."""
        target = self._place(rel)
        parent = rel.rpartition("/")[0] or "."
        inside = self._old_dirs.get(parent)
        if inside is None:  # a folder of the old site swapped for a link to elsewhere: not ours
            real = os.path.realpath(self.out)
            inside = self._old_dirs[parent] = os.path.realpath(os.path.join(self.out, parent)) == os.path.normpath(
                os.path.join(real, parent)
            )
        if not inside:
            return None
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

    def note(self, name: str, data: bytes) -> None:
        """A file of the build's own (like the marker) at the top of the folder: not
        one of the site's files."""
        with writing(self.shown(name)), open(self.path(name), "xb") as fh:
            fh.write(data)

    def commit(self) -> None:
        """Replace the old site with the new one: two renames, the old one removed last."""
        with writing(self.out):
            (self.tmp / MARKER).write_text(
                "built by perfdocs; this folder is replaced on every build\n", encoding="utf-8"
            )
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
        shutil.rmtree(self.tmp, ignore_errors=True)


Stat = tuple[int, int, int]
"""A file's stat identity: (size, modification time in ns, inode)."""


def identity(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ino


def _read_regular(path: str | Path) -> bytes | None:
    """A regular file's bytes, never through a symbolic link (nor blocking on a FIFO)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return fh.read()
        except OSError:
            return None
