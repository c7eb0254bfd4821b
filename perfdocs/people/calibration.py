"""Calibration: one period's reviews seen across teams, managers, tracks, levels and the
attributes the org declares, held against the rubric rather than against each other.

The calibration pack (`perfdocs calibrate`, the internal site's calibration page) shows:
- the rating distribution of each group, with counts, shares and a chi-square test of the
  group against the rest of the organisation (perfdocs.people.chisquare), and a group smaller
  than `calibration.min_group` suppressed: "fewer than N", nothing else (see `_suppress`);
- each reviewed person's evidence in the period against their level's competencies
  (perfdocs.people.readiness.level_coverage), and a rating that departs from that coverage as a
  question for the meeting: peers' medians never call anyone an outlier;
- where a manager's ratings depart from the org's published completion rules, packet claims
  without evidence, people with no invisible work recorded;
- the calibrators' ratings previews (kind ratings-preview), the ratings changed in and after
  calibration with their notes and commits (perfdocs.people.rating_changes), and the rubric
  version (commit) each review was judged against;
- process health: completion by the period's deadline, feedback citing verified evidence,
  ratings changed in calibration, appeals, completion per cycle, time in level, packets;
- with a `findings` reader (the review-language check), findings counted by reviewer and by the
  reviewed people's attributes, with the same suppression.

It is for the people in a calibration meeting and for the internal site, never the public one;
with an audience, only records that audience may see are used (perfdocs.records.visibility decides).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from perfdocs import settings
from perfdocs.dates import QUARTER, parse_date, quarter_bounds, today
from perfdocs.diagnostics import Diagnostic
from perfdocs.errors import PerfdocsError
from perfdocs.git.versions import Version
from perfdocs.people import chisquare, rating_changes, readiness, reports
from perfdocs.people.reviews import kr_completion, rule_rating
from perfdocs.records import numbers, visibility
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules import language

Findings = Callable[[Record], list[Diagnostic]]
"""What the review-language check finds in one review (perfdocs.rules.language.review_findings)."""

DONE = ("final", "delivered")
LADDER = ("tracks", "matrices", "competency-sets")
"""The folders whose files are the rubric a review is judged against."""


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
class Group:
    """One group's ratings (a team's, a manager's, everyone in Berlin's). A suppressed group
    (fewer reviews than `calibration.min_group`) keeps its name and nothing else."""

    name: str
    counts: dict[str, int] | None
    """Reviews per rating, or None when suppressed."""
    test: chisquare.Test | None = None
    """The group against the rest of the organisation (None: suppressed, or nothing to test)."""
    flagged: bool = False
    """The test's p-value is below `calibration.significance`: a pattern to discuss."""

    @property
    def suppressed(self) -> bool:
        return self.counts is None

    @property
    def size(self) -> int:
        return sum(self.counts.values()) if self.counts is not None else 0


@dataclass
class Coverage:
    """One reviewed person's evidence in the period against their level's competencies."""

    person: str
    review: str
    reviewer: str
    rating: str
    track: str
    level: str
    competencies: list[readiness.CompetencyReadiness]
    question: str | None = None
    """Why the rating departs from the coverage, for the meeting (None: it does not)."""

    @property
    def covered(self) -> list[str]:
        return [c.id for c in self.competencies if c.counted]

    @property
    def verified(self) -> list[str]:
        return [c.id for c in self.competencies if any(ev.verified for ev in c.counted)]


@dataclass
class PreviewNote:
    calibrator: str
    review: str
    verdict: str
    """'agree' or 'question'."""
    note: str


@dataclass
class RatingChange:
    """A review whose rating is not the one it had before (or at) calibration."""

    review: str
    before: str
    after: str
    note: str | None
    """The review's `calibration.note` (None: no note; after the meeting that is an error)."""
    commits: list[tuple[str, str]] = field(default_factory=list)
    """(sha, day) of each commit after the meeting that changed the rating."""
    after_meeting: bool = False


@dataclass
class Health:
    deadline: str | None = None
    done_by_deadline: int | None = None
    """Reviews committed final or delivered by the deadline (None: no deadline, or no git history)."""
    done: int = 0
    feedback: int = 0
    """Feedback quotes in the period's reviews (each cites evidence)."""
    feedback_verified: int = 0
    """... citing at least one entry with a verified link."""
    changed_in_calibration: int = 0
    appeals: Counter[str] = field(default_factory=Counter)
    """Appeals by outcome."""


@dataclass
class Calibration:
    period: str
    audience: str | None
    scale: list[str]
    min_group: int = 5
    significance: float = 0.05
    commit_url: str | None = None
    """org.yaml `calibration.commit_url`: where a commit of the records repository is on the web."""
    overall: dict[str, int] = field(default_factory=dict)
    distribution: dict[str, list[Group]] = field(default_factory=dict)
    """By dimension ('team', 'manager', 'track', 'level' and each declared attribute), its groups."""
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
    coverage: list[Coverage] = field(default_factory=list)
    previews: list[PreviewNote] = field(default_factory=list)
    changes: list[RatingChange] = field(default_factory=list)
    rubric: list[tuple[str, str | None, str]] = field(default_factory=list)
    """(review, commit or None, 'recorded' | 'from git' | 'unknown')"""
    health: Health = field(default_factory=Health)
    language: dict[str, list[tuple[Group, int]]] | None = None
    """With a findings reader: by 'reviewer' and each attribute, (group of reviews, findings)."""
    completion_by_cycle: list[tuple[str, int, int, int]] = field(default_factory=list)
    """(period, people expected, reviews done, reviews in draft)"""
    time_in_level: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    """(person, track, level, years in level or None)"""
    packets_by_level: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def questions(self) -> list[Coverage]:
        return [c for c in self.coverage if c.question]


def latest_review_period(org: Organisation) -> str | None:
    periods = [r.get("period") for r in org.reviews.values() if isinstance(r.get("period"), str)]
    return max(periods) if periods else None


def _suppress(groups: dict[str, Counter[str]], min_group: int) -> set[str]:
    """The groups not to show: those under `min_group` reviews and, when they add up to fewer
    than `min_group` together, the smallest shown ones too, until they do: otherwise the
    organisation's totals minus the groups shown would give a small group's ratings away."""
    hidden = {g for g, c in groups.items() if sum(c.values()) < min_group}
    shown = sorted((g for g in groups if g not in hidden), key=lambda g: (sum(groups[g].values()), g))
    while hidden and shown and sum(sum(groups[g].values()) for g in hidden) < min_group:
        hidden.add(shown.pop(0))
    return hidden


def groups_of(
    members: Mapping[str, Counter[str]], overall: Counter[str], scale: list[str], min_group: int, significance: float
) -> list[Group]:
    """Each group's counts and its test against the rest, the small ones suppressed."""
    hidden = _suppress(dict(members), min_group)
    everyone = [overall.get(r, 0) for r in scale]
    out = []
    for name, counts in sorted(members.items()):
        if name in hidden:
            out.append(Group(name, None))
            continue
        row = [counts.get(r, 0) for r in scale]
        test = chisquare.against_rest(row, everyone)
        out.append(Group(name, dict(zip(scale, row)), test, test is not None and test.p < significance))
    return out


def _attribute(person: Record, name: str) -> str:
    attrs = person.get("attributes")
    value = attrs.get(name) if isinstance(attrs, dict) else None
    return value if isinstance(value, str) else "not recorded"


def calibrate(
    org: Organisation,
    period: str,
    audience: str | None = None,
    findings: Findings | None = None,
    history: bool = True,
) -> Calibration:
    """The calibration pack of `period`. With `findings`, the review-language section;
    `history=False` reads no git (rating changes and rubric commits then come from the records only)."""
    if not QUARTER.match(period):
        raise PerfdocsError(f"period {period!r} is not a quarter like 2026-Q3")

    def sees(record: Record | None) -> bool:
        return record is not None and (audience is None or visibility.visible(record.visibility, audience))

    conf = settings.of(org).calibration
    scale = [str(r.get("id")) for r in settings.of(org).rating_scale]
    cal = Calibration(period, audience, scale, conf.min_group, conf.significance, conf.commit_url)
    people = {h: p for h, p in org.people.items() if sees(p)}
    reviews = sorted(
        (r for r in org.reviews.values() if r.get("period") == period and sees(r) and r.get("person") in people),
        key=lambda r: r.id,
    )
    cal.reviews = len(reviews)
    dimensions = ("team", "manager", "track", "level", *conf.attributes)
    dist: dict[str, dict[str, Counter[str]]] = {d: defaultdict(Counter) for d in dimensions}
    overall: Counter[str] = Counter()
    per_reviewer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for review in reviews:
        person = people[review.get("person")]
        rating = str(review.get("rating"))
        reviewer = str(review.get("reviewer"))
        overall[rating] += 1
        for key in dimensions:
            if key == "level":
                group = f"{person.get('track')} {person.get('level')}"
            elif key == "manager":
                group = reviewer
            elif key in ("team", "track"):
                group = str(person.get(key))
            else:
                group = _attribute(person, key)
            dist[key][group][rating] += 1
        per_reviewer[reviewer][0] += 1
        _key_results(org, review, reviewer, cal)
        completion, rule = rule_rating(org, review)
        if rule is not None and rule.get("id") != rating and rating in scale:
            direction = "above" if scale.index(rating) < scale.index(str(rule.get("id"))) else "below"
            cal.departures.append(
                Departure(
                    str(review.get("person")), reviewer, completion or 0.0, rating, str(rule.get("id")), direction
                )
            )
            per_reviewer[reviewer][1] += 1
    cal.overall = {r: overall.get(r, 0) for r in scale}
    cal.distribution = {k: groups_of(v, overall, scale, conf.min_group, conf.significance) for k, v in dist.items()}
    cal.by_reviewer = {k: (v[0], v[1]) for k, v in sorted(per_reviewer.items())}

    for packet in sorted(org.packets.values(), key=lambda p: p.id):
        if not sees(packet) or packet.get("status") == "withdrawn":
            continue
        for claim in packet.get("claims") or []:
            if isinstance(claim, dict) and not claim.get("evidence"):
                cal.unsupported_claims.append((packet.id, str(claim.get("competency")), str(claim.get("claim"))))

    invisible = settings.of(org).scoring.invisible_work_types
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

    cal.coverage = [_coverage(org, review, people, scale, start, end, sees) for review in reviews]
    cal.previews = _previews(org, reviews, sees)
    versions = rating_changes.review_versions(org, reviews) if history else {}
    cal.changes = _changes(org, period, reviews, versions)
    cal.rubric = _rubric(org, reviews, versions, history)
    cal.health = _health(org, period, reviews, versions, sees)
    if findings is not None:
        cal.language = _language(reviews, people, conf.attributes, findings, conf.min_group)

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


def _key_results(org: Organisation, review: Record, reviewer: str, cal: Calibration) -> None:
    """Key-result completion a review records that differs from the goal's own numbers."""
    for kr in review.get("key_results") or []:
        goal = org.goals.get(goal_id) if isinstance(kr, dict) and isinstance(goal_id := kr.get("goal"), str) else None
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
                (str(review.get("person")), reviewer, f"{goal.id}#{kr.get('key_result')}", recorded, computed)
            )


def _coverage(
    org: Organisation,
    review: Record,
    people: dict[str, Record],
    scale: list[str],
    start: dt.date,
    end: dt.date,
    sees: Callable[[Record | None], bool],
) -> Coverage:
    handle = str(review.get("person"))
    person = people[handle]
    level = str(person.get("level"))
    comps = readiness.level_coverage(org, handle, level, start, end, visible=sees)
    cov = Coverage(
        handle,
        review.id,
        str(review.get("reviewer")),
        str(review.get("rating")),
        str(person.get("track")),
        level,
        comps,
    )
    total, covered = len(comps), len(cov.covered)
    rating = cov.rating
    if scale and total and rating == scale[0] and covered < total:
        cov.question = f"rated {rating} with evidence for {covered} of the {total} competencies of {cov.track} {level}"
    elif len(scale) > 1 and total and rating == scale[-1] and covered == total:
        cov.question = f"rated {rating} though the evidence covers all {total} competencies of {cov.track} {level}"
    return cov


def _previews(org: Organisation, reviews: list[Record], sees: Callable[[Record | None], bool]) -> list[PreviewNote]:
    ids = {r.id for r in reviews}
    out = []
    for preview in sorted(org.previews.values(), key=lambda p: p.id):
        if not sees(preview):
            continue
        for item in preview.get("reviews") or []:
            if isinstance(item, dict) and item.get("review") in ids:
                note = item.get("note")
                out.append(
                    PreviewNote(
                        str(preview.owner),
                        str(item["review"]),
                        str(item.get("verdict")),
                        note if isinstance(note, str) else "",
                    )
                )
    return out


def _changes(
    org: Organisation, period: str, reviews: list[Record], versions: Mapping[str, list[Version]]
) -> list[RatingChange]:
    meeting = settings.of(org).calibration.periods.get(period)
    day = meeting.meeting if meeting is not None else None
    out = []
    for review in reviews:
        recorded = review.get("calibration")
        note = recorded.get("note") if isinstance(recorded, dict) else None
        history = rating_changes.history_of(review, day, versions.get(review.id, [])) if day is not None else None
        if history is not None and rating_changes.changed(history, review):
            out.append(
                RatingChange(
                    review.id,
                    str(history.calibrated),
                    str(review.get("rating")),
                    note if isinstance(note, str) else None,
                    [(c.sha, c.day.isoformat()) for c in history.changes if c.sha],
                    after_meeting=True,
                )
            )
        elif isinstance(recorded, dict):
            out.append(
                RatingChange(
                    review.id,
                    str(recorded.get("changed_from")),
                    str(review.get("rating")),
                    note if isinstance(note, str) else None,
                )
            )
    return out


def _rubric(
    org: Organisation, reviews: list[Record], versions: Mapping[str, list[Version]], history: bool
) -> list[tuple[str, str | None, str]]:
    derived = rating_changes.ladder_commits(org, reviews, versions) if history else {}
    out: list[tuple[str, str | None, str]] = []
    for review in reviews:
        recorded = review.get("rubric")
        if isinstance(recorded, str):
            out.append((review.id, recorded, "recorded"))
        elif review.id in derived:
            out.append((review.id, derived[review.id], "from git"))
        else:
            out.append((review.id, None, "unknown"))
    return out


def _health(
    org: Organisation,
    period: str,
    reviews: list[Record],
    versions: Mapping[str, list[Version]],
    sees: Callable[[Record | None], bool],
) -> Health:
    health = Health()
    conf = settings.of(org).calibration.periods.get(period)
    deadline = conf.deadline if conf is not None else None
    health.deadline = deadline.isoformat() if deadline else None
    done_in_time = 0
    for review in reviews:
        if review.get("status") in DONE:
            health.done += 1
        if deadline is not None and rating_changes.done_by(versions.get(review.id, []), review, deadline):
            done_in_time += 1
        if isinstance(review.get("calibration"), dict):
            health.changed_in_calibration += 1
        appeal = review.get("appeal")
        if isinstance(appeal, dict):
            health.appeals[str(appeal.get("outcome"))] += 1
        for item in review.get("feedback") or []:
            if not isinstance(item, dict):
                continue
            health.feedback += 1
            cited = [org.evidence.get(e) for e in item.get("evidence") or [] if isinstance(e, str)]
            if any(ev is not None and sees(ev) and readiness.verified_links(ev, org)[0] > 0 for ev in cited):
                health.feedback_verified += 1
    if deadline is not None and versions:
        health.done_by_deadline = done_in_time
    return health


def _language(
    reviews: list[Record], people: dict[str, Record], attributes: tuple[str, ...], findings: Findings, min_group: int
) -> dict[str, list[tuple[Group, int]]]:
    """Findings of the review-language check counted by reviewer and by the reviewed people's
    attributes; a group of fewer than `min_group` reviews shows neither its reviews nor its findings."""
    found = {r.id: len(findings(r)) for r in reviews}
    out: dict[str, list[tuple[Group, int]]] = {}
    for key in ("reviewer", *attributes):
        members: dict[str, list[Record]] = defaultdict(list)
        for review in reviews:
            name = (
                str(review.get("reviewer")) if key == "reviewer" else _attribute(people[str(review.get("person"))], key)
            )
            members[name].append(review)
        sizes = {g: Counter({"reviews": len(rs)}) for g, rs in members.items()}
        hidden = _suppress(sizes, min_group)
        out[key] = [
            (Group(g, None), 0) if g in hidden else (Group(g, {"reviews": len(rs)}), sum(found[r.id] for r in rs))
            for g, rs in sorted(members.items())
        ]
    return out


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


def render_markdown(
    org: Organisation, period: str | None = None, audience: str | None = None, findings: Findings | None = None
) -> str:
    """The calibration pack as Markdown (period: default the latest with reviews; findings:
    default the review-language check)."""
    return to_markdown(calibrate(org, _period(org, period), audience, findings or _language_check(org)))


def render_html(
    org: Organisation,
    period: str | None = None,
    audience: str | None = None,
    standalone: bool = False,
    findings: Findings | None = None,
) -> str:
    """The calibration pack as HTML (a fragment, or a whole page with `standalone`; findings:
    default the review-language check)."""
    pack = calibrate(org, _period(org, period), audience, findings or _language_check(org))
    return reports.calibration_html(pack, standalone)


def _language_check(org: Organisation) -> Findings:
    """The review-language check's findings for one review, as `perfdocs review lint` gives them."""
    return lambda review: language.review_findings(org, review)


def _period(org: Organisation, period: str | None) -> str:
    period = period or latest_review_period(org)
    if period is None:
        raise PerfdocsError("no reviews recorded yet: name a --period")
    return period


__all__ = [
    "Calibration",
    "Coverage",
    "Findings",
    "Group",
    "calibrate",
    "groups_of",
    "latest_review_period",
    "render_html",
    "render_markdown",
]
