"""Local schemas: the record schemas a records repository carries in `.perfdocs/schemas/`, so
that editors and other tools (VS Code's YAML extension, check-jsonschema) check records offline.

The bundled schemas' `$id`s are https://perfdocs.dev/schemas/v1/<kind>.schema.json, an address
that serves nothing. A tool that honours `$id` resolves the relative `$ref`s between the schemas
(`common.schema.json#/$defs/date`) against it, tries to download them and fails. A local copy
leaves the `$id` out (a `$comment` in its place still names it), so every `$ref` resolves
against the copy's own path: the copies work from whatever folder they are written to.

`perfdocs init` writes them, `perfdocs schema export DIR` writes or refreshes them, and the
records `init` and `new` write name theirs by relative path in their first line (`modeline`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from perfdocs.records.schemas import SCHEMA_BASE
from perfdocs.resources import data_dir

FOLDER = ".perfdocs/schemas"
"""Where a records repository keeps its copies, relative to the repository's top."""

MODELINE = "# yaml-language-server: $schema="
"""The first line of a YAML record, naming its schema for the editor (yaml-language-server)."""

_ID = re.compile(r'^(?P<indent>[ \t]*)"\$id": "(?P<id>[^"\\]*)",[ \t]*$', re.MULTILINE)


def _comment(schema_id: str) -> str:
    return f"a local copy of {schema_id}, without its $id so that its $refs resolve from this folder"


def local_copy(text: str) -> str:
    """A bundled schema's text with its `$id` replaced by a `$comment`: line for line the same
    file otherwise, so a diff against the bundled one shows only that line."""
    found = _ID.search(text)
    if found is not None:
        line = f'{found["indent"]}"$comment": {json.dumps(_comment(found["id"]))},'
        return text[: found.start()] + line + text[found.end() :]
    # not laid out as the bundled files are: the same change through the JSON data
    doc = json.loads(text)
    if "$id" in doc:
        doc = {("$comment" if k == "$id" else k): (_comment(v) if k == "$id" else v) for k, v in doc.items()}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def copies() -> dict[str, str]:
    """File name -> text of every schema's local copy."""
    return {
        path.name: local_copy(path.read_text(encoding="utf-8"))
        for path in sorted(data_dir("schemas").glob("*.schema.json"))
    }


def find(root: Path) -> Path | None:
    """The nearest `.perfdocs/schemas` folder at or above the records folder `root`, if any."""
    start = root.resolve()
    for folder in (start, *start.parents):
        candidate = folder / FOLDER
        if (candidate / "common.schema.json").is_file():
            return candidate
    return None


def schema_for(record: Path, kind: str, root: Path) -> str:
    """What a new YAML record at `record` names as its schema: the local copy by a relative path
    when the repository has one (written by `init` or `schema export`), else its stable `$id`."""
    name = f"{kind}.schema.json"
    folder = find(root)
    if folder is None or not (folder / name).is_file():
        return SCHEMA_BASE + name
    return Path(os.path.relpath(folder / name, record.resolve().parent)).as_posix()


def modeline_prefix(target: str) -> str:
    """The relative path, ending in '/', from a file `init` writes (its path from the repository's
    top, with '/') to the schemas folder; editors' settings live at the top and take `FOLDER/`."""
    if "/" not in target or target.startswith(".vscode/"):
        return FOLDER + "/"
    depth = target.count("/")
    return "../" * depth + FOLDER + "/"
