"""Where perfdocs' own data lives: the schemas, templates and example records, and the
Jinja environment that renders the record templates.

In a checkout they are the repository's top-level folders (what people read and edit);
the wheel carries them inside the package, under `perfdocs/_data/`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfdocs.errors import PerfdocsError

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder (schemas, templates, records): in the wheel or the source tree."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise PerfdocsError(f"perfdocs is installed without its '{name}' folder; reinstall it")


def text_env(folder: str, **syntax: Any) -> jinja2.Environment:
    """Jinja for the text files perfdocs writes (records, drafts, CI files) from
    templates/<folder>/: no HTML escaping, undefined names are errors, and a `yaml` filter
    that quotes any text safely (json.dumps of a string is a valid YAML scalar). `syntax`
    changes the delimiters (e.g. square brackets for files that hold GitHub's `${{ }}`).
    jinja2 is imported here, not at the top, so commands that write nothing never load it."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / folder)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        **syntax,
    )
    env.filters["yaml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env
