"""Source files: bytes -> text -> front matter -> YAML data, with positions and limits.

Nothing here trusts its input. A file is read once, checked for size, binary content,
encoding and git's merge-conflict markers, split into front matter and body, and
composed by libyaml's C parser into a node tree; the tree is turned into plain data by our own constructor, which
accepts only the safe core tags, rejects duplicate keys (plain PyYAML silently keeps
the last one) and bounds nesting and alias expansion. Problems come back as
Diagnostics, never as exceptions.

Positions are not kept for every value: a record that needs one (because it has a
problem to report) composes its YAML again, lazily, through `Document.positions`, from
its text read back from the file (`texts`) when the loader did not keep it (the data
model, Document, LeanDocument and Positions, is in `perfdocs.records.model`).

This is the only module that reads YAML (tests/unit/test_one_yaml_reader.py holds it):
`load_file` and `load_text` for a record's file or text, wherever the text comes from
(a file, or a past version of one in git), and `compose` for the writers that edit a
file's text in place and need its node tree, after the same limits.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.constructor import SafeConstructor

from perfdocs.diagnostics import Diagnostic, display_path
from perfdocs.records.model import Document as Document  # re-exported: its importers predate model.py
from perfdocs.records.model import Positions as Positions  # re-exported: its importers predate model.py

try:  # libyaml's C parser; the pure-Python one is ten times slower but equivalent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 10_000_000
"""A file larger than this is refused unread (the largest real record is a few KB; its
Markdown body is held to MAX_BODY_CHARS and MAX_BODY_LINES below)."""
MAX_YAML_CHARS = 1_000_000
"""Longest YAML text (a .yaml file, or a Markdown file's front matter) that is parsed:
libyaml's node tree takes about 150 bytes per value, so this bounds memory near 200 MB."""
MAX_EXPANDED_CHARS = 2_000_000
"""Most text a document may expand to through aliases (one long string aliased 50,000
times is a small file that becomes gigabytes in every message that quotes it)."""
MAX_BODY_CHARS = 250_000
MAX_BODY_LINES = 10_000
"""Longest Markdown body accepted (about 40,000 words, or a 10,000-line log): rendering
Markdown costs far more than reading it (markdown-it-py takes tens of microseconds a line and
renders prose at a few hundred KB a second), so these bound what one record costs the site to
about a second. A longer log belongs in a file the record links to."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and sequences accepted."""
MAX_NODES = 100_000
"""Most YAML nodes one record may expand to, aliases included (stops 'billion laughs')."""

RECORD_SUFFIXES = (".yaml", ".yml", ".md")

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_constructor = SafeConstructor()
_CONSTRUCTORS = {tag: SafeConstructor.yaml_constructors[tag] for tag in _SCALAR_TAGS - {_STR, _TIMESTAMP}}
"""The safe constructor's function for each other scalar tag, called directly: its
construct_object would also keep every node it made a value of, for as long as the process
lives (a dict of nodes that only a whole document's construction empties)."""
_PLAIN_TAGS: dict[str, str] = {}
"""Tags of plain scalars already resolved (keys and short values repeat in every record)."""


_RESOLVED_FIRST: frozenset[str] | None = (
    frozenset(_Loader.yaml_implicit_resolvers)
    if None not in _Loader.yaml_implicit_resolvers and not _Loader.yaml_path_resolvers
    else None
)
"""The first characters (or '' for an empty value) that some implicit resolver tries: a
plain scalar starting with another is text, without trying one (None: always ask)."""


class _FastLoader(_Loader):
    """libyaml's loader with a quicker tag resolver: the composer asks the Python resolver
    for the tag of every node; here a quoted scalar is text, a collection is a map or a
    seq (records use no path resolvers), and a plain scalar's answer is remembered."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                if _RESOLVED_FIRST is not None and value[:1] not in _RESOLVED_FIRST:
                    return _STR  # most titles and sentences: no resolver could match them
                tag = _Loader.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]  # untyped in the stubs
                if len(value) <= 64 and len(_PLAIN_TAGS) < 50_000:
                    _PLAIN_TAGS[value] = tag
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_ODD_BREAK = re.compile("[\x85\u2028\u2029]")
_CONFLICT = re.compile(r"^(?:<<<<<<<(?: |$)|>>>>>>> )", re.MULTILINE)
"""git's merge-conflict markers that open and close a conflict: seven '<' or '>' at the start
of a line, then a space and a label. Its '=======' separator is only a marker after an
opening one (which is then reported): alone it is a Markdown heading's underline."""
_DEEP_INDENT = re.compile(rf"\n {{{MAX_DEPTH},}}\S")


def positions(text: str, line_offset: int) -> Positions:
    """Where each value of a YAML text is (composed again, lazily, for a record that has a
    problem to report). Composing shares aliased nodes, so no limit is needed to bound it;
    a text that does not compose has its problem reported elsewhere, and points at line 1."""
    loader = _FastLoader(text)
    try:
        return Positions(loader.get_single_node(), line_offset)
    except yaml.YAMLError:
        return Positions(None, line_offset)
    finally:
        loader.dispose()


_TOO_MANY_NODES = (
    f"the document holds more than {MAX_NODES:,} values (aliases expanded); records are refused beyond that"
)
_TOO_MUCH_TEXT = (
    f"the document expands to more than {MAX_EXPANDED_CHARS:,} characters of text "
    "(an alias bomb?); records are refused beyond that"
)
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


class _Limit(Exception):
    def __init__(self, rule: str, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.rule, self.message, self.node = rule, message, node


_SHARED_MAX = 64


def _shared(text: str) -> str:
    """One copy of a short word-like value (an id, a handle, a date, an enum's value, a
    repository), however many records hold it: at 10,000 evidence entries three in five
    of their strings are such repeats, 8 of their 14 MB. Text with a space (titles,
    sentences) is rarely repeated and stays as it is."""
    return sys.intern(text) if len(text) <= _SHARED_MAX and " " not in text else text


class _Builder:
    """Turns a node tree into plain data, reporting what a safe loader must refuse."""

    def __init__(self, doc_display: str, offset: int) -> None:
        self.display = doc_display
        self.offset = offset
        self.nodes = 0
        self.chars = 0
        self.diagnostics: list[Diagnostic] = []

    def diag(self, node: yaml.Node, rule: str, message: str) -> Diagnostic:
        m = node.start_mark
        return Diagnostic(self.display, m.line + 1 + self.offset, m.column + 1, rule, message)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Limit("yaml/too-many-nodes", _TOO_MANY_NODES, node)
        if depth > MAX_DEPTH:
            raise _Limit("yaml/too-deep", _TOO_DEEP, node)
        if isinstance(node, yaml.ScalarNode):
            self.chars += len(node.value)
            if self.chars > MAX_EXPANDED_CHARS:
                raise _Limit("yaml/too-many-nodes", _TOO_MUCH_TEXT, node)
            tag = node.tag
            if tag == _STR or tag == _TIMESTAMP:  # dates stay text; the schema checks them
                return _shared(node.value)
            if tag not in _SCALAR_TAGS:
                raise _Limit("yaml/tag", _tag_message(tag), node)
            try:
                value = node.value
                if tag == _INT and value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
                    return int(value)  # a plain decimal (no sign, '_', base prefix or leading zero): as PyYAML reads it
                return _CONSTRUCTORS[tag](_constructor, node)
            except ValueError:  # Python refuses to convert integers of more than 4,300 digits
                raise _Limit(
                    "yaml/syntax",
                    f"the number {node.value[:20]}... ({len(node.value):,} characters) "
                    "is too long to be a number; quote it if it is text",
                    node,
                ) from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise _Limit("yaml/tag", _tag_message(node.tag), node)
            items = []
            for child in node.value:
                if (
                    type(child) is yaml.ScalarNode
                    and (child.tag == _STR or child.tag == _TIMESTAMP)
                    and depth < MAX_DEPTH
                    and self.nodes < MAX_NODES
                    and self.chars + len(child.value) <= MAX_EXPANDED_CHARS
                ):
                    # The common case, inlined: text within every limit (see the top of build).
                    self.nodes += 1
                    text = child.value
                    self.chars += len(text)
                    items.append(sys.intern(text) if len(text) <= _SHARED_MAX and " " not in text else text)
                else:
                    items.append(self.build(child, depth + 1))
            return items
        if node.tag != _MAP:
            raise _Limit("yaml/tag", _tag_message(node.tag), node)
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Limit("yaml/complex-key", "keys must be plain text, not lists or mappings", key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Limit("yaml/tag", "merge keys ('<<') are not supported in records", key_node)
            if key_node.tag not in _SCALAR_TAGS:
                raise _Limit("yaml/tag", _tag_message(key_node.tag), key_node)
            # The text as written ('on' and 'no' stay strings), interned: the same few keys
            # recur in every record, and 100,000 records would otherwise hold 100,000 copies.
            key = sys.intern(key_node.value)
            if key in out:
                self.diagnostics.append(
                    self.diag(
                        key_node,
                        "yaml/duplicate-key",
                        f"duplicate key '{key}' (first defined on line {first_line[key]}); "
                        "YAML would silently keep only the last one",
                    )
                )
                self.build(value_node, depth + 1)
                continue
            first_line[key] = key_node.start_mark.line + 1 + self.offset
            if (
                (value_node.tag == _STR or value_node.tag == _TIMESTAMP)
                and type(value_node) is yaml.ScalarNode
                and depth < MAX_DEPTH
                and self.nodes < MAX_NODES
                and self.chars + len(value_node.value) <= MAX_EXPANDED_CHARS
            ):
                # The common case, inlined: text within every limit (see the top of build).
                self.nodes += 1
                text = value_node.value
                self.chars += len(text)
                out[key] = sys.intern(text) if len(text) <= _SHARED_MAX and " " not in text else text
            else:
                out[key] = self.build(value_node, depth + 1)
        return out


def _tag_message(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return f"YAML tag '{shown}' is not allowed: records are plain data"


def _line_col(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _yaml_diag(display: str, err: yaml.YAMLError, offset: int, text: str) -> Diagnostic:
    if isinstance(err, yaml.reader.ReaderError):  # a control character; its str() spans two lines
        line, col = _line_col(text, max(0, min(err.position, len(text))))
        char = err.character if isinstance(err.character, str) else chr(err.character)
        return Diagnostic(
            display,
            line + offset,
            col,
            "yaml/syntax",
            f"invalid YAML: control character U+{ord(char):04X} is not allowed in a record",
        )
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line, col = 1 + offset, 1
    if mark is not None:  # from the index: libyaml puts an error at the very end one line too far
        line, col = _line_col(text, max(0, min(mark.index, len(text))))
        line += offset
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    if isinstance(err, yaml.composer.ComposerError) and "single document" in (context or ""):
        return Diagnostic(
            display,
            line,
            col,
            "yaml/multiple-documents",
            "more than one YAML document in the file ('---' separator); a record is one document",
        )
    index = getattr(mark, "index", -1) if mark else -1
    source = text.split("\n")[line - offset - 1] if mark is not None else ""
    if "tab" in problem or (0 <= index < len(text) and text[index] == "\t"):
        indent = source[: len(source) - len(source.lstrip(" \t"))]
        col = indent.index("\t") + 1 if "\t" in indent else col
        return Diagnostic(
            display,
            line,
            col,
            "yaml/syntax",
            "invalid YAML: a tab character in the indentation",
            hint="use spaces, not tabs: YAML indents with spaces only",
        )
    if "mapping values are not allowed" in problem:
        return Diagnostic(
            display,
            line,
            col,
            "yaml/syntax",
            "invalid YAML: ': ' inside an unquoted value starts a new mapping",
            hint=_quote_hint(source),
        )
    message = f"{context}, {problem}" if context and context not in problem else problem
    return Diagnostic(display, line, col, "yaml/syntax", f"invalid YAML: {message}")


_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#'\"][^:]*?):\s+(.*?)\s*$")


def _quote_hint(line: str) -> str:
    """The line with its value in double quotes (title: "Retry: safer"), as the fix to show."""
    found = _KEY_VALUE.match(line)
    if found is None or not found[2]:
        return 'quote the value, e.g. title: "Retry: safer"'
    value = found[2].replace("\\", "\\\\").replace('"', '\\"')
    return f'quote the value: {found[1]}: "{value}"'


def _nesting_depth(text: str) -> int:
    """How deep the document nests, counted up to just past the limit."""
    depth = deepest = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > MAX_DEPTH:
                    break
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as err:
        if "nesting depth" in str(err):  # libyaml's own limit (1,000), hit while scanning ahead
            return MAX_DEPTH + 1
        raise
    return deepest


def _too_deep(text: str) -> bool:
    """Whether the document nests deeper than MAX_DEPTH. Cheap signals first: only a text
    that could nest deeply is walked event by event, so that libyaml's recursive composer
    never sees a pathological document. Raises yaml.YAMLError on a syntax error."""
    could = text.count("[") + text.count("{") > MAX_DEPTH or _DEEP_INDENT.search(text)
    return bool(could) and _nesting_depth(text) > MAX_DEPTH


class _CharLoader(yaml.SafeLoader):
    """PyYAML's pure-Python loader, for `compose(marks="char")`: its marks' `index` counts
    characters of the text (libyaml's is its own offset into the UTF-8 it was given)."""


def _expansion_limit(root: yaml.Node) -> _Limit | None:
    """The first limit a node tree breaks once its aliases are expanded, counted as
    `_Builder.build` counts (every value once per place it appears, keys not counted),
    without building anything: at most MAX_NODES steps whatever the aliases multiply to."""
    nodes = chars = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return _Limit("yaml/too-many-nodes", _TOO_MANY_NODES, node)
        if depth > MAX_DEPTH:
            return _Limit("yaml/too-deep", _TOO_DEEP, node)
        if isinstance(node, yaml.ScalarNode):
            chars += len(node.value)
            if chars > MAX_EXPANDED_CHARS:
                return _Limit("yaml/too-many-nodes", _TOO_MUCH_TEXT, node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in reversed(node.value))
    return None


def compose(
    text: str, display: str, *, marks: Literal["char", "line"] = "line", line_offset: int = 0
) -> yaml.Node | None | Diagnostic:
    """The node tree of a YAML text, with the position of every node, for the writers that
    edit a file's text in place (link resolutions, KPI values); None for an empty text.

    The text is held to the limits `load_text` applies (length, nesting depth, values and
    text once aliases are expanded) before anything is expanded: a text beyond one, or
    one that is not YAML, comes back as the Diagnostic that says why, and the writer
    refuses the file. Only the limits are checked here; what else `load_text` reports
    (tags, duplicate keys) does not stop a writer.

    `marks="char"`: mark indexes count characters, for edits by offset into `text`
    (pure-Python composer). `marks="line"`: only lines and columns are used (libyaml's
    composer, ten times faster). `line_offset`: lines of the file before `text` (1 for a
    Markdown file's front matter), for the Diagnostic's line; the marks count from `text`.
    """
    if len(text) > MAX_YAML_CHARS:
        return Diagnostic(
            display,
            1 + line_offset,
            1,
            "file/too-large",
            f"the YAML is longer than {MAX_YAML_CHARS:,} characters; records are refused beyond that",
        )
    try:
        # Every text is walked event by event (not only those _too_deep suspects): the
        # pure-Python composer recurses once per level and would overflow on '- - - ...'.
        if _nesting_depth(text) > MAX_DEPTH:
            return Diagnostic(display, 1 + line_offset, 1, "yaml/too-deep", _TOO_DEEP)
        loader = (_CharLoader if marks == "char" else _FastLoader)(text)
        try:
            root: yaml.Node | None = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        return _yaml_diag(display, err, line_offset, text)
    if root is None:
        return None
    limit = _expansion_limit(root)
    if limit is not None:
        return _Builder(display, line_offset).diag(limit.node, limit.rule, limit.message)
    return root


def decode(raw: bytes, display: str) -> str | Diagnostic:
    """Bytes to text, or the Diagnostic that says why they are not a UTF-8 record."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Diagnostic(display, 1, 1, "file/encoding", "the file is UTF-32 encoded; records must be UTF-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Diagnostic(display, 1, 1, "file/encoding", "the file is UTF-16 encoded; records must be UTF-8")
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0:
        return Diagnostic(display, 1, 1, "file/binary", "binary file (it contains NUL bytes), not a text record")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        head = raw[: err.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # lines as load_text counts them
        line = head.count(b"\n") + 1
        col = len(head) - (head.rfind(b"\n") + 1) + 1
        return Diagnostic(
            display,
            line,
            col,
            "file/encoding",
            f"invalid UTF-8 (byte 0x{raw[err.start]:02x}); records must be UTF-8 text",
        )


def conflict_markers(text: str, display: str) -> Diagnostic | None:
    """The Diagnostic for an unresolved merge conflict in a record's text (front matter or
    body), at its first marker; None without one. Checked before any YAML is parsed: in
    front matter the markers would be a YAML error a line off, in a body both sides would
    be published."""
    found = _CONFLICT.search(text) if "<<<<<<<" in text or ">>>>>>>" in text else None
    if found is None:
        return None
    return Diagnostic(
        display,
        text.count("\n", 0, found.start()) + 1,
        1,
        "file/conflict-markers",
        "the file holds an unresolved merge conflict (git's markers from here); resolve it and remove the markers",
    )


_CLOSING = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")
"""A line break, then a line that closes front matter: '---' or '...', then nothing but
whitespace (the characters str.rstrip strips, which a pattern's \\s matches) to the end of
the line. Searched for from the end of the first line (starting with its line break, the
pattern is found four times faster than one starting with a '^' at any line)."""


def split_front_matter(text: str, display: str) -> tuple[str, int, str | None, int] | Diagnostic:
    """(yaml_text, line_offset, body, body_line) of a Markdown record."""
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != "---":
        return Diagnostic(
            display,
            1,
            1,
            "file/no-front-matter",
            "a Markdown record starts with YAML front matter between '---' lines",
        )
    closing = _CLOSING.search(text, first_end) if first_end >= 0 else None
    if closing is None:
        return Diagnostic(
            display,
            1,
            1,
            "file/front-matter-unclosed",
            "the front matter opened on line 1 is never closed with a '---' line",
        )
    yaml_text = text[first_end + 1 : closing.start() + 1]
    body = text[closing.end() + 1 :]  # after the closing line's line break ("" without one)
    return yaml_text, 1, body, yaml_text.count("\n") + 3


def load_text(text: str, path: Path, display: str | None = None, markdown: bool | None = None) -> Document:
    """Parse a record's text. Problems are in `Document.diagnostics`; `data` is None if unusable."""
    display = display if display is not None else display_path(path)
    if markdown is None:
        markdown = path.suffix == ".md"
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    conflict = conflict_markers(text, display)
    if conflict is not None:
        return Document(path, display, None, "", diagnostics=[conflict])
    body: str | None = None
    body_line = offset = 0
    yaml_text = text
    if markdown:
        split = split_front_matter(text, display)
        if isinstance(split, Diagnostic):
            return Document(path, display, None, "", diagnostics=[split])
        yaml_text, offset, body, body_line = split
    doc = Document(path, display, None, yaml_text, offset, body, body_line)
    if body is not None:
        lines = body.count("\n") + (not body.endswith("\n"))
        if len(body) > MAX_BODY_CHARS or lines > MAX_BODY_LINES:
            doc.body = None  # refused: nothing downstream may render it
            doc.diagnostics.append(
                Diagnostic(
                    display,
                    body_line,
                    1,
                    "file/too-large",
                    f"the Markdown body is {len(body):,} characters on {lines:,} line{'s' * (lines != 1)}; "
                    f"a record's body may hold {MAX_BODY_CHARS:,} characters on {MAX_BODY_LINES:,} lines: move "
                    "a long log into a file and link to it",
                )
            )
    if not yaml_text.strip():
        doc.diagnostics.append(Diagnostic(display, 1, 1, "yaml/empty", "the record is empty"))
        return doc
    if len(yaml_text) > MAX_YAML_CHARS:
        doc.diagnostics.append(
            Diagnostic(
                display,
                1,
                1,
                "file/too-large",
                f"the {'front matter' if markdown else 'YAML'} is longer than {MAX_YAML_CHARS:,} characters; "
                "records are refused beyond that",
            )
        )
        return doc
    odd = _ODD_BREAK.search(yaml_text)
    if odd:  # YAML 1.1 breaks lines there, editors do not: every later position would be wrong
        line, col = _line_col(yaml_text, odd.start())
        doc.diagnostics.append(
            Diagnostic(
                display,
                line + offset,
                col,
                "yaml/syntax",
                f"invalid YAML: U+{ord(odd.group()):04X} is a line break to YAML but not to editors; "
                f"delete it, or write it as \\u{ord(odd.group()):04X} inside double quotes",
            )
        )
        return doc
    try:
        if _too_deep(yaml_text):
            doc.diagnostics.append(Diagnostic(display, 1 + offset, 1, "yaml/too-deep", _TOO_DEEP))
            return doc
        loader = _FastLoader(yaml_text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        doc.diagnostics.append(_yaml_diag(display, err, offset, yaml_text))
        return doc
    if root is None:
        doc.diagnostics.append(Diagnostic(display, 1, 1, "yaml/empty", "the record is empty"))
        return doc
    builder = _Builder(display, offset)
    try:
        data = builder.build(root)
    except _Limit as limit:
        doc.diagnostics.extend(builder.diagnostics)
        doc.diagnostics.append(builder.diag(limit.node, limit.rule, limit.message))
        return doc
    except (yaml.YAMLError, ValueError, OverflowError) as err:  # e.g. an int the constructor refuses
        doc.diagnostics.append(Diagnostic(display, 1 + offset, 1, "yaml/syntax", f"invalid YAML value: {err}"))
        return doc
    doc.diagnostics.extend(builder.diagnostics)
    if not isinstance(data, dict):
        line, col = _line_col(yaml_text, min(root.start_mark.index, len(yaml_text)))
        line += offset
        doc.diagnostics.append(
            Diagnostic(
                display,
                line,
                col,
                "yaml/not-a-mapping",
                f"a record is a mapping of fields, not a {type(data).__name__ if data is not None else 'null'}",
            )
        )
        return doc
    doc.data = data
    return doc


def texts(path: Path | str, display: str) -> tuple[str, str | None]:
    """(yaml_text, body) of a record file, read and split as `load_file` does, without parsing
    the YAML: what a Document that did not keep its text or body reads back
    (model.LeanDocument). `path` may be a string: a loaded record keeps its path as one."""
    read = read_file(path, display)
    text = decode(read[1], display) if isinstance(read, tuple) and len(read[1]) <= MAX_FILE_BYTES else None
    if isinstance(text, str):
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not str(path).endswith(".md"):
            return text, None
        split = split_front_matter(text, display)
        if not isinstance(split, Diagnostic):
            return split[0], split[2]
    fresh = load_file(Path(path), display)  # changed under us: whatever it now holds
    return fresh.yaml_text, fresh.body


def load_file(path: Path, display: str | None = None) -> Document:
    """Read and parse one record file, never raising on bad content."""
    display = display if display is not None else display_path(path)
    read = read_file(path, display)
    return load_bytes(read[1], path, display) if isinstance(read, tuple) else read


def read_file(path: Path | str, display: str) -> tuple[os.stat_result, bytes] | Document:
    """(the file's stat, its bytes) as `load_file` reads them, or the Document that says why
    they cannot be read (a folder, a pipe, a file gone). The stat is taken before the read:
    the record cache keeps it as the identity of the content read (a change racing the read
    then shows as a changed identity next time, never as an unchanged one)."""
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the folder was listed must not hang the read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            mode = info.st_mode
            if not stat.S_ISREG(mode):
                why = (
                    "expected a file, found a folder"
                    if stat.S_ISDIR(mode)
                    else "not a regular file (a pipe, socket or device)"
                )
                return Document(
                    Path(path), display, None, "", diagnostics=[Diagnostic(display, 1, 1, "file/unreadable", why)]
                )
            # Read the size fstat reports (asking for MAX_FILE_BYTES would allocate 10 MB per
            # file, which costs more than parsing it), then whatever the file grew by since
            # (a regular file's read is short only at its end: a short one is all of it).
            raw = os.read(fd, min(info.st_size, MAX_FILE_BYTES) + 1)
            if info.st_size < len(raw) <= MAX_FILE_BYTES:
                chunks, size = [raw], len(raw)
                while size <= MAX_FILE_BYTES and (more := os.read(fd, 65536)):
                    chunks.append(more)
                    size += len(more)
                raw = b"".join(chunks)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return Document(
            Path(path),
            display,
            None,
            "",
            diagnostics=[Diagnostic(display, 1, 1, "file/unreadable", "the file disappeared while it was being read")],
        )
    except IsADirectoryError:
        return Document(
            Path(path),
            display,
            None,
            "",
            diagnostics=[Diagnostic(display, 1, 1, "file/unreadable", "expected a file, found a folder")],
        )
    except OSError as err:
        return Document(
            Path(path),
            display,
            None,
            "",
            diagnostics=[Diagnostic(display, 1, 1, "file/unreadable", f"cannot read the file: {err.strerror or err}")],
        )
    return info, raw


def load_bytes(raw: bytes, path: Path, display: str) -> Document:
    """Parse a record file's bytes, as `read_file` read them."""
    if len(raw) > MAX_FILE_BYTES:
        return Document(
            path,
            display,
            None,
            "",
            diagnostics=[
                Diagnostic(
                    display,
                    1,
                    1,
                    "file/too-large",
                    f"the file is larger than {MAX_FILE_BYTES:,} bytes; records are refused beyond that",
                )
            ],
        )
    text = decode(raw, display)
    if isinstance(text, Diagnostic):
        return Document(path, display, None, "", diagnostics=[text])
    return load_text(text, path, display)
