"""KPI series: their direction, sustained trends, a team's core KPIs, and writing computed values.

A single bad point is noise; several consecutive periods moving against the target
are a signal. Only the latter is flagged. Computed values are written back into the
series' YAML by editing its text, so comments and the layout of every untouched line
survive, and re-running a computation never duplicates a period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfdocs import settings as org_settings
from perfdocs.diagnostics import display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, inside
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text

# A team's core KPIs are judged by the governance rules; `perfdocs kpi trends` reads them here.
from perfdocs.rules.governance import core_count_problem as core_count_problem
from perfdocs.rules.governance import core_kpis as core_kpis

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


# --- settings --------------------------------------------------------------------------


def settings(org: Organisation) -> tuple[int, int, int]:
    """(sustained trend length, fewest core KPIs, most core KPIs): org.yaml `kpi_rules`, defaults filled in."""
    rules = org_settings.of(org).kpi_rules
    return rules.sustained_trend_periods, rules.core_min, rules.core_max


# --- series and trends -----------------------------------------------------------------


def points(kpi: Any) -> list[tuple[str, float]]:
    """(period, value) of a series, in period order, skipping malformed entries."""
    out = []
    for item in kpi.get("values") or []:
        if (
            isinstance(item, dict)
            and isinstance(item.get("period"), str)
            and isinstance(item.get("value"), (int, float))
            and not isinstance(item.get("value"), bool)
        ):
            out.append((item["period"], float(item["value"])))
    return sorted(out)


def lower_is_better(kpi: Any, metric: Any | None) -> bool | None:
    """From the metric's `direction`; else from the target against the baseline."""
    direction = metric.get("direction") if metric is not None else None
    if direction in ("lower-is-better", "higher-is-better"):
        return bool(direction == "lower-is-better")
    target, baseline = kpi.get("target"), kpi.get("baseline")
    if isinstance(target, dict) and isinstance(baseline, dict):
        t, b = target.get("value"), baseline.get("value")
        if isinstance(t, (int, float)) and isinstance(b, (int, float)) and t != b:
            return t < b
    return None


@dataclass
class Trend:
    kpi: str
    team: str
    metric: str
    start: str
    """The last period before the slide (its value is the starting point)."""
    end: str
    moves: int
    values: list[float]
    ongoing: bool
    """True when the slide reaches the series' latest period."""
    direction: str

    def describe(self) -> str:
        worse = "rising" if self.direction == "lower-is-better" else "falling"
        span = " -> ".join(_num(v) for v in self.values)
        return (
            f"{self.moves} consecutive periods {worse} against the target, {self.start} to {self.end} "
            f"({span}){' and still going' if self.ongoing else ''}"
        )


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def sustained(series: list[tuple[str, float]], lower_better: bool, n: int) -> list[tuple[int, int]]:
    """(first, last) indexes of every run of at least n consecutive moves against the target.

    A move is against the target when the value gets worse than the period before
    (up when lower is better, down when higher is better); an unchanged or better
    value ends the run. One bad point followed by a recovery is a run of one.
    """
    runs, start = [], 0
    for i in range(1, len(series) + 1):
        worse = i < len(series) and (
            (series[i][1] > series[i - 1][1]) if lower_better else (series[i][1] < series[i - 1][1])
        )
        if not worse:
            if i - 1 - start >= n:
                runs.append((start, i - 1))
            start = i
    return runs


def kpi_trends(org: Any, kpi: Any) -> list[Trend]:
    """Sustained trends of one KPI series, oldest first (none if its direction is unknown)."""
    n = settings(org)[0]
    metric = org.metrics.get(kpi.get("metric")) if isinstance(kpi.get("metric"), str) else None
    lower = lower_is_better(kpi, metric)
    if lower is None:
        return []
    series = points(kpi)
    return [
        Trend(
            kpi.id,
            str(kpi.get("team")),
            str(kpi.get("metric")),
            series[a][0],
            series[b][0],
            b - a,
            [v for _, v in series[a : b + 1]],
            b == len(series) - 1,
            "lower-is-better" if lower else "higher-is-better",
        )
        for a, b in sustained(series, lower, n)
    ]


def trends(org: Any, team: str | None = None) -> list[Trend]:
    """Sustained trends of every KPI series (of one team, or all)."""
    out = []
    for kpi in sorted(org.kpis.values(), key=lambda k: (str(k.get("team")), k.id)):
        if team is None or kpi.get("team") == team:
            out.extend(kpi_trends(org, kpi))
    return out


# --- writing computed values -----------------------------------------------------------


@dataclass
class SeriesChange:
    path: str
    kpi: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Periods with a hand-entered value that was left alone (no --force)."""

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.kept:
            parts.append(f"{len(self.kept)} hand-entered kept ({', '.join(self.kept)}; --force replaces them)")
        verb = "created" if self.created else "wrote" if self.added or self.updated else "up to date"
        return f"{self.path}: {verb}, {', '.join(parts)} [kpi {self.kpi}]"


def _key_node(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                node: yaml.Node = v
                return node
    return None


def _last_line(node: yaml.Node) -> int:
    """The 0-based line of the last character that belongs to a node."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_line(last[1] if isinstance(last, tuple) else last)
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def render_item(item: dict[str, Any], dash: int) -> list[str]:
    text = yaml.safe_dump(item, sort_keys=False, default_flow_style=False, allow_unicode=True, width=10_000)
    lines = text.splitlines()
    return [" " * dash + "- " + lines[0] + "\n"] + [" " * (dash + 2) + line + "\n" for line in lines[1:]]


def _same(old: Any, new: dict[str, Any]) -> bool:
    """Equal apart from when it was computed."""
    if not isinstance(old, dict):
        return False

    def strip(item: dict[str, Any]) -> dict[str, Any]:
        prov = item.get("provenance")
        prov = {k: v for k, v in prov.items() if k != "computed_at"} if isinstance(prov, dict) else prov
        return {**item, "provenance": prov}

    return strip(old) == strip(new)


def upsert_values(
    text: str, items: list[dict[str, Any]], force: bool = False, change: SeriesChange | None = None
) -> str:
    """The series text with `items` (each with a period) merged into its `values` list.

    New periods are inserted in period order; a period that already holds a computed
    value (one with provenance) is replaced only if the value or its provenance
    changed; a hand-entered value is kept unless `force`.
    """
    change = change or SeriesChange("", "")
    root = yaml.compose(text, Loader=_Loader)
    data = load_text(text, Path("series.yaml"), markdown=False).data
    values = _key_node(root, "values")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if values is None or (isinstance(values, yaml.SequenceNode) and values.flow_style and not values.value):
        # No list yet (or `values: []`): write one in block style, two-space indented.
        rendered = [line for item in sorted(items, key=lambda i: i["period"]) for line in render_item(item, 2)]
        change.added += [i["period"] for i in items]
        if values is None:
            return "".join(lines) + "values:\n" + "".join(rendered)
        line = values.start_mark.line
        head = lines[line][: values.start_mark.column].rstrip() + "\n"
        tail = lines[line][values.end_mark.column :] if values.end_mark.line == line else ""
        return "".join(lines[:line] + [head] + rendered + ([tail] if tail.strip() else []) + lines[line + 1 :])
    if not isinstance(values, yaml.SequenceNode) or values.flow_style:
        raise PerfdocsError(
            "cannot add values to a series whose 'values' is not a block list "
            "('- period: ...' items); rewrite it in that style first"
        )
    existing: list[tuple[str, int, int, Any]] = []  # period, first line, last line, data
    written = data.get("values") if isinstance(data, dict) else None
    old_items: list[Any] = written if isinstance(written, list) else []
    for i, node in enumerate(values.value):
        period = _key_node(node, "period")
        existing.append(
            (
                period.value if isinstance(period, yaml.ScalarNode) else "",
                node.start_mark.line,
                _last_line(node),
                old_items[i] if i < len(old_items) else None,
            )
        )
    dash = max(0, values.value[0].start_mark.column - 2) if values.value else 2
    edits: list[tuple[int, int, list[str]]] = []  # replace lines [a, b) with new lines
    for item in sorted(items, key=lambda i: i["period"]):
        match = next((e for e in existing if e[0] == item["period"]), None)
        if match is not None:
            _, first, last, old = match
            computed = isinstance(old, dict) and isinstance(old.get("provenance"), dict)
            if not computed and not force:
                change.kept.append(item["period"])
            elif _same(old, item):
                change.unchanged.append(item["period"])
            else:
                edits.append((first, last + 1, render_item(item, dash)))
                change.updated.append(item["period"])
            continue
        later = next((e for e in existing if e[0] > item["period"]), None)
        at = later[1] if later else existing[-1][2] + 1
        edits.append((at, at, render_item(item, dash)))
        change.added.append(item["period"])
    for a, b, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[a:b] = new
    return "".join(lines)


def _series_for(org: Any, team: str, metric: str, granularity: str) -> Any | None:
    found = [k for k in org.kpis.values() if k.get("team") == team and k.get("metric") == metric]
    same = [k for k in found if k.get("granularity", "month") == granularity]
    if same:
        return min(same, key=lambda k: k.id)
    if found:
        other = found[0]
        raise PerfdocsError(
            f"{other.display}: series '{other.id}' is by {other.get('granularity', 'month')}; "
            f"run with --granularity {other.get('granularity', 'month')} to write it"
        )
    return None


def write_dora(org: Any, root: Path, result: Any, force: bool = False) -> list[SeriesChange]:
    """Merge a team's computed DORA figures (complete periods only) into its KPI series,
    creating `kpis/<team>/<team>-<metric>.yaml` for a metric the team does not track yet."""
    changes = []
    for m in result.metrics:
        if m.metric is None:
            continue  # no definition record to reference: nothing a series could point at
        items = []
        for f in m.figures:
            if f.complete and f.value is not None:
                items.append({"period": f.period, "value": f.value, "provenance": f.provenance})
        series = _series_for(org, result.team, m.metric, result.granularity)
        if series is not None:
            if not series.rel.endswith((".yaml", ".yml")):
                raise PerfdocsError(f"{series.display}: computed values are only written to .yaml series")
            path = inside(root, Path(root) / series.rel)
            # Bytes, not read_text: universal newlines would turn a CRLF file into LF on write.
            raw = path.read_bytes().decode("utf-8")
            newline = "\r\n" if "\r\n" in raw else "\n"
            text, kpi_id, created = raw.replace("\r\n", "\n"), series.id, False
        else:
            kpi_id = f"{result.team}-{m.metric}"
            path = inside(root, Path(root) / "kpis" / result.team / f"{kpi_id}.yaml")
            text = (
                f"kind: kpi\nid: {kpi_id}\nteam: {result.team}\nmetric: {m.metric}\ngranularity: {result.granularity}\n"
            )
            created, newline = True, "\n"
        change = SeriesChange(display_path(path), kpi_id, created)
        new = upsert_values(text, items, force, change)
        if created or new != text:
            atomic_write(path, new.replace("\n", newline) if newline != "\n" else new, overwrite=not created)
        changes.append(change)
    return changes
