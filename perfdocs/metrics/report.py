"""The text of `perfdocs kpi dora`: each metric's formula, policy and figures, the whole-window
summary against a benchmark edition, and with --explain every deployment and why it counted.

Team-level only: nothing here names a person (deployments carry refs and shas, never authors).
"""

from __future__ import annotations

from typing import Any

from perfdocs.metrics.benchmarks import compared
from perfdocs.text import plural


def _sample(key: str, figure: Any) -> str:
    if key == "deployment-frequency":
        text = plural(figure.sample, "deployment")
    elif key == "change-lead-time":
        text = plural(figure.sample, "commit") + (f", p90 {figure.extra['p90']}" if "p90" in figure.extra else "")
    elif key == "change-fail-rate":
        text = f"{figure.extra.get('failed', 0)} of {plural(figure.sample, 'deployment')} failed"
    elif key == "deployment-rework-rate":
        text = f"{figure.extra.get('rework', 0)} of {plural(figure.sample, 'deployment')} rework"
    else:
        text = plural(figure.sample, "recovery", "recoveries")
    return text + ("" if figure.complete else " (partial period)")


def bands_text(thresholds: list[dict[str, Any]]) -> str:
    parts = []
    for t in thresholds:
        lo, hi = t.get("min"), t.get("max")
        if lo is not None and hi is not None:
            parts.append(f"{t['label']} {lo} to < {hi}")
        elif lo is not None:
            parts.append(f"{t['label']} >= {lo}")
        elif hi is not None:
            parts.append(f"{t['label']} < {hi}")
    return "; ".join(parts)


def insufficient(sample: int, minimum: int) -> str:
    """How a figure with too small a sample is shown instead of a number."""
    return f"insufficient data (n={sample}, needs {minimum})" if minimum else "no data"


def _value(figure: Any, minimum: int) -> tuple[str, str]:
    if figure.insufficient:
        return "-", insufficient(figure.sample, minimum)
    return ("-" if figure.value is None else str(figure.value)), figure.band or "-"


def render_text(result: Any, explain: bool = False) -> str:
    title = (
        f"DORA metrics of team {result.team}, {result.since} to {result.until} by {result.granularity} "
        f"(repositories: {', '.join(result.repositories) or 'none'})"
    )
    lines = [title]
    factor = None
    for m in result.metrics:
        if m.factor != factor:
            factor = m.factor
            lines += ["", f"== {factor} =="]
        source = f"metric {m.metric}, {m.source}" if m.metric else "no metric definition record: defaults, no bands"
        lines += ["", f"{m.name} ({m.unit}) - {source}", f"  policy: {m.policy}", f"  formula: {m.formula}"]
        if m.config:
            lines.append("  configuration: " + ", ".join(f"{k}={v}" for k, v in m.config.items()))
        if m.thresholds:
            lines.append(f"  bands: {bands_text(m.thresholds)}")
        if m.min_sample:
            lines.append(f"  minimum sample: {m.min_sample}")
        for note in m.limitations:
            lines.append(f"  limitation: {note}")
        lines.append(f"  {'period':<10}{'value':>7}  {'band':<6}  sample")
        for f in m.figures:
            value, label = _value(f, m.min_sample)
            lines.append(f"  {f.period:<10}{value:>7}  {label:<6}  {_sample(m.key, f)}")
    lines += summary_lines(result)
    if result.warnings:
        lines += ["", "Warnings:"] + [f"  {w}" for w in result.warnings]
    if explain:
        lines += explain_lines(result)
    return "\n".join(lines) + "\n"


def summary_lines(result: Any) -> list[str]:
    """The whole-window summary: each metric's figure, its bucket (or the linear scale it is placed
    on) and 0-10 score against the industry mean, then each factor's score and the overall one."""
    found = result.assessment
    if not found:
        return []
    legacy = " (legacy edition)" if found.get("legacy") else ""
    segment = f", industry means: {found['segment_name']}" if found.get("segment_name") else ""
    lines = [
        "",
        f"Whole window {result.since} to {result.until}, against benchmark {found['edition']}{legacy} "
        f"({found.get('title')}, {found.get('source')}){segment}:",
    ]
    for m in result.metrics:
        entry = found["metrics"].get(m.key, {})
        if entry.get("insufficient"):
            where = insufficient(entry.get("sample", 0), m.min_sample)
        elif entry.get("note"):
            where = f"{entry['value']} {m.unit}; {entry['note']}"
        else:
            where = f"{entry.get('value')} {m.unit}: {entry.get('placement')}, score {entry.get('score')}/10"
        lines.append(f"  {m.name}: {where}; {industry_mean(entry)}")
    for factor, data in found["factors"].items():
        score = data["score"]
        name = f"{factor} (scored as {data['scored_as']})" if data.get("scored_as") else factor
        text = f"{score}/10 (mean of {', '.join(data['from'])})" if score is not None else "no score (no metric scored)"
        lines.append(f"  {name}: {text}{_versus_factor(data)}")
    overall = found.get("overall")
    if overall:
        score = overall["score"]
        text = (
            f"{score}/10 (mean of {plural(len(overall['from']), 'metric score')})"
            if score is not None
            else "no score (no metric scored)"
        )
        lines.append(f"  overall: {text}{_versus_factor(overall)}")
    return lines


def industry_mean(entry: dict[str, Any]) -> str:
    """'industry mean 5.5 (std 2.4): 0.5 above', or why there is none."""
    mean = entry.get("mean")
    if mean is None:
        return "industry mean: not given in this edition"
    std = f" (std {entry['std']})" if entry.get("std") is not None else ""
    versus = compared(entry.get("versus_mean"))
    return f"industry mean {mean}{std}" + (f": {versus}" if versus else "")


def _versus_factor(data: dict[str, Any]) -> str:
    return f"; {industry_mean(data)}" if data.get("mean") is not None else ""


def explain_lines(result: Any) -> list[str]:
    """Every deployment of the window, as each metric's own policies read them: one list when
    every metric reads them alike, else one list per set of policies, naming its metrics."""
    groups = result.explained or [{"metrics": [], "policy": "", "deployments": result.deployments}]
    names = {m.key: m.name.lower() for m in result.metrics}
    lines: list[str] = []
    for group in groups:
        deployed = group["deployments"]
        if len(groups) == 1:
            lines += ["", f"Deployments in the window ({len(deployed)}):"]
        else:
            which = ", ".join(names.get(k, k) for k in group["metrics"])
            lines += [
                "",
                f"Deployments in the window ({len(deployed)}), as {which} read them (policy {group['policy']}):",
            ]
        lines += _deployment_lines(deployed)
    if result.ignored:
        lines += ["", "Ignored failure signals:"] + [f"  {i}" for i in result.ignored]
    return lines


def _deployment_lines(deployments: list[dict[str, Any]]) -> list[str]:
    lines = []
    for d in deployments:
        c = d["commits"]
        shipped = (
            f"{plural(c['count'], 'commit')} {c['first'][:12]}..{c['last'][:12]}" if c["count"] else "no new commit"
        )
        lines.append(
            f"  {d['time'][:16].replace('T', ' ')}  {d['repository']}  {d['ref']}  {shipped}  "
            f"[{', '.join(d['classification'])}] ({d['policy']})"
        )
        for rule in d["rules"]:
            lines.append(f"      {rule}")
        if d["recovery"]:
            r = d["recovery"]
            until = f", until {r['until']}" if r.get("until") == "incident resolved" else ""
            lines.append(f"      recovery: {r['start'][:16]} -> {r['end'][:16]} ({r['hours']} h{until})")
        elif d["failures"]:
            lines.append("      recovery: no fix in production yet")
    return lines
