"""Rating changes: how a review's rating moved after its period's calibration meeting.

The git history of the review file is the audit trail. The rating calibration saw is the
one in the last commit on or before the meeting day (org.yaml `calibration.periods.<P>.meeting`);
each later commit that changes it, and an uncommitted change in the working tree, is a
change after calibration. A review whose rating differs from the calibrated one must say
why in the record (`calibration: {changed_from: RATING, note: ...}`), or it is an error
(calibration/unexplained-change). A review with no commit before the meeting was not
calibrated, and a records folder outside git has no history: neither is checked.

This is the one place the people package reads git, through perfdocs.git.versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from perfdocs import settings
from perfdocs.dates import today
from perfdocs.diagnostics import Diagnostic
from perfdocs.git.versions import Version, ladder_history, versions
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text

RULE = "calibration/unexplained-change"


@dataclass(frozen=True)
class Change:
    """One commit that changed a review's rating (sha None: the uncommitted working tree)."""

    review: str
    sha: str | None
    day: dt.date
    before: str | None
    after: str | None


@dataclass
class History:
    """A review's ratings around its period's calibration meeting."""

    review: str
    meeting: dt.date
    calibrated: str | None
    """The rating at the meeting (None: the review had no commit by then)."""
    changes: list[Change]
    """Every change of the rating after the meeting, oldest first."""


def _rating(version: Version, path: Path) -> str | None:
    if version.text is None:
        return None
    data = load_text(version.text, path).data
    rating = data.get("rating") if isinstance(data, dict) else None
    return rating if isinstance(rating, str) else None


def review_versions(org: Organisation, reviews: list[Record]) -> dict[str, list[Version]]:
    """Every committed version of each review file, oldest first, by review id, in one walk."""
    found = versions(_root(org), [r.doc.path for r in reviews]) if reviews and org.org is not None else {}
    return {r.id: found[r.doc.path] for r in reviews if r.doc.path in found}


def _root(org: Organisation) -> Path:
    assert org.org is not None
    return org.org.doc.path.parent


def histories(org: Organisation, period: str | None = None) -> dict[str, History]:
    """The history of every review of a period with a calibration meeting (or only `period`'s)."""
    meetings = {p: c.meeting for p, c in settings.of(org).calibration.periods.items() if c.meeting is not None}
    if period is not None:
        meetings = {p: m for p, m in meetings.items() if p == period}
    if not meetings:
        return {}
    reviews = sorted(
        (r for r in org.reviews.values() if isinstance(r.get("period"), str) and r.get("period") in meetings),
        key=lambda r: r.id,
    )
    found = review_versions(org, reviews)
    return {r.id: history_of(r, meetings[str(r.get("period"))], found.get(r.id, [])) for r in reviews}


def history_of(review: Record, meeting: dt.date, past: list[Version]) -> History:
    """A review's ratings around `meeting`, from the versions its file had."""
    before = [v for v in past if v.committed.astimezone(dt.UTC).date() <= meeting]
    calibrated = _rating(before[-1], review.doc.path) if before else None
    changes: list[Change] = []
    if before:
        current = calibrated
        for version in past[len(before) :]:
            rating = _rating(version, review.doc.path)
            if rating != current:
                changes.append(Change(review.id, version.sha, version.committed.date(), current, rating))
                current = rating
        now = review.get("rating") if isinstance(review.get("rating"), str) else None
        if now != current:  # changed in the working tree, not committed yet
            changes.append(Change(review.id, None, today(), current, now))
    return History(review.id, meeting, calibrated, changes)


def done_by(past: list[Version], review: Record, deadline: dt.date) -> bool:
    """Was the review committed final or delivered on or before `deadline`?"""
    for version in past:
        if version.committed.astimezone(dt.UTC).date() > deadline:
            break
        data = load_text(version.text, review.doc.path).data if version.text is not None else None
        if isinstance(data, dict) and data.get("status") in ("final", "delivered"):
            return True
    return False


def ladder_commits(org: Organisation, reviews: list[Record], found: Mapping[str, list[Version]]) -> dict[str, str]:
    """For each review with a history, the newest commit that changed the ladder (tracks,
    matrices, competency sets) before the review file's first commit: the rubric it was
    written against."""
    if org.org is None or not found:
        return {}
    root = _root(org)
    folders = [f for f in ("tracks", "matrices", "competency-sets") if (root / f).is_dir()]
    ladder = ladder_history(root, folders)
    out = {}
    for review in reviews:
        past = found.get(review.id)
        if not past:
            continue
        first = past[0].committed
        sha = next((sha for sha, when in ladder if when <= first), None)
        if sha is not None:
            out[review.id] = sha
    return out


def changed(history: History, review: Record) -> bool:
    """Does the review's rating now differ from the one calibration saw?"""
    return history.calibrated is not None and review.get("rating") != history.calibrated


def diagnostics(org: Organisation) -> list[Diagnostic]:
    """calibration/unexplained-change for every review whose rating moved after its
    calibration meeting without `calibration: {changed_from, note}`."""
    out = []
    for rid, history in histories(org).items():
        review = org.reviews[rid]
        if not changed(history, review) or isinstance(review.get("calibration"), dict):
            continue
        last = history.changes[-1] if history.changes else None
        where = f"in commit {last.sha[:12]} ({last.day})" if last and last.sha else "in the working tree"
        out.append(
            review.diag(
                RULE,
                f"rating changed from '{history.calibrated}' to '{review.get('rating')}' after the "
                f"{review.get('period')} calibration meeting ({history.meeting}) {where}, with no note",
                ("rating",),
                hint=f"say why in the review: calibration: {{changed_from: {history.calibrated}, note: ...}}",
            )
        )
    return out


__all__ = [
    "RULE",
    "Change",
    "History",
    "changed",
    "diagnostics",
    "done_by",
    "histories",
    "history_of",
    "ladder_commits",
    "review_versions",
]
