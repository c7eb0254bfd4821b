"""Writing KPI series: computed values merged into a series' YAML text.

`perfdocs kpi dora --write` turns a team's computed DORA figures into `values` items of
its KPI series records. The file's text is edited, never dumped again: comments and the
layout of every untouched line survive, and re-running a computation never duplicates a
period. The node tree with positions comes from `perfdocs.records.parse.compose`, under
the loader's limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfdocs import settings as org_settings
from perfdocs.diagnostics import Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import atomic_write, inside
from perfdocs.metrics.report import insufficient
from perfdocs.records import visibility
from perfdocs.records.parse import compose, load_text


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
    skipped: list[str] = field(default_factory=list)
    """Periods not written, each with why (partial, insufficient data)."""
    withheld: int = 0
    """Private record ids left out of the provenance of a series of a wider audience."""
    nothing: str | None = None
    """Why nothing at all could be written for this metric."""

    def summary(self) -> str:
        if self.nothing:
            return f"{self.path}: nothing written: {self.nothing}"
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.kept:
            parts.append(f"{len(self.kept)} hand-entered kept ({', '.join(self.kept)}; --force replaces them)")
        if self.skipped:
            parts.append(f"not written: {'; '.join(self.skipped)}")
        if self.withheld:
            parts.append(f"{self.withheld} private postmortem id(s) left out of the provenance")
        verb = "created" if self.created else "wrote" if self.added or self.updated else "up to date"
        return f"{self.path}: {verb}, {', '.join(parts)} [kpi {self.kpi}]"


def _key_node(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found: yaml.Node = v
                return found
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
    root = compose(text, change.path or "series.yaml", marks="line")
    if isinstance(root, Diagnostic):  # beyond the loader's limits, or not YAML: never expanded
        raise PerfdocsError(f"{root.text()}; the series was not written")
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
    old_items: list[Any] = []
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        old_items = data["values"]
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
    edits: list[tuple[int, int, int, list[str]]] = []  # replace lines [a, b) with new lines (n: the order)
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
                edits.append((first, last + 1, len(edits), render_item(item, dash)))
                change.updated.append(item["period"])
            continue
        later = next((e for e in existing if e[0] > item["period"]), None)
        at = later[1] if later else existing[-1][2] + 1
        edits.append((at, at, len(edits), render_item(item, dash)))
        change.added.append(item["period"])
    # Applied bottom-up so earlier line numbers stay true; several periods inserted at one
    # line (after a gap, at the end) go in last-first, so that they read in period order.
    for a, b, _, new in sorted(edits, key=lambda e: (e[0], e[1], e[2]), reverse=True):
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


LEVELS = ("public", "internal", "private")


def _level(org: Any, record: Any | None, kind: str) -> str:
    """A record's effective visibility (a series not written yet: its kind's default)."""
    defaults = org_settings.of(org).visibility_defaults
    if record is not None:
        return visibility.effective(record, dict(defaults))
    return defaults.get(kind, defaults.get("default", "internal"))


def _redact(org: Any, provenance: dict[str, Any], series_level: str) -> tuple[dict[str, Any], int]:
    """The provenance without the ids of postmortems the series' audience may not see."""
    ids = provenance.get("postmortems")
    if not isinstance(ids, list):
        return provenance, 0
    shown = []
    for pm_id in ids:
        record = org.postmortems.get(pm_id)
        level = _level(org, record, "postmortem") if record is not None else "private"
        if LEVELS.index(level) <= LEVELS.index(series_level):
            shown.append(pm_id)
    withheld = len(ids) - len(shown)
    out = {k: v for k, v in provenance.items() if k != "postmortems"}
    if shown:
        out["postmortems"] = shown
    if withheld:
        out["postmortems_withheld"] = withheld
    # keep computed_at last, as it always was
    if "computed_at" in out:
        out["computed_at"] = out.pop("computed_at")
    return out, withheld


def write_dora(org: Any, root: Path, result: Any, force: bool = False) -> list[SeriesChange]:
    """Merge a team's computed DORA figures (complete periods with a figure) into its KPI
    series, creating `kpis/<team>/<team>-<metric>.yaml` for a metric the team does not track
    yet. Each change says what it wrote, or why nothing; a private postmortem's id never goes
    into a series a wider audience may read."""
    changes = []
    for m in result.metrics:
        if m.metric is None:
            change = SeriesChange(f"{m.name} ({m.key})", "-")
            change.nothing = f"no metric record has 'dora: {m.key}' (add one in metrics/ to track it as a series)"
            changes.append(change)
            continue
        series = _series_for(org, result.team, m.metric, result.granularity)
        series_level = _level(org, series, "kpi")
        items, skipped, withheld = [], [], 0
        for f in m.figures:
            if not f.complete:
                skipped.append(f"{f.period} (partial period)")
            elif f.insufficient or f.value is None:
                skipped.append(f"{f.period} ({insufficient(f.sample, m.min_sample)})")
            else:
                provenance, hidden = _redact(org, f.provenance, series_level)
                withheld += hidden
                items.append({"period": f.period, "value": f.value, "provenance": provenance})
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
        change = SeriesChange(display_path(path), kpi_id, created and bool(items))
        change.skipped, change.withheld = skipped, withheld
        if not items:
            change.nothing = "no complete period with a figure (" + "; ".join(skipped or ["no period"]) + ")"
            changes.append(change)
            continue
        new = upsert_values(text, items, force, change)
        if created or new != text:
            atomic_write(path, new.replace("\n", newline) if newline != "\n" else new, overwrite=not created)
        changes.append(change)
    return changes
