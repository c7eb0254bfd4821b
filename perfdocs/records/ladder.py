"""The cells of a career ladder: what a competency asks at one level.

A competency matrix maps each level of its track to a cell, written in one of four ways:

- Markdown text (lists, emphasis, links), the common case;
- a structured cell, every part optional: `{text, criteria: [...], examples: [...],
  links: [...], proficiency: <step of the competency's scale>}`;
- `{unchanged: true, note: why}`: the level deliberately asks nothing new (the cell in
  force is the one below it);
- `{not_expected: true, note: ...}`: nothing is expected at this level (real ladders start
  leadership at level 3, say); the note is optional.

`cell_of` turns whatever a record holds into a `Cell`, and everything that shows or
compares cells (the organisation's `descriptor`, the rubric pages, the lint, drafts) reads
them through it, so the four forms are understood in one place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

DESCRIBED = "described"
UNCHANGED = "unchanged"
NOT_EXPECTED = "not_expected"


@dataclass(frozen=True)
class Criterion:
    text: str
    id: str | None = None


@dataclass(frozen=True)
class Link:
    url: str
    title: str | None = None


@dataclass(frozen=True)
class Cell:
    """One competency at one level."""

    state: str
    """DESCRIBED, UNCHANGED or NOT_EXPECTED."""
    text: str = ""
    criteria: tuple[Criterion, ...] = ()
    examples: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    proficiency: str | None = None
    note: str | None = None

    @property
    def expects(self) -> bool:
        return self.state == DESCRIBED

    def markdown(self) -> str:
        """The whole cell as one Markdown text: its text, then its criteria, examples and links
        as lists, so a plain descriptor and a structured one render and diff alike."""
        parts: list[str] = []
        if self.text:
            parts.append(self.text.strip())
        if self.criteria:
            parts.append("\n".join(f"- {c.text.strip()}" for c in self.criteria))
        if self.examples:
            parts.append("Examples:\n\n" + "\n".join(f"- {e.strip()}" for e in self.examples))
        if self.links:
            parts.append("See: " + ", ".join(f"[{_link_title(link)}](<{link.url}>)" for link in self.links))
        return "\n\n".join(parts)

    def parts(self) -> list[str]:
        """The cell's criteria as written: each list item and each paragraph of its Markdown,
        without list markers (the unit the lint and the level comparison work on)."""
        found: list[str] = []
        for block in re.split(r"\n\s*\n", self.markdown()):
            for item in re.split(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)", block):
                text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", item).strip()
                if text and not re.fullmatch(r"Examples:", text):
                    found.append(text)
        return found

    def units(self) -> list[str]:
        """`parts`, normalised for comparison (case, spacing, emphasis)."""
        return [normalise(p) for p in self.parts()]

    def new_against(self, base: Cell) -> list[int]:
        """The indices of this cell's parts that `base` does not have: what is new in it (the
        site's level pages and the gap view mark these)."""
        earlier = set(base.units())
        return [i for i, unit in enumerate(self.units()) if unit not in earlier]


def _link_title(link: Link) -> str:
    return (link.title or link.url).replace("[", "\\[").replace("]", "\\]")


def normalise(text: str) -> str:
    """Text as compared by the lint: case-folded, spacing and Markdown emphasis collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[*_`]+", "", text)).strip().casefold()


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _criteria(value: Any) -> tuple[Criterion, ...]:
    out: list[Criterion] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str):
            out.append(Criterion(item))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            cid = item.get("id")
            out.append(Criterion(item["text"], cid if isinstance(cid, str) else None))
    return tuple(out)


def _links(value: Any) -> tuple[Link, ...]:
    out: list[Link] = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str):
            out.append(Link(item))
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            title = item.get("title")
            out.append(Link(item["url"], title if isinstance(title, str) else None))
    return tuple(out)


def cell_of(value: Any) -> Cell | None:
    """The Cell a matrix holds for a level, or None when the value is no cell at all
    (missing, or of a shape the schema refuses)."""
    if isinstance(value, str):
        return Cell(DESCRIBED, text=value)
    if not isinstance(value, dict):
        return None
    note = value.get("note") if isinstance(value.get("note"), str) else None
    if value.get("unchanged") is True:
        return Cell(UNCHANGED, note=note)
    if value.get("not_expected") is True:
        return Cell(NOT_EXPECTED, note=note)
    text = value.get("text")
    proficiency = value.get("proficiency")
    cell = Cell(
        DESCRIBED,
        text=text if isinstance(text, str) else "",
        criteria=_criteria(value.get("criteria")),
        examples=_texts(value.get("examples")),
        links=_links(value.get("links")),
        proficiency=proficiency if isinstance(proficiency, str) else None,
        note=note,
    )
    return cell if cell.markdown() or cell.proficiency else None


# Characters a reader cannot see but that change what text says or how it sorts and compares:
# zero-width characters, bidirectional controls (the "Trojan Source" family), soft hyphens.
_INVISIBLE = {"\u00ad", "\u180e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"} | {
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
}


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(offset, Unicode name) of every invisible or bidirectional control character in `text`."""
    return [(i, unicodedata.name(ch, f"U+{ord(ch):04X}")) for i, ch in enumerate(text) if ch in _INVISIBLE]


# An inline Markdown link or image, `[text](address "title")`: the address, up to a space or the
# closing parenthesis (what a ladder copied from its own web pages holds: `(values.html)`).
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def relative_links(text: str) -> list[str]:
    """The addresses of `text`'s inline links that name no scheme (`values.html`, `/careers`,
    `../x`): in a ladder cell they pointed at pages of the site the ladder was copied from, and
    on the rubric pages they lead nowhere. A `#fragment` stays: it is an anchor of the page."""
    return [m[1] for m in _LINK.finditer(text) if m[1] and not m[1].startswith("#") and not _SCHEME.match(m[1])]
