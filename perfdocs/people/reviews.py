"""Reviews: key-result completion, and the org's published completion rules that rate it.

Key-result completion is `(current - baseline) / (target - baseline)`, in percent and
capped to 0-100, so it works for "lower is better" results too (the target is below the
baseline). A review's completion is the mean of its key results'. The rating the rules
give is the first entry of the org's `rating_scale` (highest first) whose
`min_completion` the completion reaches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perfdocs import settings
from perfdocs.dates import parse_date, quarter_bounds, shift_quarter
from perfdocs.records import numbers
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation


def kr_completion(kr: dict[str, Any]) -> float | None:
    """Percent of the way from baseline to target, capped to 0-100; None if not numbers
    (or not finite numbers within numbers.LIMIT)."""
    baseline, target, current = (numbers.measure(kr.get(k)) for k in ("baseline", "target", "current"))
    if baseline is None or target is None or current is None:
        return None
    if target == baseline:
        return 100.0 if current == target else 0.0
    return round(max(0.0, min(100.0, (current - baseline) / (target - baseline) * 100)), 1)


def rating_for(org: Organisation, completion: float) -> dict[str, Any] | None:
    """The first rating (highest first) whose min_completion the completion reaches."""
    for rating in settings.of(org).rating_scale:
        threshold = numbers.measure(rating.get("min_completion", 0))  # .nan or .inf: never reached
        if threshold is not None and completion >= threshold:
            return dict(rating)
    return None


@dataclass
class KeyResult:
    goal: str
    key_result: str
    description: str
    baseline: float
    target: float
    current: float
    unit: str
    completion: float


def key_results(org: Organisation, handle: str, period: str) -> list[KeyResult]:
    """The person's individual key results for the period, with their completion."""
    found = []
    for goal in sorted(org.goals.values(), key=lambda g: g.id):
        if goal.owner != handle or goal.get("period") != period or goal.get("status") == "dropped":
            continue
        for kr in goal.get("key_results") or []:
            done = kr_completion(kr) if isinstance(kr, dict) else None
            if done is not None:
                found.append(
                    KeyResult(
                        goal.id,
                        str(kr.get("id")),
                        str(kr.get("description", "")),
                        kr["baseline"],
                        kr["target"],
                        kr["current"],
                        str(kr.get("unit", "")),
                        done,
                    )
                )
    return found


def review_completion(krs: list[KeyResult]) -> float | None:
    return round(sum(k.completion for k in krs) / len(krs), 1) if krs else None


def rule_rating(org: Organisation, review: Record) -> tuple[float | None, dict[str, Any] | None]:
    """(completion, rating the rules give) for a recorded review: from its key results'
    completion as recorded, else its overall completion."""
    recorded = [numbers.measure(kr.get("completion")) for kr in review.get("key_results") or [] if isinstance(kr, dict)]
    krs = [min(100.0, c) for c in recorded if c is not None]
    completion = round(sum(krs) / len(krs), 1) if krs else numbers.measure(review.get("completion"))
    if completion is None:
        return None, None
    return completion, rating_for(org, min(100.0, completion))


def period_evidence(org: Organisation, handle: str, period: str) -> list[Record]:
    start, end = quarter_bounds(period)
    return [
        ev
        for ev in org.evidence_by_author.get(handle, [])
        if (day := parse_date(ev.get("date"))) and start <= day <= end
    ]


def evidence_by_dimension(org: Organisation, handle: str, evidence: list[Record]) -> list[dict[str, Any]]:
    track = org.person_track(handle) or ""
    comps = org.competencies(track)
    groups = []
    for dim in org.dimensions:
        items = []
        for ev in evidence:
            names = [c for c in ev.get("competencies") or [] if comps.get(c, {}).get("dimension") == dim.get("id")]
            if names:
                items.append(
                    {
                        "id": ev.id,
                        "date": str(ev.get("date")),
                        "title": str(ev.get("title", "")),
                        "competencies": names,
                        "scope": ev.get("scope"),
                    }
                )
        groups.append({"id": dim.get("id"), "name": str(dim.get("name", dim.get("id"))), "evidence": items})
    return groups


def next_level(org: Organisation, track: str, level: str) -> str | None:
    """The individual-contributor level above `level` (manager branches only if none)."""
    above = [lv for lv in org.levels(track) if org.level_below(track, lv["id"]) == level]
    above.sort(key=lambda lv: lv.get("path") == "manager")
    return above[0]["id"] if above else None


def plan_items(org: Organisation, handle: str, period: str, limit: int = 2) -> list[dict[str, Any]]:
    """Development plan suggestions: the next level's competencies with the least evidence
    over the last four quarters (gaps first)."""
    person = org.people[handle]
    track, level = str(person.get("track")), str(person.get("level"))
    goal_level = next_level(org, track, level) or level
    start, _ = quarter_bounds(shift_quarter(period, -3))
    _, end = quarter_bounds(period)
    recent = [
        ev
        for ev in org.evidence_by_author.get(handle, [])
        if (day := parse_date(ev.get("date"))) and start <= day <= end
    ]
    counts = []
    for i, (cid, comp) in enumerate(org.competencies(track).items()):
        descriptor = org.descriptor(track, cid, goal_level)
        if descriptor is not None:
            n = sum(cid in (ev.get("competencies") or []) for ev in recent)
            counts.append((n, i, cid, comp, descriptor))
    counts.sort(key=lambda t: (t[0], t[1]))
    nxt = shift_quarter(period, 1)
    return [
        {
            "skill": f"{comp.get('name', cid)}: {descriptor}",
            "competency": cid,
            "evidence": n,
            "level": goal_level,
            "timeline": f"{nxt} to {shift_quarter(period, 2)}",
            "measure": f"Evidence naming {cid} that shows the {goal_level} descriptor, by the end of "
            f"{shift_quarter(period, 2)}",
        }
        for n, _, cid, comp, descriptor in counts[:limit]
    ]


PLAN_STATUSES = ("planned", "in-progress", "done", "dropped")
"""A development-plan item's `status` (review schema): the next review and `perfdocs gap`
show which items of the last plan were done."""


def previous_review(org: Organisation, handle: str, period: str) -> Record | None:
    """The person's latest review of a period before `period`."""
    earlier = [
        r
        for r in org.reviews.values()
        if r.owner == handle and isinstance(r.get("period"), str) and str(r.get("period")).upper() < period.upper()
    ]
    return max(earlier, key=lambda r: str(r.get("period")).upper(), default=None)


def previous_plan(org: Organisation, handle: str, period: str) -> tuple[str | None, list[dict[str, Any]]]:
    """(period, items) of the development plan of the person's review before `period`: each
    item's skill, competency and status ('planned' when the review does not say)."""
    review = previous_review(org, handle, period)
    if review is None:
        return None, []
    items = [i for i in review.get("development_plan") or [] if isinstance(i, dict)]
    return str(review.get("period")), [
        {
            "skill": str(i.get("skill", "")),
            "competency": i.get("competency") if isinstance(i.get("competency"), str) else None,
            "status": i.get("status") if i.get("status") in PLAN_STATUSES else "planned",
        }
        for i in items
    ]


def feedback_slots(org: Organisation, handle: str, evidence: list[Record]) -> list[dict[str, Any]]:
    """People who worked with the person on the period's evidence: peers on the same team,
    cross-functional otherwise; each with the evidence they saw."""
    team = org.people[handle].get("team")
    slots: dict[str, dict[str, Any]] = {}
    for ev in evidence:
        for other in ev.get("collaborators") or []:
            if other == handle or other not in org.people:
                continue
            relation = "peer" if org.people[other].get("team") == team else "cross-functional"
            slot = slots.setdefault(other, {"from": other, "relation": relation, "evidence": []})
            slot["evidence"].append(ev.id)
    return sorted(slots.values(), key=lambda s: (s["relation"] != "peer", s["from"]))
