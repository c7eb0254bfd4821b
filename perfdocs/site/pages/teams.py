"""The team dashboards: the DORA roll-up of every team, and each team's page with a panel
per KPI (trend chart, target, band, flagged trends and the formula behind the figures)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from perfdocs import dates
from perfdocs.records.load import Record
from perfdocs.settings import DORA_KEYS
from perfdocs.site import search
from perfdocs.site.charts import Band, Chart, fmt, trend_chart
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, anchor, team_url


def kpi_panel(view: View, kpi: Record) -> dict[str, Any]:
    org = view.org
    metric = org.metrics.get(kpi.get("metric"))
    metric = metric if view.sees(metric) else None
    from perfdocs.metrics import kpis

    values = [v for v in kpi.get("values") or [] if isinstance(v, dict)]
    # A value whose sample is below its metric's minimum is shown as "insufficient data (n=3,
    # needs 10)", never as a number: not in the chart, not as the current value. The minimum is
    # the metric's own rule, so it applies even where this audience does not see the metric.
    rule = kpis.metric_of(org, kpi)
    rows = [
        (str(v.get("period")), v["value"], kpis.shortfall(org, rule, v))
        for v in values
        if isinstance(v.get("value"), (int, float))
    ]
    points = [(period, value) for period, value, short in rows if short is None]
    latest = rows[-1] if rows else None
    target = (kpi.get("target") or {}).get("value")
    baseline = (kpi.get("baseline") or {}).get("value")
    bands = [
        Band(str(t.get("label")), t.get("min"), t.get("max"))
        for t in (metric.get("thresholds") or [] if metric else [])
        if isinstance(t, dict)
    ]
    notes = [(str(a.get("period")), str(a.get("text"))) for a in kpi.get("annotations") or [] if isinstance(a, dict)]
    name = str(metric.get("name")) if metric else str(kpi.get("metric"))
    unit = str(metric.get("unit", "")) if metric else ""
    direction = metric.get("direction") if metric else None
    current = latest[1] if latest and latest[2] is None else None
    on_target = None
    if current is not None and target is not None and direction in ("higher-is-better", "lower-is-better"):
        on_target = current >= target if direction == "higher-is-better" else current <= target
    chart = trend_chart(
        Chart(
            points, title=f"{name}: trend", unit=unit, target=target, baseline=baseline, bands=bands, annotations=notes
        )
    )
    return {
        "kpi": kpi,
        "name": name,
        "unit": unit,
        "metric_url": view.link("metric", kpi.get("metric")),
        "direction": direction,
        "current": current,
        "current_period": latest[0] if latest else None,
        "insufficient": str(latest[2]) if latest and latest[2] else None,
        "rows": [(period, value, str(short) if short else None) for period, value, short in rows],
        "target": target,
        "target_by": (kpi.get("target") or {}).get("by"),
        "baseline": baseline,
        "on_target": on_target,
        "chart": chart,
        "points": points,
        "notes": notes,
        "fmt": fmt,
        "core": bool(kpi.get("core")),
        "anchor": anchor("kpi", kpi.id),
        "stale": staleness(latest[0], dates.today()) if latest else None,
        **kpi_signals(view, kpi, metric, current),
    }


STALE_PERIODS = 2
"""A KPI is stale when its latest value is for a period that ended more than this many of
its own periods ago (a monthly KPI in November whose latest value is for August): one
period late is a report not yet written; two is a series nobody updates."""

_PERIOD_DAYS = {"week": 7, "month": 30.44, "quarter": 91.31}


def staleness(period: str, today: dt.date) -> dict[str, Any] | None:
    """How old a KPI's latest value is, when that makes it stale ({"age": "9 months",
    "period": ...}), else None. The KPI's cadence is the kind of period its values name
    (2026-W03, 2026-03, 2026-Q1), as `perfdocs kpi dora` writes them."""
    try:
        _, end = dates.period_bounds(period)
    except (ValueError, IndexError):  # not a period perfdocs knows: no claim either way
        return None
    cadence = "week" if "-W" in period else "quarter" if "-Q" in period else "month"
    days = (today - end).days
    if days <= STALE_PERIODS * _PERIOD_DAYS[cadence]:
        return None
    age = f"{days // 7} weeks" if days < 61 else f"{round(days / _PERIOD_DAYS['month'])} months"
    return {"age": age, "period": period, "cadence": cadence}


def kpi_signals(view: View, kpi: Record, metric: Record | None, current: Any) -> dict[str, Any]:
    """The DORA band and benchmark placement (bucket, or score on a linear scale), flagged trends,
    and the formula (with its configuration, policy and where the latest value came from) shown
    beside a KPI's figures."""
    from perfdocs.metrics import dora, kpis

    explained = dora.explain(view.org, metric, view.org.teams.get(kpi.get("team"))) if metric else None
    latest = next((v for v in reversed(kpis_values(kpi)) if isinstance(v.get("value"), (int, float))), None)
    provenance = latest.get("provenance") if latest and isinstance(latest.get("provenance"), dict) else None
    placed = benchmark_placement(view, explained["key"], current) if explained else {}
    return {
        "band": dora.band(current, metric.get("thresholds")) if explained and metric else None,
        "dora_key": explained["key"] if explained else None,
        "factor": explained["factor"] if explained else None,
        "bucket": placed.get("bucket"),
        "linear_score": placed.get("linear_score"),
        "linear_scale": placed.get("scale"),
        "edition": edition(view) if explained else None,
        "trends": [t.describe() for t in kpis.kpi_trends(view.org, kpi)],
        "formula": explained["formula"] if explained else (metric.get("calculation") if metric else None),
        "config": explained["config"] if explained else {},
        "provenance": provenance,
    }


def edition(view: View) -> dict[str, Any]:
    """The benchmark edition the org places DORA figures against (org.yaml dora.benchmark)."""
    from perfdocs import settings
    from perfdocs.metrics import benchmarks

    name = settings.of(view.org).dora_setup.benchmark
    data = benchmarks.load(name)
    return {"name": name, "title": data.get("title"), "source": data.get("source"), "year": data.get("year")}


def benchmark_placement(view: View, key: str, value: Any) -> dict[str, str | None]:
    """Where the edition places a value: `bucket`, the answer bucket (DORA's answer option) it falls
    in, or for a metric the edition scores linearly (a rate: it has no buckets), `linear_score`, its
    score ('6.7/10'), and `scale`, the scale it is placed on ('0-100 % scale (0 % = 10, 100 % = 0)')."""
    from perfdocs import settings
    from perfdocs.metrics import benchmarks

    if not isinstance(value, (int, float)):
        return {}
    data = benchmarks.load(settings.of(view.org).dora_setup.benchmark)
    spec = data["metrics"].get(key)
    if not isinstance(spec, dict):
        return {}
    scale = benchmarks.scale_of(data)
    label, score = benchmarks.place(spec, float(value), scale)
    if benchmarks.linear(spec) and score is not None:
        unit = str(spec.get("unit", ""))
        return {"linear_score": f"{benchmarks.round1(score)}/10", "scale": benchmarks.scale_text(spec, unit, scale)}
    return {"bucket": label}


def kpis_values(kpi: Record) -> list[dict[str, Any]]:
    values = [v for v in kpi.get("values") or [] if isinstance(v, dict)]
    return sorted(values, key=lambda v: str(v.get("period")))


def dora_rollup(view: View, teams: list[Record], panels_by_team: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The org roll-up: each team's latest value, band and benchmark bucket of each of the five DORA
    metrics, and its flagged trends. Team-level only: no person is named."""
    from perfdocs.metrics import dora

    metrics = dora.dora_metrics(view.org)
    columns = [
        {
            "key": k,
            "name": dora.NAMES[k],
            "factor": dora.FACTOR[k],
            "id": metrics[k].id,
            "unit": str(metrics[k].get("unit", "")),
        }
        for k in DORA_KEYS
        if k in metrics and view.sees(metrics[k])
    ]
    rows = []
    for t in teams:
        cells = []
        for c in columns:
            panel = next((p for p in panels_by_team.get(t.id, []) if p["kpi"].get("metric") == c["id"]), None)
            cells.append(
                {
                    "value": panel["current"],
                    "insufficient": panel["insufficient"],
                    "period": panel["current_period"],
                    "band": panel["band"],
                    "bucket": panel["bucket"],
                    "stale": panel["stale"],
                    "url": f"{team_url(t.id)}#{panel['anchor']}",
                }
                if panel and (panel["current"] is not None or panel["insufficient"])
                else None
            )
        trends = sum(len(p["trends"]) for p in panels_by_team.get(t.id, []))
        rows.append({"name": t.get("name", t.id), "url": team_url(t.id), "cells": cells, "trends": trends})
    flagged = [
        {"team": t.get("name", t.id), "kpi": p["name"], "url": f"{team_url(t.id)}#{p['anchor']}", "text": text}
        for t in teams
        for p in panels_by_team.get(t.id, [])
        for text in p["trends"]
    ]
    return {
        "columns": columns,
        "rows": rows,
        "fmt": fmt,
        "flagged": flagged,
        "edition": edition(view) if columns else None,
    }


def dora_summary(view: View, team: Record, panels: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The team's whole-window DORA summary, as `perfdocs kpi dora` computes it: each metric's
    figure in the benchmark edition's buckets with its 0-10 score, each factor's score, and the
    deployments behind the figures (the --explain data, read with each metric's own policies).

    The window is the periods of the team's DORA series shown on the page, so the summary and
    the charts speak of the same time. It is computed from the history of the team's
    repositories when their clones are present (a build without them says so). Team signals
    only: deployments carry refs and shas, never authors, and a postmortem this audience may
    not see is not named."""
    from perfdocs.errors import PerfdocsError
    from perfdocs.metrics import dora
    from perfdocs.metrics.benchmarks import compared
    from perfdocs.metrics.report import insufficient

    org = view.org
    repositories = [r for r in team.get("repositories") or [] if isinstance(r, str)]
    series = [p for p in panels if p["dora_key"]]
    if not repositories or not series or org.org is None:
        return None
    bounds = []
    for p in series:
        for v in kpis_values(p["kpi"]):
            try:
                bounds.append(dates.period_bounds(str(v.get("period"))))
            except (ValueError, IndexError):
                continue
    if not bounds:
        return None
    since, until = min(b[0] for b in bounds), max(b[1] for b in bounds) - dt.timedelta(days=1)
    granularity = next((str(p["kpi"].get("granularity")) for p in series if p["kpi"].get("granularity")), "month")
    try:
        result = dora.team_dora(org, org.org.doc.path.parent, team.id, since, until, granularity)
    except PerfdocsError:
        # The reason names paths of the machine that built the site: not for a published page.
        return {"unavailable": True, "repositories": repositories, "since": since, "until": until}
    hidden = sorted(pm for pm, record in org.postmortems.items() if not view.sees(record))

    def shown(text: str) -> str:
        for pm in hidden:
            text = text.replace(f"postmortem {pm}", "a postmortem not shown here")
        return text

    found = result.assessment
    names = {m.key: m.name for m in result.metrics}
    groups = [
        {
            "anchor": f"dora-deployments-{i + 1}",
            "metrics": [names.get(k, k) for k in g["metrics"]],
            "keys": g["metrics"],
            "policy": g["policy"],
            "deployments": [
                {**d, "rules": [shown(r) for r in d["rules"]], "time": d["time"][:16].replace("T", " ")}
                for d in g["deployments"]
            ],
        }
        for i, g in enumerate(result.explained)
    ]
    metrics = []
    for m in result.metrics:
        entry = found.get("metrics", {}).get(m.key, {})
        group = next((g for g in groups if m.key in g["keys"]), None)
        metrics.append(
            {
                "name": m.name,
                "factor": m.factor,
                "unit": m.unit,
                "value": entry.get("value"),
                "insufficient": insufficient(entry.get("sample", 0), m.min_sample)
                if entry.get("insufficient")
                else None,
                "bucket": entry.get("bucket"),
                "placement": entry.get("placement"),
                "score": entry.get("score"),
                "mean": entry.get("mean"),
                "std": entry.get("std"),
                "versus": compared(entry.get("versus_mean")),
                "note": entry.get("note"),
                "policy": m.policy,
                "deployments": group["anchor"] if group else None,
            }
        )
    factors = [
        {
            "name": name,
            "scored_as": data.get("scored_as"),
            "score": data["score"],
            "from": [names.get(k, k) for k in data["from"]],
            "mean": data.get("mean"),
            "std": data.get("std"),
            "versus": compared(data.get("versus_mean")),
        }
        for name, data in found.get("factors", {}).items()
    ]
    overall = found.get("overall")
    return {
        "unavailable": False,
        "since": result.since,
        "until": result.until,
        "edition": {
            k: found.get(k)
            for k in ("edition", "title", "source", "year", "legacy", "verified_means", "segment", "segment_name")
        },
        "metrics": metrics,
        "factors": factors,
        "overall": {**overall, "versus": compared(overall.get("versus_mean"))} if overall else None,
        "groups": groups,
        "ignored": [shown(i) for i in result.ignored],
        "fmt": fmt,
    }


def team_pages(view: View) -> Iterator[Page]:
    org = view.org
    teams = sorted(view.shown(org.teams), key=lambda r: str(r.get("name", r.id)).lower())
    kpis_by_team: dict[str, list[Record]] = defaultdict(list)
    for kpi in view.shown(org.kpis):
        kpis_by_team[str(kpi.get("team"))].append(kpi)
    listing = [
        {
            "id": t.id,
            "name": t.get("name", t.id),
            "url": team_url(t.id),
            "mission": t.get("mission"),
            "kpis": len(kpis_by_team.get(t.id, [])),
        }
        for t in teams
    ]
    panels_by_team = {
        t.id: [kpi_panel(view, k) for k in sorted(kpis_by_team.get(t.id, []), key=lambda k: (not k.get("core"), k.id))]
        for t in teams
    }
    rollup = dora_rollup(view, teams, panels_by_team)
    yield Page(
        "teams/index.html",
        "teams.html.j2",
        "Team dashboards",
        "teams",
        {"teams": listing, "rollup": rollup},
        [
            search.entry(
                "teams/index.html",
                "Team dashboards",
                "Teams",
                "DORA across teams" if listing else "",
                *(c["name"] for c in rollup["columns"]),
                *(f"{t['name']} {t['mission'] or ''}" for t in listing),
            )
        ],
    )
    for t in teams:
        panels = panels_by_team[t.id]
        yield Page(
            team_url(t.id),
            "team.html.j2",
            f"{t.get('name', t.id)} dashboard",
            "teams",
            {
                "team": t,
                "members": [view.person(h) for h in t.get("members") or []],
                "manager": view.person(t.get("manager")) if t.get("manager") else None,
                "panels": panels,
                "dora": dora_summary(view, t, panels),
            },
            [
                search.entry(
                    team_url(t.id),
                    f"{t.get('name', t.id)} dashboard",
                    "Team",
                    t.get("mission"),
                    *(p["name"] for p in panels),
                    *(p["formula"] for p in panels if isinstance(p["formula"], str)),
                    "DORA" if any(p["band"] is not None or p["config"] for p in panels) else "",
                )
            ],
        )
