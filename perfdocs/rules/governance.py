"""Governance rules: metric reviews on cadence, complete definitions, KPI series hygiene.

The findings are the ones `perfdocs metrics review` lists (perfdocs.governance); their
severity is org.yaml `governance.severity` (warning unless set to error). A team-only
metric used as an individual target is reported once, by the policy family.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfdocs.diagnostics import ERROR, WARNING, Diagnostic
from perfdocs.metrics import dora, governance, kpis
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import dicts
from perfdocs.text import did_you_mean

DORA_SETTINGS = tuple(dora.Config.__dataclass_fields__)


def _metrics(org: Organisation, level: str) -> Iterator[Diagnostic]:
    for finding in governance.review(org):
        if finding.rule == governance.OVERDUE:
            yield finding.diagnostic
    for metric in sorted(org.metrics.values(), key=lambda m: m.id):
        gaps = governance.missing(metric, present_only=True)
        if gaps:
            names = ", ".join(dict.fromkeys(name for name, _ in gaps))
            yield metric.diag(
                governance.INCOMPLETE,
                f"metric '{metric.id}': no real {names} (a placeholder such as 'TBD' does not count)",
                gaps[0][1],
                severity=level,
            )
        definition = metric.get("definition")
        if isinstance(definition, dict):
            yield from _bad_pattern(metric, definition, ("definition",))
        if metric.get("dora") in dora.KEYS and isinstance(definition, dict):
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


def _bad_pattern(record, settings: dict, path: tuple) -> Iterator[Diagnostic]:
    pattern = settings.get("hotfix_message_pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as err:
            yield record.diag(
                "metric/bad-setting",
                f"hotfix_message_pattern {pattern!r} is not a regular expression: {err}",
                (*path, "hotfix_message_pattern"),
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
    if isinstance(org.setting("kpi_rules"), dict):
        for team in sorted(org.teams.values(), key=lambda t: t.id):
            problem = kpis.core_count_problem(org, team.id)
            if problem:
                _, lo, hi = kpis.settings(org)
                yield team.diag(
                    "kpi/core-count",
                    problem,
                    ("id",),
                    severity=WARNING,
                    hint=f"mark the team's {lo} to {hi} most telling series 'core: true'",
                )


def check(org: Organisation) -> Iterator[Diagnostic]:
    level = governance.severity(org)
    if org.org is not None and isinstance(org.setting("dora"), dict):
        yield from _bad_pattern(org.org, org.setting("dora"), ("dora",))
    yield from _metrics(org, level)
    yield from _kpis(org, level)
