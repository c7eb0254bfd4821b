"""The "Who can see what" page: for each kind of record, its visibility (the default and how
many records declare their own), the audiences that reach it, and the records source it
lives in.

Counts and kinds only: no record's id, name or text, so the page is the same for every
audience. It also says what visibility cannot do: anyone who can clone a repository reads
every record in it, so records that only some people may read belong in a records source
only they can clone (perfdocs.records.sources).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from perfdocs import settings
from perfdocs.records import visibility
from perfdocs.records.load import PERSON_KINDS, Record
from perfdocs.records.schemas import KINDS
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View

ACCESS_URL = "access.html"
REACHES = {
    "public": "the public site and the internal site",
    "internal": "the internal site",
    "private": "no site: only people who can clone its source",
}
MAIN = "the records folder (with org.yaml)"


def default_of(kind: str, defaults: dict[str, str]) -> tuple[str, str]:
    """(the visibility a record of `kind` gets when it declares none, where that comes from),
    as perfdocs.records.visibility.default decides it."""
    if kind in defaults:
        return defaults[kind], "org.yaml visibility_defaults"
    elsewhere = defaults.get("default", "internal")
    if kind == "person":
        return "private", "in a person's folder"
    if kind in PERSON_KINDS:
        return "private", f"in a person's folder; {elsewhere} elsewhere"
    if "default" in defaults:
        return elsewhere, "org.yaml visibility_defaults (default)"
    return elsewhere, "perfdocs' default"


def access_page(view: View) -> Page:
    org = view.org
    defaults = dict(settings.of(org).visibility_defaults)
    rows: list[dict[str, Any]] = []
    of_kind: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for r in org.records:  # one pass, not one per kind: 100,000 records
        if r.kind in of_kind:
            of_kind[r.kind].append(r)
    for kind in KINDS:
        records = of_kind[kind]
        default, why = default_of(kind, defaults)
        counts = Counter(r.visibility for r in records)
        own = sum(1 for r in records if r.visibility != visibility.default(r, defaults))
        levels = [level for level in visibility.LEVELS if counts[level]] or [default]
        where = sorted({f"source '{r.source}'" if r.source else MAIN for r in records}, key=lambda s: s != MAIN)
        absent = [s.name for s in org.sources if not s.present and s.holds(kind)]
        if not records and not absent:
            where = [MAIN]
        rows.append(
            {
                "kind": kind,
                "default": default,
                "why": why,
                "records": len(records),
                "counts": [(level, counts[level]) for level in visibility.LEVELS if counts[level]],
                "own": own,
                "reaches": [(level, REACHES[level]) for level in levels],
                "where": where,
                "absent": absent,
            }
        )
    sources = [
        {"name": s.name, "present": s.present, "kinds": list(s.kinds) or ["any kind but org"]} for s in org.sources
    ]
    return Page(
        ACCESS_URL,
        "access.html.j2",
        "Who can see what",
        "access",
        {"rows": rows, "sources": sources, "audience": view.audience},
        [],
    )
