"""Governance rules: metric reviews on cadence, complete definitions, KPI series hygiene.

Every metric has an owner, a purpose, a calculation, known limitations and anti-gaming
rules, is reviewed on its cadence, and a team-only metric is never anyone's individual
target. `review(org)` lists what needs attention (what `perfdocs metrics review`
prints); `check(org)` reports the same through `validate`, with the severity of org.yaml
`governance.severity` (warning unless set to error). A team-only metric used as an
individual target is reported once, by the policy family. A team tracks between
`kpi_rules.core_kpis.min` and `max` core KPIs (`core_count_problem`).

The known anti-patterns (perfdocs.rules.metric_patterns, with their sources) are findings too:
an individual-scope metric that counts activity (metric/individual-activity), and a speed
metric that names no quality metric to be read with (metric/no-counter-metric).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from perfdocs import dates, settings
from perfdocs.diagnostics import ERROR, WARNING, Diagnostic
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules import metric_patterns as patterns
from perfdocs.rules._util import dicts, section
from perfdocs.rules.policy import team_only_targets
from perfdocs.settings import DORA_ALIASES, DORA_SETTINGS, REGEX_SETTINGS, dora_key
from perfdocs.text import did_you_mean

FIELDS = ("owner", "purpose", "calculation", "limitations", "anti_gaming")
PLACEHOLDERS = frozenset({"tbd", "tba", "todo", "fixme", "xxx", "n/a", "na", "none", "-", "?", "...", "later"})
OVERDUE, INCOMPLETE, INDIVIDUAL = "metric/review-overdue", "metric/incomplete", "metric/team-only-target"
ACTIVITY, NO_COUNTER = "metric/individual-activity", "metric/no-counter-metric"


def severity(org: Organisation) -> str:
    """How validate reports governance findings: org.yaml `governance.severity` (default warning)."""
    return ERROR if settings.of(org).governance.severity == "error" else WARNING


# --- metric definitions and reviews ----------------------------------------------------


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().strip(".").lower() in PLACEHOLDERS | {""}


def missing(metric: Record, present_only: bool = False) -> list[tuple[str, tuple[str | int, ...]]]:
    """Governance fields that are absent, empty or a placeholder ('TBD'), with their paths;
    with `present_only`, just the placeholders (the schema already reports absent fields)."""
    out: list[tuple[str, tuple[str | int, ...]]] = []
    for name in FIELDS:
        value = metric.get(name)
        if value is None and present_only:
            continue
        if value is None or value == [] or _placeholder(value):
            out.append((name, (name,)))
        elif isinstance(value, list):
            out += [(name, (name, i)) for i, item in enumerate(value) if _placeholder(item)][:1]
    return out


def due(metric: Record) -> tuple[dt.date, int] | None:
    """(the date the next review was due, its cadence) or None if the record cannot say."""
    review = metric.get("review")
    if not isinstance(review, dict):
        return None
    last, cadence = dates.parse_date(review.get("last_reviewed")), review.get("cadence_days")
    if last is None or not isinstance(cadence, int) or isinstance(cadence, bool) or not 0 < cadence <= 36_500:
        return None  # the schema reports a cadence outside 1..730 days
    return last + dt.timedelta(days=cadence), cadence


@dataclass
class MetricFinding:
    """A governance finding: what `perfdocs metrics review` lists and the governance rules report."""

    rule: str
    subject: str
    """The metric id, or the goal id for an individual target."""
    message: str
    diagnostic: Diagnostic

    def to_dict(self) -> dict[str, Any]:
        d = self.diagnostic
        return {
            "rule": self.rule,
            "subject": self.subject,
            "message": self.message,
            "path": d.path,
            "line": d.line,
            "col": d.col,
        }


def review(org: Organisation, today: dt.date | None = None) -> list[MetricFinding]:
    """Everything about the org's metrics that needs someone's attention, in a stable order:
    overdue reviews, incomplete definitions, team-only metrics used as individual targets."""
    today = today or dates.today()
    level = severity(org)
    overdue, incomplete, individual = [], [], []
    for metric in sorted(org.metrics.values(), key=lambda m: m.id):
        when = due(metric)
        if when is not None and when[0] < today:
            last = metric.get("review")["last_reviewed"]
            late = (today - when[0]).days
            message = (
                f"review overdue: last reviewed {last}, every {when[1]} days, due {when[0]} "
                f"({late} day{'s' * (late != 1)} ago)"
            )
            overdue.append(
                MetricFinding(
                    OVERDUE,
                    metric.id,
                    message,
                    metric.diag(
                        OVERDUE,
                        f"metric '{metric.id}': {message}",
                        ("review", "last_reviewed"),
                        severity=level,
                        hint="review the definition with its owner and set review.last_reviewed",
                    ),
                )
            )
        gaps = missing(metric)
        if gaps:
            names = ", ".join(dict.fromkeys(name for name, _ in gaps))
            message = f"definition incomplete: no real {names}"
            incomplete.append(
                MetricFinding(
                    INCOMPLETE,
                    metric.id,
                    message,
                    metric.diag(
                        INCOMPLETE,
                        f"metric '{metric.id}': {message} (a placeholder such as 'TBD' does not count)",
                        gaps[0][1],
                        severity=level,
                    ),
                )
            )
    antipatterns = [
        f
        for metric in sorted(org.metrics.values(), key=lambda m: m.id)
        for f in antipattern_findings(org, metric, level)
    ]
    for goal, i, metric in team_only_targets(org):
        krs = goal.get("key_results")
        kr_id = krs[i].get("id") if isinstance(krs[i].get("id"), str) else f"#{i + 1}"
        message = (
            f"key result {kr_id} targets team-only metric '{metric.id}': a team signal, never an individual's target"
        )
        individual.append(
            MetricFinding(INDIVIDUAL, goal.id, message, goal.diag(INDIVIDUAL, message, ("key_results", i, "metric")))
        )
    return overdue + incomplete + antipatterns + individual


def antipattern_findings(org: Organisation, metric: Record, level: str) -> list[MetricFinding]:
    """The known anti-patterns in one metric's definition (perfdocs.rules.metric_patterns)."""
    out = []
    counted = patterns.activity_counted(metric)
    if counted is not None:
        message = (
            f"individual metric counts {counted.name}: activity is not outcome, and a count a person is judged by "
            f"becomes the target they optimise ({patterns.SPACE.short}; {patterns.GOODHART.short})"
        )
        out.append(
            MetricFinding(
                ACTIVITY,
                metric.id,
                message,
                metric.diag(
                    ACTIVITY,
                    f"metric '{metric.id}': {message}",
                    ("scope",),
                    severity=level,
                    hint=patterns.INSTEAD,
                ),
            )
        )
    if patterns.is_speed(metric):
        counter = metric.get("counter_metric")
        problem, where = None, ("counter_metric",)
        if counter is None:
            problem, where = "a speed metric read alone rewards going faster by breaking things", ("name",)
        elif counter == metric.id:
            problem = "a metric cannot be its own counter metric"
        elif isinstance(counter, str) and counter in org.metrics and patterns.is_speed(org.metrics[counter]):
            problem = f"its counter metric '{counter}' is a speed metric too: it does not show what speed costs"
        if problem:
            message = f"no quality metric to be read with: {problem} ({patterns.DORA.short})"
            out.append(
                MetricFinding(
                    NO_COUNTER,
                    metric.id,
                    message,
                    metric.diag(
                        NO_COUNTER,
                        f"metric '{metric.id}': {message}",
                        where,
                        severity=level,
                        hint=f"add counter_metric: <metric id>, the quality metric it is read with "
                        f"({patterns.QUALITY_EXAMPLES}...)",
                    ),
                )
            )
    return out


# --- KPI series ------------------------------------------------------------------------


def core_kpis(org: Organisation, team: str) -> list[Record]:
    """A team's core KPI series, by id."""
    return sorted((k for k in org.kpis.values() if k.get("team") == team and k.get("core") is True), key=lambda k: k.id)


def core_count_problem(org: Organisation, team: str) -> str | None:
    """Why a team's number of core KPIs is outside the org's bounds (default 5 to 7), or None."""
    rules = settings.of(org).kpi_rules
    lo, hi = rules.core_min, rules.core_max
    count = len(core_kpis(org, team))
    if count < lo:
        return f"team '{team}' tracks {count} core KPI{'s' * (count != 1)}; fewer than {lo} leaves blind spots"
    if count > hi:
        return f"team '{team}' tracks {count} core KPIs; more than {hi} and none of them gets attention"
    return None


# --- the rule family -------------------------------------------------------------------


def _metrics(org: Organisation, level: str) -> Iterator[Diagnostic]:
    for finding in review(org):
        if finding.rule == OVERDUE:
            yield finding.diagnostic
    for metric in sorted(org.metrics.values(), key=lambda m: m.id):
        for found in antipattern_findings(org, metric, level):
            yield found.diagnostic
        gaps = missing(metric, present_only=True)
        if gaps:
            names = ", ".join(dict.fromkeys(name for name, _ in gaps))
            yield metric.diag(
                INCOMPLETE,
                f"metric '{metric.id}': no real {names} (a placeholder such as 'TBD' does not count)",
                gaps[0][1],
                severity=level,
            )
        definition = metric.get("definition")
        if isinstance(definition, dict):
            yield from _bad_pattern(metric, definition, ("definition",))
        named = metric.get("dora")
        if isinstance(named, str) and named in DORA_ALIASES:
            yield metric.diag(
                "metric/deprecated-dora-name",
                f"'{named}' is DORA's old name for '{DORA_ALIASES[named]}': it is read as "
                f"'{DORA_ALIASES[named]}' and shown under that name",
                ("dora",),
                severity=WARNING,
                hint=f"write dora: {DORA_ALIASES[named]}",
            )
        if dora_key(named) is not None and isinstance(definition, dict):
            for key in definition:
                if key not in DORA_SETTINGS:
                    yield metric.diag(
                        "metric/unknown-setting",
                        f"'{key}' is not a setting DORA metrics are computed "
                        f"with, so it would be ignored{did_you_mean(key, DORA_SETTINGS)}",
                        ("definition", key),
                        key=True,
                        severity=WARNING,
                        hint="settings: " + ", ".join(DORA_SETTINGS),
                    )


def _bad_pattern(record: Record, written: dict[str, Any], path: tuple[str, ...]) -> Iterator[Diagnostic]:
    """Every regular expression of a DORA policy (org.yaml dora, a named policy, a metric's definition)."""
    for key in REGEX_SETTINGS:
        value = written.get(key)
        for i, pattern in enumerate(value if isinstance(value, list) else [value]):
            if not isinstance(pattern, str):
                continue
            try:
                re.compile(pattern)
            except re.error as err:
                where: tuple[str | int, ...] = (*path, key, i) if isinstance(value, list) else (*path, key)
                yield record.diag("metric/bad-setting", f"{key} {pattern!r} is not a regular expression: {err}", where)


def _policies(record: Record, written: dict[str, Any]) -> Iterator[Diagnostic]:
    """org.yaml `dora`'s named policies: their patterns, and every policy a repository or team names."""
    given = written.get("policies")
    policies: dict[str, Any] = given if isinstance(given, dict) else {}
    for name, policy in policies.items():
        if isinstance(policy, dict):
            yield from _bad_pattern(record, policy, ("dora", "policies", name))
    for part in ("repositories", "teams"):
        used = written.get(part)
        for who, name in used.items() if isinstance(used, dict) else []:
            if isinstance(name, str) and name not in policies:
                yield record.diag(
                    "metric/bad-setting",
                    f"dora.{part}: '{who}' uses policy '{name}', which dora.policies does not declare"
                    f"{did_you_mean(name, [str(p) for p in policies])}",
                    ("dora", part, who),
                )


def _kpis(org: Organisation, level: str) -> Iterator[Diagnostic]:
    for kpi in sorted(org.kpis.values(), key=lambda k: k.id):
        if isinstance(kpi.get("target"), dict) and kpi.get("baseline") is None:
            yield kpi.diag(
                "kpi/no-baseline",
                f"KPI '{kpi.id}' has a target but no baseline: without one nobody "
                "can tell whether the target asks for progress",
                ("target",),
                key=True,
                severity=level,
            )
        seen: dict[str, int] = {}
        for i, item in dicts(kpi.get("values")):
            period = item.get("period")
            if isinstance(period, str):
                if period in seen:
                    yield kpi.diag(
                        "kpi/duplicate-period",
                        f"period {period} has a value already (item "
                        f"{seen[period] + 1}): a series holds one value per period",
                        ("values", i, "period"),
                        severity=ERROR,
                    )
                else:
                    seen[period] = i
    rules = settings.of(org).kpi_rules
    if rules.configured:
        for team in sorted(org.teams.values(), key=lambda t: t.id):
            problem = core_count_problem(org, team.id)
            if problem:
                yield team.diag(
                    "kpi/core-count",
                    problem,
                    ("id",),
                    severity=WARNING,
                    hint=f"mark the team's {rules.core_min} to {rules.core_max} most telling series 'core: true'",
                )


def check(org: Organisation) -> Iterator[Diagnostic]:
    level = severity(org)
    if org.org is not None and isinstance(org.org.get("dora"), dict):
        # The pattern as written (settings keep the default in its place).
        yield from _bad_pattern(org.org, section(org, "dora"), ("dora",))
        yield from _policies(org.org, section(org, "dora"))
    yield from _metrics(org, level)
    yield from _kpis(org, level)
