"""The home page: how evaluation works (dimensions, tracks, rating scale, cadence, and
the readiness and scoring rules when the org record may be seen)."""

from __future__ import annotations

from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, anchor


def home_page(view: View) -> Page:
    org = view.org
    dims = []
    for d in view.dimensions:
        by_track = []
        for t in view.tracks():
            comps = [
                {"name": c.get("name", c["id"]), "url": f"rubric/index.html#{anchor(t.id, c['id'])}"}
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
            "url": f"rubric/index.html#{anchor('track', t.id)}",
        }
        for t in view.tracks()
    ]
    readiness = view.setting("readiness")
    readiness = readiness if isinstance(readiness, dict) else {}
    scoring = view.setting("scoring")
    scoring = scoring if isinstance(scoring, dict) else {}
    weights = scoring.get("weights")
    weights = weights if isinstance(weights, dict) else {}
    names = {d.get("id"): d.get("name") for d in view.dimensions}
    rules = None
    if readiness:
        from perfdocs.people.readiness import ReadinessRules

        rules = ReadinessRules.of(org)
    return Page(
        "index.html",
        "home.html.j2",
        "How evaluation works",
        "home",
        {
            "dimensions": dims,
            "tracks": tracks,
            "rating_scale": view.setting("rating_scale", []) or [],
            "cadence": view.setting("review_cadence_quarters"),
            "description": view.setting("description"),
            "readiness": {
                "text": readiness.get("description"),
                "lines": [line for line in rules.lines("") if not line.startswith("scope:")] if rules else [],
                "scope_by_level": sorted(rules.scope_by_level.items()) if rules else [],
                "min_scope": rules.min_scope_evidence if rules else None,
            },
            "scoring": {
                "text": scoring.get("description"),
                "weights": [(names.get(k) or str(k).capitalize(), v) for k, v in weights.items()],
            },
        },
        [
            search.entry(
                "index.html",
                "How evaluation works",
                "Home",
                view.setting("description"),
                *(d.get("description") for d in dims),
            )
        ],
    )
