"""The records data model: a parsed source file (`Document`), where its values are in the
file (`Positions`), and a record of the organisation (`Record`).

These are plain data. `perfdocs.records.parse` makes Documents from text,
`perfdocs.records.load` makes Records from Documents, and `perfdocs.records.cache`
rebuilds Documents without parsing. Positions come from the node tree the parser
composes; a Document composes it only when something asks where a value is, and a loaded
record's Document (`LeanDocument`) reads its YAML text back from the file to do so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from perfdocs.diagnostics import ERROR, Diagnostic

JsonPath = tuple[str | int, ...]
"""Keys and list indexes from a record's root to one of its values (jsonschema's absolute_path)."""


@dataclass
class Document:
    """One source file's YAML data and Markdown body."""

    path: Path
    display: str
    data: Any
    yaml_text: str
    line_offset: int = 0
    """Lines before the YAML text in the file (1 for front matter's opening '---')."""
    body: str | None = None
    body_line: int = 0
    """Line of the file on which the body starts."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @cached_property
    def positions(self) -> Positions:
        # The parser owns every YAML reading; imported here because it imports this module.
        from perfdocs.records.parse import positions

        return positions(self.yaml_text, self.line_offset)

    def at(self, path: JsonPath = (), key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of the value (or key) at a JSON path in this document."""
        return self.positions.locate(path, key)


class LeanDocument(Document):
    """A Document that does not keep its YAML text: most records never report a problem, so
    their text is never read again, and 100,000 of them would hold ~65 MB of it. The text is
    read back from the file (`parse.texts`) the first time a position is asked for."""

    _yaml_text: str | None
    _path: Path | str
    """The file's path, as a string until it is first asked for: a Path per record costs
    ~30 MB at 100,000 records, and most records' paths are never asked for."""

    @property  # a field of Document, a property here (as yaml_text, and in cache.CachedDocument)
    def path(self) -> Path:
        if isinstance(self._path, str):
            self._path = Path(self._path)
        return self._path

    @path.setter
    def path(self, value: Path | str) -> None:
        self._path = value

    @property
    def yaml_text(self) -> str:
        if self._yaml_text is None:
            from perfdocs.records.parse import texts  # parse imports this module

            self._yaml_text = texts(self.path, self.display)[0]
        return self._yaml_text

    @yaml_text.setter
    def yaml_text(self, value: str | None) -> None:
        self._yaml_text = value


def lean(doc: Document) -> Document:
    """The Document without its YAML text (read back when needed), if it has data: a file
    that did not parse keeps its text (it has no record for anything to ask about later)."""
    if doc.data is None or type(doc) is not Document:
        return doc
    out = LeanDocument.__new__(LeanDocument)
    fields = vars(out)
    fields.update(vars(doc))
    del fields["yaml_text"]
    fields["_path"] = fields.pop("path")
    out._yaml_text = None
    return out


class Positions:
    """Looks up the file position of a value by its path (keys and list indexes)."""

    def __init__(self, root: yaml.Node | None, line_offset: int) -> None:
        self.root = root
        self.offset = line_offset

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def locate(self, path: JsonPath = (), key: bool = False) -> tuple[int, int]:
        node = self.root
        if node is None:
            return 1 + self.offset, 1
        where = self._mark(node)
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        where = self._mark(k if (last and key) else v)
                        node = v
                        break
                else:
                    return where
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return where
                node = node.value[part]
                where = self._mark(node)
            else:
                return where
        return where


@dataclass
class Record:
    """One record of the organisation: its Document, where it lives, its kind and id."""

    doc: Document
    rel: str
    """Path relative to the records root (or its source's folder), with '/' separators."""
    kind: str
    id: str
    owner: str | None = None
    """The handle whose folder (people/<handle>/) holds the record."""
    visibility: str = "private"
    """Effective visibility, filled in by the organisation graph."""
    schema_ok: bool = False
    """True when the compiled validator passed the record, so jsonschema need not explain it."""
    source: str | None = None
    """The records source (org.yaml `sources`) the record came from; None for the records
    folder that holds org.yaml. `rel` is relative to that source's folder."""

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.doc.data  # a Record is only made from a Document holding a mapping
        return data

    @property
    def body(self) -> str | None:
        return self.doc.body

    @property
    def display(self) -> str:
        return self.doc.display

    def get(self, key: str, default: Any = None) -> Any:
        return self.doc.data.get(key, default)

    def diag(
        self,
        rule: str,
        message: str,
        path: JsonPath = (),
        key: bool = False,
        severity: str = ERROR,
        hint: str | None = None,
    ) -> Diagnostic:
        line, col = self.doc.at(path, key)
        return Diagnostic(self.display, line, col, rule, message, severity, hint)
