"""The metrics catalogue: every metric with its owner, review due date, the teams that
track it, the quality metric a speed metric is read with, the fewest data points a value
needs, and the DORA formula behind it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from perfdocs import dates
from perfdocs.metrics import kpis
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, anchor, team_url


def metrics_page(view: View, today: dt.date) -> Page:
    org = view.org
    users: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kpi in view.shown(org.kpis):
        if view.sees(org.teams.get(kpi.get("team"))):
            users[str(kpi.get("metric"))].append(
                {"name": view.team_name(kpi.get("team")), "url": team_url(kpi.get("team"))}
            )
    metrics: list[dict[str, Any]] = []
    for m in sorted(view.shown(org.metrics), key=lambda r: str(r.get("name", r.id)).lower()):
        review = m.get("review") or {}
        last = dates.parse_date(str(review.get("last_reviewed", "")))
        cadence = review.get("cadence_days")
        due = last + dt.timedelta(days=cadence) if last and isinstance(cadence, int) else None
        metrics.append(
            {
                "m": m,
                "anchor": anchor("metric", m.id),
                "owner": view.person(m.get("owner")),
                "due": due,
                "overdue": bool(due and due < today),
                "days_overdue": (today - due).days if due and due < today else 0,
                "teams": users.get(m.id, []),
                "dora": _dora_explained(org, m),
                "counter": _counter(view, m),
                "min_sample": kpis.min_sample(org, m),
            }
        )
    entries = [
        search.entry(
            f"metrics/index.html#{x['anchor']}",
            str(x["m"].get("name")),
            "Metric",
            x["m"].get("purpose"),
            x["m"].get("calculation"),
        )
        for x in metrics
    ]
    return Page(
        "metrics/index.html",
        "metrics.html.j2",
        "Metrics catalogue",
        "metrics",
        {"metrics": metrics, "today": today},
        entries,
    )


def _counter(view: View, metric: Record) -> dict[str, Any] | None:
    """The quality metric a speed metric is read with, when this audience sees it."""
    counter = view.org.metrics.get(metric.get("counter_metric"))
    if counter is None or not view.sees(counter):
        return None
    return {"name": counter.get("name", counter.id), "url": view.link("metric", counter.id)}


def _dora_explained(org: Organisation, metric: Record) -> dict[str, Any] | None:
    from perfdocs.metrics import dora

    return dora.explain(org, metric)
