"""Clones: where each repository configured in org.yaml `repositories` is cloned, and its branches.

A repository's clone is found through its environment variable (`env`, by default
PERFDOCS_REPO_<NAME>) or else its `path`, relative to the records folder. The repositories themselves are
settings (perfdocs.settings.RepoConfig); the links checker and DORA both find clones here; answers are paths and shas (read through
perfdocs.git.run), never objects holding a repository open.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.git.run import GitError, resolve, run


class Clone(Protocol):
    """What finding a clone needs of a configured repository (perfdocs.settings.RepoConfig)."""

    @property
    def name(self) -> str: ...
    @property
    def env_var(self) -> str: ...
    @property
    def default_branch(self) -> str | None: ...
    def location(self, records_root: Path) -> tuple[Path | None, str]: ...


def _is_repository(where: Path) -> bool:
    """Whether `where` is the top of a git working tree or a bare repository (a folder
    inside another repository is not a clone of its own)."""
    if not where.is_dir():
        return False
    out = run(where, "rev-parse", "--is-bare-repository", "--show-cdup", check=False)
    if not out.ok:
        return False
    lines = out.text.split("\n")
    # bare: "true"; the top of a working tree: "false" and an empty path up to it
    return lines[0] == "true" or (len(lines) > 1 and lines[1] == "")


def open_clone(conf: Clone, records_root: Path) -> tuple[Path | None, str | None]:
    """The folder of a configured clone, or (None, why not)."""
    where, source = conf.location(records_root)
    if where is None:
        return None, f"repository {conf.name} has no 'path' in org.yaml and ${conf.env_var} is not set"
    if _is_repository(where):
        return where, None
    how = ("set by " + source) if source.startswith("$") else f"from org.yaml; set ${conf.env_var} to use another clone"
    return None, f"repository {conf.name} is not cloned: no git repository at {display_path(where)} ({how})"


def branch_head(clone: Path, conf: Clone) -> tuple[str, str] | str:
    """(branch, head sha) of the configured default branch (else the checked-out one,
    or HEAD when detached), or why there is none."""
    branch = conf.default_branch
    if branch is None:
        out = run(clone, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        branch = out.text.strip() if out.ok and out.text.strip() else "HEAD"
    sha = resolve(clone, branch)
    if sha is None:  # no such ref, or no commits yet
        return f"repository {conf.name} has no branch {branch!r} (its default_branch in org.yaml)"
    return branch, sha


def branch_heads(clone: Path, patterns: Iterable[str]) -> list[tuple[str, str]]:
    """(branch, head sha) of every branch of the clone whose name matches one of `patterns`
    (shell-style: `release/*`, `*.x`), local branches first, then remote-tracking ones (their
    name without the remote: `origin/release/1.x` is `release/1.x`), sorted by name; a head
    already listed (a local branch and its upstream at the same commit) is listed once."""
    wanted = [p for p in patterns if p]
    if not wanted:
        return []
    fmt = "%(refname)%00%(objectname)%00%(objecttype)"
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for prefix in ("refs/heads/", "refs/remotes/"):
        rows = []
        for line in run(clone, "for-each-ref", f"--format={fmt}", prefix).text.splitlines():
            ref, sha, kind = line.split("\0")
            name = ref.removeprefix(prefix)
            if prefix == "refs/remotes/":
                name = name.split("/", 1)[1] if "/" in name else ""
            if kind == "commit" and name and name != "HEAD" and any(fnmatch.fnmatchcase(name, p) for p in wanted):
                rows.append((name, sha))
        for name, sha in sorted(rows):
            if sha not in seen:
                seen.add(sha)
                found.append((name, sha))
    return found


def repository_path(repositories: Mapping[str, Clone], root: Path, name: str) -> Path:
    """Where the repository named `name` in org.yaml `repositories` is cloned: its
    environment variable if set, else its `path` relative to the records folder."""
    conf = repositories.get(name)
    if conf is None:
        raise PerfdocsError(f"repository {name!r} is not configured in org.yaml 'repositories'")
    path, source = conf.location(Path(root))
    if path is None:
        raise PerfdocsError(f"repository {name!r} has no 'path' in org.yaml and ${conf.env_var} is not set")
    if not path.exists():
        how = f"set by {source}" if source.startswith("$") else f"or set ${conf.env_var}"
        raise PerfdocsError(f"repository {name!r} is not cloned at {display_path(path)} ({how})")
    return path


__all__ = ["Clone", "GitError", "branch_head", "branch_heads", "open_clone", "repository_path"]
