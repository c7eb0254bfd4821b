"""Promotion readiness: a packet's claims checked against the target level's competencies.

Every threshold comes from the org's `readiness:` settings (org.yaml), which the site
publishes; the defaults below apply only where the org leaves a setting out, and the
report always prints the thresholds it used. The result is a set of findings a sponsor
can act on, never a verdict: a packet is "ready" when nothing is missing, and "not yet"
with the missing pieces listed otherwise.

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
- readiness/unverified: counted evidence with no verified link (resolved by `perfdocs links resolve --write`, or an existing postmortem)
  (a note; it blocks only when `require_verified_links` is true).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from perfdocs.dates import parse_date, quarter_of, today
from perfdocs.diagnostics import Diagnostic
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, inside
from perfdocs.records import linkforms as refs
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.repo.scaffold import text_env
from perfdocs.text import did_you_mean

SCOPES = ("self", "team", "multi-team", "org")
"""Who benefited, narrowest first (the evidence schema's `scope`)."""

DEFAULTS: dict[str, Any] = {
    "evidence_window_months": 12,
    "min_evidence_per_competency": 1,
    "consistency": {"min_quarters": 2},
    "scope": {"by_level": {}, "min_evidence": 2},
    "complexity": {"evidence_types": ["rfc", "design-doc", "incident", "postmortem"], "min_evidence": 1},
    "require_verified_links": False,
}


@dataclass(frozen=True)
class ReadinessRules:
    """The org's readiness thresholds (org.yaml `readiness:`), defaults filled in."""

    evidence_window_months: int
    min_evidence_per_competency: int
    min_quarters: int
    scope_by_level: dict[str, str]
    min_scope_evidence: int
    complexity_types: tuple[str, ...]
    min_complexity_evidence: int
    require_verified_links: bool

    @classmethod
    def of(cls, org: Organisation) -> ReadinessRules:
        cfg = org.setting("readiness") or {}
        cfg = cfg if isinstance(cfg, dict) else {}

        def sub(name: str, key: str) -> Any:
            part = cfg.get(name)
            value = part.get(key) if isinstance(part, dict) else None
            return DEFAULTS[name][key] if value is None else value

        return cls(
            evidence_window_months=int(cfg.get("evidence_window_months", DEFAULTS["evidence_window_months"])),
            min_evidence_per_competency=int(
                cfg.get("min_evidence_per_competency", DEFAULTS["min_evidence_per_competency"])
            ),
            min_quarters=int(sub("consistency", "min_quarters")),
            scope_by_level=dict(sub("scope", "by_level")),
            min_scope_evidence=int(sub("scope", "min_evidence")),
            complexity_types=tuple(sub("complexity", "evidence_types")),
            min_complexity_evidence=int(sub("complexity", "min_evidence")),
            require_verified_links=bool(cfg.get("require_verified_links", DEFAULTS["require_verified_links"])),
        )

    def lines(self, target: str) -> list[str]:
        """The thresholds in words, as the report prints them."""
        scope = self.scope_by_level.get(target)
        return [
            f"evidence counts when it is the candidate's own, dated inside the window (at most "
            f"{self.evidence_window_months} months), and names the competency it is cited for",
            f"at least {self.min_evidence_per_competency} counted evidence "
            f"{_entries(self.min_evidence_per_competency)} for every competency of the target level",
            f"consistency: counted evidence spread over at least {self.min_quarters} quarters",
            (
                f"scope: at least {self.min_scope_evidence} counted evidence "
                f"{_entries(self.min_scope_evidence)} benefiting {scope} or wider"
                if scope
                else f"scope: no scope is required at {target}"
            ),
            f"complexity: at least {self.min_complexity_evidence} counted evidence "
            f"{_entries(self.min_complexity_evidence)} of type " + ", ".join(self.complexity_types),
            "verified links: " + ("required" if self.require_verified_links else "reported, not required"),
        ]


def evidence_types() -> list[str]:
    from perfdocs.records.schemas import schema_documents

    return list(schema_documents()["evidence.schema.json"]["properties"]["type"]["enum"])


def config_problems(org: Organisation) -> list[Diagnostic]:
    """Readiness settings the schema cannot judge: levels and evidence types that exist."""
    cfg = org.setting("readiness")
    if org.org is None or not isinstance(cfg, dict):
        return []
    out = []
    levels = {lv["id"] for track in org.tracks for lv in org.levels(track)}
    by_level = (cfg.get("scope") or {}).get("by_level") if isinstance(cfg.get("scope"), dict) else None
    for level in by_level or {}:
        if level not in levels:
            out.append(
                org.org.diag(
                    "readiness/config",
                    f"no track has a level '{level}'{did_you_mean(level, sorted(levels))}",
                    ("readiness", "scope", "by_level", level),
                    key=True,
                )
            )
    types = evidence_types()
    complexity = cfg.get("complexity") if isinstance(cfg.get("complexity"), dict) else {}
    for i, etype in enumerate(complexity.get("evidence_types") or []):
        if etype not in types:
            out.append(
                org.org.diag(
                    "readiness/config",
                    f"unknown evidence type '{etype}'{did_you_mean(etype, types)}",
                    ("readiness", "complexity", "evidence_types", i),
                )
            )
    return out


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def scope_rank(scope: object) -> int:
    return SCOPES.index(scope) if scope in SCOPES else -1


def link_ref(link: object) -> str | None:
    if isinstance(link, dict):
        return link.get("ref") if isinstance(link.get("ref"), str) else None
    return link if isinstance(link, str) else None


def verified_links(evidence: Record, org: Organisation) -> tuple[int, int]:
    """(links verified, links in all). A link is verified when it carries the `resolved`
    data `perfdocs links resolve --write` records, or when it cites a postmortem record
    that exists (`postmortem:<id>`); any other plain link is unverified."""
    links = evidence.get("links")
    links = links if isinstance(links, list) else []
    done = sum(
        1
        for link in links
        if isinstance(link, dict)
        and isinstance(link.get("resolved"), dict)
        and link["resolved"]
        or _cites_postmortem(link_ref(link), org)
    )
    return done, len(links)


def _cites_postmortem(text: str | None, org: Organisation) -> bool:
    ref = refs.parse(text) if text else None
    return ref is not None and ref.kind == refs.POSTMORTEM and ref.postmortem in org.postmortems


def window_of(packet: Record, rules: ReadinessRules) -> tuple[dt.date, dt.date, bool]:
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


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


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

    @property
    def verified(self) -> bool:
        return self.links_verified > 0

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

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["ready"] = self.ready
        doc["verdict"] = "ready" if self.ready else "not yet"
        for comp, data in zip(self.competencies, doc["competencies"]):
            data["counted"] = [ev.id for ev in comp.counted]
            data["widest_scope"] = comp.widest_scope
            data["quarters"] = comp.quarters
            for ev, ev_data in zip(comp.evidence, data["evidence"]):
                ev_data["verified"] = ev.verified
                ev_data["counts"] = ev.counts
        return doc


def target_competencies(org: Organisation, track: str, level: str) -> list[tuple[str, dict, str]]:
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
    org: Organisation, ev_id: str, candidate: str, competency: str, start: dt.date, end: dt.date
) -> CitedEvidence | None:
    record = org.evidence.get(ev_id)
    if record is None:
        return None
    day = parse_date(record.get("date"))
    comps = record.get("competencies") if isinstance(record.get("competencies"), list) else []
    done, total = verified_links(record, org)
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
        links_verified=done,
        links=total,
    )


def check(org: Organisation, packet: Record) -> Readiness:
    """The readiness report of one packet (the records are assumed valid)."""
    rules = ReadinessRules.of(org)
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
        comp = comps.get(cid)
        refs = [e for e in claim.get("evidence") or [] if isinstance(e, str)]
        if comp is not None:
            comp.claims.append(str(claim.get("claim", "")))
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
            cited = cite(org, ref, candidate, str(cid), start, end)
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
                    f'no claim for {comp.id} ({comp.dimension}): {target} expects "{comp.descriptor}"',
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
        rules=rules.lines(target),
        quarters=quarters,
        scope_required=required,
        scope_evidence=at_scope,
        complexity_evidence=complex_ev,
        expectations={k: str(level[k]) for k in ("scope", "complexity", "consistency") if k in level},
    )


# --- reports ------------------------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _md(text: object) -> str:
    """User text inside Markdown: no raw HTML, no table breaks."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _verdict(r: Readiness) -> str:
    if r.ready:
        return (
            f"Ready: every competency of {r.target_level} is supported by {r.candidate}'s own evidence "
            "inside the window, and nothing is missing."
        )
    parts = []
    if r.disqualifying:
        parts.append(_plural(len(r.disqualifying), "disqualifying finding"))
    if r.missing:
        parts.append(_plural(len(r.missing), "missing piece"))
    return "Not yet: " + " and ".join(parts) + "."


def _evidence_flags(ev: CitedEvidence) -> str:
    flags = ["own" if ev.own else "NOT the candidate's", "in window" if ev.in_window else "OUTSIDE the window"]
    if not ev.names_competency:
        flags.append("does not name this competency")
    if ev.links == 0:
        flags.append("unverified (no links)")
    elif ev.verified:
        flags.append(f"verified ({ev.links_verified} of {ev.links} links resolved)")
    else:
        flags.append(f"unverified (0 of {ev.links} links resolved)")
    return ", ".join(flags)


def _summary_rows(r: Readiness) -> list[tuple[str, str]]:
    q = ", ".join(r.quarters) or "none"
    window = f"{r.window[0]} to {r.window[1]}" + (" (shortened to the org's maximum)" if r.window_clipped else "")
    n = len(r.scope_evidence)
    scope = (
        f"{_plural(n, 'entry', 'entries')} benefit{'s' * (n == 1)} {r.scope_required} or wider"
        if r.scope_required
        else "no scope required"
    )
    return [
        ("Packet", f"{r.path} ({r.status})"),
        ("Candidate", f"{r.name} ({r.candidate}), {r.track} {r.current_level} -> {r.target_level} {r.target_title}"),
        ("Sponsor", r.sponsor),
        ("Window", window),
        ("Consistency", f"{_plural(len(r.quarters), 'quarter')}: {q}"),
        ("Scope", scope),
        ("Complexity", f"{_plural(len(r.complexity_evidence), 'entry', 'entries')} of a complexity type"),
    ]


def _status(r: Readiness, comp: CompetencyReadiness) -> str:
    blocking = [f for f in r.findings if f.competency == comp.id and f.blocking]
    return "gap" if blocking else "met"


def render_text(r: Readiness) -> str:
    out = [
        f"Promotion readiness: {r.candidate} {r.current_level} -> {r.target_level} ({r.target_title})",
        "",
        _verdict(r),
        "",
    ]
    width = max(len(k) for k, _ in _summary_rows(r))
    out += [f"  {k + ':':<{width + 1}} {v}" for k, v in _summary_rows(r)]
    dimension = None
    for comp in r.competencies:
        if comp.dimension != dimension:
            dimension = comp.dimension
            out += ["", f"{dimension}"]
        out.append(f'  {comp.id} [{_status(r, comp)}]: {r.target_level} expects "{comp.descriptor}"')
        if not comp.claims:
            out.append("    no claim")
        for claim in comp.claims:
            out.append(f"    claim: {claim}")
        for ev in comp.evidence:
            out.append(
                f"      {ev.id} ({ev.date}, {ev.quarter}, {ev.type}, scope {ev.scope or 'not stated'}): "
                f"{_evidence_flags(ev)}"
            )
        if comp.claims:
            out.append(
                f"    counted: {len(comp.counted)}; widest scope: {comp.widest_scope or 'not stated'}; "
                f"quarters: {', '.join(comp.quarters) or 'none'}"
            )
    for title, items in (
        ("Disqualifying findings", r.disqualifying),
        ("Missing pieces", r.missing),
        ("Notes", r.notes),
    ):
        out += ["", f"{title}:"]
        out += [f"  - {f.message} [{f.rule}]" for f in items] or ["  none"]
    if r.expectations:
        out += ["", f"What {r.target_level} expects overall (judge the complexity with these in mind):"]
        out += [f"  - {k}: {v}" for k, v in r.expectations.items()]
    out += ["", "Rules applied (org.yaml readiness):"] + [f"  - {line}" for line in r.rules]
    out += ["", "Advisory: this checks the records against the published rules; people decide promotions."]
    return "\n".join(out) + "\n"


def render_markdown(r: Readiness) -> str:
    out = [
        f"## Promotion readiness: {_md(r.name)} ({r.candidate}), {r.current_level} → {r.target_level} "
        f"{_md(r.target_title)}",
        "",
        f"**{_verdict(r)}**",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| {k} | {_md(v).replace(' -&gt; ', ' → ')} |" for k, v in _summary_rows(r)]
    out += [
        "",
        "| Competency | Dimension | Claims | Counted evidence | Widest scope | Quarters | Status |",
        "|---|---|---|---|---|---|---|",
    ]
    for comp in r.competencies:
        out.append(
            f"| {_md(comp.name)} | {comp.dimension} | {len(comp.claims)} | {len(comp.counted)} | "
            f"{comp.widest_scope or '-'} | {', '.join(comp.quarters) or '-'} | {_status(r, comp)} |"
        )
    for title, items in (
        ("Disqualifying findings", r.disqualifying),
        ("Missing pieces", r.missing),
        ("Notes", r.notes),
    ):
        out += ["", f"### {title}", ""]
        out += [f"- {_md(f.message)} `{f.rule}`" for f in items] or ["None."]
    out += ["", "<details><summary>Claims and the evidence they cite</summary>", ""]
    for comp in r.competencies:
        out += [f"**{_md(comp.name)}** ({comp.dimension}). {r.target_level} expects: {_md(comp.descriptor)}", ""]
        if not comp.claims:
            out += ["- no claim", ""]
            continue
        out += [f"- Claim: {_md(claim)}" for claim in comp.claims]
        out += [
            f"  - `{ev.id}` {ev.date} ({ev.quarter}), {ev.type}, scope {ev.scope or 'not stated'}: "
            f"{_evidence_flags(ev)}"
            for ev in comp.evidence
        ]
        out.append("")
    out += ["</details>", ""]
    if r.expectations:
        out += [f"<details><summary>What {r.target_level} expects overall</summary>", ""]
        out += [f"- **{k.capitalize()}**: {_md(v)}" for k, v in r.expectations.items()]
        out += ["", "</details>", ""]
    out += ["<details><summary>Rules applied (org.yaml <code>readiness:</code>)</summary>", ""]
    out += [f"- {_md(line)}" for line in r.rules]
    out += [
        "",
        "</details>",
        "",
        "_Advisory: this checks the records against the published rules; people decide promotions._",
    ]
    return "\n".join(out) + "\n"


# --- drafts -------------------------------------------------------------------------------


def plan_draft(
    org: Organisation, root: Path, handle: str, target: str, slug: str | None = None, sponsor: str | None = None
) -> tuple[Path, str]:
    """(path, text) of a draft packet for `handle` at `target`, from their evidence."""
    person = org.people.get(handle)
    if person is None:
        raise PerfdocsError(f"unknown person '{handle}'")
    track, current = str(person.get("track")), str(person.get("level"))
    levels = [lv["id"] for lv in org.levels(track)]
    if target not in levels:
        raise PerfdocsError(f"--target {target!r} is not a level of track {track}; choose from: {', '.join(levels)}")
    if not org.is_above(track, target, current):
        raise PerfdocsError(f"--target {target} is not above {handle}'s level {current} in track {track}")
    sponsor = sponsor or person.get("manager")
    if not isinstance(sponsor, str) or sponsor not in org.people:
        raise PerfdocsError(f"{handle} has no manager on record: name the sponsor with --sponsor HANDLE")
    rules = ReadinessRules.of(org)
    end = today()
    start = months_before(end, rules.evidence_window_months)
    own = [
        ev
        for ev in org.evidence_by_author.get(handle, [])
        if (day := parse_date(ev.get("date"))) is not None and start <= day <= end
    ]
    names = {d.get("id"): str(d.get("name", d.get("id"))) for d in org.dimensions}
    groups: list[dict] = []
    claims = 0
    for cid, comp, descriptor in target_competencies(org, track, target):
        evidence = [
            {
                "id": ev.id,
                "date": str(ev.get("date")),
                "type": ev.get("type"),
                "scope": ev.get("scope"),
                "title": str(ev.get("title", "")),
            }
            for ev in own
            if cid in (ev.get("competencies") or [])
        ]
        claims += bool(evidence)
        dim = comp.get("dimension")
        if not groups or groups[-1]["id"] != dim:
            groups.append({"id": dim, "name": names.get(dim, str(dim)), "competencies": []})
        groups[-1]["competencies"].append(
            {"id": cid, "name": str(comp.get("name", cid)), "descriptor": descriptor, "evidence": evidence}
        )
    level = org.level(track, target) or {}
    title = str(level.get("title", target))
    slug = slug or f"{end.year}-{target}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug):
        raise PerfdocsError(f"--slug {slug!r} is not a valid id (ASCII letters, digits, '.', '_' and '-')")
    rel = f"people/{handle}/packets/{slug}.md"
    text = (
        text_env("drafts")
        .get_template("packet.md.j2")
        .render(
            candidate=handle,
            name=str(person.get("name", handle)),
            current=current,
            target=target,
            target_title=title,
            sponsor=sponsor,
            window_from=start.isoformat(),
            window_to=end.isoformat(),
            today=end.isoformat(),
            groups=groups,
            claims=claims,
            expectations={k: str(level[k]) for k in ("scope", "complexity", "consistency") if k in level},
            summary=f"Draft: the case for {handle} at {target} ({title}); replace with two or three sentences.",
        )
    )
    return inside(root, root / rel), text


def write_draft(
    org: Organisation, root: Path, handle: str, target: str, slug: str | None = None, sponsor: str | None = None
) -> Path:
    path, text = plan_draft(org, root, handle, target, slug, sponsor)
    if path.exists():
        raise PerfdocsError(
            f"{path.relative_to(root.resolve()).as_posix()} already exists; a draft never "
            "replaces a packet (choose another name with --slug)"
        )
    atomic_write(path, text)
    return path
