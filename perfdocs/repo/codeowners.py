"""Writing CODEOWNERS (`perfdocs codeowners`, `perfdocs init`).

What the file says, and where it is, is worked out by perfdocs.rules.codeowners (which
also warns, through `validate`, when the committed file is stale); this module gives the
records folder's view of it for the commands that write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfdocs.fsutil import atomic_write
from perfdocs.records.organisation import Organisation
from perfdocs.rules import codeowners as generator
from perfdocs.rules.codeowners import MARKER, Rule, locate, repo_root

__all__ = ["MARKER", "Update", "locate", "plan", "render", "repo_root", "rules", "write"]


def rules(org: Organisation, root: Path) -> list[Rule]:
    """One rule per person, in handle order, for the records under `root`."""
    return generator.rules(org, generator.prefix(root))


def render(org: Organisation, root: Path, existing: str | None) -> str:
    """The whole file for the records under `root`: the existing file's own lines kept,
    the generated part replaced."""
    return generator.render(org, generator.prefix(root), existing)


@dataclass(frozen=True)
class Update:
    """The CODEOWNERS file as it is and as the records say it should be."""

    path: Path
    existing: str | None
    """The file's text now; None when there is none."""
    text: str
    people: int

    @property
    def current(self) -> bool:
        return self.existing == self.text


def plan(org: Organisation, root: Path) -> Update:
    """What `perfdocs codeowners` would write for the records under `root`."""
    path = locate(root)
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    return Update(path, existing, render(org, root, existing), len(org.people))


def write(update: Update) -> None:
    atomic_write(update.path, update.text, overwrite=True)
