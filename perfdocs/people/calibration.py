"""Calibration: one period's reviews seen across teams, tracks, levels and managers.

It shows the rating distribution, where a manager's ratings depart from the org's
published completion rules, packet claims without evidence, people with no invisible
work recorded, outliers to discuss, and process health (review completion per cycle,
time in level, packets per level and their outcomes). It is for the people in a
calibration meeting and for the internal site, never the public one; with an
audience, only records that audience may see are used (perfdocs.visibility decides).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from perfdocs import settings
from perfdocs.dates import QUARTER, parse_date, quarter_bounds, today
from perfdocs.errors import PerfdocsError
from perfdocs.people import reports
from perfdocs.people.reviews import kr_completion, rule_rating
from perfdocs.people.score import score
from perfdocs.records import numbers, visibility
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.settings import ScoringSettings

DONE = ("final", "delivered")


@dataclass
class Departure:
    person: str
    reviewer: str
    completion: float
    recorded: str
    rule: str
    direction: str
    """'above' or 'below' the rating the rules give."""


@dataclass
class Calibration:
    period: str
    audience: str | None
    scale: list[str]
    distribution: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    """{'team'|'track'|'level': {group: Counter(rating -> count)}}"""
    reviews: int = 0
    departures: list[Departure] = field(default_factory=list)
    kr_mismatches: list[tuple[str, str, str, float, float]] = field(default_factory=list)
    """(person, reviewer, goal#key_result, recorded completion, the goal's numbers' completion)"""
    by_reviewer: dict[str, tuple[int, int]] = field(default_factory=dict)
    """reviewer -> (reviews, departures)"""
    unsupported_claims: list[tuple[str, str, str]] = field(default_factory=list)
    """(packet, competency, claim)"""
    no_invisible_work: list[str] = field(default_factory=list)
    invisible_types: list[str] = field(default_factory=list)
    outliers: list[tuple[str, float | None, str]] = field(default_factory=list)
    """(person, score, why)"""
    median_score: float | None = None
    outlier_distance: float = ScoringSettings().outlier_distance
    completion_by_cycle: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(period, people expected, reviews done, reviews in draft)"""
    time_in_level: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    """(person, track, level, years in level or None)"""
    packets_by_level: dict[str, Counter[str]] = field(default_factory=dict)


def latest_review_period(org: Organisation) -> str | None:
    periods = [r.get("period") for r in org.reviews.values() if isinstance(r.get("period"), str)]
    return max(periods) if periods else None


def calibrate(org: Organisation, period: str, audience: str | None = None) -> Calibration:
    if not QUARTER.match(period):
        raise PerfdocsError(f"period {period!r} is not a quarter like 2026-Q3")

    def sees(record: Record | None) -> bool:
        return record is not None and (audience is None or visibility.visible(record.visibility, audience))

    scale = [str(r.get("id")) for r in settings.of(org).rating_scale]
    cal = Calibration(period, audience, scale)
    people = {h: p for h, p in org.people.items() if sees(p)}
    reviews = sorted(
        (r for r in org.reviews.values() if r.get("period") == period and sees(r) and r.get("person") in people),
        key=lambda r: r.id,
    )
    cal.reviews = len(reviews)
    dist: dict[str, dict[str, Counter[str]]] = {
        "team": defaultdict(Counter),
        "track": defaultdict(Counter),
        "level": defaultdict(Counter),
    }
    per_reviewer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for review in reviews:
        person = people[review.get("person")]
        rating = str(review.get("rating"))
        for key in ("team", "track", "level"):
            group = str(person.get(key)) if key != "level" else f"{person.get('track')} {person.get('level')}"
            dist[key][group][rating] += 1
        reviewer = str(review.get("reviewer"))
        per_reviewer[reviewer][0] += 1
        for kr in review.get("key_results") or []:
            goal = (
                org.goals.get(goal_id) if isinstance(kr, dict) and isinstance(goal_id := kr.get("goal"), str) else None
            )
            spec = (
                next(
                    (
                        k
                        for k in (goal.get("key_results") or [])
                        if isinstance(k, dict) and k.get("id") == kr.get("key_result")
                    ),
                    None,
                )
                if goal is not None
                else None
            )
            computed = kr_completion(spec) if spec is not None else None
            recorded = numbers.measure(kr.get("completion"))  # .nan, .inf: not recorded
            if (
                goal is not None
                and computed is not None
                and recorded is not None
                and abs(min(100.0, recorded) - computed) > 0.5
            ):
                cal.kr_mismatches.append(
                    (
                        str(review.get("person")),
                        reviewer,
                        f"{goal.id}#{kr.get('key_result')}",
                        recorded,
                        computed,
                    )
                )
        completion, rule = rule_rating(org, review)
        if rule is not None and rule.get("id") != rating and rating in scale:
            direction = "above" if scale.index(rating) < scale.index(str(rule.get("id"))) else "below"
            cal.departures.append(
                Departure(
                    str(review.get("person")), reviewer, completion or 0.0, rating, str(rule.get("id")), direction
                )
            )
            per_reviewer[reviewer][1] += 1
    cal.distribution = {k: dict(sorted(v.items())) for k, v in dist.items()}
    cal.by_reviewer = {k: (v[0], v[1]) for k, v in sorted(per_reviewer.items())}

    for packet in sorted(org.packets.values(), key=lambda p: p.id):
        if not sees(packet) or packet.get("status") == "withdrawn":
            continue
        for claim in packet.get("claims") or []:
            if isinstance(claim, dict) and not claim.get("evidence"):
                cal.unsupported_claims.append((packet.id, str(claim.get("competency")), str(claim.get("claim"))))

    scoring = settings.of(org).scoring
    invisible = scoring.invisible_work_types
    cal.invisible_types = list(invisible)
    start, end = quarter_bounds(period)
    for handle, person in sorted(people.items()):
        begun = parse_date(person.get("start_date"))
        if begun and begun > end:
            continue
        own = [
            ev
            for ev in org.evidence_by_author.get(handle, [])
            if sees(ev) and (day := parse_date(ev.get("date"))) and start <= day <= end
        ]
        if not any(ev.get("type") in invisible for ev in own):
            cal.no_invisible_work.append(handle)

    cal.outlier_distance = scoring.outlier_distance
    scores = {}
    for handle in sorted(people):
        begun = parse_date(people[handle].get("start_date"))
        if begun and begun > end:
            continue
        scores[handle] = score(org, handle, period, visible=sees)
    reasons: dict[str, list[str]] = defaultdict(list)
    if scores:
        cal.median_score = round(statistics.median(s.composite for s in scores.values()), 2)
        for handle, s in scores.items():
            if abs(s.composite - cal.median_score) >= cal.outlier_distance:
                reasons[handle].append(
                    f"{'above' if s.composite > cal.median_score else 'below'} the median "
                    f"{cal.median_score:.2f} by {abs(s.composite - cal.median_score):.2f}"
                )
            if s.gate["applied"]:
                reasons[handle].append(f"reliability gate applied ({s.gate['harm']} overdue action items)")
    for d in cal.departures:
        reasons[d.person].append(f"rated {d.recorded}, {d.direction} the {d.rule} the rules give")
    cal.outliers = [
        (h, scores[h].composite if h in scores else None, "; ".join(why)) for h, why in sorted(reasons.items())
    ]

    cal.completion_by_cycle = _cycles(org, people, sees, period)
    now = today()
    for handle, person in sorted(people.items()):
        since = parse_date(person.get("level_since"))
        years = round((now - since).days / 365.25, 1) if since else None
        cal.time_in_level.append((handle, str(person.get("track")), str(person.get("level")), years))
    by_level: dict[str, Counter[str]] = defaultdict(Counter)
    for packet in org.packets.values():
        if sees(packet):
            track = org.person_track(packet.get("candidate")) or "?"
            by_level[f"{track} {packet.get('target_level')}"][str(packet.get("status"))] += 1
    cal.packets_by_level = dict(sorted(by_level.items()))
    return cal


def _cycles(
    org: Organisation, people: dict[str, Record], sees: Callable[[Record | None], bool], period: str
) -> list[tuple[str, int, int, int]]:
    periods = {r.get("period") for r in org.reviews.values() if sees(r) and isinstance(r.get("period"), str)}
    periods.add(period)
    out = []
    for p in sorted(x for x in periods if QUARTER.match(x)):
        _, end = quarter_bounds(p)
        expected = [
            h for h, person in people.items() if (begun := parse_date(person.get("start_date"))) is None or begun <= end
        ]
        done = draft = 0
        for r in org.reviews.values():
            if r.get("period") == p and sees(r) and r.get("person") in expected:
                if r.get("status") in DONE:
                    done += 1
                else:
                    draft += 1
        out.append((p, len(expected), done, draft))
    return out


to_markdown = reports.calibration_markdown  # the report lives in perfdocs.people.reports


def render_markdown(org: Organisation, period: str | None = None, audience: str | None = None) -> str:
    """The calibration view as Markdown (period: default the latest with reviews)."""
    return to_markdown(calibrate(org, _period(org, period), audience))


def render_html(
    org: Organisation, period: str | None = None, audience: str | None = None, standalone: bool = False
) -> str:
    """The calibration view as HTML (a fragment, or a whole page with `standalone`)."""
    return reports.calibration_html(calibrate(org, _period(org, period), audience), standalone)


def _period(org: Organisation, period: str | None) -> str:
    period = period or latest_review_period(org)
    if period is None:
        raise PerfdocsError("no reviews recorded yet: name a --period")
    return period


__all__ = ["Calibration", "calibrate", "latest_review_period", "render_html", "render_markdown"]
