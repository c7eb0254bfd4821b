"""KPI series: their direction, sustained trends, and a team's core KPIs (judged by perfdocs.rules.governance).

A single bad point is noise; several consecutive periods moving against the target
are a signal. Only the latter is flagged. A value whose sample (the deployments, incidents or
people behind it) is below its metric's minimum is insufficient data: shown as such, never as
a number, and no point of a trend (`shortfall`). Computed values are written into a series by
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


# --- samples ---------------------------------------------------------------------------


def min_sample(org: Organisation, metric: Any | None) -> int:
    """The fewest data points a value of `metric` needs to be shown as a number: the metric
    record's `min_sample`, else for a DORA metric org.yaml `dora.min_sample`, else
    `kpi_rules.min_sample` (0: no minimum)."""
    own = metric.get("min_sample") if metric is not None else None
    if isinstance(own, int) and not isinstance(own, bool) and own >= 0:
        return own
    found = org_settings.of(org)
    key = org_settings.dora_key(metric.get("dora")) if metric is not None else None
    if key is not None:
        return int(found.dora_setup.min_sample.get(key, 0))
    return found.kpi_rules.min_sample


def sample_of(item: Any) -> int | None:
    """How many data points a series value summarises: its provenance's `sample` (computed
    values) or its own `sample` (hand-entered ones); None when it does not say."""
    if not isinstance(item, dict):
        return None
    provenance = item.get("provenance")
    for found in (provenance.get("sample") if isinstance(provenance, dict) else None, item.get("sample")):
        if isinstance(found, int) and not isinstance(found, bool) and found >= 0:
            return found
    return None


@dataclass(frozen=True)
class Shortfall:
    """A value whose sample is below its metric's minimum: shown as insufficient data, never as a number."""

    n: int
    needs: int

    def __str__(self) -> str:
        return f"insufficient data (n={self.n}, needs {self.needs})"


def shortfall(org: Organisation, metric: Any | None, item: Any) -> Shortfall | None:
    """Why a series value may not be shown as a number (None: it may). A value that does not
    record its sample is shown: nothing says it is too small."""
    n, needs = sample_of(item), min_sample(org, metric)
    return Shortfall(n, needs) if n is not None and n < needs else None


def metric_of(org: Organisation, kpi: Any) -> Any | None:
    name = kpi.get("metric")
    return org.metrics.get(name) if isinstance(name, str) else None


# --- series and trends -----------------------------------------------------------------


def points(kpi: Any, org: Organisation | None = None) -> list[tuple[str, float]]:
    """(period, value) of a series, in period order, skipping malformed entries (a value
    that is not a finite number within numbers.LIMIT among them) and, given the org, values
    whose sample is below their metric's minimum (insufficient data is no point of a trend)."""
    metric = metric_of(org, kpi) if org is not None else None
    out = []
    for item in kpi.get("values") or []:
        if isinstance(item, dict) and isinstance(item.get("period"), str):
            value = numbers.measure(item.get("value"))
            if value is not None and (org is None or shortfall(org, metric, item) is None):
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
    series = points(kpi, org)
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
