"""The gap pages: each person's evidence against their next level, in a personal preview only.

`perfdocs build --as HANDLE` (and `serve --as`) shows HANDLE and the people reporting to them
their private records; there, and only there, each of those people gets a page with the gap
view (perfdocs.people.gap): the target level's competencies, what is new in them, the
evidence that supports each, and its state. A site built for an audience (public or
internal) never has these pages, nor a link to them: they read people's private records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs.errors import PerfdocsError
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, level_url


def gap_url(handle: str) -> str:
    return f"gap/{handle}.html"


def gap_pages(view: View) -> Iterator[Page]:
    """The gap index and one page per person the preview's viewer may see the records of;
    nothing at all in a site built for an audience."""
    if view.viewer is None:
        return
    from perfdocs.people import gap

    people = []
    for handle in sorted(view.folders):
        person = view.org.people.get(handle)
        if not view.sees(person):
            continue
        try:
            found = gap.gap(view.org, handle)
        except PerfdocsError:  # the top of the ladder, or no track: no next level to look at
            continue
        data = found.to_json()
        for comp in data["competencies"]:
            comp["evidence"] = [_evidence(view, ev) for ev in comp["evidence"] if view.link("evidence", ev["id"])]
        url = gap_url(handle)
        people.append({"handle": handle, "name": found.name, "target": found.target_level, "url": url})
        yield Page(
            url,
            "gap.html.j2",
            f"Towards {found.target_level}: {found.name}",
            "gap",
            {"gap": data, "level_url": level_url(found.track, found.target_level), "states": gap.STATES},
        )
    yield Page("gap/index.html", "gap_index.html.j2", "Next level", "gap", {"people": people})


def _evidence(view: View, ev: dict[str, Any]) -> dict[str, Any]:
    return {**ev, "url": view.link("evidence", ev["id"])}
