"""Promotion readiness: a packet's claims checked against the target level's competencies.

Every threshold comes from the org's `readiness:` settings (org.yaml, read through
perfdocs.settings), which the site publishes; the defaults there apply only where the
org leaves a setting out, and the report always prints the thresholds it used. The
result is a set of findings a sponsor can act on, never a verdict: a packet is "ready"
when nothing is missing, and "not yet" with the missing pieces listed otherwise. Its
text and Markdown are in perfdocs.people.reports; a packet draft, in perfdocs.people.drafts.
This module also says which packet a `packet check` names, and which validation errors
in it the check reports as findings instead of refusing to run (TOLERATED).

Readiness rules (ids are in perfdocs.rules.RULES):
- readiness/no-claim: a competency of the target level has no claim.
- readiness/claim-without-evidence: a claim cites no evidence (disqualifying).
- readiness/foreign-evidence: a claim cites someone else's evidence (disqualifying).
- readiness/outside-window: a claim cites evidence dated outside the window (disqualifying).
- readiness/off-competency: cited evidence does not name the competency, so does not count for it.
- readiness/too-little-evidence: fewer counted evidence entries than the minimum for a competency.
- readiness/consistency: the counted evidence spans fewer quarters than the minimum.
- readiness/scope: too little counted evidence at the scope the target level expects.
- readiness/complexity: too little counted evidence of the types that show complexity.
- readiness/unverified: counted evidence with no verified link (resolved by `perfdocs links resolve --write` with the
  role its type needs, perfdocs.records.verification; or an existing postmortem)
  (a note; it blocks only when `require_verified_links` is true).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from perfdocs import settings
from perfdocs.dates import months_before, parse_date, quarter_of, today
from perfdocs.diagnostics import Diagnostic
from perfdocs.errors import PerfdocsError
from perfdocs.people import reports
from perfdocs.records import verification
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules import placeholders
from perfdocs.settings import ReadinessSettings
from perfdocs.text import did_you_mean

SCOPES = ("self", "team", "multi-team", "org")
"""Who benefited, narrowest first (the evidence schema's `scope`)."""


class ReadinessRules(ReadinessSettings):
    """The readiness settings with the words the report prints (`ReadinessRules.of(org)`,
    as perfdocs.site reads them)."""

    @classmethod
    def of(cls, org: Organisation) -> ReadinessRules:
        found = settings.of(org).readiness
        return cls(**{f.name: getattr(found, f.name) for f in fields(found)})

    def lines(self, target: str) -> list[str]:
        return rule_lines(self, target)


def rule_lines(rules: ReadinessSettings, target: str) -> list[str]:
    """The thresholds in words, as the report prints them."""
    scope = rules.scope_by_level.get(target)
    return [
        f"evidence counts when it is the candidate's own, dated inside the window (at most "
        f"{rules.evidence_window_months} months), and names the competency it is cited for",
        f"at least {rules.min_evidence_per_competency} counted evidence "
        f"{_entries(rules.min_evidence_per_competency)} for every competency of the target level",
        f"consistency: counted evidence spread over at least {rules.min_quarters} quarters",
        (
            f"scope: at least {rules.min_scope_evidence} counted evidence "
            f"{_entries(rules.min_scope_evidence)} benefiting {scope} or wider"
            if scope
            else f"scope: no scope is required at {target}"
        ),
        f"complexity: at least {rules.min_complexity_evidence} counted evidence "
        f"{_entries(rules.min_complexity_evidence)} of type " + ", ".join(rules.complexity_types),
        "verified links: " + ("required" if rules.require_verified_links else "reported, not required"),
    ]


# --- which packet, and which errors a check tolerates ------------------------------------

TOLERATED = frozenset({"packet/foreign-evidence"})
"""Validation errors in the checked packet that the readiness report shows as
disqualifying findings instead of refusing to run."""


def packet_file(ref: str) -> Path | None:
    """The packet file `ref` names (a path to a .md file, or any existing path), or None
    when it is an id like alice/2026-h2-principal."""
    path = Path(ref)
    if path.suffix == ".md" or path.exists():
        if not path.is_file():
            raise PerfdocsError(f"{ref} does not exist")
        return path
    return None


def find_packet(org: Organisation, root: Path, ref: str) -> Record:
    """The packet record `ref` names: a packet file under `root`, or a packet id."""
    path = packet_file(ref)
    if path is not None:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        found = next((r for r in org.packets.values() if r.rel == rel), None)
        if found is None:
            raise PerfdocsError(f"{ref} is not a packet record (kind: packet)")
        return found
    if ref not in org.packets:
        raise PerfdocsError(f"unknown packet '{ref}'{did_you_mean(ref, list(org.packets))}")
    return org.packets[ref]


def tolerated(diagnostic: Diagnostic, packet: Record, root: Path) -> bool:
    """Is this an error the check of `packet` reports as a finding (TOLERATED, in the packet
    itself) rather than one that stops it?"""
    return diagnostic.rule in TOLERATED and Path(diagnostic.path).resolve() == (root / packet.rel).resolve()


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def scope_rank(scope: object) -> int:
    return SCOPES.index(scope) if scope in SCOPES else -1


def link_ref(link: object) -> str | None:
    return verification.link_text(link)


def level_coverage(
    org: Organisation,
    handle: str,
    level: str,
    start: dt.date,
    end: dt.date,
    recheck: verification.Recheck | None = None,
    visible: Callable[[Record], bool] | None = None,
) -> list[CompetencyReadiness]:
    """Each competency `level` of the person's track expects, with the person's own evidence
    dated `start`..`end` that names it (verified or not): the rubric, not their peers, is what
    calibration holds a rating against. `visible` leaves out evidence an audience may not see."""
    person = org.people.get(handle)
    track = str(person.get("track")) if person else ""
    comps = {
        cid: CompetencyReadiness(cid, str(comp.get("name", cid)), str(comp.get("dimension", "")), desc)
        for cid, comp, desc in target_competencies(org, track, level)
    }
    for record in org.evidence_by_author.get(handle, []):
        if visible is not None and not visible(record):
            continue
        named = record.get("competencies") if isinstance(record.get("competencies"), list) else []
        for cid in named:
            if isinstance(cid, str) and cid in comps:
                cited = cite(org, record.id, handle, cid, start, end, recheck)
                if cited is not None and cited.counts:
                    comps[cid].evidence.append(cited)
    return list(comps.values())


def verification_of(
    evidence: Record, org: Organisation, recheck: verification.Recheck | None = None
) -> verification.Verification:
    """What each link of an evidence entry rests on (perfdocs.records.verification, the one
    definition of verified), with the org's `links:` settings; `recheck` asks git, when the
    clones are present (perfdocs.links.recheck builds it; people do not run git)."""
    conf = settings.of(org).links
    return verification.evidence_verification(
        evidence,
        org.people,
        org.postmortems,
        conf.authorship_types,
        conf.committer_counts_as_author,
        conf.forge_reviews_count,
        recheck,
    )


def verified_links(evidence: Record, org: Organisation, recheck: verification.Recheck | None = None) -> tuple[int, int]:
    """(links verified, links in all). A link is verified when its recorded `resolved` data
    (written by `perfdocs links resolve --write`) proves the role the evidence type needs
    for the evidence's author or a collaborator (perfdocs.records.verification.is_verified:
    a resolution with no role, or matched to someone else's email, does not count; with the
    clone present, `recheck` must not find git contradicting it), or when it cites a
    postmortem record that exists (`postmortem:<id>`); any other link is unverified."""
    found = verification_of(evidence, org, recheck)
    return found.verified, len(found.links)


def window_of(packet: Record, rules: ReadinessSettings) -> tuple[dt.date, dt.date, bool]:
    """(from, to, clipped): the packet's window, at most `evidence_window_months` long;
    without a window, the months before today."""
    window = packet.get("window") if isinstance(packet.get("window"), dict) else {}
    end = parse_date(window.get("to")) or today()
    start = parse_date(window.get("from"))
    earliest = months_before(end, rules.evidence_window_months)
    if start is None:
        return earliest, end, False
    if start < earliest:
        return earliest, end, True
    return start, end, False


def window_ending(end: dt.date, rules: ReadinessSettings) -> tuple[dt.date, dt.date]:
    """The evidence window a packet without its own would have, ending on `end`: the
    `evidence_window_months` before it (the gap view reads a person's evidence in it)."""
    return months_before(end, rules.evidence_window_months), end


def evidence_for(
    org: Organisation,
    handle: str,
    competency: str,
    start: dt.date,
    end: dt.date,
    recheck: verification.Recheck | None = None,
) -> list[CitedEvidence]:
    """A person's own evidence that would count for a competency in a window, as a packet
    would cite it, oldest first; placeholder evidence (template text, TODO markers, a body
    too short to judge: record/placeholder) never counts."""
    found = []
    for record in org.evidence_by_author.get(handle, []):
        comps = record.get("competencies")
        if not isinstance(comps, list) or competency not in comps or placeholders.unfinished(record, org):
            continue
        cited = cite(org, record.id, handle, competency, start, end, recheck)
        if cited is not None and cited.counts:
            found.append(cited)
    return sorted(found, key=lambda ev: (ev.date, ev.id))


@dataclass
class CitedEvidence:
    id: str
    title: str
    date: str
    quarter: str
    type: str
    scope: str | None
    own: bool
    in_window: bool
    names_competency: bool
    links_verified: int
    links: int
    basis: str = verification.LABELS[verification.SELF_REPORTED]
    """What it rests on: "verified author", "verified reviewer", "corroborated by a postmortem
    record", "cited", "cited, not verified" or "self-reported" (verification.Verification.label)."""
    commits: list[str] = field(default_factory=list)
    """The commits its verified links rest on."""

    @property
    def verified(self) -> bool:
        return self.links_verified > 0

    @property
    def self_reported(self) -> bool:
        """Nothing but the candidate's word stands behind it."""
        return not self.verified

    @property
    def counts(self) -> bool:
        return self.own and self.in_window and self.names_competency


@dataclass
class CompetencyReadiness:
    id: str
    name: str
    dimension: str
    descriptor: str
    claims: list[str] = field(default_factory=list)
    evidence: list[CitedEvidence] = field(default_factory=list)
    placeholder_claim: bool = False
    """A claim was written but still holds a placeholder (TODO, template text): it counts as none."""

    @property
    def counted(self) -> list[CitedEvidence]:
        seen: dict[str, CitedEvidence] = {}
        for ev in self.evidence:
            if ev.counts:
                seen.setdefault(ev.id, ev)
        return list(seen.values())

    @property
    def widest_scope(self) -> str | None:
        ranked = [ev.scope for ev in self.counted if scope_rank(ev.scope) >= 0]
        return max(ranked, key=scope_rank) if ranked else None

    @property
    def quarters(self) -> list[str]:
        return sorted({ev.quarter for ev in self.counted})

    @property
    def self_reported(self) -> list[str]:
        """The counted evidence that rests on self-report alone (no verified link)."""
        return [ev.id for ev in self.counted if ev.self_reported]


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    competency: str | None = None
    disqualifying: bool = False
    blocking: bool = True
    """False for notes that do not stand in the way of readiness."""


@dataclass
class Readiness:
    packet: str
    path: str
    candidate: str
    name: str
    track: str
    current_level: str
    target_level: str
    target_title: str
    sponsor: str
    status: str
    window: tuple[str, str]
    window_clipped: bool
    competencies: list[CompetencyReadiness]
    findings: list[Finding]
    rules: list[str]
    quarters: list[str]
    scope_required: str | None
    scope_evidence: list[str]
    complexity_evidence: list[str]
    expectations: dict[str, str]

    @property
    def ready(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def disqualifying(self) -> list[Finding]:
        return [f for f in self.findings if f.disqualifying]

    @property
    def missing(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking and not f.disqualifying]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["ready"] = self.ready
        doc["verdict"] = "ready" if self.ready else "not yet"
        for comp, data in zip(self.competencies, doc["competencies"]):
            data["counted"] = [ev.id for ev in comp.counted]
            data["widest_scope"] = comp.widest_scope
            data["quarters"] = comp.quarters
            data["self_reported"] = comp.self_reported
            data["self_reported_share"] = (
                round(len(comp.self_reported) / len(comp.counted), 2) if comp.counted else None
            )
            for ev, ev_data in zip(comp.evidence, data["evidence"]):
                ev_data["verified"] = ev.verified
                ev_data["counts"] = ev.counts
        return doc


def target_competencies(org: Organisation, track: str, level: str) -> list[tuple[str, dict[str, Any], str]]:
    """(id, competency, descriptor) of every competency with a descriptor at `level`,
    grouped by the org's dimensions (in their order), then in matrix order."""
    order = {d.get("id"): i for i, d in enumerate(org.dimensions)}
    found = []
    for i, (cid, comp) in enumerate(org.competencies(track).items()):
        descriptor = org.descriptor(track, cid, level)
        if descriptor is not None:
            found.append((order.get(comp.get("dimension"), len(order)), i, cid, comp, descriptor))
    return [(cid, comp, desc) for _, _, cid, comp, desc in sorted(found, key=lambda t: (t[0], t[1]))]


def cite(
    org: Organisation,
    ev_id: str,
    candidate: str,
    competency: str,
    start: dt.date,
    end: dt.date,
    recheck: verification.Recheck | None = None,
) -> CitedEvidence | None:
    record = org.evidence.get(ev_id)
    if record is None:
        return None
    day = parse_date(record.get("date"))
    comps = record.get("competencies") if isinstance(record.get("competencies"), list) else []
    found = verification_of(record, org, recheck)
    return CitedEvidence(
        id=ev_id,
        title=str(record.get("title", "")),
        date=day.isoformat() if day else "",
        quarter=quarter_of(day) if day else "",
        type=str(record.get("type", "")),
        scope=record.get("scope") if record.get("scope") in SCOPES else None,
        own=record.owner == candidate and record.get("author") == candidate,
        in_window=day is not None and start <= day <= end,
        names_competency=competency in comps,
        links_verified=found.verified,
        links=len(found.links),
        basis=found.label,
        commits=[sha for b in found.links if b.verified for sha in b.commits],
    )


def check(org: Organisation, packet: Record, recheck: verification.Recheck | None = None) -> Readiness:
    """The readiness report of one packet (the records are assumed valid). `recheck` asks git
    about recorded resolutions when the clones are present (perfdocs.links.recheck); without
    it, the recorded blocks are all there is."""
    rules = settings.of(org).readiness
    candidate = str(packet.get("candidate"))
    person = org.people.get(candidate)
    track = str(person.get("track")) if person else ""
    target = str(packet.get("target_level"))
    start, end, clipped = window_of(packet, rules)
    level = org.level(track, target) or {}
    comps = {
        cid: CompetencyReadiness(cid, str(comp.get("name", cid)), str(comp.get("dimension", "")), desc)
        for cid, comp, desc in target_competencies(org, track, target)
    }
    findings: list[Finding] = []
    claims = [c for c in packet.get("claims") or [] if isinstance(c, dict)]
    for claim in claims:
        cid = claim.get("competency")
        comp = comps.get(cid) if isinstance(cid, str) else None
        refs = [e for e in claim.get("evidence") or [] if isinstance(e, str)]
        if comp is not None:
            if placeholders.reason(claim.get("claim"), org) is None:
                comp.claims.append(str(claim.get("claim", "")))
            else:
                comp.placeholder_claim = True  # a TODO claim is no claim yet
        if not refs:
            findings.append(
                Finding(
                    "readiness/claim-without-evidence",
                    f"the claim for {cid} cites no evidence: support it or remove it",
                    cid,
                    disqualifying=True,
                )
            )
        for ref in refs:
            cited = cite(org, ref, candidate, str(cid), start, end, recheck)
            if cited is None:
                continue  # an unknown reference is a validation error, reported by validate
            if comp is not None:
                comp.evidence.append(cited)
            if not cited.own:
                owner = org.evidence[ref].owner
                findings.append(
                    Finding(
                        "readiness/foreign-evidence",
                        f"{ref} is {owner}'s evidence, not {candidate}'s",
                        cid,
                        disqualifying=True,
                    )
                )
            if not cited.in_window:
                findings.append(
                    Finding(
                        "readiness/outside-window",
                        f"{ref} is dated {cited.date}, outside the window {start} to {end}",
                        cid,
                        disqualifying=True,
                    )
                )
            if not cited.names_competency:
                findings.append(
                    Finding(
                        "readiness/off-competency",
                        f"{ref} does not name {cid} among its competencies, so it does not count for it",
                        cid,
                    )
                )
    for comp in comps.values():
        if not comp.claims:
            findings.append(
                Finding(
                    "readiness/no-claim",
                    f"no claim for {comp.id} ({comp.dimension})"
                    f"{' (its claim is still a placeholder)' if comp.placeholder_claim else ''}: "
                    f'{target} expects "{comp.descriptor}"',
                    comp.id,
                )
            )
        elif len(comp.counted) < rules.min_evidence_per_competency:
            findings.append(
                Finding(
                    "readiness/too-little-evidence",
                    f"{comp.id} has {len(comp.counted)} counted evidence entr"
                    f"{'y' if len(comp.counted) == 1 else 'ies'}; at least "
                    f"{rules.min_evidence_per_competency} needed",
                    comp.id,
                )
            )
    counted: dict[str, CitedEvidence] = {}
    for comp in comps.values():
        for ev in comp.counted:
            counted.setdefault(ev.id, ev)
    quarters = sorted({ev.quarter for ev in counted.values()})
    if len(quarters) < rules.min_quarters:
        findings.append(
            Finding(
                "readiness/consistency",
                f"the counted evidence spans {len(quarters)} quarter"
                f"{'s' * (len(quarters) != 1)} ({', '.join(quarters) or 'none'}); "
                f"at least {rules.min_quarters} needed to show it is sustained",
            )
        )
    required = rules.scope_by_level.get(target)
    at_scope = sorted(ev.id for ev in counted.values() if required and scope_rank(ev.scope) >= scope_rank(required))
    if required and len(at_scope) < rules.min_scope_evidence:
        findings.append(
            Finding(
                "readiness/scope",
                f"{len(at_scope)} counted evidence {_entries(len(at_scope))} "
                f"benefit{'s' * (len(at_scope) == 1)} {required} or wider; at least {rules.min_scope_evidence} needed "
                f"at {target}",
            )
        )
    complex_ev = sorted(ev.id for ev in counted.values() if ev.type in rules.complexity_types)
    if len(complex_ev) < rules.min_complexity_evidence:
        findings.append(
            Finding(
                "readiness/complexity",
                f"{len(complex_ev)} counted evidence {_entries(len(complex_ev))} of type "
                f"{', '.join(rules.complexity_types)}; at least {rules.min_complexity_evidence} "
                "needed",
            )
        )
    unverified = sorted(ev.id for ev in counted.values() if not ev.verified)
    if unverified:
        findings.append(
            Finding(
                "readiness/unverified",
                f"{len(unverified)} of {len(counted)} counted evidence {_entries(len(counted))} "
                f"{'has' if len(unverified) == 1 else 'have'} no verified link "
                "(run `perfdocs links resolve --write`)"
                + (": " + ", ".join(unverified) if len(unverified) <= 5 else "; each is marked with its evidence"),
                blocking=rules.require_verified_links,
            )
        )
    return Readiness(
        packet=packet.id,
        path=packet.rel,
        candidate=candidate,
        name=str(person.get("name", candidate)) if person else candidate,
        track=track,
        current_level=str(packet.get("current_level")),
        target_level=target,
        target_title=str(level.get("title", target)),
        sponsor=str(packet.get("sponsor")),
        status=str(packet.get("status")),
        window=(start.isoformat(), end.isoformat()),
        window_clipped=clipped,
        competencies=list(comps.values()),
        findings=findings,
        rules=rule_lines(rules, target),
        quarters=quarters,
        scope_required=required,
        scope_evidence=at_scope,
        complexity_evidence=complex_ev,
        expectations={k: str(level[k]) for k in ("scope", "complexity", "consistency") if k in level},
    )


# The reports of a readiness check live in perfdocs.people.reports; these names stay for their callers.
render_text = reports.readiness_text
render_markdown = reports.readiness_markdown
