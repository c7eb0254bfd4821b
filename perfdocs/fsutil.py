"""Safe writing: atomic replacement, no overwriting unless asked, never outside a folder, and
file-system faults (a full disk, a read-only mount, a refused permission, a failing device)
told as one line naming the path and what to do, never as a crash."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""What an id, handle or slug that becomes part of a file name may be: no path steps, no separators."""

NAME_MAX = 100

RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)
"""Names Windows keeps for devices (with any extension): a records folder is cloned there too."""


def check_name(value: str, what: str) -> str:
    """`value` if it may be one step of a path under a records folder, else a PerfdocsError saying
    what is allowed. Checked before any path is formed from it: `--id ../org` must never get as
    far as a path."""
    if NAME.fullmatch(value) and len(value) <= NAME_MAX and value.split(".")[0].lower() not in RESERVED:
        return value
    raise PerfdocsError(
        f"{what} {value!r} is not allowed: use letters, digits, '.', '_' and '-', starting with a letter "
        f"or digit, at most {NAME_MAX} characters (no path steps, separators or reserved names such as 'con')"
    )


FAULTS = {
    errno.ENOSPC: ("no space left on the device", "free some space, then run again"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space or raise the quota, then run again"),
    errno.EROFS: ("the file system is read-only", "choose a writable folder, or remount it read-write"),
    errno.EACCES: ("permission denied", "check the folder's owner and permissions, or choose another folder"),
    errno.EPERM: ("operation not permitted", "check the folder's owner and permissions, or choose another folder"),
    errno.EIO: ("input/output error", "the disk or network file system failed: check it, then run again"),
}
"""File-system faults that are the machine's state, not a bug: errno -> (what, what to do)."""


def fault(err: OSError, path: str | os.PathLike[str] | None = None, doing: str = "write") -> PerfdocsError | None:
    """The one-line environment error for a file-system fault in FAULTS (None for any other
    OSError, which stays what it is). `path` names the file the user asked for, rather than
    the temporary file the fault happened in; without it, the error's own file name."""
    if err.errno not in FAULTS:
        return None
    what, todo = FAULTS[err.errno]
    where = path if path is not None else err.filename
    shown = f"cannot {doing} {display_path(Path(os.fsdecode(where)))}" if where is not None else f"cannot {doing}"
    return PerfdocsError(f"{shown}: {what}; {todo}")


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """A fault (see FAULTS) inside the block becomes a PerfdocsError naming `path`."""
    try:
        yield
    except OSError as err:
        found = fault(err, path)
        if found is None:
            raise
        raise found from err


def make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; the ones created, outermost first, so that a
    writer that fails can remove exactly what it made (`remove_folders`)."""
    missing = []
    for step in (folder, *folder.parents):
        if step.is_dir():
            break
        missing.append(step)
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def remove_folders(made: list[Path]) -> None:
    """Remove folders `make_folders` created, innermost first, if they are empty."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            pass


def inside(folder: Path, path: Path) -> Path:
    """`path` resolved, or an error if it would land outside `folder`."""
    resolved = path.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        raise PerfdocsError(f"refusing to write {display_path(path)}: it is outside {display_path(folder)}")
    return resolved


def _umask() -> int:
    try:  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode(path: Path) -> int:
    """The replaced file's permissions, or what a plain open() would give a new file
    (mkstemp's files are private: 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def atomic_write(path: Path, text: str, overwrite: bool = False) -> None:
    """Write through a temporary file in the same folder and a rename: readers see the old
    file or the new one, never half of one."""
    if path.exists() and not overwrite:
        raise PerfdocsError(f"{display_path(path)} already exists; not overwriting it (use --force to replace it)")
    made: list[Path] = []
    try:
        # A write that fails (a full disk, a read-only mount) leaves no folder it made behind.
        with writing(path):
            made = make_folders(path.parent)
            _write_new(path, text, overwrite)
    except BaseException:
        remove_folders(made)
        raise


def _write_new(path: Path, text: str, overwrite: bool) -> None:
    tmp = stage(path, text)
    try:
        place(tmp, path, overwrite)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def stage(path: Path, text: str) -> Path:
    """`text` in a temporary file beside `path` (a dot file the loader ignores), with the
    permissions `path` has or would get, synced to disk: what `place` then puts in place.
    Nothing is left behind when writing it fails."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(path))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def place(tmp: Path, path: Path, overwrite: bool) -> None:
    """Rename a staged file to `path` (no space is needed for that); without `overwrite`,
    refuse if `path` appeared meanwhile."""
    if not overwrite:
        # link() fails if the name appeared meanwhile: no race can clobber a file.
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise PerfdocsError(f"{display_path(path)} already exists; not overwriting it") from None
        except OSError:  # file systems without hard links
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    else:
        os.replace(tmp, path)
    _sync_folder(path.parent)  # so that the rename, not only the data, survives a power cut


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
