"""The home page: the organisation's own words (`intro:` in org.yaml, Markdown), its
dimensions and tracks, and how evaluation works (the review and its rating scale, promotion
packets and their readiness rules, the composite score) only as far as the organisation
uses those features; all of it only when the org record may be seen."""

from __future__ import annotations

import json
from typing import Any

from perfdocs import settings
from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, anchor, track_url


def home_page(view: View) -> Page:
    org = view.org
    dims = []
    for d in view.dimensions:
        by_track = []
        for t in view.tracks():
            comps = [
                {"name": c.get("name", c["id"]), "url": f"{track_url(t.id)}#{anchor(t.id, c['id'])}"}
                for c in view.competencies(t.id).values()
                if c.get("dimension") == d.get("id")
            ]
            if comps:
                by_track.append((t.get("name", t.id), comps))
        dims.append({**d, "competencies": by_track})
    tracks = [
        {
            "id": t.id,
            "name": t.get("name", t.id),
            "levels": len(org.levels(t.id)),
            "url": track_url(t.id),
        }
        for t in view.tracks()
    ]
    readiness = view.setting("readiness")
    readiness = readiness if isinstance(readiness, dict) else {}
    scoring = view.setting("scoring")
    scoring = scoring if isinstance(scoring, dict) else {}
    names = {d.get("id"): d.get("name") for d in view.dimensions}
    rating_scale = view.setting("rating_scale", []) or []
    # Each part of "how evaluation works" is shown when the organisation uses it: a ladder
    # published on its own is not described as a review process it does not run. Reviews and
    # packets count even when private: the section explains the process and shows none of them.
    uses = {
        "reviews": bool(rating_scale or org.reviews),
        "packets": bool(readiness or org.packets),
        "scoring": bool(scoring),
    }
    intro = view.setting("intro")
    title = "How evaluation works" if any(uses.values()) and not intro else str(view.setting("name", "Home"))
    rules = None
    if readiness:
        from perfdocs.people.readiness import ReadinessRules

        rules = ReadinessRules.of(org)
    # The values in force, defaults included, from the settings `packet check` and `score`
    # apply: what is published is what is applied.
    effective = settings.of(org).scoring.weights if scoring else {}
    return Page(
        "index.html",
        "home.html.j2",
        title,
        "home",
        {
            "intro": intro if isinstance(intro, str) else None,
            "uses": uses,
            "dimensions": dims,
            "tracks": tracks,
            "rating_scale": rating_scale,
            "cadence": view.setting("review_cadence_quarters"),
            "description": view.setting("description"),
            "readiness": {
                "text": readiness.get("description"),
                "lines": [line for line in rules.lines("") if not line.startswith("scope:")] if rules else [],
                "scope_by_level": sorted(rules.scope_by_level.items()) if rules else [],
                "min_scope": rules.min_scope_evidence if rules else None,
                "settings": _published(settings.explain(org, "readiness")) if uses["packets"] else [],
            },
            "scoring": {
                "text": scoring.get("description"),
                "weights": [(names.get(k) or str(k).capitalize(), v) for k, v in effective.items()],
                "settings": _published(settings.explain(org, "scoring")) if uses["scoring"] else [],
            },
        },
        [
            search.entry(
                "index.html",
                title,
                "Home",
                view.setting("description"),
                intro if isinstance(intro, str) else None,
                *(d.get("description") for d in dims),
            )
        ],
    )


def _published(rows: list[settings.Setting]) -> list[dict[str, Any]]:
    """The settings of a section as the page lists them: key, value (shown, and as JSON for
    readers that compare), where it comes from (org.yaml or default) and what it means.
    The organisation's own description is shown as its text above, not as a setting."""
    return [
        {
            "key": row.dotted,
            "shown": _shown(row.value),
            "json": json.dumps(row.value, ensure_ascii=False, sort_keys=True),
            "source": "org.yaml" if row.from_org else "default",
            "doc": row.doc,
        }
        for row in rows
        if row.attribute != "description"
    ]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    return "not set" if value is None else str(value)
