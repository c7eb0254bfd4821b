"""The records data model: a parsed source file (`Document`), where its values are in the
file (`Positions`), and a record of the organisation (`Record`).

These are plain data. `perfdocs.records.parse` makes Documents from text,
`perfdocs.records.load` makes Records from Documents, and `perfdocs.records.cache`
rebuilds Documents without parsing. Positions come from the node tree the parser
composes; a Document composes it only when something asks where a value is, and a loaded
record's Document (`LeanDocument`) reads its YAML text back from the file to do so (and its
Markdown body, whenever it is asked for).
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


class Place:
    """Where the files of one loaded folder are: the prefix of each one's path and of its
    display, shared by all their LeanDocuments (see LeanDocument.placed)."""

    __slots__ = ("path", "display")

    def __init__(self, path: str, display: str) -> None:
        self.path = path
        self.display = display


class LeanDocument(Document):
    """A Document that keeps neither its YAML text nor its Markdown body: most records never
    report a problem, so their text is never read again, and 100,000 evidence entries would
    hold ~65 MB of YAML text and ~90 MB of bodies. Both are read back from the file
    (`parse.texts`) when asked for: the text the first time a position is asked for (and then
    kept: few records have a problem to point at), the body each time it is asked for (each
    record's rules read it once, a site renders it once: kept, it would be held to the end of
    the run), but for the last one read (`_recent`), which the record's next rule asks again."""

    _yaml_text: str | None
    _body: Any
    """The body: None (a YAML record, or a body refused as too long), or UNREAD."""
    _path: Path | str | Place
    """The file's path, as a string: a Path is made each time one is asked for, and not kept
    (a Path holds each part of the path as a string of its own: ~70 MB at 100,000 records,
    whose paths a cold run's snapshot asks for once, to stat them). Or its folder's Place,
    when the path and the display are the Place's prefixes followed by `_display`."""
    _display: str
    """The display; or, when `_path` is a Place, the file's path relative to it (the string its
    Record keeps as `rel`): a record then holds no string of its own for its path or display
    (~12 MB at 100,000 records), which are made when asked for (few are)."""

    signature: tuple[int, int, int, int] | None
    """The file's identity (perfdocs.records.cache.signature) when it was read to be parsed,
    if the record cache asked for it: the identity of the content this Document holds, for the
    snapshot (a later stat could see a change made after the read)."""

    _diagnostics: list[Diagnostic] | None
    """The parse problems, None for none (most records): an empty list each would hold ~7 MB
    at 100,000 records."""

    UNREAD: Any = object()
    _recent: tuple[object, str | None] = (None, None)
    """(LeanDocument, body) of the last body read back."""

    @classmethod
    def of(
        cls,
        path: Path | str,
        display: str,
        data: Any,
        line_offset: int,
        body: Any,
        body_line: int,
        diagnostics: list[Diagnostic],
        signature: tuple[int, int, int, int] | None = None,
    ) -> LeanDocument:
        """A LeanDocument without the dataclass' __init__ (which would keep the text and body).
        Its attributes are set one by one, always in this order: Python then keeps them in a
        small array that instances share the names of (~140 bytes), where filling `vars(doc)`
        would make each one a dict of its own (~330 bytes)."""
        doc = cls.__new__(cls)
        doc._path = display if path == display else path  # one string, when they are the same text
        doc._display = display
        doc.data = data
        doc._yaml_text = None
        doc.line_offset = line_offset
        doc._body = body
        doc.body_line = body_line
        doc._diagnostics = diagnostics or None
        doc.signature = signature
        return doc

    @property  # a field of Document, a property here (see _diagnostics)
    def diagnostics(self) -> list[Diagnostic]:
        # A new list when there are none: nothing adds to a loaded Document's problems (the
        # parser adds them before the Document is made lean), and one kept would cost the list.
        return self._diagnostics if self._diagnostics is not None else []

    @diagnostics.setter
    def diagnostics(self, value: list[Diagnostic]) -> None:
        self._diagnostics = value or None

    def placed(self, place: Place, rel: str) -> None:
        """Keep `rel` (the Record's string) and the shared `place` instead of the path and the
        display, when they are the same text as the place's prefixes followed by `rel`."""
        path = self._path
        if (
            path.__class__ is str
            and self._display == place.display + rel
            and (path is self._display or path == place.path + rel)
        ):
            self._path, self._display = place, rel

    @property  # a field of Document, a property here (as yaml_text and body, and in cache.CachedDocument)
    def display(self) -> str:
        place = self._path
        return place.display + self._display if place.__class__ is Place else self._display

    @display.setter
    def display(self, value: str) -> None:
        if isinstance(getattr(self, "_path", None), Place):
            self._path = self._file  # the path no longer follows from the display
        self._display = value

    @property
    def _file(self) -> Path | str:
        """The file's path as kept (a string, most often): what reading it back opens."""
        place = self._path
        return place.path + self._display if isinstance(place, Place) else place

    @property  # a field of Document, a property here (as yaml_text and body, and in cache.CachedDocument)
    def path(self) -> Path:
        path = self._file
        return Path(path) if isinstance(path, str) else path

    @path.setter
    def path(self, value: Path | str) -> None:
        if isinstance(getattr(self, "_path", None), Place):
            self._display = self.display  # the display no longer follows from the path
        self._path = value

    @property
    def yaml_text(self) -> str:
        if self._yaml_text is None:
            from perfdocs.records.parse import texts  # parse imports this module

            self._yaml_text = texts(self._file, self.display)[0]
        return self._yaml_text

    @yaml_text.setter
    def yaml_text(self, value: str | None) -> None:
        self._yaml_text = value

    @property
    def body(self) -> str | None:
        body = self._body
        if body is not LeanDocument.UNREAD:
            return body  # type: ignore[no-any-return]
        recent, text = LeanDocument._recent  # one read of the pair: another thread may replace it
        if recent is self:
            return text
        from perfdocs.records.parse import texts  # parse imports this module

        # The path as the string: asking for `path` would keep a Path for every record.
        text = texts(self._file, self.display)[1]
        LeanDocument._recent = (self, text)
        return text

    @body.setter
    def body(self, value: str | None) -> None:
        self._body = value


def lean(doc: Document, path: str | None = None, signature: tuple[int, int, int, int] | None = None) -> Document:
    """The Document without its YAML text and Markdown body (read back when needed), if it has
    data: a file that did not parse keeps its text (it has no record for anything to ask about
    later). `path`: the file's path as a string, kept instead of the Document's Path;
    `signature`: the file's identity when it was read (see LeanDocument.signature)."""
    if doc.data is None or type(doc) is not Document:
        return doc
    body = None if doc.body is None else LeanDocument.UNREAD
    where = path if path is not None else doc.path
    return LeanDocument.of(
        where, doc.display, doc.data, doc.line_offset, body, doc.body_line, doc.diagnostics, signature
    )


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


@dataclass(slots=True)
class Record:
    """One record of the organisation: its Document, where it lives, its kind and id.

    Slotted: 100,000 evidence entries make 100,000 Records, and their attributes in slots take
    ~50 bytes a record less than in a per-instance dict (nothing sets any other attribute)."""

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
