"""The advisory score: what a person's distinct pieces of work show against their level.

Every input is a record, and every weight is in org.yaml (`scoring:`, perfdocs.settings),
so each number the score prints can be traced to an evidence entry, a postmortem or a
setting. It is advisory: a prompt for a conversation, never a rating, and it measures
substance, not volume. For a person and a period (a quarter):

1. Entries. The person's own evidence dated in the period. An entry does not count when
   it is a placeholder (perfdocs.rules.placeholders: template text, a TODO marker, a body
   below `placeholders.min_body_chars`), when the person is not its author, or when it
   names no competency of the person's track; entries dated outside the period are counted
   and left out.
2. Pieces of work. Entries that describe the same work are one piece: entries sharing a
   link to a pull request, a commit or a web page (normalised: `acme/payments#12` and its
   URL are one), or with the same title (case and spacing aside) in the period. A postmortem
   link is corroboration, not the work, so it joins nothing. The entry that weighs most (the
   earliest of equals) stands for the piece and the piece weighs what that entry shows, never
   a blend of its descriptions; the others are "duplicate of" it. So a further description
   of the same work adds at most what one piece of work adds.
3. Weight. Each piece weighs scope factor x verification factor x type relevance:
   - scope: who benefited (self < team < multi-team < org, or unstated;
     `scoring.scope_factors`), and, when that is narrower than the scope the person's level
     expects (the ladder level's `scope:` when it is one of those words, else
     `readiness.scope.by_level`, else `scoring.expected_scope`) or unstated, x
     `scoring.below_level_factor`: work below the level shows less of it. Reach is not
     relative: a junior's team-wide work weighs what a senior's does, and a senior's
     team-wide work weighs less, for being below their level;
   - verification: what its links rest on (perfdocs.records.verification, the one
     definition of verified): a verified author, reviewer or committer, a postmortem record
     or a cited link that corroborates it, or the person's word alone
     (`scoring.verification_factors`);
   - type: how much an evidence type shows of a competency (`scoring.type_relevance`,
     by competency, dimension or `default`; 1 when not named).
4. Dimensions. A piece counts once per dimension, in the competency of that dimension
   where it adds most. Within a competency the pieces count heaviest first, the k-th
   multiplied by `scoring.diminishing`**(k-1), so more of the same saturates quickly. The
   dimension's value is the sum; the sub-score is `low + span * min(1, value /
   full_marks_evidence)`.
5. Scope. The scope input is the single widest piece (its scope and verification factors,
   and the level factor, against the largest possible): volume cannot move it.
6. The composite is the weighted mean of the sub-scores (weights normalised to sum to 1),
   kept within the bounds.
7. Reliability gate: harm the records can show without blame (postmortem action items the
   person owns that are overdue: open or in progress past their due date, as recorded
   now) counted over `lookback_quarters` ending with the period. At `min_harm` or more,
   the composite is capped at `cap`: repeated harm is not offset by output. Being a
   participant in an incident, being paged, or owning the services (a complex or legacy
   system) a postmortem names is not harm.

Team-level metrics (metric `scope: team`, e.g. DORA) and KPIs never feed the score. Every
entry is listed with why it counted or not, and the advice names the kind of evidence
that would change a sub-score (wider scope, a verified link, an uncovered competency),
never more entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from perfdocs import settings
from perfdocs.dates import QUARTER, parse_date, quarter_bounds, quarter_of, shift_quarter, today
from perfdocs.errors import PerfdocsError
from perfdocs.people import reports
from perfdocs.people.readiness import SCOPES, scope_rank, verification_of
from perfdocs.records import linkforms, verification
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules import placeholders
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
class Entry:
    """One evidence entry of the period, and why it counted or not."""

    id: str
    title: str
    type: str
    scope: str | None
    competencies: list[str]
    counted: bool
    why: str
    """Why it did not count (placeholder, not the author, duplicate of X...), or what it weighs."""
    piece: str | None = None
    """The piece of work it belongs to (the id of the entry that stands for it)."""


@dataclass
class Piece:
    """A distinct piece of work: one or more entries that describe it."""

    id: str
    title: str
    entries: list[str]
    type: str
    competencies: list[str]
    scope: str | None
    scope_relation: str
    """below, at, above or unstated: against the scope the person's level expects."""
    scope_factor: float
    """The scope's factor, x `below_level_factor` when below the level or unstated."""
    basis: str
    """What it rests on (perfdocs.records.verification.BASES)."""
    basis_label: str
    verification_factor: float
    why: str = ""
    """Its weight in words: "scope team, as expected x1; verified author x1"."""

    @property
    def weight(self) -> float:
        """Scope factor x verification factor (the type's relevance depends on the competency)."""
        return self.scope_factor * self.verification_factor


@dataclass
class Input:
    key: str
    """A dimension id, or 'scope'."""
    weight: float
    """Normalised (the weights sum to 1)."""
    subscore: float
    contribution: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """[{id, competency, points, why}]: every entry the sub-score looked at, counted or not."""
    explanation: str = ""
    value: float = 0.0
    """The weighted value of the pieces of work (for 'scope', of the widest one)."""


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
    level: str = ""
    expected_scope: str = ""
    expected_scope_from: str = ""
    full_marks: int = 0
    diminishing: float = 0.0
    below_level_factor: float = 1.0
    entries: list[Entry] = field(default_factory=list)
    """The period's entries, each with why it counted or not."""
    pieces: list[Piece] = field(default_factory=list)
    outside_period: int = 0
    """The person's entries dated outside the period (not used)."""

    def to_json(self) -> dict[str, Any]:
        doc = {"advisory": True, **asdict(self)}
        for piece, data in zip(self.pieces, doc["pieces"]):
            data["weight"] = round(piece.weight, 4)
        return doc


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


# --- the level's expectation -----------------------------------------------------------


def expected_scope(org: Organisation, person: Record, rules: ScoringSettings) -> tuple[str, str]:
    """(scope, where it comes from): the scope the person's level expects."""
    track, level = str(person.get("track")), str(person.get("level"))
    ladder = (org.level(track, level) or {}).get("scope")
    if ladder in SCOPES:
        return str(ladder), f"the {track} ladder's {level}"
    by_level = settings.of(org).readiness.scope_by_level.get(level)
    if by_level in SCOPES:
        return str(by_level), f"org.yaml readiness.scope.by_level.{level}"
    return rules.expected_scope, "scoring.expected_scope"


def scope_relation(scope: Any, expected: str) -> str:
    if scope not in SCOPES:
        return "unstated"
    diff = scope_rank(scope) - scope_rank(expected)
    return "below" if diff < 0 else "above" if diff > 0 else "at"


# --- entries → pieces of work ----------------------------------------------------------


def placeholder(ev: Record, org: Organisation) -> str | None:
    """Why the entry is not written yet (perfdocs.rules.placeholders' judge), or None."""
    why = placeholders.reason(ev.get("title"), org)
    if why is not None:
        return f"its title holds {why}"
    why = placeholders.reason(ev.body, org)
    if why is not None:
        return f"its body still holds {why}"
    short = placeholders.too_short(ev.body or "", org)
    return None if short is None else f"its body has {short}"


def work_keys(ev: Record) -> list[tuple[str, str]]:
    """(key, as shown) for each link that names the work itself: a pull request, a commit
    (by its first 7 hex digits, so abbreviations match) or a web page. A postmortem link is
    corroboration shared by several pieces of work (leading the incident, writing the
    postmortem), so it names none."""
    out = []
    links = ev.get("links")
    for link in links if isinstance(links, list) else []:
        text = verification.link_text(link)
        if not text:
            continue
        ref = linkforms.parse(text)
        repo = (ref.repo or "").lower().removesuffix(".git")
        if ref.kind == linkforms.PR:
            out.append((f"pr {'/'.join(repo.split('/')[-2:])}#{ref.number}", text))
        elif ref.kind == linkforms.COMMIT and ref.sha:
            out.append((f"commit {'/'.join(repo.split('/')[-2:])}@{ref.sha[:7]}", text))
        elif ref.kind == linkforms.URL:
            url = re.sub(r"^https?://(www\.)?", "", text.strip(), flags=re.IGNORECASE).rstrip("/").lower()
            out.append((f"url {url}", text))
    return out


def _title_key(ev: Record) -> str:
    return re.sub(r"\W+", " ", str(ev.get("title", ""))).strip().casefold()


def _group(entries: list[Record]) -> list[list[Record]]:
    """The entries grouped by the piece of work they describe, each group in the entries'
    (date) order: entries sharing a work link or the same title are one piece, and so are
    entries that each share one with a third."""
    root = {ev.id: ev.id for ev in entries}

    def find(i: str) -> str:
        while root[i] != i:
            i = root[i]
        return i

    first: dict[str, str] = {}
    for ev in entries:
        keys = [key for key, _ in work_keys(ev)]
        title = _title_key(ev)
        if title:
            keys.append(f"title {title}")
        for key in keys:
            if key not in first:
                first[key] = ev.id
            elif (mine := find(ev.id)) != (theirs := find(first[key])):
                root[mine] = theirs
    groups: dict[str, list[Record]] = {}
    for ev in entries:
        groups.setdefault(find(ev.id), []).append(ev)
    return list(groups.values())


def _piece(
    entry: Record,
    org: Organisation,
    rules: ScoringSettings,
    expected: str,
    track_comps: set[str],
    recheck: verification.Recheck | None,
) -> Piece:
    """One entry read as a piece of work: its scope, what it rests on, its competencies."""
    scope = entry.get("scope") if entry.get("scope") in SCOPES else None
    relation = scope_relation(scope, expected)
    found = verification_of(entry, org, recheck)
    best = found.strongest
    basis = best.kind if best is not None else verification.SELF_REPORTED
    comps = [c for c in dict.fromkeys(entry.get("competencies") or []) if c in track_comps]
    return Piece(
        id=entry.id,
        title=str(entry.get("title", "")),
        entries=[entry.id],
        type=str(entry.get("type", "")),
        competencies=comps,
        scope=scope,
        scope_relation=relation,
        scope_factor=rules.scope_factors[scope or "unstated"]
        * (rules.below_level_factor if relation in ("below", "unstated") else 1.0),
        basis=basis,
        basis_label=found.label,
        verification_factor=rules.verification_factors.get(basis, rules.verification_factors["self-reported"]),
    )


def _shared(a: Record, b: Record) -> str | None:
    """What two entries share that makes them one piece of work, in words."""
    theirs = dict(work_keys(b))
    same = next((shown for key, shown in work_keys(a) if key in theirs), None)
    if same is not None:
        return f"the same link {same}"
    return "the same title in the period" if _title_key(a) and _title_key(a) == _title_key(b) else None


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _scope_words(piece: Piece, expected: str, rules: ScoringSettings) -> str:
    base = f"{rules.scope_factors[piece.scope or 'unstated']:g}"
    if piece.scope is None:
        return f"no scope stated x{base}, below the level's {expected} x{rules.below_level_factor:g}"
    if piece.scope_relation == "below":
        return f"scope {piece.scope} x{base}, below the level's {expected} x{rules.below_level_factor:g}"
    return f"scope {piece.scope} x{base}" + (" (the level's)" if piece.scope_relation == "at" else "")


def score(
    org: Organisation,
    handle: str,
    period: str | None = None,
    visible: Callable[[Record], bool] = lambda record: True,
    recheck: verification.Recheck | None = None,
) -> Score:
    """The advisory score; `visible` limits the records used (e.g. to an audience's);
    `recheck` asks git about recorded resolutions when the clones are present
    (perfdocs.links.recheck, as `packet check` does)."""
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
    track = str(person.get("track"))
    comps = org.competencies(track)
    dim_of = {cid: str(c.get("dimension")) for cid, c in comps.items()}
    expected, expected_from = expected_scope(org, person, rules)

    mine = [ev for ev in org.evidence_by_author.get(handle, []) if visible(ev)]
    in_period = [ev for ev in mine if (day := parse_date(ev.get("date"))) and start <= day <= end]
    entries: dict[str, Entry] = {}
    usable: list[Record] = []
    for ev in in_period:
        named = [c for c in ev.get("competencies") or [] if isinstance(c, str)]
        entry = Entry(ev.id, str(ev.get("title", "")), str(ev.get("type", "")), ev.get("scope"), named, False, "")
        entries[ev.id] = entry
        why = placeholder(ev, org)
        if ev.get("author") != handle:
            entry.why = f"not the author: {ev.get('author')} wrote it"
        elif why is not None:
            entry.why = f"placeholder: {why}"
        elif not any(c in comps for c in named):
            entry.why = f"names no competency of the {track} track"
        else:
            usable.append(ev)
    # Entries that describe one piece of work: the one that weighs most stands for it (the
    # earliest on a tie) and the piece weighs what that entry shows, never a blend of its
    # descriptions, so a further description can add at most what one piece of work adds.
    pieces: dict[str, Piece] = {}
    for group in _group(usable):
        read = [_piece(ev, org, rules, expected, set(comps), recheck) for ev in group]
        piece = max(read, key=lambda p: p.weight)  # max keeps the first (earliest) of equals
        piece.entries = [ev.id for ev in group]
        pieces[piece.id] = piece
        standing = org.evidence[piece.id]
        for ev in group:
            entries[ev.id].piece = piece.id
            if ev.id != piece.id:
                how = _shared(ev, standing) or "linked to it through another description"
                entries[ev.id].why = f"duplicate of {piece.id} ({how}): one piece of work counts once"
    for head, piece in pieces.items():
        piece.why = f"{_scope_words(piece, expected, rules)}; {piece.basis_label} x{piece.verification_factor:g}"
        entries[head].counted = True
        entries[head].why = f"counted, weight {piece.weight:.2f}: {piece.why}" + (
            f"; stands for {len(piece.entries)} entries" if len(piece.entries) > 1 else ""
        )

    inputs: list[Input] = []
    span = rules.high - rules.low
    full = rules.full_marks_evidence
    for dim in [d["id"] for d in org.dimensions if isinstance(d.get("id"), str)]:
        inputs.append(_dimension(dim, pieces, entries, dim_of, rules, total, span, full))
    inputs.append(_scope_input(pieces, entries, rules, total, span, expected))
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
    changes = _changes(inputs, pieces, comps, dim_of, rules, harm, applied, uncapped, expected)
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
        level=str(person.get("level")),
        expected_scope=expected,
        expected_scope_from=expected_from,
        full_marks=full,
        diminishing=rules.diminishing,
        below_level_factor=rules.below_level_factor,
        entries=list(entries.values()),
        pieces=list(pieces.values()),
        outside_period=len(mine) - len(in_period),
    )


def _dimension(
    dim: str,
    pieces: dict[str, Piece],
    entries: dict[str, Entry],
    dim_of: dict[str, str],
    rules: ScoringSettings,
    total: float,
    span: float,
    full: int,
) -> Input:
    """A dimension's sub-score: each piece once, in the competency where it adds most;
    within a competency, heaviest first, the k-th diminished."""
    weighed = []
    for piece in pieces.values():
        options = [
            (c, piece.weight * rules.relevance(piece.type, c, dim)) for c in piece.competencies if dim_of[c] == dim
        ]
        if options:
            weighed.append((piece, options))
    weighed.sort(key=lambda t: (-max(w for _, w in t[1]), t[0].id))
    taken: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    value = 0.0
    for piece, options in weighed:
        comp, base = max(options, key=lambda o: o[1] * rules.diminishing ** taken.get(o[0], 0))
        k = taken.get(comp, 0)
        taken[comp] = k + 1
        points = base * rules.diminishing**k
        value += points
        relevance = rules.relevance(piece.type, comp, dim)
        why = [f"weight {piece.weight:.2f} ({piece.why})"]
        if relevance != 1:
            why.append(f"type {piece.type} for {comp} x{relevance:g}")
        if k:
            why.append(f"{_ordinal(k + 1)} piece in {comp} x{rules.diminishing**k:g}")
        rows.append({"id": piece.id, "competency": comp, "points": round(points, 4), "why": "; ".join(why)})
    for entry in entries.values():
        if entry.counted or not any(dim_of.get(c) == dim for c in entry.competencies):
            continue
        rows.append({"id": entry.id, "competency": None, "points": 0.0, "why": entry.why})
    sub = rules.low + span * min(1.0, value / full) if full else rules.high
    weight = rules.weights.get(dim, 0.0) / total
    n = len(weighed)
    explanation = (
        f"{n} piece{'s' * (n != 1)} of work worth {value:.2f} of the {full} that earn{'s' * (full == 1)} {rules.high:g}"
        if n
        else f"no piece of work shows a {dim} competency"
    )
    return Input(dim, weight, sub, weight * sub, rows, explanation, round(value, 4))


def _scope_input(
    pieces: dict[str, Piece],
    entries: dict[str, Entry],
    rules: ScoringSettings,
    total: float,
    span: float,
    expected: str,
) -> Input:
    """The widest piece of work (scope x verification) against the largest possible weight."""
    most = max(rules.scope_factors.values()) * max(rules.verification_factors.values())  # org-wide, verified
    ranked = sorted(pieces.values(), key=lambda p: (-p.weight, p.id))
    rows = []
    for i, piece in enumerate(ranked):
        why = f"weight {piece.weight:.2f} ({piece.why})"
        rows.append(
            {
                "id": piece.id,
                "competency": None,
                "points": round(piece.weight, 4) if i == 0 else 0.0,
                "why": f"the widest piece: {why}" if i == 0 else f"narrower or less verified than {ranked[0].id}",
            }
        )
    best = ranked[0].weight if ranked else 0.0
    sub = rules.low + span * min(1.0, best / most) if most else rules.low
    weight = rules.weights.get("scope", 0.0) / total
    explanation = (
        f"the widest piece of work weighs {best:.2f} of {most:g} (its scope, x verification)"
        if ranked
        else "no piece of work in the period"
    )
    return Input("scope", weight, sub, weight * sub, rows, explanation, round(best, 4))


def _changes(
    inputs: list[Input],
    pieces: dict[str, Piece],
    comps: dict[str, dict[str, Any]],
    dim_of: dict[str, str],
    rules: ScoringSettings,
    harm: list[Harm],
    applied: bool,
    uncapped: float,
    expected: str,
) -> list[str]:
    """The kinds of evidence that would change each sub-score (never "more entries")."""
    out = []
    wider = SCOPES[min(len(SCOPES) - 1, scope_rank(expected) + 1)]
    verified = max(rules.verification_factors.values())
    for inp in inputs:
        if not inp.weight or inp.subscore >= rules.high:
            continue
        if inp.key == "scope":
            best = max(pieces.values(), key=lambda p: (p.weight, p.id), default=None)
            if best is None or best.scope_relation != "above":
                out.append(f"scope: a verified piece of work of {wider} scope or wider (the level expects {expected})")
            else:
                out.append(f"scope: a verified link for {best.id} (now: {best.basis_label})")
            continue
        mine = [p for p in pieces.values() if any(dim_of[c] == inp.key for c in p.competencies)]
        own = [c for c, d in dim_of.items() if d == inp.key]
        shown = {c for p in mine for c in p.competencies if dim_of[c] == inp.key}
        names = ", ".join(str(comps[c].get("name", c)) for c in own if c not in shown)
        if not mine:
            out.append(
                f"{inp.key}: evidence of {expected}-scope work in a {inp.key} competency ({', '.join(own) or 'none'})"
            )
            continue
        narrow = [p.id for p in mine if p.scope_relation in ("below", "unstated")]
        unverified = [p.id for p in mine if p.verification_factor < verified]
        kinds = []
        if narrow:
            kinds.append(
                f"evidence of {expected} scope or wider in {inp.key} ({', '.join(narrow)} "
                f"{'stands' if len(narrow) == 1 else 'stand'} below it)"
            )
        elif all(p.scope_relation != "above" for p in mine):
            kinds.append(f"evidence of {wider} scope in {inp.key}")
        if unverified:
            kinds.append(
                f"a verified link (author or reviewer, `perfdocs links resolve --write`) for {', '.join(unverified)}"
            )
        if names:
            kinds.append(f"work showing a {inp.key} competency not yet shown this period ({names})")
        out.append(f"{inp.key}: " + "; or ".join(kinds) if kinds else f"{inp.key}: work of wider scope in {inp.key}")
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
