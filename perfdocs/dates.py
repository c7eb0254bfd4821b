"""Today's date, which tests and reproducible builds can pin with PERFDOCS_TODAY=YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import os

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
