"""The packet pages: the example promotion packets, each with its claims, the evidence
they cite (with what each entry rests on: its verification and commits, as on its own
page), and the readiness check of `perfdocs packet check` as the audience may see it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs.records.load import Record
from perfdocs.site import search
from perfdocs.site.pages.evidence import verification
from perfdocs.site.pages.page import Page
from perfdocs.site.view import View, level_url, packet_url

# Which finding rules fail each readiness threshold, in the order of ReadinessRules.lines().
_THRESHOLD_RULES = (
    (
        "readiness/claim-without-evidence",
        "readiness/foreign-evidence",
        "readiness/outside-window",
        "readiness/off-competency",
    ),
    ("readiness/no-claim", "readiness/too-little-evidence"),
    ("readiness/consistency",),
    ("readiness/scope",),
    ("readiness/complexity",),
    ("readiness/unverified",),
)


def readiness(view: View, packet: Record) -> dict[str, Any]:
    """The readiness check of `perfdocs packet check`, as this audience may see it.

    The check reads every cited entry, visible or not; its verdict and per-threshold
    results are shown, but its detailed messages (which quote dates, titles and
    descriptors) only when the audience may see everything the packet cites.
    """
    from perfdocs.people import readiness
    from perfdocs.rules import RULES

    org = view.org
    result = readiness.check(org, packet)
    rules = readiness.ReadinessRules.of(org)
    failed = {f.rule for f in result.findings if f.blocking}
    noted = {f.rule for f in result.findings}
    checks = []
    for line, ids in zip(rules.lines(str(packet.get("target_level"))), _THRESHOLD_RULES):
        state = "missing" if failed & set(ids) else "note" if noted & set(ids) else "ok"
        # The thresholds are org settings: quoted only when the org record is published.
        checks.append((line if view.sees(org.org) else RULES.get(ids[-1], ids[-1]), state))
    cited = {
        e
        for c in packet.get("claims") or []
        if isinstance(c, dict)
        for e in c.get("evidence") or []
        if isinstance(e, str)
    }
    detailed = all(view.sees(org.evidence.get(e)) for e in cited) and view.matrix(result.track) is not None
    findings = [
        {
            "rule": f.rule,
            "text": f.message if detailed else RULES.get(f.rule, f.rule),
            "disqualifying": f.disqualifying,
            "blocking": f.blocking,
        }
        for f in result.findings
    ]
    if not detailed:  # generic texts repeat: one line per rule
        findings = list({f["rule"]: f for f in findings}.values())
    comps = view.competencies(result.track)
    rows = (
        [
            {
                "id": c.id,
                "name": comps.get(c.id, {}).get("name", c.id),
                "claims": len(c.claims),
                "evidence": len(c.evidence),
                "counted": len(c.counted),
                "quarters": len(c.quarters),
                "ok": not any(f.competency == c.id and f.blocking for f in result.findings),
            }
            for c in result.competencies
        ]
        if comps
        else []
    )
    return {
        "ready": result.ready,
        "checks": checks,
        "findings": findings,
        "rows": rows,
        "covered": sum(r["ok"] for r in rows),
        "total": len(rows),
        "window": result.window,
        "detailed": detailed,
    }


def packet_pages(view: View, cited_by: dict[str, list[str]]) -> Iterator[Page]:
    org = view.org
    packets = sorted(view.shown(org.packets), key=lambda p: p.id)
    listing = [
        {
            "id": p.id,
            "url": packet_url(p.id),
            "candidate": view.person(p.get("candidate")),
            "current": p.get("current_level"),
            "target": p.get("target_level"),
            "track": org.person_track(p.get("candidate")),
            "status": p.get("status"),
            "summary": p.get("summary"),
        }
        for p in packets
    ]
    yield Page(
        "packets/index.html",
        "packets.html.j2",
        "Example packets",
        "packets",
        {"packets": listing, "hidden": view.hidden(org.packets)},
        [search.entry("packets/index.html", "Example promotion packets", "Packets")],
    )
    for p in packets:
        track = org.person_track(p.get("candidate")) or ""
        comps = view.competencies(track)
        claims = []
        for claim in p.get("claims") or []:
            if not isinstance(claim, dict):
                continue
            evidence = []
            for eid in claim.get("evidence") or []:
                ev = org.evidence.get(eid) if isinstance(eid, str) else None
                url = view.link("evidence", eid)
                evidence.append(
                    {
                        "id": eid,
                        "url": url,
                        "title": ev.get("title") if url and ev else None,
                        "date": ev.get("date") if url and ev else None,
                        # What the claim rests on: shown only with the entry itself.
                        "verification": verification(view, ev) if url and ev else None,
                    }
                )
            cid: Any = claim.get("competency")
            claims.append(
                {
                    "competency": (comps.get(cid) or {}).get("name", cid),
                    "competency_id": cid,
                    "claim": claim.get("claim"),
                    "evidence": evidence,
                    "descriptor": view.descriptor(track, str(cid), p.get("target_level")),
                }
            )
        target = p.get("target_level")
        title = f"{view.person(p.get('candidate'))}: {p.get('current_level')} to {target}"
        yield Page(
            packet_url(p.id),
            "packet.html.j2",
            title,
            "packets",
            {
                "packet": p,
                "candidate": view.person(p.get("candidate")),
                "sponsor": view.person(p.get("sponsor")),
                "claims": claims,
                "readiness": readiness(view, p),
                "track": track,
                "target_url": level_url(track, target)
                if view.sees(org.tracks.get(track)) and org.level(track, str(target))
                else None,
            },
            [search.entry(packet_url(p.id), title, "Packet", p.get("summary"), *(c["claim"] for c in claims), p.body)],
        )
