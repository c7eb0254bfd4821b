"""Changes: the files a branch touched since a git ref.

`perfdocs validate --changed-since origin/main` reports only the record files among
these, while the whole records folder is still loaded to resolve references, so CI on
a pull request speaks only about what the pull request changed. Which files are records
is the caller's to say (`suffixes`): git sits below the records package.

What a changed file held before the change (`texts_at`, at the merge base for
`--changed-since`, at HEAD for `validate PATHS`) tells which keys it used to define, so
that the breakage a change causes in records it did not touch is reported too (a renamed
competency, a deleted person): see perfdocs.records.refindex.
"""

from __future__ import annotations

import os
from pathlib import Path

from perfdocs.errors import PerfdocsError
from perfdocs.git.run import resolve, run, run_all

__all__ = ["base", "changed_since", "uncommitted", "texts_at"]


def _top(root: Path) -> Path | None:
    where = run(root, "rev-parse", "--show-toplevel", check=False)
    return Path(where.text.strip()) if where.ok and where.text.strip() else None


def changed_since(root: Path, ref: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """Files under `root` (those ending in one of `suffixes`, when given) changed since `ref`:
    committed on this branch since it forked from `ref` (`git diff REF...HEAD`), plus staged,
    unstaged and untracked changes. Deleted files are included (they have no problems to
    report, but they were touched)."""
    # Asked here rather than through run.toplevel, which reads a missing git as "no repository":
    # this command needs git, so a missing git is its own one-line error (GitError).
    top = _top(root)
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
    commands = [
        ("diff", "--name-only", "-z", "--no-renames", f"{ref}...HEAD"),
        ("diff", "--name-only", "-z", "--no-renames", "HEAD"),
        ("ls-files", "-z", "--others", "--exclude-standard"),
    ]
    for args, out in zip(commands, run_all(top, commands, check=False), strict=True):  # side by side
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


def base(root: Path, ref: str) -> str | None:
    """The commit `--changed-since REF` compares with: where HEAD forked from `ref` (the
    files' texts before the branch's changes); None without one."""
    out = run(root, "merge-base", "--end-of-options", ref, "HEAD", check=False)
    return out.text.strip() or None if out.ok and not ref.startswith("-") else None


def uncommitted(root: Path, paths: list[Path], suffixes: tuple[str, ...] = ()) -> list[Path] | None:
    """Files under `paths` (inside `root`) whose content differs from HEAD's, staged or not,
    deleted ones included (what `validate PATHS` compares with HEAD); None when `root` is not
    in a git repository with a commit (then nothing is known of the files' past)."""
    top = _top(root)
    if top is None or resolve(top, "HEAD") is None:
        return None
    specs = [os.path.relpath(p.resolve(), top.resolve()) for p in paths]
    out = run(top, "diff", "--name-only", "-z", "--no-renames", "HEAD", "--", *specs, check=False)
    if not out.ok:
        return None
    return [top.resolve() / n for n in sorted(out.text.split("\0")) if n and (not suffixes or n.endswith(suffixes))]


def texts_at(root: Path, rev: str, paths: list[Path]) -> dict[Path, str]:
    """The text each of `paths` had at commit `rev` (those that existed there and are text),
    read in one `git cat-file --batch`."""
    top = _top(root)
    if top is None or not paths:
        return {}
    real_top = top.resolve()
    rels = [
        p.resolve().relative_to(real_top).as_posix() if p.exists() else p.relative_to(real_top).as_posix()
        for p in paths
    ]
    out = run(top, "cat-file", "--batch", input="".join(f"{rev}:{rel}\n" for rel in rels).encode(), check=False)
    if not out.ok:
        return {}
    found: dict[Path, str] = {}
    data, pos = out.stdout, 0
    for path in paths:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<object> missing": the file did not exist at rev
        size = int(header[2])
        blob, pos = data[pos : pos + size], pos + size + 1
        try:
            found[path] = blob.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return found
