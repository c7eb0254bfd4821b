"""Writing link resolutions back into evidence files, surgically.

`links resolve --write` turns `- acme/payments#412` into

    - ref: acme/payments#412
      resolved:
        repo: acme/payments
        ...

by editing the file's text at the positions the YAML parser reports, never by
dumping the data again: comments, quoting, key order, the Markdown body and line
endings all stay exactly as they were. Writing is atomic, and a link whose recorded
resolution is unchanged (apart from when it was verified) is left alone, so running
it twice changes nothing. The positions come from `perfdocs.records.parse.compose`,
which holds the file to the loader's limits first: a file beyond them is refused and
left as it was.
"""

from __future__ import annotations

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


def rewrite(text: str, resolutions: dict[int, dict[str, Any]], markdown: bool = True, display: str = "evidence") -> str:
    """The text with each `links[i]` carrying `resolved: resolutions[i]`. A text beyond the
    loader's limits (or not YAML) is refused with a PerfdocsError naming `display`."""
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    nl = "\r\n" if "\r\n" in body else "\n"
    start, stop = _yaml_span(body, markdown)
    yaml_text = body[start:stop]
    # Character marks: the edits below are offsets into yaml_text.
    root = compose(yaml_text, display, marks="char", line_offset=body.count("\n", 0, start))
    if isinstance(root, Diagnostic):  # never expanded, never written
        raise PerfdocsError(f"{root.text()}; the evidence was not written")
    links = None
    if isinstance(root, yaml.MappingNode):
        links = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "links"), None)
    if not isinstance(links, yaml.SequenceNode):
        return text
    edits: list[tuple[int, int, str]] = []
    # Compare with the data as perfdocs reads it (dates stay text), so a rerun is a no-op.
    data = load_text(yaml_text, Path("links.yaml"), markdown=False).data["links"]
    for i, resolved in sorted(resolutions.items()):
        if i >= len(links.value):
            continue
        item = links.value[i]
        current = data[i]
        if isinstance(current, dict) and _unchanged(current.get("resolved"), resolved):
            continue
        if isinstance(item, yaml.ScalarNode):
            a, b = item.start_mark.index, item.end_mark.index
            ref = yaml_text[a:b]
            if links.flow_style:
                edits.append((a, b, "{ref: " + ref + ", resolved: " + _flow(resolved) + "}"))
            else:
                col = item.start_mark.column
                edits.append((a, b, f"ref: {ref}{nl}{' ' * col}resolved:{nl}{_block(resolved, col + 2, nl)}"))
        elif isinstance(item, yaml.MappingNode):
            ref_node = next((v for k, v in item.value if k.value == "ref"), None)
            old = next(((k, v) for k, v in item.value if k.value == "resolved"), None)
            if item.flow_style or links.flow_style:
                ref = yaml_text[ref_node.start_mark.index : ref_node.end_mark.index] if ref_node else "''"
                edits.append(
                    (
                        item.start_mark.index,
                        item.end_mark.index,
                        "{ref: " + ref + ", resolved: " + _flow(resolved) + "}",
                    )
                )
                continue
            col = item.value[0][0].start_mark.column
            new = f"resolved:{nl}{_block(resolved, col + 2, nl)}"
            if old is not None:
                edits.append((old[0].start_mark.index, _end(old[1]), new))
            else:
                at = _end(item)
                edits.append((at, at, f"{nl}{' ' * col}{new}"))
    if not edits:
        return text
    for a, b, replacement in sorted(edits, reverse=True):
        yaml_text = yaml_text[:a] + replacement + yaml_text[b:]
    return bom + body[:start] + yaml_text + body[stop:]


def write(path: Path, resolutions: dict[int, dict[str, Any]]) -> bool:
    """Record the resolutions in an evidence file; True if the file changed."""
    text = path.read_bytes().decode("utf-8")
    new = rewrite(text, resolutions, markdown=path.suffix == ".md", display=display_path(path))
    if new == text:
        return False
    atomic_write(path, new, overwrite=True)
    return True
