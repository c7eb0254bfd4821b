"""File versions: every committed text of some files, oldest first, with the commit that wrote it.

Calibration reads a review's history this way (perfdocs.people.rating_changes): the git
history is the audit trail of a rating. One `git log` finds the commits and one
`git cat-file --batch` reads every version, however many files and commits there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from perfdocs.git.log import commits
from perfdocs.git.run import GitError, run, toplevel


@dataclass(frozen=True)
class Version:
    sha: str
    committed: dt.datetime
    """When the commit landed (the committer date)."""
    text: str | None
    """The file's text in that commit; None when the commit deleted it (or it is not UTF-8)."""


def versions(root: Path, paths: list[Path]) -> dict[Path, list[Version]]:
    """For each of `paths` (files under `root`) the versions its commits wrote, oldest first.
    Empty when `root` is not in a git repository, or git is not installed: a records folder
    outside git simply has no history."""
    top = toplevel(root)
    if top is None or not paths:
        return {}
    real_top = top.resolve()
    by_rel: dict[str, Path] = {}
    for path in paths:
        try:
            by_rel[path.resolve().relative_to(real_top).as_posix()] = path
        except ValueError:
            continue  # a records source outside this repository: its history is elsewhere
    if not by_rel:
        return {}
    try:
        found = commits(top, paths=sorted(by_rel), files=True)
    except GitError:
        return {}  # a repository without commits yet
    wanted = [(c, rel) for c in reversed(found) for rel in c.files if rel in by_rel]
    if not wanted:
        return {}
    out = run(top, "cat-file", "--batch", input="".join(f"{c.sha}:{rel}\n" for c, rel in wanted).encode(), check=False)
    history: dict[Path, list[Version]] = {}
    data, pos = out.stdout if out.ok else b"", 0
    for commit, rel in wanted:
        text = None
        end = data.find(b"\n", pos)
        if end >= 0:
            header = data[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                blob, pos = data[pos : pos + size], pos + size + 1
                try:
                    text = blob.decode("utf-8")
                except UnicodeDecodeError:
                    text = None
        history.setdefault(by_rel[rel], []).append(Version(commit.sha, commit.committed, text))
    return history


def ladder_history(root: Path, folders: list[str]) -> list[tuple[str, dt.datetime]]:
    """(sha, committed) of every commit that changed `folders` (under `root`), newest first."""
    if not folders or toplevel(root) is None:
        return []
    try:
        return [(c.sha, c.committed) for c in commits(root, paths=folders)]
    except GitError:
        return []


__all__ = ["Version", "ladder_history", "versions"]
