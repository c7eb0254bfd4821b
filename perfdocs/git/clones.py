"""Clones: where each repository configured in org.yaml `repositories` is cloned, and its branch.

A repository's clone is found through its environment variable (`env`, by default
PERFDOCS_REPO_<NAME>) or else its `path`, relative to the records folder. The links
checker and DORA both find clones here; answers are paths and shas (read through
perfdocs.git.run), never objects holding a repository open.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.git.run import GitError, resolve, run


# Parsed here for now; it moves to perfdocs/settings.py when the typed settings are merged.
@dataclass(frozen=True)
class RepoConfig:
    """One entry of org.yaml `repositories`."""

    name: str
    path: str | None = None
    env: str | None = None
    url: str | None = None
    host: str = "github"
    default_branch: str | None = None

    @property
    def env_var(self) -> str:
        return self.env or "PERFDOCS_REPO_" + re.sub(r"[^A-Z0-9]+", "_", self.name.upper()).strip("_")

    def location(self, records_root: Path) -> tuple[Path | None, str]:
        """Where the clone is, and how that was decided (for messages)."""
        override = os.environ.get(self.env_var)
        if override:
            return Path(override), f"${self.env_var}"
        if self.path:
            return records_root / self.path, "org.yaml"
        return None, "org.yaml"

    def names(self) -> frozenset[str]:
        """Lower-case names a link or a trailer may use for this repository."""
        out = {self.name.lower()}
        if self.url:
            url = self.url.rstrip("/").removesuffix(".git").lower()
            out.add(url)
            out.add(url.split("://", 1)[-1].split("/", 1)[-1])
        return frozenset(out)


def repositories(settings: Any) -> dict[str, RepoConfig]:
    """org.yaml `repositories` (the value of that setting), each entry's string fields kept."""
    out: dict[str, RepoConfig] = {}
    if not isinstance(settings, dict):
        return out
    for name, conf in settings.items():
        conf = conf if isinstance(conf, dict) else {}
        keys = ("path", "env", "url", "host", "default_branch")
        values = {k: conf[k] for k in keys if isinstance(conf.get(k), str)}
        out[name] = RepoConfig(name, **values)
    return out


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


def open_clone(conf: RepoConfig, records_root: Path) -> tuple[Path | None, str | None]:
    """The folder of a configured clone, or (None, why not)."""
    where, source = conf.location(records_root)
    if where is None:
        return None, f"repository {conf.name} has no 'path' in org.yaml and ${conf.env_var} is not set"
    if _is_repository(where):
        return where, None
    how = ("set by " + source) if source.startswith("$") else f"from org.yaml; set ${conf.env_var} to use another clone"
    return None, f"repository {conf.name} is not cloned: no git repository at {display_path(where)} ({how})"


def branch_head(clone: Path, conf: RepoConfig) -> tuple[str, str] | str:
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


def repository_path(settings: Any, root: Path, name: str) -> Path:
    """Where the repository named `name` in org.yaml `repositories` (`settings`) is cloned:
    its environment variable if set, else its `path` relative to the records folder."""
    conf = repositories(settings).get(name)
    if conf is None:
        raise PerfdocsError(f"repository {name!r} is not configured in org.yaml 'repositories'")
    path, source = conf.location(Path(root))
    if path is None:
        raise PerfdocsError(f"repository {name!r} has no 'path' in org.yaml and ${conf.env_var} is not set")
    if not path.exists():
        how = f"set by {source}" if source.startswith("$") else f"or set ${conf.env_var}"
        raise PerfdocsError(f"repository {name!r} is not cloned at {display_path(path)} ({how})")
    return path


__all__ = ["GitError", "RepoConfig", "branch_head", "open_clone", "repositories", "repository_path"]
