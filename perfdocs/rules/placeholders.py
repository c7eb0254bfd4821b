"""Placeholders: text that is not written yet is a finding, not evidence (record/placeholder).

A record that kept the scaffold's template text, holds a TODO/TBD/FIXME marker (org.yaml
`placeholders.markers`) or "lorem ipsum", or whose evidence body is shorter than
`placeholders.min_body_chars`, validates but says nothing yet: each is a warning (so
`validate --strict` fails on it), in evidence, goals, reviews and packets. `reason` is the
one judge; packet check uses it too, so a placeholder claim counts as no claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from perfdocs import settings
from perfdocs.diagnostics import WARNING, Diagnostic
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.resources import data_dir
from perfdocs.rules._util import KeyPath

KINDS = ("evidence", "goal", "review", "packet")
# Fields that hold ids, references, dates or links: never prose, never a placeholder.
_NOT_PROSE = frozenset(
    {"kind", "id", "author", "candidate", "person", "reviewer", "sponsor", "manager", "owner", "type", "status"}
    | {"date", "period", "visibility", "links", "competencies", "goals", "collaborators", "evidence", "scope"}
    | {"competency", "goal", "key_result", "current_level", "target_level", "rating", "team", "window", "unit"}
    | {"resolved", "metric", "parent", "due"}
)


def _normalise(text: str) -> str:
    """Whitespace runs made one space, ends stripped, case folded. str.split() splits on the
    characters a pattern's \\s matches (both use str.isspace), four times quicker than re.sub."""
    return " ".join(text.split()).casefold()


@cache
def template_bodies() -> frozenset[str]:
    """The bodies `perfdocs new` scaffolds (templates/scaffold), normalised: a record that still
    holds one has not been written."""
    found = set()
    for path in sorted((data_dir("templates") / "scaffold").glob("*.md.j2")):
        parts = path.read_text(encoding="utf-8").split("\n---\n", 1)
        body = parts[1] if len(parts) == 2 else ""
        if body.strip() and "{{" not in body and "{%" not in body:
            text = _normalise(body)
            found |= {text, re.sub(r"^(?:todo|tbd):\s*", "", text)}  # the text kept, the marker deleted
    return frozenset(found)


@cache
def _template_bounds() -> tuple[frozenset[str], int]:
    """The first characters of the template bodies and the longest one's length."""
    bodies = template_bodies()
    return frozenset(body[:1] for body in bodies), max(map(len, bodies), default=0)


def _maybe_template(text: str) -> bool:
    """False when `text` cannot normalise to a template body, without normalising it (most
    bodies are long): folding a character never gives nothing or a space, so the first
    character that is not a space folds to the normalised text's first, and each such
    character stays at least one (counted in a prefix: if that already has too many, so has
    the whole)."""
    starts, longest = _template_bounds()
    if text.lstrip()[:1].casefold()[:1] not in starts:
        return False
    return len(text) <= longest or sum(map(len, text[: 4 * longest + 4].split())) <= longest


@cache
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(re.escape(m) for m in markers)
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])" if words else r"(?!)")


_LOREM = re.compile(r"lorem ipsum", re.IGNORECASE)


def reason(text: Any, org: Organisation) -> str | None:
    """Why `text` is a placeholder ("a TODO marker", ...), or None when it is real text.

    Called on every prose string of tens of thousands of records, so each pattern runs only
    after a plain substring test that any match must pass (the pattern's own search is several
    times slower): a marker is in the text as written; under IGNORECASE "ipsum"'s 'p', 's', 'u'
    and 'm' match only themselves, their capitals and 'ſ' (for 's'), which str.lower() leaves."""
    if not isinstance(text, str):
        return None
    markers = settings.of(org).placeholders.markers
    marker = _marker_pattern(markers).search(text) if any(m in text for m in markers) else None
    if marker is None and _lorem_maybe(text) and _LOREM.search(text):
        return "'lorem ipsum'"
    if marker is not None:
        return f"a {marker.group(0)} marker"
    if _maybe_template(text) and _normalise(text) in template_bodies():
        return "the template text of `perfdocs new`"
    return None


def _lorem_maybe(text: str) -> bool:
    lowered = text.lower()
    return "psum" in lowered or "p\u017fum" in lowered


def _first(value: Any, org: Organisation) -> tuple[list[str | int], str] | None:
    """The first prose string in `value` (depth first, in order) that is a placeholder: the
    path to it, innermost key first, and why. A plain recursion, not a chain of generators,
    and the path made only for the one found: it runs on every record's every field."""
    if isinstance(value, str):
        why = reason(value, org)
        return ([], why) if why is not None else None
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_PROSE and (found := _first(item, org)) is not None:
                found[0].append(key)
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _first(item, org)) is not None:
                found[0].append(i)
                return found
    return None


def _where(path: KeyPath) -> str:
    """claims[1].claim: a field as a reader of the YAML finds it."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def too_short(body: str, org: Organisation) -> str | None:
    """'only N characters (fewer than M)' for an evidence body below `placeholders.min_body_chars`."""
    least = settings.of(org).placeholders.min_body_chars
    n = len(body.strip())
    return f"only {n} characters (fewer than {least})" if n < least else None


def of_record(record: Record, org: Organisation) -> Iterator[Diagnostic]:
    """One record's placeholder findings (a record of KINDS that its kind's index holds)."""
    found = _first(record.data, org)  # one per record's fields: the rest are usually the same draft
    if found is not None:
        path: KeyPath = tuple(reversed(found[0]))
        yield record.diag(
            "record/placeholder",
            f"{_where(path)} still holds {found[1]}",
            path,
            severity=WARNING,
            hint="write what it says, or remove it",
        )
    body = record.body
    if body is None:
        return
    why = reason(body, org)
    if why is None and record.kind == "evidence":
        why = too_short(body, org)
    if why is not None:
        line = record.doc.body_line or 1
        yield Diagnostic(
            record.display,
            line,
            1,
            "record/placeholder",
            f"the body still holds {why}" if not why.startswith("only") else f"the body has {why}",
            WARNING,
            "say what happened, what you did and its impact, with the evidence"
            if record.kind == "evidence"
            else "write it, or remove the placeholder",
        )


def unfinished(record: Record, org: Organisation) -> bool:
    """Does the record still hold a placeholder (the record/placeholder warning)? Such a
    record says nothing yet: the gap view does not count it as evidence."""
    return next(of_record(record, org), None) is not None


def check(org: Organisation) -> Iterator[Diagnostic]:
    for kind in KINDS:
        for record in org.of_kind(kind).values():
            yield from of_record(record, org)
