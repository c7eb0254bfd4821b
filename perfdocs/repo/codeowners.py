"""Writing CODEOWNERS (`perfdocs codeowners`, `perfdocs init`).

What the file says, and where it is, is worked out by perfdocs.rules.codeowners (which
also warns, through `validate`, when the committed file is stale); this module gives the
records folder's view of it for the commands that write it.
"""

from __future__ import annotations

from pathlib import Path

from perfdocs.records.organisation import Organisation
from perfdocs.rules import codeowners as generator
from perfdocs.rules.codeowners import MARKER, Rule, locate, repo_root

__all__ = ["MARKER", "locate", "render", "repo_root", "rules"]


def rules(org: Organisation, root: Path) -> list[Rule]:
    """One rule per person, in handle order, for the records under `root`."""
    return generator.rules(org, generator.prefix(root))


def render(org: Organisation, root: Path, existing: str | None) -> str:
    """The whole file for the records under `root`: the existing file's own lines kept,
    the generated part replaced."""
    return generator.render(org, generator.prefix(root), existing)
