"""Metric governance: every metric has an owner, a purpose, a calculation, known limitations
and anti-gaming rules, is reviewed on its cadence, and a team-only metric is never anyone's
individual target.

`review(org)` lists what needs attention; `perfdocs metrics review` prints it and the
governance rule family reports the same through `validate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from perfdocs import dates
from perfdocs.diagnostics import ERROR, WARNING, Diagnostic
from perfdocs.rules.policy import team_only_targets

FIELDS = ("owner", "purpose", "calculation", "limitations", "anti_gaming")
PLACEHOLDERS = frozenset({"tbd", "tba", "todo", "fixme", "xxx", "n/a", "na", "none", "-", "?", "...", "later"})
OVERDUE, INCOMPLETE, INDIVIDUAL = "metric/review-overdue", "metric/incomplete", "metric/team-only-target"


def severity(org: Any) -> str:
    """How validate reports governance findings: org.yaml `governance.severity` (default warning)."""
    settings = org.setting("governance", {})
    value = settings.get("severity") if isinstance(settings, dict) else None
    return ERROR if value == "error" else WARNING


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().strip(".").lower() in PLACEHOLDERS | {""}


def missing(metric: Any, present_only: bool = False) -> list[tuple[str, tuple]]:
    """Governance fields that are absent, empty or a placeholder ('TBD'), with their paths;
    with `present_only`, just the placeholders (the schema already reports absent fields)."""
    out = []
    for name in FIELDS:
        value = metric.get(name)
        if value is None and present_only:
            continue
        if value is None or value == [] or _placeholder(value):
            out.append((name, (name,)))
        elif isinstance(value, list):
            out += [(name, (name, i)) for i, item in enumerate(value) if _placeholder(item)][:1]
    return out


def due(metric: Any) -> tuple[dt.date, int] | None:
    """(the date the next review was due, its cadence) or None if the record cannot say."""
    review = metric.get("review")
    if not isinstance(review, dict):
        return None
    last, cadence = dates.parse_date(review.get("last_reviewed")), review.get("cadence_days")
    if last is None or not isinstance(cadence, int) or isinstance(cadence, bool) or not 0 < cadence <= 36_500:
        return None  # the schema reports a cadence outside 1..730 days
    return last + dt.timedelta(days=cadence), cadence


@dataclass
class Finding:
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


def review(org: Any, today: dt.date | None = None) -> list[Finding]:
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
                Finding(
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
                Finding(
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
    for goal, i, metric in team_only_targets(org):
        krs = goal.get("key_results")
        kr_id = krs[i].get("id") if isinstance(krs[i].get("id"), str) else f"#{i + 1}"
        message = (
            f"key result {kr_id} targets team-only metric '{metric.id}': a team signal, never an individual's target"
        )
        individual.append(
            Finding(INDIVIDUAL, goal.id, message, goal.diag(INDIVIDUAL, message, ("key_results", i, "metric")))
        )
    return overdue + incomplete + individual
