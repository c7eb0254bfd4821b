"""Pages: the organisation, as one audience may see it, turned into the site's pages.

Everything here goes through `View`, which asks `perfdocs.visibility` about every
record before it is shown or linked: a record the audience may not see is neither
rendered nor linked to, and a reference to it is shown as plain text. Pages are
produced lazily, one at a time, so a site of any size is built in constant memory
per page; no page lists the whole site.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from perfdocs import dates
from perfdocs.records import visibility
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.site import search
from perfdocs.site.charts import Band, Chart, fmt, trend_chart
from perfdocs.site.rubric_history import Change

NOT_SHOWN = {"public": "not public", "internal": "not published"}


@dataclass
class Page:
    path: str
    """Where the page goes, relative to the site root ('/'-separated)."""
    template: str
    title: str
    section: str
    context: dict[str, Any] = field(default_factory=dict)
    search: list[search.Entry] = field(default_factory=list)


# --- urls (relative to the site root) ---------------------------------------------------

def level_url(track: str, level: str) -> str:
    return f"rubric/{track}/{level}.html"


def evidence_url(eid: str) -> str:
    return f"evidence/{eid}.html"


def _page(folder: str, rid: str) -> str:
    """`folder/<id>.html`, except for the id 'index', whose page would be the folder's own
    index: it gets '_index.html' (no id starts with '_')."""
    return f"{folder}/{'_index' if rid == 'index' else rid}.html"


def author_url(handle: str) -> str:
    return _page("evidence", handle)


def packet_url(pid: str) -> str:
    return f"packets/{pid}.html"


def postmortem_url(pid: str) -> str:
    return f"postmortems/{pid}.html"


def team_url(tid: str) -> str:
    return _page("teams", tid)


def anchor(*parts: str) -> str:
    return "-".join(p.replace("/", "--") for p in parts)


def metric_url(mid: str) -> str:
    return f"metrics/index.html#{anchor('metric', mid)}"


def goal_url(gid: str) -> str:
    return f"goals/index.html#{anchor('goal', gid)}"


def word_diff(old: str | None, new: str) -> Markup:
    """`new`, with the words that are not in `old` marked <ins>."""
    if not old:
        return Markup(escape(new))
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        words = escape(" ".join(b[j1:j2]))
        if not words:
            continue
        out.append(str(words) if op == "equal" else f"<ins>{words}</ins>")
    return Markup(" ".join(out))


def progress(baseline: Any, target: Any, current: Any) -> int | None:
    """Percent of the way from baseline to target (0-100), whichever the direction."""
    try:
        span = float(target) - float(baseline)
        if span == 0:
            return 100 if float(current) == float(target) else 0
        return max(0, min(100, round((float(current) - float(baseline)) / span * 100)))
    except (TypeError, ValueError):
        return None


class View:
    """The organisation as one audience sees it."""

    def __init__(self, org: Organisation, audience: str) -> None:
        if audience not in visibility.AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        self.org = org
        self.audience = audience
        self.not_shown = NOT_SHOWN[audience]

    def sees(self, record: Record | None) -> bool:
        return record is not None and visibility.visible(record.visibility, self.audience)

    def shown(self, index: dict[str, Record]) -> list[Record]:
        return [r for r in index.values() if self.sees(r)]

    def person(self, handle: Any) -> str:
        """A person's name when their record is visible, else their handle (already in the record)."""
        rec = self.org.people.get(handle) if isinstance(handle, str) else None
        return str(rec.get("name", handle)) if self.sees(rec) else str(handle)

    def team_name(self, tid: Any) -> str:
        rec = self.org.teams.get(tid) if isinstance(tid, str) else None
        return str(rec.get("name", tid)) if self.sees(rec) else str(tid)

    def link(self, kind: str, rid: Any) -> str | None:
        """The url of a record, or None when it does not exist or may not be seen."""
        if not isinstance(rid, str):
            return None
        rec = self.org.of_kind(kind).get(rid)
        if not self.sees(rec):
            return None
        return {"evidence": evidence_url, "packet": packet_url, "postmortem": postmortem_url,
                "team": team_url, "metric": metric_url, "goal": goal_url}[kind](rid)

    def tracks(self) -> list[Record]:
        return self.shown(self.org.tracks)

    def matrix(self, track: str) -> Record | None:
        matrix = self.org.matrix_for(track)
        return matrix if self.sees(matrix) else None

    def competencies(self, track: str) -> dict[str, dict]:
        """A track's competencies, or none when its matrix may not be seen."""
        return self.org.competencies(track) if self.matrix(track) is not None else {}

    def descriptor(self, track: str, competency: str, level: Any) -> str | None:
        if not isinstance(level, str) or self.matrix(track) is None:
            return None
        return self.org.descriptor(track, competency, level)

    def setting(self, key: str, default: Any = None) -> Any:
        """An org setting, when the org record itself may be seen."""
        return self.org.setting(key, default) if self.sees(self.org.org) else default

    @property
    def dimensions(self) -> list[dict]:
        return self.org.dimensions if self.sees(self.org.org) else []

    def dimension_name(self, did: Any) -> str:
        for d in self.dimensions:
            if d.get("id") == did:
                return str(d.get("name", did))
        return str(did)


# --- the rubric ---------------------------------------------------------------------------

def cell(org: Organisation, track: str, comp: dict, level: str) -> dict[str, Any]:
    """A competency at a level: its text in force and how it differs from the level below."""
    raw = (comp.get("descriptors") or {}).get(level)
    text = org.descriptor(track, comp["id"], level)
    below = org.level_below(track, level)
    below_text = org.descriptor(track, comp["id"], below) if below else None
    note = raw.get("note") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and raw.get("unchanged"):
        state = "unchanged"
    elif text is None:
        state = "none"
    elif below is None:
        state = "first"
    elif below_text is None:
        state = "new"
    elif below_text != text:
        state = "changed"
    else:
        state = "same"
    marked = word_diff(below_text, text) if state == "changed" else Markup(escape(text or ""))
    return {"level": level, "below": below, "text": text, "below_text": below_text,
            "state": state, "note": note, "marked": marked}


def track_table(view: View, track: Record) -> dict[str, Any]:
    org, tid = view.org, track.id
    levels = org.levels(tid)
    matrix = view.matrix(tid)
    rows = []
    if matrix is not None:
        for comp in org.competencies(tid).values():
            rows.append({"id": comp["id"], "name": comp.get("name", comp["id"]),
                         "anchor": anchor(tid, comp["id"]),
                         "dimension": view.dimension_name(comp.get("dimension")),
                         "summary": comp.get("summary"),
                         "cells": [cell(org, tid, comp, lv["id"]) for lv in levels]})
    return {"id": tid, "name": track.get("name", tid), "description": track.get("description"),
            "levels": [{**lv, "url": level_url(tid, lv["id"])} for lv in levels],
            "rows": rows, "has_matrix": matrix is not None}


def rubric_pages(view: View) -> Iterator[Page]:
    org = view.org
    tables = [track_table(view, t) for t in view.tracks()]
    entries = []
    for table in tables:
        entries.append(search.entry(f"rubric/index.html#{anchor('track', table['id'])}",
                                    f"{table['name']} competency matrix", "Rubric", table["description"]))
        for row in table["rows"]:
            entries.append(search.entry(
                f"rubric/index.html#{row['anchor']}", f"{row['name']} ({table['name']})", "Competency",
                row["summary"], *(c["text"] for c in row["cells"] if c["state"] != "unchanged"),
                limit=2000))
    yield Page("rubric/index.html", "rubric.html.j2", "Rubric", "rubric", {"tracks": tables}, entries)
    for table in tables:
        tid = table["id"]
        for lv in table["levels"]:
            below_id = org.level_below(tid, lv["id"])
            below = org.level(tid, below_id) if below_id else None
            above = [{"id": x["id"], "title": x.get("title"), "url": level_url(tid, x["id"])}
                     for x in org.levels(tid) if org.level_below(tid, x["id"]) == lv["id"]]
            aspects = [{"name": name, "text": lv.get(name),
                        "below": below.get(name) if below else None,
                        "marked": word_diff(below.get(name) if below else None, str(lv.get(name, "")))
                        if below and below.get(name) != lv.get(name) else Markup(escape(lv.get(name, "")))}
                       for name in ("scope", "complexity", "consistency")]
            by_dim: dict[str, list] = defaultdict(list)
            for row in table["rows"]:
                c = next(c for c in row["cells"] if c["level"] == lv["id"])
                by_dim[row["dimension"]].append({**row, "cell": c})
            counts = defaultdict(int)
            for rows in by_dim.values():
                for r in rows:
                    counts[r["cell"]["state"]] += 1
            title = f"{lv.get('title', lv['id'])} ({lv['id']}), {table['name']}"
            yield Page(lv["url"], "level.html.j2", title, "rubric", {
                "track": table, "level": lv, "below": below and {**below, "url": level_url(tid, below["id"])},
                "above": above, "aspects": aspects, "dimensions": list(by_dim.items()),
                "counts": dict(counts)},
                [search.entry(lv["url"], title, "Level", lv.get("summary"),
                              *(lv.get(a) for a in ("scope", "complexity", "consistency")),
                              *(r["cell"]["text"] for rows in by_dim.values() for r in rows), limit=4000)])


def history_page(view: View, history: list[Change] | None) -> Page:
    shown_files = {}
    for t in view.tracks():
        shown_files[t.rel] = f"{t.get('name', t.id)} levels"
        matrix = view.matrix(t.id)
        if matrix is not None:
            shown_files[matrix.rel] = f"{t.get('name', t.id)} competency matrix"
    commits: list[dict[str, Any]] = []
    for c in history or []:
        if c.file not in shown_files:
            continue
        if not commits or commits[-1]["sha"] != c.sha:
            commits.append({"sha": c.sha, "date": c.date, "subject": c.subject, "author": c.author, "files": []})
        commits[-1]["files"].append({"label": shown_files[c.file], "changes": c.changes, "skipped": c.skipped})
    return Page("rubric/history.html", "history.html.j2", "Rubric history", "history",
                {"commits": commits, "in_git": history is not None},
                [search.entry("rubric/history.html", "Rubric history", "History",
                              *(c["subject"] for c in commits[:50]))])


# --- packets and evidence -----------------------------------------------------------------

# Which finding rules fail each readiness threshold, in the order of ReadinessRules.lines().
_THRESHOLD_RULES = (
    ("readiness/claim-without-evidence", "readiness/foreign-evidence", "readiness/outside-window",
     "readiness/off-competency"),
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
    cited = {e for c in packet.get("claims") or [] if isinstance(c, dict)
             for e in c.get("evidence") or [] if isinstance(e, str)}
    detailed = (all(view.sees(org.evidence.get(e)) for e in cited)
                and view.matrix(result.track) is not None)
    findings = [{"rule": f.rule, "text": f.message if detailed else RULES.get(f.rule, f.rule),
                 "disqualifying": f.disqualifying, "blocking": f.blocking} for f in result.findings]
    if not detailed:  # generic texts repeat: one line per rule
        findings = list({f["rule"]: f for f in findings}.values())
    comps = view.competencies(result.track)
    rows = [{"id": c.id, "name": comps.get(c.id, {}).get("name", c.id), "claims": len(c.claims),
             "evidence": len(c.evidence), "counted": len(c.counted), "quarters": len(c.quarters),
             "ok": not any(f.competency == c.id and f.blocking for f in result.findings)}
            for c in result.competencies] if comps else []
    return {"ready": result.ready, "checks": checks, "findings": findings, "rows": rows,
            "covered": sum(r["ok"] for r in rows), "total": len(rows),
            "window": result.window, "detailed": detailed}


def packet_pages(view: View, cited_by: dict[str, list[str]]) -> Iterator[Page]:
    org = view.org
    packets = sorted(view.shown(org.packets), key=lambda p: p.id)
    listing = [{"id": p.id, "url": packet_url(p.id), "candidate": view.person(p.get("candidate")),
                "current": p.get("current_level"), "target": p.get("target_level"),
                "track": org.person_track(p.get("candidate")), "status": p.get("status"),
                "summary": p.get("summary")} for p in packets]
    yield Page("packets/index.html", "packets.html.j2", "Example packets", "packets", {"packets": listing},
               [search.entry("packets/index.html", "Example promotion packets", "Packets")])
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
                evidence.append({"id": eid, "url": url, "title": ev.get("title") if url else None,
                                 "date": ev.get("date") if url else None})
            cid = claim.get("competency")
            claims.append({"competency": (comps.get(cid) or {}).get("name", cid), "competency_id": cid,
                           "claim": claim.get("claim"), "evidence": evidence,
                           "descriptor": view.descriptor(track, str(cid), p.get("target_level"))})
        target = p.get("target_level")
        title = f"{view.person(p.get('candidate'))}: {p.get('current_level')} to {target}"
        yield Page(packet_url(p.id), "packet.html.j2", title, "packets", {
            "packet": p, "candidate": view.person(p.get("candidate")), "sponsor": view.person(p.get("sponsor")),
            "claims": claims, "readiness": readiness(view, p), "track": track,
            "target_url": level_url(track, target) if view.sees(org.tracks.get(track))
            and org.level(track, str(target)) else None},
            [search.entry(packet_url(p.id), title, "Packet", p.get("summary"),
                          *(c["claim"] for c in claims), p.body)])


def evidence_pages(view: View, cited_by: dict[str, list[str]]) -> Iterator[Page]:
    org = view.org
    authors = []
    for handle in sorted(org.evidence_by_author):
        entries = [e for e in org.evidence_by_author[handle] if view.sees(e)]
        if not entries:
            continue
        authors.append({"handle": handle, "name": view.person(handle), "url": author_url(handle),
                        "count": len(entries), "entries": entries})
    yield Page("evidence/index.html", "evidence_index.html.j2", "Evidence", "evidence",
               {"authors": authors}, [])
    for author in authors:
        yield Page(author["url"], "evidence_author.html.j2", f"Evidence by {author['name']}", "evidence", {
            "author": author,
            "entries": [{"url": evidence_url(e.id), "title": e.get("title"), "date": e.get("date"),
                         "type": e.get("type")} for e in reversed(author["entries"])]}, [])
        track = org.person_track(author["handle"]) or ""
        comps = view.competencies(track)
        # Only what the page shows of its author: an entry's page must not change (and be
        # rendered again) when another entry of the same author does.
        byline = {"name": author["name"], "url": author["url"]}
        for ev in author["entries"]:
            links = []
            for item in ev.get("links") or []:
                ref = item.get("ref") if isinstance(item, dict) else item
                ref = str(ref)
                if ref.startswith("postmortem:"):
                    url = view.link("postmortem", ref.split(":", 1)[1])
                    links.append({"text": ref, "url": url, "external": False})
                elif ref.lower().startswith(("http://", "https://")):
                    links.append({"text": ref, "url": ref, "external": True})
                else:
                    links.append({"text": ref, "url": None, "external": False})
            goals = [{"id": g, "url": view.link("goal", g)} for g in ev.get("goals") or []]
            competencies = [{"id": c, "name": (comps.get(c) or {}).get("name", c)}
                            for c in ev.get("competencies") or []]
            packets = [{"id": pid, "url": packet_url(pid)} for pid in cited_by.get(ev.id, [])
                       if view.sees(org.packets.get(pid))]
            yield Page(evidence_url(ev.id), "evidence.html.j2", str(ev.get("title")), "evidence", {
                "ev": ev, "author": byline, "links": links, "goals": goals, "competencies": competencies,
                "collaborators": [view.person(c) for c in ev.get("collaborators") or []],
                "packets": packets},
                [search.entry(evidence_url(ev.id), str(ev.get("title")), "Evidence",
                              author["name"], ev.get("date"), " ".join(c["name"] for c in competencies),
                              ev.body)])


def postmortem_pages(view: View) -> Iterator[Page]:
    for pm in sorted(view.shown(view.org.postmortems), key=lambda r: r.id):
        yield Page(postmortem_url(pm.id), "postmortem.html.j2", str(pm.get("title")), "evidence", {
            "pm": pm, "team": {"name": view.team_name(pm.get("team")), "url": view.link("team", pm.get("team"))},
            "participants": [view.person(h) for h in pm.get("participants") or []],
            "actions": [{**a, "owner": view.person(a.get("owner"))} for a in pm.get("action_items") or []
                        if isinstance(a, dict)]},
            [search.entry(postmortem_url(pm.id), str(pm.get("title")), "Postmortem", pm.body)])


# --- metrics, dashboards, goals ---------------------------------------------------------

def metrics_page(view: View, today: dt.date) -> Page:
    org = view.org
    users: dict[str, list] = defaultdict(list)
    for kpi in view.shown(org.kpis):
        if view.sees(org.teams.get(kpi.get("team"))):
            users[str(kpi.get("metric"))].append({"name": view.team_name(kpi.get("team")),
                                                  "url": team_url(kpi.get("team"))})
    metrics = []
    for m in sorted(view.shown(org.metrics), key=lambda r: str(r.get("name", r.id)).lower()):
        review = m.get("review") or {}
        last = dates.parse_date(str(review.get("last_reviewed", "")))
        cadence = review.get("cadence_days")
        due = last + dt.timedelta(days=cadence) if last and isinstance(cadence, int) else None
        metrics.append({"m": m, "anchor": anchor("metric", m.id), "owner": view.person(m.get("owner")),
                        "due": due, "overdue": bool(due and due < today),
                        "days_overdue": (today - due).days if due and due < today else 0,
                        "teams": users.get(m.id, []), "dora": _dora_explained(org, m)})
    entries = [search.entry(f"metrics/index.html#{x['anchor']}", str(x["m"].get("name")), "Metric",
                            x["m"].get("purpose"), x["m"].get("calculation")) for x in metrics]
    return Page("metrics/index.html", "metrics.html.j2", "Metrics catalogue", "metrics",
                {"metrics": metrics, "today": today}, entries)


def _dora_explained(org: Organisation, metric: Record) -> dict[str, Any] | None:
    from perfdocs.metrics import dora

    return dora.explain(org, metric)


def kpi_panel(view: View, kpi: Record) -> dict[str, Any]:
    org = view.org
    metric = org.metrics.get(kpi.get("metric"))
    metric = metric if view.sees(metric) else None
    values = [v for v in kpi.get("values") or [] if isinstance(v, dict)]
    points = [(str(v.get("period")), v.get("value")) for v in values
              if isinstance(v.get("value"), (int, float))]
    target = (kpi.get("target") or {}).get("value")
    baseline = (kpi.get("baseline") or {}).get("value")
    bands = [Band(str(t.get("label")), t.get("min"), t.get("max"))
             for t in (metric.get("thresholds") or [] if metric else []) if isinstance(t, dict)]
    notes = [(str(a.get("period")), str(a.get("text"))) for a in kpi.get("annotations") or []
             if isinstance(a, dict)]
    name = str(metric.get("name")) if metric else str(kpi.get("metric"))
    unit = str(metric.get("unit", "")) if metric else ""
    direction = metric.get("direction") if metric else None
    current = points[-1][1] if points else None
    on_target = None
    if current is not None and target is not None and direction in ("higher-is-better", "lower-is-better"):
        on_target = current >= target if direction == "higher-is-better" else current <= target
    chart = trend_chart(Chart(points, title=f"{name}: trend", unit=unit, target=target, baseline=baseline,
                              bands=bands, annotations=notes))
    return {"kpi": kpi, "name": name, "unit": unit, "metric_url": view.link("metric", kpi.get("metric")),
            "direction": direction, "current": current, "current_period": points[-1][0] if points else None,
            "target": target, "target_by": (kpi.get("target") or {}).get("by"), "baseline": baseline,
            "on_target": on_target, "chart": chart, "points": points, "notes": notes, "fmt": fmt,
            "core": bool(kpi.get("core")), "anchor": anchor("kpi", kpi.id), **kpi_signals(view, kpi, metric, current)}


def kpi_signals(view: View, kpi: Record, metric: Record | None, current: Any) -> dict[str, Any]:
    """The DORA band, flagged trends, and the formula (with its configuration and where the
    latest value came from) shown beside a KPI's figures."""
    from perfdocs.metrics import dora, kpis

    explained = dora.explain(view.org, metric, view.org.teams.get(kpi.get("team"))) if metric else None
    latest = next((v for v in reversed(kpis_values(kpi)) if isinstance(v.get("value"), (int, float))), None)
    provenance = latest.get("provenance") if latest and isinstance(latest.get("provenance"), dict) else None
    return {"band": dora.band(current, metric.get("thresholds")) if explained else None,
            "trends": [t.describe() for t in kpis.kpi_trends(view.org, kpi)],
            "formula": explained["formula"] if explained else (metric.get("calculation") if metric else None),
            "config": explained["config"] if explained else {},
            "provenance": provenance}


def kpis_values(kpi: Record) -> list[dict]:
    values = [v for v in kpi.get("values") or [] if isinstance(v, dict)]
    return sorted(values, key=lambda v: str(v.get("period")))


def dora_rollup(view: View, teams: list[Record], panels_by_team: dict[str, list[dict]]) -> dict[str, Any]:
    """The org roll-up: each team's latest value and band of each DORA metric, and its flagged trends."""
    from perfdocs.metrics import dora

    metrics = dora.dora_metrics(view.org)
    columns = [{"key": k, "name": dora.NAMES[k], "id": metrics[k].id, "unit": str(metrics[k].get("unit", ""))}
               for k in dora.KEYS if k in metrics and view.sees(metrics[k])]
    rows = []
    for t in teams:
        cells = []
        for c in columns:
            panel = next((p for p in panels_by_team.get(t.id, []) if p["kpi"].get("metric") == c["id"]), None)
            cells.append({"value": panel["current"], "period": panel["current_period"], "band": panel["band"],
                          "url": f"{team_url(t.id)}#{panel['anchor']}"} if panel and panel["current"] is not None
                         else None)
        trends = sum(len(p["trends"]) for p in panels_by_team.get(t.id, []))
        rows.append({"name": t.get("name", t.id), "url": team_url(t.id), "cells": cells, "trends": trends})
    flagged = [{"team": t.get("name", t.id), "kpi": p["name"], "url": f"{team_url(t.id)}#{p['anchor']}", "text": text}
               for t in teams for p in panels_by_team.get(t.id, []) for text in p["trends"]]
    return {"columns": columns, "rows": rows, "fmt": fmt, "flagged": flagged}


def team_pages(view: View) -> Iterator[Page]:
    org = view.org
    teams = sorted(view.shown(org.teams), key=lambda r: str(r.get("name", r.id)).lower())
    kpis_by_team: dict[str, list[Record]] = defaultdict(list)
    for kpi in view.shown(org.kpis):
        kpis_by_team[str(kpi.get("team"))].append(kpi)
    listing = [{"id": t.id, "name": t.get("name", t.id), "url": team_url(t.id), "mission": t.get("mission"),
                "kpis": len(kpis_by_team.get(t.id, []))} for t in teams]
    panels_by_team = {t.id: [kpi_panel(view, k) for k in sorted(kpis_by_team.get(t.id, []),
                                                                key=lambda k: (not k.get("core"), k.id))]
                      for t in teams}
    yield Page("teams/index.html", "teams.html.j2", "Team dashboards", "teams",
               {"teams": listing, "rollup": dora_rollup(view, teams, panels_by_team)},
               [search.entry("teams/index.html", "Team dashboards", "Teams")])
    for t in teams:
        panels = panels_by_team[t.id]
        yield Page(team_url(t.id), "team.html.j2", f"{t.get('name', t.id)} dashboard", "teams", {
            "team": t, "members": [view.person(h) for h in t.get("members") or []],
            "manager": view.person(t.get("manager")) if t.get("manager") else None, "panels": panels},
            [search.entry(team_url(t.id), f"{t.get('name', t.id)} dashboard", "Team", t.get("mission"),
                          *(p["name"] for p in panels))])


def goals_page(view: View) -> Page:
    org = view.org
    goals = view.shown(org.goals)
    shown = {g.id for g in goals}
    children: dict[str, list[Record]] = defaultdict(list)
    roots = []
    for g in goals:
        parent = g.get("parent")
        if isinstance(parent, str) and parent in shown and parent != g.id:
            children[parent].append(g)
        else:
            roots.append(g)
    order = {"company": 0, "team": 1, "individual": 2}

    def node(g: Record, seen: frozenset[str]) -> dict[str, Any]:
        owner = g.get("owner")
        owner_name = (view.team_name(owner) if g.get("level") == "team" else view.person(owner)) if owner else None
        krs = [{**kr, "progress": progress(kr.get("baseline"), kr.get("target"), kr.get("current")),
                "metric_url": view.link("metric", kr.get("metric"))}
               for kr in g.get("key_results") or [] if isinstance(kr, dict)]
        kids = [node(c, seen | {g.id}) for c in sorted(children.get(g.id, []),
                                                       key=lambda r: (order.get(r.get("level"), 3), r.id))
                if c.id not in seen]
        return {"g": g, "anchor": anchor("goal", g.id), "owner": owner_name, "krs": krs, "children": kids}

    periods: dict[str, list] = defaultdict(list)
    for g in sorted(roots, key=lambda r: (order.get(r.get("level"), 3), r.id)):
        periods[str(g.get("period"))].append(node(g, frozenset()))
    tree = sorted(periods.items(), reverse=True)
    return Page("goals/index.html", "goals.html.j2", "Goals", "goals", {"periods": tree},
                [search.entry(goal_url(g.id), str(g.get("objective")), "Goal", g.get("period"),
                              *(kr.get("description") for kr in g.get("key_results") or []
                                if isinstance(kr, dict))) for g in goals])


def home_page(view: View) -> Page:
    org = view.org
    dims = []
    for d in view.dimensions:
        by_track = []
        for t in view.tracks():
            comps = [{"name": c.get("name", c["id"]), "url": f"rubric/index.html#{anchor(t.id, c['id'])}"}
                     for c in view.competencies(t.id).values() if c.get("dimension") == d.get("id")]
            if comps:
                by_track.append((t.get("name", t.id), comps))
        dims.append({**d, "competencies": by_track})
    tracks = [{"id": t.id, "name": t.get("name", t.id), "levels": len(org.levels(t.id)),
               "url": f"rubric/index.html#{anchor('track', t.id)}"} for t in view.tracks()]
    readiness = view.setting("readiness")
    readiness = readiness if isinstance(readiness, dict) else {}
    scoring = view.setting("scoring")
    scoring = scoring if isinstance(scoring, dict) else {}
    weights = scoring.get("weights") if isinstance(scoring.get("weights"), dict) else {}
    names = {d.get("id"): d.get("name") for d in view.dimensions}
    rules = None
    if readiness:
        from perfdocs.people.readiness import ReadinessRules

        rules = ReadinessRules.of(org)
    return Page("index.html", "home.html.j2", "How evaluation works", "home", {
        "dimensions": dims, "tracks": tracks, "rating_scale": view.setting("rating_scale", []) or [],
        "cadence": view.setting("review_cadence_quarters"), "description": view.setting("description"),
        "readiness": {"text": readiness.get("description"),
                      "lines": [line for line in rules.lines("") if not line.startswith("scope:")] if rules else [],
                      "scope_by_level": sorted(rules.scope_by_level.items()) if rules else [],
                      "min_scope": rules.min_scope_evidence if rules else None},
        "scoring": {"text": scoring.get("description"),
                    "weights": [(names.get(k) or str(k).capitalize(), v) for k, v in weights.items()]}},
        [search.entry("index.html", "How evaluation works", "Home", view.setting("description"),
                      *(d.get("description") for d in dims))])


def calibration_pages(view: View) -> Iterator[Page]:
    """The calibration view (perfdocs.calibration) of the latest review period: on the
    internal site only, never the public one, and only from records it may see."""
    from perfdocs.people import calibration

    period = calibration.latest_review_period(view.org)
    if view.audience != "internal" or period is None:
        return
    html = calibration.render_html(view.org, period, audience=view.audience)
    yield Page("calibration/index.html", "calibration.html.j2", f"Calibration {period}", "calibration",
               {"body": Markup(html), "period": period})


def all_pages(view: View, history: list[Change] | None, today: dt.date) -> Iterator[Page]:
    """Every page of the site, in a stable order."""
    cited_by: dict[str, list[str]] = defaultdict(list)
    for p in view.org.packets.values():
        for claim in p.get("claims") or []:
            for eid in (claim.get("evidence") or []) if isinstance(claim, dict) else []:
                if isinstance(eid, str) and p.id not in cited_by[eid]:
                    cited_by[eid].append(p.id)
    yield home_page(view)
    yield from rubric_pages(view)
    yield history_page(view, history)
    yield from packet_pages(view, cited_by)
    yield from evidence_pages(view, cited_by)
    yield from postmortem_pages(view)
    yield metrics_page(view, today)
    yield from team_pages(view)
    yield goals_page(view)
    yield from calibration_pages(view)
    yield Page("search.html", "search.html.j2", "Search", "search", {}, [])
