"""Pages: the organisation, as one audience may see it, turned into the site's pages.

Each family of pages has its module (home, rubric, packets, evidence, postmortems,
metrics, teams, goals, calibration, access: who can see what), which turns the `View` (perfdocs/site/view.py)
into `Page`s of plain view data for the templates: a record the audience may not see
is neither rendered nor linked to. `all_pages` lists them in the site's order. Pages
are produced lazily, one at a time, so a site of any size is built in constant memory
per page; no page lists the whole site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from perfdocs.site.pages.access import access_page
from perfdocs.site.pages.calibration import calibration_pages
from perfdocs.site.pages.evidence import evidence_pages
from perfdocs.site.pages.gap import gap_pages
from perfdocs.site.pages.goals import goals_page
from perfdocs.site.pages.home import home_page
from perfdocs.site.pages.metrics import metrics_page
from perfdocs.site.pages.packets import packet_pages
from perfdocs.site.pages.page import Page
from perfdocs.site.pages.postmortems import postmortem_pages
from perfdocs.site.pages.rubric import history_page, rubric_pages
from perfdocs.site.pages.teams import team_pages
from perfdocs.site.rubric_history import Change
from perfdocs.site.view import NOT_SHOWN, View

__all__ = [
    "NOT_SHOWN",
    "Page",
    "View",
    "access_page",
    "all_pages",
    "calibration_pages",
    "evidence_pages",
    "gap_pages",
    "goals_page",
    "history_page",
    "home_page",
    "metrics_page",
    "packet_pages",
    "postmortem_pages",
    "rubric_pages",
    "sections",
    "team_pages",
]


def sections(view: View, history: list[Change] | None) -> list[tuple[str, str, str]]:
    """The main navigation: the sections with something in them for this audience (every
    page is still built, so a link to an empty section is never broken)."""
    org = view.org
    filled = {
        "rubric": bool(view.tracks()),
        "history": bool(view.tracks()) and bool(history),
        "packets": bool(view.shown(org.packets)),
        "evidence": bool(view.shown(org.evidence)),
        "metrics": bool(view.shown(org.metrics) or view.shown(org.kpis)),
        "teams": bool(view.shown(org.teams)),
        "goals": bool(view.shown(org.goals)),
        "gap": view.viewer is not None,  # a personal preview's pages only: never on an audience's site
    }
    return [entry for entry in NAV if filled.get(entry[0], True)]


NAV = [
    ("home", "Home", "index.html"),
    ("rubric", "Rubric", "rubric/index.html"),
    ("history", "History", "rubric/history.html"),
    ("packets", "Packets", "packets/index.html"),
    ("evidence", "Evidence", "evidence/index.html"),
    ("metrics", "Metrics", "metrics/index.html"),
    ("teams", "Dashboards", "teams/index.html"),
    ("goals", "Goals", "goals/index.html"),
    ("gap", "Next level", "gap/index.html"),
    ("access", "Who can see what", "access.html"),
    ("search", "Search", "search.html"),
]
"""Every section of the site, in the navigation's order: (key, label, page)."""


def all_pages(view: View, history: list[Change] | None, today: dt.date) -> Iterator[Page]:
    """Every page of the site, in a stable order."""
    cited_by: dict[str, list[str]] = defaultdict(list)
    for p in view.org.packets.values():
        for claim in p.get("claims") or []:
            for eid in (claim.get("evidence") or []) if isinstance(claim, dict) else []:
                if isinstance(eid, str) and p.id not in cited_by[eid]:
                    cited_by[eid].append(p.id)
    yield home_page(view)
    yield from rubric_pages(view)
    yield history_page(view, history)
    yield from packet_pages(view, cited_by)
    yield from evidence_pages(view, cited_by)
    yield from postmortem_pages(view)
    yield metrics_page(view, today)
    yield from team_pages(view)
    yield goals_page(view)
    yield from calibration_pages(view)
    yield from gap_pages(view)
    yield access_page(view)
    yield Page("search.html", "search.html.j2", "Search", "search", {}, [])
