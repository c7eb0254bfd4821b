"""The view: the organisation as one audience may see it, and where each page goes.

`View` asks `perfdocs.records.visibility` about every record before a page shows or
links it: a record the audience may not see is neither rendered nor linked to, and a
reference to it is shown as plain text (a person's handle, a team's id). The URL scheme
(`*_url`, `anchor`) gives every page and anchor of the site its path, relative to the
site root.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from perfdocs.records import visibility
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation

NOT_SHOWN = {"public": "not public", "internal": "not published"}
"""How each audience's site marks a reference to a record it does not show."""

# --- urls (relative to the site root) ---------------------------------------------------


def track_url(track: str) -> str:
    """A track's own rubric page: its matrix, and a level picker on a phone."""
    return f"rubric/{track}/index.html"


def compare_url(track: str, first: str | None = None, second: str | None = None) -> str:
    """The page to pick two levels of a track to compare; given both, the page comparing them."""
    if first is None or second is None:
        return f"rubric/{track}/compare.html"
    return f"rubric/{track}/compare/{first}/{second}.html"


_TRACK_PAGES = {"index", "compare"}


def level_url(track: str, level: str) -> str:
    """A level's page; a level named like one of the track's own pages gets '_<id>.html'
    (no id starts with '_')."""
    return f"rubric/{track}/{'_' + level if level in _TRACK_PAGES else level}.html"


def relative(url: str, page: str) -> str:
    """`url` (a path from the site root) as the page at `page` links it: relative to that page's
    folder, without climbing out of the folders the two share ('evidence/ann/x.html' from
    'evidence/ann.html' is 'ann/x.html'; from 'evidence/bob/y.html', '../ann/x.html'). Only for
    the site's own paths: a '/' in a query or fragment would be taken for a folder."""
    here = page.split("/")[:-1]
    there = url.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


def evidence_url(eid: str) -> str:
    return f"evidence/{eid}.html"


def _page(folder: str, rid: str) -> str:
    """`folder/<id>.html`, except for the id 'index', whose page would be the folder's own
    index: it gets '_index.html' (no id starts with '_')."""
    return f"{folder}/{'_index' if rid == 'index' else rid}.html"


def author_url(handle: str) -> str:
    return _page("evidence", handle)


def packet_url(pid: str) -> str:
    return f"packets/{pid}.html"


def postmortem_url(pid: str) -> str:
    return f"postmortems/{pid}.html"


def team_url(tid: str) -> str:
    return _page("teams", tid)


def anchor(*parts: str) -> str:
    return "-".join(p.replace("/", "--") for p in parts)


def metric_url(mid: str) -> str:
    return f"metrics/index.html#{anchor('metric', mid)}"


def goal_url(gid: str) -> str:
    return f"goals/index.html#{anchor('goal', gid)}"


class View:
    """The organisation as one audience sees it."""

    def __init__(self, org: Organisation, audience: str, viewer: str | None = None) -> None:
        if audience not in visibility.AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        self.org = org
        self.audience = audience
        self.not_shown = NOT_SHOWN[audience]
        self.viewer = viewer
        """Whose personal preview this is (perfdocs serve --as), or None for a site to publish."""
        self.folders = (
            visibility.folders_seen_by(viewer, {h: p.get("manager") for h, p in org.people.items()})
            if viewer is not None
            else frozenset()
        )
        """The people whose private records this view shows: none, except in a personal preview."""

    def sees(self, record: Record | None) -> TypeGuard[Record]:
        return record is not None and visibility.visible_to(record, self.audience, self.folders)

    def hidden(self, index: dict[str, Record]) -> dict[str, int]:
        """How many records of `index` this view leaves out, by visibility ('private',
        'internal'): counts for the pages to explain what is missing, never anything the
        records say."""
        counts = {"private": 0, "internal": 0}
        for r in index.values():
            if not self.sees(r):
                counts["internal" if r.visibility == "internal" else "private"] += 1
        return counts

    def shown(self, index: dict[str, Record]) -> list[Record]:
        return [r for r in index.values() if self.sees(r)]

    def person(self, handle: Any) -> str:
        """A person's name when their record is visible, else their handle (already in the record)."""
        rec = self.org.people.get(handle) if isinstance(handle, str) else None
        return str(rec.get("name", handle)) if self.sees(rec) else str(handle)

    def team_name(self, tid: Any) -> str:
        rec = self.org.teams.get(tid) if isinstance(tid, str) else None
        return str(rec.get("name", tid)) if self.sees(rec) else str(tid)

    def link(self, kind: str, rid: Any) -> str | None:
        """The url of a record, or None when it does not exist or may not be seen."""
        if not isinstance(rid, str):
            return None
        rec = self.org.of_kind(kind).get(rid)
        if not self.sees(rec):
            return None
        return {
            "evidence": evidence_url,
            "packet": packet_url,
            "postmortem": postmortem_url,
            "team": team_url,
            "metric": metric_url,
            "goal": goal_url,
        }[kind](rid)

    def tracks(self) -> list[Record]:
        return self.shown(self.org.tracks)

    def matrix(self, track: str) -> Record | None:
        matrix = self.org.matrix_for(track)
        return matrix if self.sees(matrix) else None

    def competencies(self, track: str) -> dict[str, dict[str, Any]]:
        """A track's competencies, or none when its matrix may not be seen."""
        return self.org.competencies(track) if self.matrix(track) is not None else {}

    def descriptor(self, track: str, competency: str, level: Any) -> str | None:
        if not isinstance(level, str) or self.matrix(track) is None:
            return None
        return self.org.descriptor(track, competency, level)

    def setting(self, key: str, default: Any = None) -> Any:
        """An org setting, when the org record itself may be seen."""
        return self.org.setting(key, default) if self.sees(self.org.org) else default

    @property
    def dimensions(self) -> list[dict[str, Any]]:
        return self.org.dimensions if self.sees(self.org.org) else []

    def dimension_name(self, did: Any, track: str | None = None) -> str:
        """A dimension's name: the org's (when the org record may be seen), then those the
        track's matrix defines (when the matrix may be seen)."""
        matrix = self.matrix(track) if track is not None else None
        own = matrix.get("dimensions") if matrix is not None else None
        extra = [d for d in own if isinstance(d, dict)] if isinstance(own, list) else []
        for d in self.dimensions + extra:
            if d.get("id") == did:
                return str(d.get("name", did))
        return str(did)
