"""KPI series: their direction, sustained trends, and a team's core KPIs (judged by perfdocs.rules.governance).

A single bad point is noise; several consecutive periods moving against the target
are a signal. Only the latter is flagged. Computed values are written into a series by
`perfdocs.metrics.series_write`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from perfdocs import settings as org_settings
from perfdocs.records import numbers
from perfdocs.records.organisation import Organisation

# A team's core KPIs are judged by the governance rules; `perfdocs kpi trends` reads them here.
from perfdocs.rules.governance import core_count_problem as core_count_problem
from perfdocs.rules.governance import core_kpis as core_kpis

# --- settings --------------------------------------------------------------------------


def settings(org: Organisation) -> tuple[int, int, int]:
    """(sustained trend length, fewest core KPIs, most core KPIs): org.yaml `kpi_rules`, defaults filled in."""
    rules = org_settings.of(org).kpi_rules
    return rules.sustained_trend_periods, rules.core_min, rules.core_max


# --- series and trends -----------------------------------------------------------------


def points(kpi: Any) -> list[tuple[str, float]]:
    """(period, value) of a series, in period order, skipping malformed entries (a value
    that is not a finite number within numbers.LIMIT among them)."""
    out = []
    for item in kpi.get("values") or []:
        if isinstance(item, dict) and isinstance(item.get("period"), str):
            value = numbers.measure(item.get("value"))
            if value is not None:
                out.append((item["period"], value))
    return sorted(out)


def lower_is_better(kpi: Any, metric: Any | None) -> bool | None:
    """From the metric's `direction`; else from the target against the baseline."""
    direction = metric.get("direction") if metric is not None else None
    if direction in ("lower-is-better", "higher-is-better"):
        return bool(direction == "lower-is-better")
    target, baseline = kpi.get("target"), kpi.get("baseline")
    if isinstance(target, dict) and isinstance(baseline, dict):
        t, b = numbers.measure(target.get("value")), numbers.measure(baseline.get("value"))
        if t is not None and b is not None and t != b:
            return t < b
    return None


@dataclass
class Trend:
    kpi: str
    team: str
    metric: str
    start: str
    """The last period before the slide (its value is the starting point)."""
    end: str
    moves: int
    values: list[float]
    ongoing: bool
    """True when the slide reaches the series' latest period."""
    direction: str

    def describe(self) -> str:
        worse = "rising" if self.direction == "lower-is-better" else "falling"
        span = " -> ".join(_num(v) for v in self.values)
        return (
            f"{self.moves} consecutive periods {worse} against the target, {self.start} to {self.end} "
            f"({span}){' and still going' if self.ongoing else ''}"
        )


def _num(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value == int(value) else f"{value:g}"


def sustained(series: list[tuple[str, float]], lower_better: bool, n: int) -> list[tuple[int, int]]:
    """(first, last) indexes of every run of at least n consecutive moves against the target.

    A move is against the target when the value gets worse than the period before
    (up when lower is better, down when higher is better); an unchanged or better
    value ends the run. One bad point followed by a recovery is a run of one.
    """
    runs, start = [], 0
    for i in range(1, len(series) + 1):
        worse = i < len(series) and (
            (series[i][1] > series[i - 1][1]) if lower_better else (series[i][1] < series[i - 1][1])
        )
        if not worse:
            if i - 1 - start >= n:
                runs.append((start, i - 1))
            start = i
    return runs


def kpi_trends(org: Any, kpi: Any) -> list[Trend]:
    """Sustained trends of one KPI series, oldest first (none if its direction is unknown)."""
    n = settings(org)[0]
    metric = org.metrics.get(kpi.get("metric")) if isinstance(kpi.get("metric"), str) else None
    lower = lower_is_better(kpi, metric)
    if lower is None:
        return []
    series = points(kpi)
    return [
        Trend(
            kpi.id,
            str(kpi.get("team")),
            str(kpi.get("metric")),
            series[a][0],
            series[b][0],
            b - a,
            [v for _, v in series[a : b + 1]],
            b == len(series) - 1,
            "lower-is-better" if lower else "higher-is-better",
        )
        for a, b in sustained(series, lower, n)
    ]


def trends(org: Any, team: str | None = None) -> list[Trend]:
    """Sustained trends of every KPI series (of one team, or all)."""
    out = []
    for kpi in sorted(org.kpis.values(), key=lambda k: (str(k.get("team")), k.id)):
        if team is None or kpi.get("team") == team:
            out.extend(kpi_trends(org, kpi))
    return out
