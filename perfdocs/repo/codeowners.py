"""Writing CODEOWNERS (`perfdocs codeowners`, `perfdocs init`).

What the file says, and where it is, is worked out by perfdocs.rules.codeowners (which
also warns, through `validate`, when the committed file is stale); this module gives the
records folder's view of it for the commands that write it. With records sources
(perfdocs.records.sources), each repository present gets its own file, routing the
people's folders it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from perfdocs.fsutil import atomic_write
from perfdocs.records.organisation import Organisation
from perfdocs.rules import codeowners as generator
from perfdocs.rules.codeowners import MARKER, Rule, locate, repo_root

__all__ = ["MARKER", "Update", "locate", "plan", "plans", "render", "repo_root", "rules", "write"]


def rules(org: Organisation, root: Path, source: str | None = None) -> list[Rule]:
    """One rule per person, in handle order, for the records under `root` (of `source`)."""
    return generator.rules(org, generator.prefix(root), source)


def render(org: Organisation, root: Path, existing: str | None, source: str | None = None) -> str:
    """The whole file for the records under `root` (the folder of `source`, None for the
    records folder): the existing file's own lines kept, the generated part replaced."""
    return generator.render(org, generator.prefix(root), existing, source)


@dataclass(frozen=True)
class Update:
    """The CODEOWNERS file as it is and as the records say it should be."""

    path: Path
    existing: str | None
    """The file's text now; None when there is none."""
    text: str
    people: int
    source: str | None = None
    """The records source whose repository the file is in; None for the records folder's."""

    @property
    def current(self) -> bool:
        return self.existing == self.text


def plan(org: Organisation, root: Path, source: str | None = None) -> Update:
    """What `perfdocs codeowners` would write for the records under `root` (the folder of
    `source`, None for the records folder)."""
    path = locate(root)
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    text = render(org, root, existing, source)
    return Update(path, existing, text, len(generator.handles(org, source)), source)


def plans(org: Organisation, root: Path) -> list[Update]:
    """The records folder's CODEOWNERS, then that of each records source present here: each
    repository routes the people's folders it holds to their managers."""
    out = [plan(org, root)]
    for source in org.sources:
        if source.present and source.folder is not None:
            out.append(plan(org, source.folder, source.name))
    return out


def write(update: Update) -> None:
    atomic_write(update.path, update.text, overwrite=True)
