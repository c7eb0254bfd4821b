"""Export: the records an audience may see, as JSON or CSV, for spreadsheets and other systems.

What an audience may see is decided by perfdocs.visibility alone: private records are
never exported, whatever the audience. Compensation fields are dropped from every record
as a second line of defence (validation already refuses records that carry them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from perfdocs.records import visibility
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules.policy import compensation_fields, normalise

FIXED_COLUMNS = ("kind", "id", "path", "visibility")


def _scrub(value: Any, banned: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, banned) for k, v in value.items() if normalise(str(k)) not in banned}
    if isinstance(value, list):
        return [_scrub(v, banned) for v in value]
    return value


def selected(org: Organisation, audience: str, kinds: Iterable[str] = ()) -> list[Record]:
    """The records `audience` may see (of `kinds`, when given), in kind and id order."""
    if audience not in visibility.AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    kinds = set(kinds)
    chosen = [r for r in org.records if visibility.visible(r.visibility, audience) and (not kinds or r.kind in kinds)]
    return sorted(chosen, key=lambda r: (r.kind, r.id))


def rows(org: Organisation, audience: str, kinds: Iterable[str] = ()) -> list[dict[str, Any]]:
    """One dict per exported record: kind, id, path, visibility, its fields, and its body."""
    banned = compensation_fields(org)
    out = []
    for record in selected(org, audience, kinds):
        fields = {k: v for k, v in _scrub(record.data, banned).items() if k not in ("kind", "id", "visibility")}
        if record.kind == "person":
            fields.pop("attributes", None)  # what calibration groups by (location, ...) is never exported one by one
        row = {
            "kind": record.kind,
            "id": record.id,
            "path": record.rel,
            "visibility": record.visibility,
            "fields": fields,
        }
        if record.body is not None:
            row["body"] = record.body
        out.append(row)
    return out


def to_json(org: Organisation, audience: str, kinds: Iterable[str] = ()) -> str:
    doc = {"audience": audience, "records": rows(org, audience, kinds)}
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"


def _cell(value: Any) -> str:
    """Scalars as text; lists of scalars joined with '; '; anything nested as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _safe(text: str) -> str:
    """Spreadsheets run cells starting with =, +, - or @ as formulas: quote them (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(org: Organisation, audience: str, kinds: Iterable[str] = ()) -> str:
    """One row per record; a column per top-level field (in first-seen order), then the body."""
    records = rows(org, audience, kinds)
    columns: dict[str, None] = {}
    for row in records:
        columns.update(dict.fromkeys(row["fields"]))
    header = [*FIXED_COLUMNS, *columns, "body"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in records:
        cells = [row[c] for c in FIXED_COLUMNS]
        cells += [_safe(_cell(row["fields"].get(c))) for c in columns]
        cells.append(_safe((row.get("body") or "").strip()))
        writer.writerow(cells)
    return buffer.getvalue()


FORMATS = {"json": to_json, "csv": to_csv}
