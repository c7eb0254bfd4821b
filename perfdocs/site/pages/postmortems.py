"""The postmortem pages: one per postmortem, with its team, participants and actions."""

from __future__ import annotations

from collections.abc import Iterator

from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, postmortem_url


def postmortem_pages(view: View) -> Iterator[Page]:
    for pm in sorted(view.shown(view.org.postmortems), key=lambda r: r.id):
        yield Page(
            postmortem_url(pm.id),
            "postmortem.html.j2",
            str(pm.get("title")),
            "evidence",
            {
                "pm": pm,
                "team": {"name": view.team_name(pm.get("team")), "url": view.link("team", pm.get("team"))},
                "participants": [view.person(h) for h in pm.get("participants") or []],
                "actions": [
                    {**a, "owner": view.person(a.get("owner"))}
                    for a in pm.get("action_items") or []
                    if isinstance(a, dict)
                ],
            },
            [search.entry(postmortem_url(pm.id), str(pm.get("title")), "Postmortem", pm.body)],
        )
