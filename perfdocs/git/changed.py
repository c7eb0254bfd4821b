"""Changes: the record files a branch touched since a git ref.

`perfdocs validate --changed-since origin/main` reports only these files, while the
whole records folder is still loaded to resolve references, so CI on a pull request
speaks only about what the pull request changed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from perfdocs.errors import PerfdocsError
from perfdocs.records.parse import RECORD_SUFFIXES


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise PerfdocsError("git is not installed (needed for --changed-since)") from None
    except subprocess.TimeoutExpired:
        raise PerfdocsError(f"git {' '.join(args)} took longer than a minute") from None


def toplevel(folder: Path) -> Path | None:
    """The working tree holding `folder`, or None when it is not in a git repository."""
    try:
        out = _git(folder, "rev-parse", "--show-toplevel")
    except PerfdocsError:
        return None
    return Path(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else None


def changed_since(root: Path, ref: str) -> list[Path]:
    """Record files under `root` changed since `ref`: committed on this branch since it
    forked from `ref` (`git diff REF...HEAD`), plus staged, unstaged and untracked changes.
    Deleted files are included (they have no problems to report, but they were touched)."""
    top = toplevel(root)
    if top is None:
        raise PerfdocsError(f"--changed-since needs a git repository, and {root} is not in one")
    if ref.startswith("-"):
        raise PerfdocsError(f"--changed-since {ref!r} is not a git ref")
    known = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if known.returncode != 0:
        hint = (
            " (in CI, fetch it first, e.g. git fetch origin main, or check out with fetch-depth: 0)"
            if "/" in ref
            else ""
        )
        raise PerfdocsError(f"--changed-since: unknown git ref '{ref}'{hint}")
    names: set[str] = set()
    for args in (
        ("diff", "--name-only", "-z", "--no-renames", f"{ref}...HEAD"),
        ("diff", "--name-only", "-z", "--no-renames", "HEAD"),
        ("ls-files", "-z", "--others", "--exclude-standard"),
    ):
        out = _git(top, *args)
        if out.returncode != 0:
            raise PerfdocsError(f"git {' '.join(args[:2])} failed: {out.stderr.strip() or out.returncode}")
        names.update(n for n in out.stdout.split("\0") if n)
    real_root = root.resolve()
    found = []
    for name in sorted(names):
        path = (top / name).resolve() if (top / name).exists() else top.resolve() / name
        if path.is_relative_to(real_root) and name.endswith(RECORD_SUFFIXES):
            found.append(path)
    return found
