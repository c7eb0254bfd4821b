"""The evidence pages: the authors, each author's entries, and each entry with its links,
goals, competencies and the packets that cite it.

Each entry shows its verification (perfdocs.records.verification, the definition `packet
check` uses, from the recorded resolutions; a site build runs no git): what each link rests
on (a verified author, a verified reviewer, a postmortem record, a cited link, or the
person's word) and the commits, linked to the forge when org.yaml gives the repository's
`url`. A link into a configured repository is a real link to its forge page. Both come from
org.yaml, so they are shown only to an audience that may see the org record; a postmortem
corroborates an entry only for an audience that may see that postmortem.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from perfdocs import settings
from perfdocs.links import refs
from perfdocs.records import linkforms
from perfdocs.records import verification as verifying
from perfdocs.records.load import Record
from perfdocs.site import search
from perfdocs.site.pages.page import OTHER_RECORDS, Page
from perfdocs.site.view import View, author_url, evidence_url, packet_url


def verification(view: View, ev: Record) -> dict[str, Any]:
    """What an evidence entry rests on, as this audience may see it: its label, whether it is
    verified, the commits its verified links rest on, and per link the label and the commits
    it names (each a short sha and its forge address, or None)."""
    org = view.org
    conf = settings.of(org).links
    postmortems = {pid for pid, pm in org.postmortems.items() if view.sees(pm)}
    found = verifying.evidence_verification(
        ev,
        org.people,
        postmortems,
        conf.authorship_types,
        conf.committer_counts_as_author,
        conf.forge_reviews_count,
    )
    repos = refs.repositories(org) if view.sees(org.org) else {}

    def commit(repo: str | None, sha: str) -> dict[str, Any]:
        where = repos.get(repo) if repo else None
        link = linkforms.LinkRef(sha, linkforms.COMMIT, repo, sha=sha)
        return {"sha": sha[:12], "url": refs.web_url(where, link) if where is not None else None}

    return {
        "label": found.label,
        "verified": found.verified > 0,
        "commits": [commit(b.repo, c) for b in found.links if b.verified for c in b.commits],
        "links": [
            {"label": b.label, "verified": b.verified, "commits": [commit(b.repo, c) for c in b.commits]}
            for b in found.links
        ],
    }


def forge_href(view: View, text: str) -> str | None:
    """The forge address of a PR or commit link, when the audience may see org.yaml."""
    ref = linkforms.parse(text)
    if ref.kind == linkforms.URL or not ref.checks_git or not view.sees(view.org.org):
        return None
    return refs.href(view.org, text)


def evidence_pages(view: View, cited_by: dict[str, list[str]]) -> Iterator[Page]:
    """The evidence index, each author's page, and each entry's page. An author's page and
    an entry's page are made lazily, from what their `inputs` say: an author's page reads
    the author's entries and records of other kinds; an entry's page reads its entry and
    records of other kinds only (never another entry)."""
    org = view.org
    authors: list[dict[str, Any]] = []
    entries_of: list[list[Record]] = []
    for handle in sorted(org.evidence_by_author):
        entries = [e for e in org.evidence_by_author[handle] if view.sees(e)]
        if not entries:
            continue
        # Only what the pages show of an author: the count, never the records themselves (a
        # page's fingerprint reads everything in its context).
        authors.append(
            {"handle": handle, "name": view.person(handle), "url": author_url(handle), "count": len(entries)}
        )
        entries_of.append(entries)
    yield Page(
        "evidence/index.html",
        "evidence_index.html.j2",
        "Evidence",
        "evidence",
        {"authors": authors, "hidden": view.hidden(org.evidence)},
        [],
    )
    for author, entries in zip(authors, entries_of):
        yield Page(
            author["url"],
            "evidence_author.html.j2",
            f"Evidence by {author['name']}",
            "evidence",
            inputs=(author["handle"], OTHER_RECORDS, *entries),
            fill=functools.partial(_author, author, entries),
        )
        for ev in entries:
            yield Page(
                evidence_url(ev.id),
                "evidence.html.j2",
                str(ev.get("title")),
                "evidence",
                inputs=(ev, author["handle"], OTHER_RECORDS),
                fill=functools.partial(_entry, view, cited_by, author["handle"], ev),
            )


def _author(author: dict[str, Any], entries: list[Record]) -> tuple[dict[str, Any], list[search.Entry]]:
    """An author's page: their name (a person record) and their entries' titles, dates and types."""
    listed = [
        {"url": evidence_url(e.id), "title": e.get("title"), "date": e.get("date"), "type": e.get("type")}
        for e in reversed(entries)
    ]
    return {"author": author, "entries": listed}, []


def _entry(
    view: View, cited_by: dict[str, list[str]], handle: str, ev: Record
) -> tuple[dict[str, Any], list[search.Entry]]:
    """An entry's page: its context and search entry. What it reads besides the entry is
    in records of other kinds (its author's name and track, the rubric, postmortems, goals,
    packets, org.yaml): never another entry, so another entry's change leaves it alone."""
    org = view.org
    name = view.person(handle)
    track = org.person_track(handle) or ""
    comps = view.competencies(track)
    # Only what the page shows of its author: an entry's page must not change (and be
    # rendered again) when another entry of the same author does.
    byline = {"name": name, "url": author_url(handle)}
    links = []
    verified = verification(view, ev)
    for item, basis in zip(ev.get("links") or [], verified["links"], strict=False):
        ref = item.get("ref") if isinstance(item, dict) else item
        ref = str(ref)
        if ref.startswith("postmortem:"):
            url = view.link("postmortem", ref.split(":", 1)[1])
            links.append({"text": ref, "url": url, "external": False, "basis": basis})
        elif ref.lower().startswith(("http://", "https://")):
            links.append({"text": ref, "url": ref, "external": True, "basis": basis})
        else:
            forge = forge_href(view, ref)
            links.append({"text": ref, "url": forge, "external": forge is not None, "basis": basis})
    goals = [{"id": g, "url": view.link("goal", g)} for g in ev.get("goals") or []]
    competencies = [{"id": c, "name": (comps.get(c) or {}).get("name", c)} for c in ev.get("competencies") or []]
    packets = [
        {"id": pid, "url": packet_url(pid)} for pid in cited_by.get(ev.id, []) if view.sees(org.packets.get(pid))
    ]
    context = {
        "ev": ev,
        "author": byline,
        "links": links,
        "verification": verified,
        "goals": goals,
        "competencies": competencies,
        "collaborators": [view.person(c) for c in ev.get("collaborators") or []],
        "packets": packets,
    }
    found = search.entry(
        evidence_url(ev.id),
        str(ev.get("title")),
        "Evidence",
        name,
        ev.get("date"),
        " ".join(c["name"] for c in competencies),
        ev.body,
    )
    return context, [found]
