"""Reports: the text, Markdown and HTML of a readiness check, an advisory score and a calibration.

The computations (perfdocs.people.readiness, score, calibration) return plain values;
this module only words them, so a report can change without touching a rule.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from perfdocs.text import md_code, md_escape, plural

if TYPE_CHECKING:
    from perfdocs.people.calibration import Calibration
    from perfdocs.people.readiness import CitedEvidence, CompetencyReadiness, Readiness
    from perfdocs.people.score import Score


# --- promotion readiness (perfdocs packet check) -----------------------------------------


def _verdict(r: Readiness) -> str:
    if r.ready:
        return (
            f"Ready: every competency of {r.target_level} is supported by {r.candidate}'s own evidence "
            "inside the window, and nothing is missing."
        )
    parts = []
    if r.disqualifying:
        parts.append(plural(len(r.disqualifying), "disqualifying finding"))
    if r.missing:
        parts.append(plural(len(r.missing), "missing piece"))
    return "Not yet: " + " and ".join(parts) + "."


def _evidence_flags(ev: CitedEvidence) -> str:
    flags = ["own" if ev.own else "NOT the candidate's", "in window" if ev.in_window else "OUTSIDE the window"]
    if not ev.names_competency:
        flags.append("does not name this competency")
    if ev.links == 0:
        flags.append("self-reported (no links)")
    else:
        rests = f"; commits {_shas(ev.commits)}" if ev.commits else ""
        flags.append(f"{ev.basis} ({ev.links_verified} of {ev.links} links verified{rests})")
    return ", ".join(flags)


def _shas(commits: list[str], shown: int = 3) -> str:
    """Short shas of the commits evidence rests on, the first few of them."""
    more = f" and {len(commits) - shown} more" if len(commits) > shown else ""
    return " ".join(sha[:12] for sha in commits[:shown]) + more


def _self_reported(comp: CompetencyReadiness) -> str:
    """The share of a competency's counted evidence that rests on self-report alone."""
    if not comp.counted:
        return "no counted evidence"
    n, total = len(comp.self_reported), len(comp.counted)
    return f"{n} of {total} ({round(100 * n / total)}%)"


def _summary_rows(r: Readiness) -> list[tuple[str, str]]:
    q = ", ".join(r.quarters) or "none"
    window = f"{r.window[0]} to {r.window[1]}" + (" (shortened to the org's maximum)" if r.window_clipped else "")
    n = len(r.scope_evidence)
    scope = (
        f"{plural(n, 'entry', 'entries')} benefit{'s' * (n == 1)} {r.scope_required} or wider"
        if r.scope_required
        else "no scope required"
    )
    return [
        ("Packet", f"{r.path} ({r.status})"),
        ("Candidate", f"{r.name} ({r.candidate}), {r.track} {r.current_level} -> {r.target_level} {r.target_title}"),
        ("Sponsor", r.sponsor),
        ("Window", window),
        ("Consistency", f"{plural(len(r.quarters), 'quarter')}: {q}"),
        ("Scope", scope),
        ("Complexity", f"{plural(len(r.complexity_evidence), 'entry', 'entries')} of a complexity type"),
    ]


def _status(r: Readiness, comp: CompetencyReadiness) -> str:
    blocking = [f for f in r.findings if f.competency == comp.id and f.blocking]
    return "gap" if blocking else "met"


def readiness_text(r: Readiness) -> str:
    """The readiness report as `perfdocs packet check` prints it."""
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
                f"quarters: {', '.join(comp.quarters) or 'none'}; self-reported alone: {_self_reported(comp)}"
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


def readiness_markdown(r: Readiness) -> str:
    """The readiness report as a pull-request comment. Every value that comes from a record goes
    through md_escape (or md_code): a name, claim or descriptor is shown as written and can add
    no link, image, mention, HTML or table cell to the comment."""
    e = md_escape
    out = [
        f"## Promotion readiness: {e(r.name)} ({e(r.candidate)}), {e(r.current_level)} → {e(r.target_level)} "
        f"{e(r.target_title)}",
        "",
        f"**{e(_verdict(r))}**",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| {k} | {md_escape(v).replace(' -&gt; ', ' → ')} |" for k, v in _summary_rows(r)]
    out += [
        "",
        "| Competency | Dimension | Claims | Counted evidence | Self-reported alone | Widest scope | Quarters | Status |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for comp in r.competencies:
        alone = _self_reported(comp) if comp.counted else "-"
        out.append(
            f"| {e(comp.name)} | {e(comp.dimension)} | {len(comp.claims)} | {len(comp.counted)} | {alone} | "
            f"{e(comp.widest_scope or '-')} | {e(', '.join(comp.quarters) or '-')} | {_status(r, comp)} |"
        )
    for title, items in (
        ("Disqualifying findings", r.disqualifying),
        ("Missing pieces", r.missing),
        ("Notes", r.notes),
    ):
        out += ["", f"### {title}", ""]
        out += [f"- {e(f.message)} {md_code(f.rule)}" for f in items] or ["None."]
    out += ["", "<details><summary>Claims and the evidence they cite</summary>", ""]
    for comp in r.competencies:
        out += [
            f"**{e(comp.name)}** ({e(comp.dimension)}). {e(r.target_level)} expects: {e(comp.descriptor)}",
            "",
        ]
        if not comp.claims:
            out += ["- no claim", ""]
            continue
        out += [f"- Claim: {e(claim)}" for claim in comp.claims]
        out += [
            f"  - {md_code(ev.id)} {e(ev.date)} ({e(ev.quarter)}), {e(ev.type)}, scope {e(ev.scope or 'not stated')}: "
            f"{_evidence_flags(ev)}"
            for ev in comp.evidence
        ]
        out.append("")
    out += ["</details>", ""]
    if r.expectations:
        # inside HTML (the summary tag) Markdown escapes are not read: HTML's are
        out += [f"<details><summary>What {html.escape(r.target_level)} expects overall</summary>", ""]
        out += [f"- **{e(k.capitalize())}**: {e(v)}" for k, v in r.expectations.items()]
        out += ["", "</details>", ""]
    out += ["<details><summary>Rules applied (org.yaml <code>readiness:</code>)</summary>", ""]
    out += [f"- {e(line)}" for line in r.rules]
    out += [
        "",
        "</details>",
        "",
        "_Advisory: this checks the records against the published rules; people decide promotions._",
    ]
    return "\n".join(out) + "\n"


# --- the advisory score (perfdocs score) ----------------------------------------------


def score_text(s: Score) -> str:
    """The advisory score as `perfdocs score` prints it: every input with the entries it used
    and why each counted or not, the gate, and the kinds of evidence that would change it."""
    out = [
        f"Advisory score for {s.person}, {s.period}: {s.composite:.2f} (bounds {s.low:g}-{s.high:g})",
        "advisory: a prompt for a conversation, never a rating; every number below comes from a record "
        "or from org.yaml scoring",
        "",
        "How it weighs: each distinct piece of work counts once, however many entries describe it, and "
        "placeholders never count. A piece weighs its scope (who benefited)"
        + (
            f", x{s.below_level_factor:g} when narrower than the {s.expected_scope} that {s.level} expects "
            f"({s.expected_scope_from}),"
        )
        + " x what it rests on (verified, corroborated, self-reported) x its type's relevance. Within a competency "
        f"the k-th piece counts {s.diminishing:g}^(k-1); {plural(s.full_marks, 'weighted piece')} "
        f"earn{'s' * (s.full_marks == 1)} {s.high:g} "
        "in a dimension.",
        "",
        "Inputs (weight x sub-score = contribution):",
    ]
    for inp in s.inputs:
        out.append(
            f"  {inp.key:<14} {inp.weight:.2f} x {inp.subscore:.2f} = {inp.contribution:.2f}   {inp.explanation}"
        )
        for ev in inp.evidence:
            if ev["points"] or (inp.key != "scope" and ev["competency"]):
                where = f" in {ev['competency']}" if ev["competency"] else ""
                out.append(f"    + {ev['id']}{where}: {ev['points']:.2f}, {ev['why']}")
            else:
                out.append(f"    - {ev['id']}: {ev['why']}")
    total = sum(i.contribution for i in s.inputs)
    out.append(
        f"  {'sum':<14} {total:.2f}"
        + (f", kept within {s.low:g}-{s.high:g}: {s.uncapped:.2f}" if round(total, 2) != s.uncapped else "")
    )
    counted = sum(e.counted for e in s.entries)
    shown = {ev["id"] for inp in s.inputs for ev in inp.evidence}
    elsewhere = [e for e in s.entries if e.id not in shown]
    out += [
        "",
        f"Entries of {s.period}: {len(s.entries)}, counted as {plural(counted, 'distinct piece')} of work"
        + (f"; {s.outside_period} more dated outside {s.period} not used" if s.outside_period else ""),
    ]
    out += [f"    - {e.id}: {e.why}" for e in elsewhere]
    g = s.gate
    out += [
        "",
        f"Reliability gate ({'on' if g['enabled'] else 'off'}): harm = postmortem action items "
        f"{s.person} owns that are overdue, over {g['lookback_quarters']} quarters; caps at {g['cap']:g} "
        f"from {g['min_harm']}; {g['harm']} found, " + ("applied" if g["applied"] else "not applied"),
    ]
    out += [f"    {h.postmortem}: {h.title} ({h.status}, due {h.due})" for h in s.harm]
    out += ["  Participating in incidents or owning complex or legacy services is not harm."]
    out += ["", "Not used:"] + [f"  - {e}" for e in s.excluded]
    out += ["", "What kind of evidence would change it:"] + [f"  - {c}" for c in s.changes]
    return "\n".join(out) + "\n"


# --- calibration (perfdocs calibrate, the internal site) --------------------------------


_DIMENSIONS = {
    "team": "Team",
    "manager": "Manager (reviewer)",
    "track": "Track",
    "level": "Level",
    "reviewer": "Reviewer",
}


def _share(n: int, total: int) -> str:
    return f"{n} ({n / total * 100:.0f} %)" if total else str(n)


def _commit(sha: str, url: str | None) -> str:
    code = md_code(sha[:12])
    return f"[{code}](<{url.replace('{sha}', sha)}>)" if url else code


def _hidden_groups(cal: Calibration, also: str = "") -> str:
    """Which groups a table leaves out (`calibration.min_group`), as a sentence: none when it is 1."""
    if cal.min_group <= 1:
        return "Every group is shown (`calibration.min_group` is 1). "
    return (
        f"A group with fewer than {plural(cal.min_group, 'review')} is not shown{',' if also else ''}{also}, "
        "so that no small group's ratings can be worked out. "
    )


def _distribution(cal: Calibration) -> list[str]:
    e = md_escape
    out = [
        "## Rating distribution",
        "",
        "Each group's ratings against the rest of the organisation's: a chi-square test of independence "
        "(χ², its degrees of freedom and p-value) and Cramér's V (0: the same distribution, 1: nothing in "
        f"common). {_hidden_groups(cal, ' nor the smallest other groups while the hidden ones add up to fewer')}"
        f"**flag**: p below {cal.significance:g}, a pattern to discuss, not a finding about anyone (among "
        "many groups, some low p-values are chance).",
        "",
        "| All reviews | " + " | ".join(map(e, cal.scale)) + " | total |",
        "|---|" + "---|" * (len(cal.scale) + 1),
        "| organisation | "
        + " | ".join(_share(cal.overall.get(r, 0), cal.reviews) for r in cal.scale)
        + f" | {cal.reviews} |",
        "",
    ]
    for key, groups in cal.distribution.items():
        title = _DIMENSIONS.get(key, key.replace("_", " ").capitalize())
        out += [
            f"| {e(title)} | " + " | ".join(map(e, cal.scale)) + " | total | χ² (df) | p | V | flag |",
            "|---|" + "---|" * (len(cal.scale) + 5),
        ]
        for g in groups:
            if g.counts is None:
                out.append(f"| {e(g.name)} | fewer than {cal.min_group} |" + " |" * (len(cal.scale) + 4))
                continue
            stats = (
                f"{g.test.statistic:.2f} ({g.test.df}) | {g.test.p:.3f} | {g.test.v:.2f}"
                if g.test is not None
                else "- | - | -"
            )
            out.append(
                f"| {e(g.name)} | "
                + " | ".join(_share(g.counts.get(r, 0), g.size) for r in cal.scale)
                + f" | {g.size} | {stats} | {'**flag**' if g.flagged else ''} |"
            )
        if not groups:
            out.append("| none |" + " |" * (len(cal.scale) + 5))
        out.append("")
    return out


def _against_rubric(cal: Calibration) -> list[str]:
    e = md_escape
    out = [
        "## Ratings against the rubric",
        "",
        f"Each person's own evidence in {e(cal.period)} for the competencies of their current level (verified: "
        "at least one entry with a link checked against git). People are held against the ladder, never "
        "against each other; a rating that departs from its evidence is a question for the meeting.",
        "",
    ]
    if not cal.coverage:
        return out + ["No reviews.", ""]
    out += [
        "| Person | Level | Rating | With evidence | Verified | No evidence in the period |",
        "|---|---|---|---|---|---|",
    ]
    for c in cal.coverage:
        missing = [comp.id for comp in c.competencies if not comp.counted]
        out.append(
            f"| {e(c.person)} | {e(c.track)} {e(c.level)} | {e(c.rating)} | {len(c.covered)} of {len(c.competencies)} "
            f"| {len(c.verified)} | {e(', '.join(missing)) or 'none'} |"
        )
    out += ["", "### Questions for the meeting", ""]
    out += [f"- {md_code(c.review)} ({e(c.reviewer)}): {e(c.question)}" for c in cal.questions] or ["None."]
    return out + [""]


def _previews_and_changes(cal: Calibration) -> list[str]:
    e = md_escape
    out = ["## Ratings previews", "", "What calibrators noted on each review before the meeting.", ""]
    if cal.previews:
        out += ["| Review | Calibrator | Verdict | Note |", "|---|---|---|---|"]
        out += [f"| {md_code(p.review)} | {e(p.calibrator)} | {e(p.verdict)} | {e(p.note)} |" for p in cal.previews]
    else:
        out.append("None recorded.")
    out += [
        "",
        "## Rating changes",
        "",
        "Ratings changed in calibration (the review records `calibration: {changed_from, note}`) and after "
        "the meeting (from the git history of the review file, the audit trail: each change links its commit).",
        "",
    ]
    if cal.changes:
        out += ["| Review | Before | Now | When | Note | Commits |", "|---|---|---|---|---|---|"]
        for c in cal.changes:
            commits = ", ".join(f"{_commit(sha, cal.commit_url)} ({day})" for sha, day in c.commits) or "-"
            note = e(c.note) if c.note is not None else "**no note**"
            when = "after the meeting" if c.after_meeting else "in calibration"
            out.append(f"| {md_code(c.review)} | {e(c.before)} | {e(c.after)} | {when} | {note} | {commits} |")
    else:
        out.append("None.")
    out += [
        "",
        "## Rubric version",
        "",
        "The commit of the ladder (tracks, matrices, competency sets) each review was judged against: "
        "recorded in the review (`rubric:`), or the last ladder commit before the review file's first.",
        "",
        "| Review | Rubric commit | Source |",
        "|---|---|---|",
    ]
    out += [
        f"| {md_code(rid)} | {_commit(sha, cal.commit_url) if sha else 'unknown'} | {e(source)} |"
        for rid, sha, source in cal.rubric
    ] or ["| none | | |"]
    return out + [""]


def _language(cal: Calibration) -> list[str]:
    if cal.language is None:
        return []
    e = md_escape
    out = [
        "## Review language",
        "",
        "Findings of the review-language check (`perfdocs review lint`), counted by reviewer and by the reviewed "
        f"people's attributes. {_hidden_groups(cal).rstrip()}",
        "",
    ]
    for key, rows in cal.language.items():
        title = _DIMENSIONS.get(key, key.replace("_", " ").capitalize())
        out += [f"| {e(title)} | Reviews | Findings | Per review |", "|---|---|---|---|"]
        for group, found in rows:
            if group.counts is None:
                out.append(f"| {e(group.name)} | fewer than {cal.min_group} | | |")
            else:
                n = group.counts["reviews"]
                out.append(f"| {e(group.name)} | {n} | {found} | {found / n:.1f} |")
        out.append("")
    return out


def calibration_markdown(cal: Calibration) -> str:
    """The calibration pack as Markdown; every value from a record through md_escape or md_code."""
    e = md_escape
    out = [
        f"# Calibration {e(cal.period)}",
        "",
        f"{cal.reviews} review{'s' * (cal.reviews != 1)} in {e(cal.period)}. "
        "Advisory: a starting point for the calibration conversation, not its outcome.",
        "",
    ]
    if cal.audience is not None:
        out += [
            f"Only records visible to the {cal.audience} audience are used here; private records (the "
            "people, their managers and reviewers only) are not. `perfdocs calibrate`, run by someone "
            "with access to the records, gives the full view.",
            "",
        ]
    out += _distribution(cal)
    out += _against_rubric(cal)
    out += ["## Ratings that depart from the published completion rules", ""]
    if cal.departures:
        out += ["| Person | Reviewer | Completion | Rated | Rules give | |", "|---|---|---|---|---|---|"]
        out += [
            f"| {e(d.person)} | {e(d.reviewer)} | {d.completion:g} % | {e(d.recorded)} | {e(d.rule)} | "
            f"{e(d.direction)} |"
            for d in cal.departures
        ]
    else:
        out.append("None: every rating is the one the rules give for its completion.")
    if cal.kr_mismatches:
        out += [
            "",
            "Key-result completion recorded in a review that differs from the goal's own numbers "
            "(baseline, target, current):",
            "",
            "| Person | Reviewer | Key result | Recorded | Goal's numbers give |",
            "|---|---|---|---|---|",
        ]
        out += [f"| {e(p)} | {e(r)} | {e(k)} | {rec:g} % | {comp:g} % |" for p, r, k, rec, comp in cal.kr_mismatches]
    out += ["", "| Reviewer | Reviews | Departures |", "|---|---|---|"]
    out += [f"| {e(r)} | {n} | {d} |" for r, (n, d) in cal.by_reviewer.items()] or ["| none | 0 | 0 |"]
    out += [""]
    out += _previews_and_changes(cal)
    out += ["## Claims without evidence", ""]
    out += [f"- {md_code(p)} {e(c)}: {e(text)}" for p, c, text in cal.unsupported_claims] or ["None."]
    seen = f"visible to the {cal.audience} audience " if cal.audience else ""
    out += [
        "",
        "## No invisible work recorded",
        "",
        f"People with no evidence {seen}in {e(cal.period)} of type {e(', '.join(cal.invisible_types))}:",
        "",
    ]
    out += [f"- {e(h)}" for h in cal.no_invisible_work] or ["None."]
    out += [""]
    out += _language(cal)
    h = cal.health
    deadline = (
        f"{h.done_by_deadline} of {cal.reviews} committed final or delivered by the deadline ({h.deadline})"
        if h.done_by_deadline is not None
        else (f"deadline {h.deadline}, not checked: no git history" if h.deadline else "no deadline set")
    )
    appeals = ", ".join(f"{n} {e(o)}" for o, n in sorted(h.appeals.items())) or "none recorded"
    out += [
        "## Process health",
        "",
        f"- Reviews of {e(cal.period)}: {h.done} of {cal.reviews} final or delivered; {deadline}.",
        f"- Feedback citing verified evidence: {h.feedback_verified} of {h.feedback} quotes "
        f"({h.feedback_verified / h.feedback * 100:.0f} %)."
        if h.feedback
        else "- Feedback citing verified evidence: no feedback recorded.",
        f"- Ratings changed in calibration: {h.changed_in_calibration} of {cal.reviews} reviews.",
        f"- Appeals: {appeals}.",
        "",
        "### Review completion per cycle",
        "",
        "| Cycle | People | Final or delivered | Draft | Rate |",
        "|---|---|---|---|---|",
    ]
    for p, expected, done, draft in cal.completion_by_cycle:
        rate = f"{done / expected * 100:.0f} %" if expected else "-"
        out.append(f"| {e(p)} | {expected} | {done} | {draft} | {rate} |")
    out += ["", "### Time in level", "", "| Person | Track | Level | Years in level |", "|---|---|---|---|"]
    out += [
        f"| {e(h)} | {e(t)} | {e(lv)} | {'unknown' if y is None else f'{y:g}'} |" for h, t, lv, y in cal.time_in_level
    ]
    out += ["", "### Packets per level and outcome", ""]
    if cal.packets_by_level:
        statuses = sorted({s for c in cal.packets_by_level.values() for s in c})
        out += ["| Target level | " + " | ".join(map(e, statuses)) + " |", "|---|" + "---|" * len(statuses)]
        out += [
            f"| {e(lv)} | " + " | ".join(str(c.get(s, 0)) for s in statuses) + " |"
            for lv, c in cal.packets_by_level.items()
        ]
    else:
        out.append("No packets.")
    return "\n".join(out) + "\n"


def calibration_html(cal: Calibration, standalone: bool = False) -> str:
    """The calibration view as HTML (a fragment, or a whole page with `standalone`);
    Markdown is rendered with raw HTML off, so record text cannot inject markup."""
    from markdown_it import MarkdownIt
    from markupsafe import escape

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(calibration_markdown(cal))
    if not standalone:
        return str(body)
    title = escape(f"Calibration {cal.period}")
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )
