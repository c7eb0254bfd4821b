"""Safe writing: atomic replacement, no overwriting unless asked, never outside a folder."""

from __future__ import annotations

import os
import re
import tempfile
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(path))
        if not overwrite:
            # link() fails if the name appeared meanwhile: no race can clobber a file.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise PerfdocsError(f"{display_path(path)} already exists; not overwriting it") from None
            except OSError:  # file systems without hard links
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
        _sync_folder(path.parent)  # so that the rename, not only the data, survives a power cut
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


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
