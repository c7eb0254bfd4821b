"""Changes: the files a branch touched since a git ref.

`perfdocs validate --changed-since origin/main` reports only the record files among
these, while the whole records folder is still loaded to resolve references, so CI on
a pull request speaks only about what the pull request changed. Which files are records
is the caller's to say (`suffixes`): git sits below the records package.
"""

from __future__ import annotations

from pathlib import Path

from perfdocs.errors import PerfdocsError
from perfdocs.git.run import resolve, run

__all__ = ["changed_since"]


def changed_since(root: Path, ref: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """Files under `root` (those ending in one of `suffixes`, when given) changed since `ref`:
    committed on this branch since it forked from `ref` (`git diff REF...HEAD`), plus staged,
    unstaged and untracked changes. Deleted files are included (they have no problems to
    report, but they were touched)."""
    # Asked here rather than through run.toplevel, which reads a missing git as "no repository":
    # this command needs git, so a missing git is its own one-line error (GitError).
    where = run(root, "rev-parse", "--show-toplevel", check=False)
    top = Path(where.text.strip()) if where.ok and where.text.strip() else None
    if top is None:
        raise PerfdocsError(f"--changed-since needs a git repository, and {root} is not in one")
    if ref.startswith("-"):
        raise PerfdocsError(f"--changed-since {ref!r} is not a git ref")
    if resolve(top, ref) is None:
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
        out = run(top, *args, check=False)
        if not out.ok:
            message = out.stderr.decode("utf-8", "replace").strip()
            raise PerfdocsError(f"git {' '.join(args[:2])} failed: {message or out.returncode}")
        names.update(n for n in out.text.split("\0") if n)
    real_root = root.resolve()
    found = []
    for name in sorted(names):
        path = (top / name).resolve() if (top / name).exists() else top.resolve() / name
        if path.is_relative_to(real_root) and (not suffixes or name.endswith(suffixes)):
            found.append(path)
    return found
