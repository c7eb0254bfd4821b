"""The advisory score: a bounded composite over the org's dimensions and scope.

Every input is a record, and every weight is in org.yaml (`scoring:`), so each number
the score prints can be traced to an evidence entry, a postmortem or a setting. It is
advisory: a prompt for a conversation, never a rating.

How it is computed, for a person and a period (a quarter):
- For each of the org's dimensions, the person's own evidence dated in the period that
  names a competency of that dimension (in the person's track) counts once; the dimension
  scores `max * min(1, count / full_marks_evidence)`.
- Scope: the mean of `scope_points` over the period's evidence that states a scope.
- The composite is the weighted mean of those sub-scores (weights normalised to sum to
  1), kept within the bounds.
- Reliability gate: harm the records can show without blame (postmortem action items
  the person owns that are overdue: open or in progress past their due date, as
  recorded now) counted over `lookback_quarters` ending with the period. At
  `min_harm` or more, the composite is capped at `cap`: repeated harm is not offset by
  output. Being a participant in an incident, being paged, or owning the services (a
  complex or legacy system) a postmortem names is not harm.
- Team-level metrics (metric `scope: team`, e.g. DORA) and KPIs never feed the score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from perfdocs import settings
from perfdocs.dates import QUARTER, parse_date, quarter_bounds, quarter_of, shift_quarter, today
from perfdocs.errors import PerfdocsError
from perfdocs.people import reports
from perfdocs.people.readiness import SCOPES
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.settings import ScoringSettings


def person_periods(org: Organisation, handle: str) -> list[str]:
    """Quarters in which the person has records (evidence, goals, reviews), oldest first."""
    found = set()
    for ev in org.evidence_by_author.get(handle, []):
        day = parse_date(ev.get("date"))
        if day:
            found.add(quarter_of(day))
    for rec in (*org.goals.values(), *org.reviews.values()):
        if rec.owner == handle and isinstance(rec.get("period"), str) and QUARTER.match(rec.get("period")):
            found.add(rec.get("period"))
    return sorted(found)


@dataclass
class Input:
    key: str
    """A dimension id, or 'scope'."""
    weight: float
    """Normalised (the weights sum to 1)."""
    subscore: float
    contribution: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """[{id, detail, points}] - the records behind the sub-score."""
    explanation: str = ""


@dataclass
class Harm:
    postmortem: str
    title: str
    status: str
    due: str


@dataclass
class Score:
    person: str
    period: str
    low: float
    high: float
    composite: float
    uncapped: float
    inputs: list[Input]
    harm: list[Harm]
    gate: dict[str, Any]
    excluded: list[str]
    changes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"advisory": True, **asdict(self)}


def harm_for(
    org: Organisation,
    handle: str,
    period: str,
    rules: ScoringSettings,
    visible: Callable[[Record], bool] = lambda record: True,
) -> list[Harm]:
    """Overdue postmortem action items the person owns, in the gate's lookback."""
    first, _ = quarter_bounds(shift_quarter(period, -(rules.lookback_quarters - 1)))
    _, last = quarter_bounds(period)
    now = min(today(), last)
    found = []
    for pm in sorted(org.postmortems.values(), key=lambda r: r.id):
        if not visible(pm):
            continue
        for item in pm.get("action_items") or []:
            if not isinstance(item, dict) or item.get("owner") != handle:
                continue
            due = parse_date(item.get("due"))
            if due is None or not (first <= due <= last) or due >= now:
                continue
            if item.get("status") in rules.harm_statuses:
                found.append(Harm(pm.id, str(item.get("title", "")), str(item.get("status")), due.isoformat()))
    return found


def _dimension_of(org: Organisation, track: str) -> dict[str, str]:
    return {cid: str(c.get("dimension")) for cid, c in org.competencies(track).items()}


def score(
    org: Organisation, handle: str, period: str | None = None, visible: Callable[[Record], bool] = lambda record: True
) -> Score:
    """The advisory score; `visible` limits the records used (e.g. to an audience's)."""
    person = org.people.get(handle)
    if person is None:
        raise PerfdocsError(f"unknown person '{handle}'")
    if period is None:
        periods = person_periods(org, handle)
        if not periods:
            raise PerfdocsError(f"{handle} has no records in any period yet")
        period = periods[-1]
    start, end = quarter_bounds(period)
    rules = settings.of(org).scoring
    total = sum(rules.weights.values())
    if total <= 0:
        raise PerfdocsError("org.yaml scoring.weights are all zero: nothing to score")
    dims = _dimension_of(org, str(person.get("track")))
    evidence = [
        ev
        for ev in org.evidence_by_author.get(handle, [])
        if (day := parse_date(ev.get("date"))) and start <= day <= end and ev.get("author") == handle and visible(ev)
    ]
    inputs: list[Input] = []
    span = rules.high - rules.low
    for dim in [d["id"] for d in org.dimensions if isinstance(d.get("id"), str)]:
        backing = []
        for ev in evidence:
            comps = [c for c in ev.get("competencies") or [] if dims.get(c) == dim]
            if comps:
                backing.append({"id": ev.id, "detail": ", ".join(comps), "points": 1})
        n = len(backing)
        sub = rules.low + span * min(1.0, n / rules.full_marks_evidence) if rules.full_marks_evidence else rules.high
        weight = rules.weights[dim] / total
        inputs.append(
            Input(
                dim,
                weight,
                sub,
                weight * sub,
                backing,
                f"{n} evidence entr{'y' if n == 1 else 'ies'} naming a {dim} competency; "
                f"{rules.full_marks_evidence} earn {rules.high:g}",
            )
        )
    scoped = [ev for ev in evidence if ev.get("scope") in rules.scope_points]
    points: list[dict[str, Any]] = [
        {"id": ev.id, "detail": str(ev.get("scope")), "points": float(rules.scope_points[ev.get("scope")])}
        for ev in scoped
    ]
    mean = sum(float(p["points"]) for p in points) / len(points) if points else rules.low
    sub = max(rules.low, min(rules.high, mean))
    weight = rules.weights["scope"] / total
    unscoped = len(evidence) - len(scoped)
    inputs.append(
        Input(
            "scope",
            weight,
            sub,
            weight * sub,
            points,
            f"mean scope points of {len(points)} entr{'y' if len(points) == 1 else 'ies'}"
            + (f" ({unscoped} without a scope not counted)" if unscoped else ""),
        )
    )
    uncapped = max(rules.low, min(rules.high, sum(i.contribution for i in inputs)))
    harm = harm_for(org, handle, period, rules, visible)
    applied = rules.gate_enabled and len(harm) >= rules.min_harm
    composite = min(uncapped, rules.cap) if applied else uncapped
    gate = {
        "enabled": rules.gate_enabled,
        "min_harm": rules.min_harm,
        "lookback_quarters": rules.lookback_quarters,
        "cap": rules.cap,
        "harm": len(harm),
        "applied": applied,
    }
    team_metrics = sorted(m.id for m in org.metrics.values() if m.get("scope") == "team")
    excluded = []
    if team_metrics:
        excluded.append(
            "team-level metrics (" + ", ".join(team_metrics) + "): they describe a team's system, never one person"
        )
    if org.kpis:
        excluded.append(f"team KPIs ({len(org.kpis)}): team signals, not individual inputs")
    excluded.append("goals and review ratings: see `perfdocs review draft`")
    changes = _changes(inputs, rules, harm, applied, uncapped, composite)
    return Score(
        handle,
        period,
        rules.low,
        rules.high,
        round(composite, 2),
        round(uncapped, 2),
        inputs,
        harm,
        gate,
        excluded,
        changes,
    )


def _changes(
    inputs: list[Input], rules: ScoringSettings, harm: list[Harm], applied: bool, uncapped: float, composite: float
) -> list[str]:
    out = []
    step = (rules.high - rules.low) / rules.full_marks_evidence if rules.full_marks_evidence else 0
    for inp in inputs:
        if inp.key == "scope":
            better = [s for s in SCOPES if rules.scope_points.get(s, 0) > inp.subscore]
            if better and inp.weight:
                out.append(
                    f"scope: evidence benefiting {better[0]} or wider ({rules.scope_points[better[0]]:g} "
                    f"points) would raise the scope mean above {inp.subscore:.2f}"
                )
            continue
        if inp.subscore < rules.high and inp.weight:
            missing = rules.full_marks_evidence - len(inp.evidence)
            out.append(
                f"{inp.key}: each further entry naming a {inp.key} competency adds "
                f"{inp.weight * step:.2f} (up to {missing} more)"
            )
    if applied:
        out.append(
            f"reliability gate: the score is capped at {rules.cap:g} (without the cap: {uncapped:.2f}); "
            f"it lifts when fewer than {rules.min_harm} owned action items are overdue"
        )
    elif rules.gate_enabled and harm:
        out.append(
            f"reliability gate: {len(harm)} overdue action item{'s' * (len(harm) != 1)}; at "
            f"{rules.min_harm} the score would be capped at {rules.cap:g}"
        )
    if not out:
        out.append("nothing: every input is at its maximum")
    return out


render_text = reports.score_text  # the report lives in perfdocs.people.reports
