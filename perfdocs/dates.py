"""Dates and periods: today (pinned with PERFDOCS_TODAY=YYYY-MM-DD for tests and reproducible
builds), parsing, and the arithmetic of the periods records and metrics use (2026-Q3,
2026-07, 2026-W27)."""

from __future__ import annotations

import datetime as dt
import os
import re

from perfdocs.errors import PerfdocsError


def today() -> dt.date:
    pinned = os.environ.get("PERFDOCS_TODAY")
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise PerfdocsError(f"PERFDOCS_TODAY={pinned!r} is not a date (YYYY-MM-DD)") from None


def parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def parse_datetime(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


# --- periods ---------------------------------------------------------------------------

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
"""A quarter as records name it: 2026-Q3."""


def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    match = QUARTER.match(period)
    if not match:
        raise PerfdocsError(f"period {period!r} is not a quarter like 2026-Q3")
    year, q = int(match[1]), int(match[2])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def shift_quarter(period: str, by: int) -> str:
    year, q = int(period[:4]), int(period[-1])
    index = year * 4 + q - 1 + by
    return f"{index // 4}-Q{index % 4 + 1}"


def period_of(day: dt.date, granularity: str) -> str:
    """The period a UTC day falls in: 2026-W03, 2026-01 or 2026-Q1."""
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return f"{day.year}-{day.month:02d}"
    return quarter_of(day)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First day and the day after the last day of a period."""
    if "-W" in period:
        iso_year, week = period.split("-W")
        start = dt.date.fromisocalendar(int(iso_year), int(week), 1)
        return start, start + dt.timedelta(days=7)
    if "-Q" in period:
        year, q = int(period[:4]), int(period[-1])
        start = dt.date(year, 3 * q - 2, 1)
    else:
        year, month = int(period[:4]), int(period[5:7])
        start = dt.date(year, month, 1)
    months = 3 if "-Q" in period else 1
    end_month = start.month + months
    end = dt.date(start.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


def periods_between(since: dt.date, until: dt.date, granularity: str) -> list[str]:
    out: list[str] = []
    day = since
    while day <= until:
        period = period_of(day, granularity)
        out.append(period)
        day = period_bounds(period)[1]
    return out


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
