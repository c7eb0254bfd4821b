"""The goals page: every goal the audience may see, as a tree under its period, with the
progress of each key result."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from perfdocs.records.load import Record
from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, anchor, goal_url


def progress(baseline: Any, target: Any, current: Any) -> int | None:
    """Percent of the way from baseline to target (0-100), whichever the direction."""
    try:
        span = float(target) - float(baseline)
        if span == 0:
            return 100 if float(current) == float(target) else 0
        return max(0, min(100, round((float(current) - float(baseline)) / span * 100)))
    except (TypeError, ValueError, OverflowError):  # not numbers, or .nan, .inf, 400 digits
        return None


def goals_page(view: View) -> Page:
    org = view.org
    goals = view.shown(org.goals)
    shown = {g.id for g in goals}
    children: dict[str, list[Record]] = defaultdict(list)
    roots = []
    for g in goals:
        parent = g.get("parent")
        if isinstance(parent, str) and parent in shown and parent != g.id:
            children[parent].append(g)
        else:
            roots.append(g)
    order = {"company": 0, "team": 1, "individual": 2}

    def node(g: Record, seen: frozenset[str]) -> dict[str, Any]:
        owner = g.get("owner")
        owner_name = (view.team_name(owner) if g.get("level") == "team" else view.person(owner)) if owner else None
        krs = [
            {
                **kr,
                "progress": progress(kr.get("baseline"), kr.get("target"), kr.get("current")),
                "metric_url": view.link("metric", kr.get("metric")),
            }
            for kr in g.get("key_results") or []
            if isinstance(kr, dict)
        ]
        kids = [
            node(c, seen | {g.id})
            for c in sorted(children.get(g.id, []), key=lambda r: (order.get(r.get("level"), 3), r.id))
            if c.id not in seen
        ]
        return {"g": g, "anchor": anchor("goal", g.id), "owner": owner_name, "krs": krs, "children": kids}

    periods: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in sorted(roots, key=lambda r: (order.get(r.get("level"), 3), r.id)):
        periods[str(g.get("period"))].append(node(g, frozenset()))
    tree = sorted(periods.items(), reverse=True)
    return Page(
        "goals/index.html",
        "goals.html.j2",
        "Goals",
        "goals",
        {"periods": tree, "hidden": view.hidden(org.goals)},
        [
            search.entry(
                goal_url(g.id),
                str(g.get("objective")),
                "Goal",
                g.get("period"),
                *(kr.get("description") for kr in g.get("key_results") or [] if isinstance(kr, dict)),
            )
            for g in goals
        ],
    )
