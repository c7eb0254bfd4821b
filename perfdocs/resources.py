"""Where perfdocs' own data lives: the schemas, templates and example records.

In a checkout they are the repository's top-level folders (what people read and edit);
the wheel carries them inside the package, under `perfdocs/_data/`.
"""

from __future__ import annotations

from pathlib import Path

from perfdocs.errors import PerfdocsError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder (schemas, templates, records): in the wheel or the source tree."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise PerfdocsError(f"perfdocs is installed without its '{name}' folder; reinstall it")
