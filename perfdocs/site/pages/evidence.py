"""The evidence pages: the authors, each author's entries, and each entry with its links,
goals, competencies and the packets that cite it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, author_url, evidence_url, packet_url


def evidence_pages(view: View, cited_by: dict[str, list[str]]) -> Iterator[Page]:
    org = view.org
    authors: list[dict[str, Any]] = []
    for handle in sorted(org.evidence_by_author):
        entries = [e for e in org.evidence_by_author[handle] if view.sees(e)]
        if not entries:
            continue
        authors.append(
            {
                "handle": handle,
                "name": view.person(handle),
                "url": author_url(handle),
                "count": len(entries),
                "entries": entries,
            }
        )
    yield Page(
        "evidence/index.html",
        "evidence_index.html.j2",
        "Evidence",
        "evidence",
        {"authors": authors, "hidden": view.hidden(org.evidence)},
        [],
    )
    for author in authors:
        yield Page(
            author["url"],
            "evidence_author.html.j2",
            f"Evidence by {author['name']}",
            "evidence",
            {
                "author": author,
                "entries": [
                    {"url": evidence_url(e.id), "title": e.get("title"), "date": e.get("date"), "type": e.get("type")}
                    for e in reversed(author["entries"])
                ],
            },
            [],
        )
        track = org.person_track(author["handle"]) or ""
        comps = view.competencies(track)
        # Only what the page shows of its author: an entry's page must not change (and be
        # rendered again) when another entry of the same author does.
        byline = {"name": author["name"], "url": author["url"]}
        for ev in author["entries"]:
            links = []
            for item in ev.get("links") or []:
                ref = item.get("ref") if isinstance(item, dict) else item
                ref = str(ref)
                if ref.startswith("postmortem:"):
                    url = view.link("postmortem", ref.split(":", 1)[1])
                    links.append({"text": ref, "url": url, "external": False})
                elif ref.lower().startswith(("http://", "https://")):
                    links.append({"text": ref, "url": ref, "external": True})
                else:
                    links.append({"text": ref, "url": None, "external": False})
            goals = [{"id": g, "url": view.link("goal", g)} for g in ev.get("goals") or []]
            competencies = [
                {"id": c, "name": (comps.get(c) or {}).get("name", c)} for c in ev.get("competencies") or []
            ]
            packets = [
                {"id": pid, "url": packet_url(pid)}
                for pid in cited_by.get(ev.id, [])
                if view.sees(org.packets.get(pid))
            ]
            yield Page(
                evidence_url(ev.id),
                "evidence.html.j2",
                str(ev.get("title")),
                "evidence",
                {
                    "ev": ev,
                    "author": byline,
                    "links": links,
                    "goals": goals,
                    "competencies": competencies,
                    "collaborators": [view.person(c) for c in ev.get("collaborators") or []],
                    "packets": packets,
                },
                [
                    search.entry(
                        evidence_url(ev.id),
                        str(ev.get("title")),
                        "Evidence",
                        author["name"],
                        ev.get("date"),
                        " ".join(c["name"] for c in competencies),
                        ev.body,
                    )
                ],
            )
