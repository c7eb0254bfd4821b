"""Date rules: dates are real (the schema's format check), not in the future, and in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from perfdocs.dates import parse_date, parse_datetime, today
from perfdocs.diagnostics import Diagnostic
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import KeyPath

# Fields that record something that has happened, so cannot be after today.
PAST_FIELDS: dict[str, list[KeyPath]] = {
    "evidence": [("date",)],
    "postmortem": [("date",), ("started",), ("detected",), ("restored",)],
    "person": [("start_date",), ("level_since",)],
    "metric": [("review", "last_reviewed")],
    "packet": [("window", "from")],
}


def _get(data: dict[str, Any], path: KeyPath) -> object:
    value: object = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def check(org: Organisation) -> Iterator[Diagnostic]:
    now = today()
    for record in org.records:
        yield from of_record(record, now)


def of_record(record: Record, now: dt.date) -> Iterator[Diagnostic]:
    """One record's date problems, `now` being today."""
    for path in PAST_FIELDS.get(record.kind, []):
        day = parse_date(_get(record.data, path))
        if day is not None and day > now:
            yield record.diag("date/future", f"'{path[-1]}' is {day}, after today ({now})", path)
    if record.kind == "postmortem":
        detected = parse_datetime(record.get("detected"))
        restored = parse_datetime(record.get("restored"))
        started = parse_datetime(record.get("started"))
        if detected and restored and restored < detected:
            yield record.diag("date/order", "service was restored before the incident was detected", ("restored",))
        if started and detected and detected < started:
            yield record.diag("date/order", "the incident was detected before it started", ("detected",))
    elif record.kind == "packet":
        start = parse_date(_get(record.data, ("window", "from")))
        end = parse_date(_get(record.data, ("window", "to")))
        if start and end and end < start:
            yield record.diag("date/order", "the window ends before it starts", ("window", "to"))
