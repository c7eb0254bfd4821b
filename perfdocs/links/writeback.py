"""Writing link resolutions back into evidence files, surgically.

`links resolve --write` turns `- acme/payments#412` into

    - ref: acme/payments#412
      resolved:
        repo: acme/payments
        ...

by editing the file's text at the positions the YAML parser reports, never by
dumping the data again: comments, quoting, anchors, key order, indentation, the
Markdown body, a UTF-8 BOM and line endings (LF or CRLF) all stay exactly as they
were, and every byte outside the changed lines is kept. Links may be written in any
YAML style: plain or quoted scalars, block scalars (`>-`, `|`, `|+`...; the link is
then written as a quoted scalar on the `ref:` line, its header comment kept), flow
sequences and flow mappings (the item becomes a flow mapping), block mappings with
or without a `resolved:` block.

Before anything is written, the new text is parsed again and must hold exactly the
data expected (every link as it was, with its new `resolved:` block, and nothing else
changed). A file whose layout cannot be edited that way (the links list, or a link, is
an alias of something written elsewhere, or an edit would change other data) is left
untouched: each such link is a `link/write-refused` Diagnostic at its position, and
`links resolve --write` exits 1. Writing is atomic, and a link whose recorded
resolution is unchanged (apart from when it was verified) is left alone, so running
it twice changes nothing. The positions come from `perfdocs.records.parse.compose`,
which holds the file to the loader's limits first: a file beyond them, or one that
PyYAML's pure-Python parser (the one with character positions) refuses where libyaml
does not, such as a tab after a link, is refused with a PerfdocsError giving the
position and rule, and left as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfdocs.diagnostics import Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write
from perfdocs.records.parse import compose, load_text

_BOM = "\ufeff"


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return str(value)
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True)
    return text.removesuffix("\n").removesuffix("\n...").rstrip("\n")


def _block(mapping: dict[str, Any], indent: int, nl: str) -> str:
    """`mapping` as block YAML lines (no trailing newline), each indented `indent` spaces."""
    pad = " " * indent
    lines = []
    for key, value in mapping.items():
        if isinstance(value, list):
            lines.append(f"{pad}{key}:")
            lines.extend(f"{pad}  - {_scalar(v)}" for v in value)
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.append(_block(value, indent + 2, nl))
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return nl.join(lines)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the
    whitespace and comments that follow it, so take its last scalar's end instead."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    children = node.value if isinstance(node, yaml.SequenceNode) else [n for kv in node.value for n in kv]
    return max((_end(child) for child in children), default=node.end_mark.index)


def _yaml_span(text: str, markdown: bool) -> tuple[int, int]:
    """Start and end offsets of the YAML text (a Markdown file's front matter)."""
    if not markdown:
        return 0, len(text)
    first = text.find("\n")
    if first < 0 or text[:first].rstrip("\r") != "---":
        raise PerfdocsError("no front matter")
    pos = first + 1
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            return first + 1, pos
        if end < 0:
            raise PerfdocsError("unclosed front matter")
        pos = end + 1


def _unchanged(old: Any, new: dict[str, Any]) -> bool:
    if not isinstance(old, dict):
        return False

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "verified_at"}

    same: bool = strip(old) == strip(new)
    return same


REFUSED = "link/write-refused"


@dataclass
class Written:
    """What writing an evidence file's resolutions did."""

    changed: bool = False
    refused: list[Diagnostic] = field(default_factory=list)
    """Why the file was left untouched (`link/write-refused`, one per link that could not be written)."""


class _Refusal(Exception):
    def __init__(self, at: int, message: str) -> None:
        super().__init__(message)
        self.at, self.message = at, message


_ALIAS = re.compile(r"\*[^\s,\[\]{}]+")


def _inside(node: yaml.Node, lo: int, hi: int, seen: set[int] | None = None) -> bool:
    """Whether a node and everything in it is written between offsets lo and hi (an alias's
    node is the anchored one, written elsewhere)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return False  # the same node twice: an alias
    seen.add(id(node))
    if not lo <= node.start_mark.index <= hi:
        return False
    if isinstance(node, yaml.SequenceNode):
        return all(_inside(child, lo, hi, seen) for child in node.value)
    if isinstance(node, yaml.MappingNode):
        return all(_inside(n, lo, hi, seen) for kv in node.value for n in kv)
    return True


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]+(#.*)$")


def _scalar_text(node: yaml.ScalarNode, text: str) -> tuple[str, str]:
    """(the scalar as written on one line, a comment to keep): a single-line scalar is kept as
    written (quotes, anchor, tag); a block or multi-line one is written as a quoted scalar with
    the same value, keeping a block scalar's header comment."""
    written = text[node.start_mark.index : node.end_mark.index]
    if node.style not in ("|", ">") and "\n" not in written and "\r" not in written:
        return written, ""
    header = written.split("\n", 1)[0].rstrip("\r")
    found = _BLOCK_HEADER.search(header) if node.style in ("|", ">") else None
    prefix = written[: len(written) - len(written.lstrip())]
    anchor = re.match(r"(&[^\s]+\s+)", written.lstrip())  # keep an anchor on the value
    value = _scalar(node.value) if node.value else "''"
    return prefix + (anchor[1] if anchor else "") + value, (f"  {found[1]}" if found else "")


def _span_end(text: str, start: int, end: int) -> int:
    """Where a span's own text ends: before the line breaks (and spaces) a block scalar's
    end mark includes, which belong to the lines after it."""
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _edit(yaml_text: str, links: yaml.SequenceNode, i: int, resolved: dict[str, Any], nl: str) -> tuple[int, int, str]:
    """The one edit (start, end, replacement) that records `resolved` for link i."""
    item = links.value[i]
    # The text between the links around it (an alias after it carries an earlier position).
    lo = max([links.start_mark.index] + [n.end_mark.index for n in links.value[:i]])
    later = [n.start_mark.index for n in links.value[i + 1 :] if n.start_mark.index > lo]
    hi = min(later, default=links.end_mark.index)
    if any(item is other for other in links.value[:i]) or not _inside(item, lo, hi):
        # An alias's node carries its anchor's position: report the '*name' written here.
        alias = _ALIAS.search(yaml_text, lo, hi)
        shown = alias[0] if alias else "*name"
        if isinstance(item, yaml.MappingNode) and lo <= item.start_mark.index <= hi:
            raise _Refusal(item.start_mark.index, f"the link holds an alias ({shown}) of a value written elsewhere")
        raise _Refusal(
            alias.start() if alias else item.start_mark.index,
            f"the link is an alias ({shown}) of a value written elsewhere: write the link itself here",
        )
    if isinstance(item, yaml.ScalarNode):
        ref, comment = _scalar_text(item, yaml_text)
        a = item.start_mark.index
        b = _span_end(yaml_text, a, item.end_mark.index)
        if links.flow_style:
            return a, b, "{ref: " + ref.strip() + ", resolved: " + _flow(resolved) + "}" + comment
        col = item.start_mark.column
        return a, b, f"ref: {ref.strip()}{comment}{nl}{' ' * col}resolved:{nl}{_block(resolved, col + 2, nl)}"
    if not isinstance(item, yaml.MappingNode) or not item.value:
        raise _Refusal(item.start_mark.index, "the link is neither a link nor a mapping with 'ref'")
    ref_node = next((v for k, v in item.value if k.value == "ref"), None)
    old = next(((k, v) for k, v in item.value if k.value == "resolved"), None)
    if item.flow_style or links.flow_style:
        if isinstance(ref_node, yaml.ScalarNode):
            ref = _scalar_text(ref_node, yaml_text)[0].strip()
        else:
            ref = "''"
        a = item.start_mark.index
        return a, _span_end(yaml_text, a, item.end_mark.index), "{ref: " + ref + ", resolved: " + _flow(resolved) + "}"
    col = item.value[0][0].start_mark.column
    new = f"resolved:{nl}{_block(resolved, col + 2, nl)}"
    if old is not None:
        a = old[0].start_mark.index
        return a, _span_end(yaml_text, a, _end(old[1])), new
    at = _span_end(yaml_text, item.start_mark.index, _end(item))
    return at, at, f"{nl}{' ' * col}{new}"


def _expected(data: list[Any], resolutions: dict[int, dict[str, Any]]) -> list[Any]:
    out = list(data)
    for i, resolved in resolutions.items():
        link = out[i]
        out[i] = {**link, "resolved": resolved} if isinstance(link, dict) else {"ref": link, "resolved": resolved}
    return out


def rewrite_checked(
    text: str, resolutions: dict[int, dict[str, Any]], markdown: bool = True, display: str = "evidence"
) -> tuple[str, list[Diagnostic]]:
    """(the new text, []) with each `links[i]` carrying `resolved: resolutions[i]`, or (`text`
    unchanged, the `link/write-refused` Diagnostics) when a link cannot be written without
    changing anything else. A text beyond the loader's limits (or not YAML) is refused with a
    PerfdocsError naming `display`."""
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    nl = "\r\n" if "\r\n" in body else "\n"
    start, stop = _yaml_span(body, markdown)
    yaml_text = body[start:stop]
    offset = body.count("\n", 0, start)
    # Character marks: the edits below are offsets into yaml_text.
    root = compose(yaml_text, display, marks="char", line_offset=offset)
    if isinstance(root, Diagnostic):  # never expanded, never written
        raise PerfdocsError(f"{root.text()}; the evidence was not written")

    def refused(at: int, message: str) -> Diagnostic:
        return Diagnostic(
            display,
            yaml_text.count("\n", 0, at) + 1 + offset,
            at - (yaml_text.rfind("\n", 0, at) + 1) + 1,
            REFUSED,
            f"{message}; the file was not written",
            hint="record this link's resolution by hand, or write the links as a plain list",
        )

    entry = None
    if isinstance(root, yaml.MappingNode):
        entry = next(((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "links"), None)
    if entry is None or not isinstance(entry[1], yaml.SequenceNode):
        return text, []
    key, links = entry
    if links.start_mark.index < key.end_mark.index:
        alias = _ALIAS.search(yaml_text, key.end_mark.index)
        shown = alias[0] if alias else "*name"
        return text, [refused(key.start_mark.index, f"'links' is an alias ({shown}) of a list written elsewhere")]
    # Compare with the data as perfdocs reads it (dates stay text), so a rerun is a no-op.
    doc = load_text(yaml_text, Path("links.yaml"), markdown=False)
    data = doc.data.get("links") if isinstance(doc.data, dict) else None
    if not isinstance(data, list) or len(data) != len(links.value):
        return text, [refused(key.start_mark.index, "the links could not be read back as a list")]
    todo = {
        i: r
        for i, r in sorted(resolutions.items())
        if i < len(links.value) and not (isinstance(data[i], dict) and _unchanged(data[i].get("resolved"), r))
    }
    edits: list[tuple[int, int, str]] = []
    problems: list[Diagnostic] = []
    for i, resolved in todo.items():
        try:
            edits.append(_edit(yaml_text, links, i, resolved, nl))
        except _Refusal as refusal:
            problems.append(refused(refusal.at, refusal.message))
    if problems:
        return text, problems
    if not edits:
        return text, []
    new_yaml = yaml_text
    for a, b, replacement in sorted(edits, reverse=True):
        new_yaml = new_yaml[:a] + replacement + new_yaml[b:]
    # The proof: the edited text holds exactly the data expected, and nothing else changed.
    check = load_text(new_yaml, Path("links.yaml"), markdown=False)
    expected = {**doc.data, "links": _expected(data, todo)} if isinstance(doc.data, dict) else None
    if check.data != expected or len(check.diagnostics) != len(doc.diagnostics):
        first = links.value[min(todo)].start_mark.index
        return text, [refused(first, "this layout of 'links' cannot be edited without changing other data")]
    return bom + body[:start] + new_yaml + body[stop:], []


def rewrite(text: str, resolutions: dict[int, dict[str, Any]], markdown: bool = True, display: str = "evidence") -> str:
    """The text with each `links[i]` carrying `resolved: resolutions[i]`; the text unchanged
    when a link cannot be written (`rewrite_checked` says why)."""
    return rewrite_checked(text, resolutions, markdown, display)[0]


def write(path: Path, resolutions: dict[int, dict[str, Any]]) -> Written:
    """Record the resolutions in an evidence file: it changes only if every link can be written."""
    text = path.read_bytes().decode("utf-8")
    new, refused = rewrite_checked(text, resolutions, markdown=path.suffix == ".md", display=display_path(path))
    if refused or new == text:
        return Written(False, refused)
    atomic_write(path, new, overwrite=True)
    return Written(True)
