"""The gap view: what a person's evidence shows against the next level of their ladder.

For a person and a target level (by default the next one along the ladder: the
individual-contributor path where it branches, `--target` for another), every competency
the target level describes, with:
- the target descriptor, and what is new in it against the person's current level (the
  ladder's cells compared the way the site's level pages compare them: new, changed, same);
- the person's own evidence, in the readiness window ending today, that names it, verified or
  not (perfdocs.people.readiness.evidence_for: placeholder evidence never counts);
- a state: `covered` (at least `readiness.min_evidence_per_competency` entries, one of them
  verified), `thin` (fewer, or none verified), `none` (nothing in the window names it).

These are signals for a conversation between a person and their manager, not a checklist:
the rubric describes a level as a whole, and people decide. `plan_items` turns the thin and
empty competencies into development-plan items for the next review draft.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfdocs import settings
from perfdocs.dates import quarter_of, shift_quarter, today
from perfdocs.errors import PerfdocsError
from perfdocs.people.readiness import CitedEvidence, evidence_for, target_competencies, window_ending
from perfdocs.people.reviews import next_level, previous_plan
from perfdocs.records import verification
from perfdocs.records.ladder import normalise
from perfdocs.records.organisation import Organisation
from perfdocs.text import did_you_mean

COVERED, THIN, NONE = "covered", "thin", "none"
STATES = (NONE, THIN, COVERED)
"""The states, in the order the view lists them: where the conversation starts first."""


@dataclass
class CompetencyGap:
    id: str
    name: str
    dimension: str
    descriptor: str
    """What the target level describes (Markdown)."""
    change: str
    """Against the current level: 'new' (nothing was expected there), 'changed' or 'same'."""
    current: str | None
    """What the current level describes, when it expects anything."""
    new_parts: list[str] = field(default_factory=list)
    """The target's criteria the current level does not have; empty when the cell is rewritten
    as a whole (then `current` says what the current level asks)."""
    evidence: list[CitedEvidence] = field(default_factory=list)
    state: str = NONE
    why: str = ""
    """The state in words (how much evidence, whether any is verified)."""

    @property
    def verified(self) -> list[CitedEvidence]:
        return [ev for ev in self.evidence if ev.verified]


@dataclass
class Gap:
    handle: str
    name: str
    track: str
    current_level: str
    target_level: str
    target_title: str
    window: tuple[str, str]
    competencies: list[CompetencyGap]
    min_evidence: int
    """`readiness.min_evidence_per_competency`: the entries a competency needs to be covered."""
    other_targets: list[str] = field(default_factory=list)
    """Other levels directly above the current one (a branching ladder): `--target` chooses."""
    previous_period: str | None = None
    previous_plan: list[dict[str, Any]] = field(default_factory=list)
    """The last review's development plan: skill, competency, status (done or not)."""

    def of_state(self, state: str) -> list[CompetencyGap]:
        return [c for c in self.competencies if c.state == state]

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.handle,
            "name": self.name,
            "track": self.track,
            "current_level": self.current_level,
            "target_level": self.target_level,
            "target_title": self.target_title,
            "other_targets": self.other_targets,
            "window": list(self.window),
            "min_evidence_per_competency": self.min_evidence,
            "counts": {s: len(self.of_state(s)) for s in STATES},
            "competencies": [
                {
                    "id": c.id,
                    "name": c.name,
                    "dimension": c.dimension,
                    "state": c.state,
                    "why": c.why,
                    "descriptor": c.descriptor,
                    "change": c.change,
                    "current": c.current,
                    "new": c.new_parts,
                    "evidence": [
                        {"id": ev.id, "date": ev.date, "title": ev.title, "verified": ev.verified, "basis": ev.basis}
                        for ev in c.evidence
                    ],
                }
                for c in self.competencies
            ],
            "previous_review": {"period": self.previous_period, "development_plan": self.previous_plan}
            if self.previous_period
            else None,
        }


def levels_above(org: Organisation, track: str, level: str) -> list[str]:
    """The levels one promotion above `level` (more than one where the ladder branches),
    the one `next_level` picks first."""
    above = [lv["id"] for lv in org.levels(track) if org.level_below(track, lv["id"]) == level]
    first = next_level(org, track, level)
    return sorted(above, key=lambda lv: lv != first)


def target_of(org: Organisation, handle: str, target: str | None) -> tuple[str, str, str]:
    """(track, current level, target level) for a person; a PerfdocsError (exit 2) for an
    unknown person or level, a target that is not above the current level, or the top of
    the ladder without a target."""
    person = org.people.get(handle)
    if person is None:
        raise PerfdocsError(f"unknown person '{handle}'{did_you_mean(handle, org.people)}")
    track, level = str(person.get("track")), str(person.get("level"))
    ids = [lv["id"] for lv in org.levels(track)]
    if level not in ids:
        raise PerfdocsError(
            f"{handle}'s level {level} is not a level of track {track}: there is no ladder to look along"
        )
    if target is None:
        found = next_level(org, track, level)
        if found is None:
            raise PerfdocsError(f"{handle} is at {level}, the top of the {track} ladder: there is no next level")
        return track, level, found
    if target not in ids:
        raise PerfdocsError(
            f"unknown level '{target}' for track {track}{did_you_mean(target, ids)} (levels: {', '.join(ids)})"
        )
    if not org.is_above(track, target, level):
        raise PerfdocsError(f"{target} is not above {handle}'s current level {level} on the {track} ladder")
    return track, level, target


def _change(org: Organisation, track: str, cid: str, current: str, target: str) -> tuple[str, str | None, list[str]]:
    """(change, current descriptor, new criteria) of a competency from `current` to `target`:
    the level pages' comparison (perfdocs.site.pages.rubric.cell), on the ladder's cells
    (Cell.new_against says which criteria are new)."""
    here, there = org.cell(track, cid, target), org.cell(track, cid, current)
    now = there.markdown() if there is not None and there.expects else None
    if here is None or not here.expects:
        return "same", now, []
    if now is None or there is None:
        return "new", None, here.parts()
    if normalise(now) == normalise(here.markdown()):
        return "same", now, []
    parts = here.parts()
    fresh = [parts[i] for i in here.new_against(there)]  # as the level pages mark them
    return "changed", now, fresh if len(fresh) < len(parts) else []


def gap(org: Organisation, handle: str, target: str | None = None, recheck: verification.Recheck | None = None) -> Gap:
    """The gap view of a person to a target level (the records are assumed valid)."""
    track, current, target = target_of(org, handle, target)
    rules = settings.of(org).readiness
    start, end = window_ending(today(), rules)
    need = max(rules.min_evidence_per_competency, 1)
    comps = []
    for cid, comp, descriptor in target_competencies(org, track, target):
        change, now, fresh = _change(org, track, cid, current, target)
        evidence = evidence_for(org, handle, cid, start, end, recheck)
        verified = [ev for ev in evidence if ev.verified]
        if not evidence:
            state, why = NONE, "no evidence in the window names it"
        elif len(evidence) < need:
            state, why = THIN, f"{_entries(len(evidence))}; the readiness rules look for {need}"
        elif not verified:
            state, why = THIN, f"{_entries(len(evidence))}, none verified: each rests on self-report"
        else:
            state, why = COVERED, f"{_entries(len(evidence))}, {len(verified)} verified"
        comps.append(
            CompetencyGap(
                cid, str(comp.get("name", cid)), str(comp.get("dimension", "")), descriptor, change, now, fresh,
                evidence, state, why,
            )
        )  # fmt: skip
    comps.sort(key=lambda c: STATES.index(c.state))  # stable: dimension and matrix order within a state
    person = org.people[handle]
    level = org.level(track, target) or {}
    period, plan = previous_plan(org, handle, next_period(org, handle))
    return Gap(
        handle=handle,
        name=str(person.get("name", handle)),
        track=track,
        current_level=current,
        target_level=target,
        target_title=str(level.get("title", target)),
        window=(start.isoformat(), end.isoformat()),
        competencies=comps,
        min_evidence=need,
        other_targets=[lv for lv in levels_above(org, track, current) if lv != target],
        previous_period=period,
        previous_plan=plan,
    )


def _entries(n: int) -> str:
    return f"{n} evidence entr{'y' if n == 1 else 'ies'}"


def next_period(org: Organisation, handle: str) -> str:
    """The period of a person's next review: their latest review's while it is a draft, else
    the quarter after it, or this quarter when they have none (or the latest is older)."""
    now = quarter_of(today())
    reviews = [r for r in org.reviews.values() if r.owner == handle and isinstance(r.get("period"), str)]
    latest = max(reviews, key=lambda r: str(r.get("period")).upper(), default=None)
    if latest is None:
        return now
    period = str(latest.get("period")).upper()
    return period if latest.get("status") == "draft" else max(shift_quarter(period, 1), now)


def plan_items(found: Gap, period: str, reviewer: str | None = None) -> list[dict[str, Any]]:
    """Development-plan items for the competencies with no or thin evidence: the skill (the
    target descriptor, and what is new in it), resources, a timeline of two quarters from
    `period`, and success measures in evidence the person would record."""
    items = []
    who = reviewer or "your manager"
    for c in found.competencies:
        if c.state == COVERED:
            continue
        new = "; ".join(c.new_parts) or c.descriptor
        items.append(
            {
                "skill": f"{c.name}: {' '.join(new.split())}",
                "competency": c.id,
                "evidence": len(c.evidence),
                "state": c.state,
                "resources": [
                    f"A conversation with {who} about work coming up that needs {c.name.lower()}",
                    f"The {found.target_level} descriptor of {c.name} on the rubric site, and people already there",
                ],
                "timeline": f"{period} to {shift_quarter(period, 1)}",
                "measures": [
                    f"Evidence naming {c.id} that shows the {found.target_level} descriptor, by the end of "
                    f"{shift_quarter(period, 1)}"
                    + (", with a verified link" if c.state == THIN and c.evidence and not c.verified else "")
                ],
                "status": "planned",
            }
        )
    return items


def text(found: Gap) -> str:
    """The gap view as text: states first, then each competency with its descriptor, what is
    new, and the evidence."""
    counts = ", ".join(f"{len(found.of_state(s))} {s}" for s in STATES)
    lines = [
        f"Towards {found.target_level}: {found.name} ({found.handle}), {found.track} {found.current_level} → "
        f"{found.target_level} {found.target_title}",
        f"Evidence window {found.window[0]} to {found.window[1]}; covered means at least {found.min_evidence} "
        "counted evidence entr" + ("y" if found.min_evidence == 1 else "ies") + ", one of them verified.",
        f"Competencies of {found.target_level}: {counts}.",
    ]
    if found.other_targets:
        lines.append(f"The ladder branches here: also {', '.join(found.other_targets)} (--target LEVEL).")
    for c in found.competencies:
        lines += ["", f"{c.name} ({c.dimension}): {c.state} ({c.why})"]
        lines.append(f"  {found.target_level} describes: {' '.join(c.descriptor.split())}")
        if c.change == "new":
            lines.append(f"  new at {found.target_level}: nothing was expected at {found.current_level}")
        elif c.change == "changed" and c.new_parts:
            lines += [f"  new against {found.current_level}: {' '.join(p.split())}" for p in c.new_parts]
        elif c.change == "changed":
            lines.append(f"  {found.current_level} describes: {' '.join((c.current or '').split())}")
        else:
            lines.append(f"  the same as at {found.current_level}")
        for ev in c.evidence:
            lines.append(f"  - {ev.id} {ev.date} {ev.type}: {ev.title} ({ev.basis})")
    if found.previous_period:
        lines += ["", f"The development plan of the {found.previous_period} review:"]
        lines += [f"  [{i['status']}] {i['skill']}" for i in found.previous_plan] or ["  (no items)"]
    lines += [
        "",
        "These are signals for a conversation with your manager, not a checklist: the rubric "
        "describes a level as a whole, and people decide.",
    ]
    return "\n".join(lines) + "\n"
