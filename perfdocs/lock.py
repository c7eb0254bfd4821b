"""Locks: one perfdocs command at a time may write a records folder or an output folder.

Every command that writes records (`new`, `init`, `links resolve --write`, `packet
draft`, `kpi dora --write`) holds the records folder's lock from the moment it reads
the records until its last write, so two of them never interleave a read-check-write.
`perfdocs build` (and each rebuild of `serve`) holds the output folder's lock.

The lock is an advisory `flock` on a small file: `<records>/.perfdocs.lock` (ignored by
the loader, like every dot file), or `.<name>.lock` beside an output folder `<name>`. The
file names the holder (pid, command, start time) and is removed when it is released;
the kernel releases the lock itself if the holder dies, even by SIGKILL, so a lock is
never stale. A second command waits for the first to finish, up to
`PERFDOCS_LOCK_TIMEOUT` seconds (default 10), then stops with exit code 2:

    perfdocs: error: another perfdocs command is writing records (pid 4242, perfdocs build,
    since 14:02:11); waited 10 s. Run again when it has finished.

A records folder may also be closed to writers for the whole command (`forbid_writes`): the
example organisation bundled with perfdocs, when `--example` selects it, since it lives
inside the installed package; its records_lock then refuses (exit 2) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import fault

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, commands run unlocked
    fcntl = None  # type: ignore[assignment]

DEFAULT_TIMEOUT = 10.0
RECORDS_LOCK = ".perfdocs.lock"
_POLL = 0.05
_held: dict[str, int] = {}
"""Locks this process holds (resolved lock path -> depth): taking one again nests."""
_read_only: dict[str, str] = {}
"""Records folders this process must not write (resolved path -> why): the bundled example
organisation when a command reads it with --example. Every writer takes records_lock first,
so refusing there covers them all."""


def timeout_from_env() -> float:
    raw = os.environ.get("PERFDOCS_LOCK_TIMEOUT")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise PerfdocsError(f"PERFDOCS_LOCK_TIMEOUT={raw!r} is not a number of seconds") from None
    return max(value, 0.0)


def records_lock_path(root: Path) -> Path:
    return root / RECORDS_LOCK


def output_lock_path(out: Path) -> Path:
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.lock"


def _holder(path: Path) -> str:
    try:
        pid, command, since = (path.read_text(encoding="utf-8").splitlines() + ["", "", ""])[:3]
    except OSError:
        return "pid unknown"
    parts = [f"pid {pid}" if pid else "pid unknown"]
    if command:
        parts.append(command)
    if since:
        parts.append(f"since {since}")
    return ", ".join(parts)


def _command_line() -> str:
    return " ".join(["perfdocs", *sys.argv[1:]])[:200]


@contextmanager
def exclusive(path: Path, what: str, timeout: float | None = None) -> Iterator[Path]:
    """Hold the lock file `path` (created if needed) for the duration of the block.

    `what` names the guarded thing in the error ("records", "the site folder site").
    """
    if fcntl is None:  # pragma: no cover
        yield path
        return
    key = os.path.abspath(path)
    if _held.get(key):
        _held[key] += 1
        try:
            yield path
        finally:
            _held[key] -= 1
        return
    wait = timeout_from_env() if timeout is None else timeout
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise fault(err, path) or PerfdocsError(
                f"cannot create the lock file {display_path(path)}: {err.strerror or err}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise PerfdocsError(
                    f"another perfdocs command is writing {what} ({_holder(path)}); waited {wait:g} s. "
                    "Run again when it has finished."
                ) from None
            time.sleep(_POLL)
            continue
        # The holder before us may have removed the file after we opened it: then we hold a
        # lock on a name nobody else sees, and must start again on the current file.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n{_command_line()}\n{dt.datetime.now():%H:%M:%S}\n".encode())
        except OSError:  # a full disk: the flock is the lock; the text only names the holder to a waiter
            pass
        _held[key] = 1
        yield path
    finally:
        _held.pop(key, None)
        try:
            os.unlink(path)  # while still holding it: a waiter notices and retries on a new file
        except OSError:
            pass
        os.close(fd)


def forbid_writes(root: Path, why: str) -> Callable[[], None]:
    """Make records_lock(root) refuse with `why` until the returned function is called."""
    key = str(root.resolve())
    _read_only[key] = why

    def allow() -> None:
        _read_only.pop(key, None)

    return allow


def records_lock(root: Path, timeout: float | None = None) -> AbstractContextManager[Path]:
    """The lock of a records folder, held by commands that write records."""
    why = _read_only.get(str(root.resolve()))
    if why is not None:
        raise PerfdocsError(f"cannot write records in {display_path(root)}: {why}")
    return exclusive(records_lock_path(root), f"records in {display_path(root)}", timeout)


def output_lock(out: Path, timeout: float | None = None) -> AbstractContextManager[Path]:
    """The lock of an output folder, held while it is built and swapped in."""
    return exclusive(output_lock_path(out), f"the output folder {display_path(out)}", timeout)
