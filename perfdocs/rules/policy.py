"""Policy rules: development is kept apart from pay; team signals are never individual targets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs import settings
from perfdocs.diagnostics import Diagnostic
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import KeyPath, dicts

COMPENSATION_FIELDS = frozenset(
    {
        "salary",
        "bonus",
        "equity",
        "compensation",
        "comp",
        "stock",
        "stock_options",
        "rsu",
        "rsus",
        "pay",
        "pay_band",
        "pay_grade",
        "raise",
        "pay_raise",
        "merit_increase",
        "base_pay",
        "wage",
        "total_comp",
        "total_compensation",
        "payout",
    }
)


def normalise(key: str) -> str:
    return key.strip().lower().replace("-", "_").replace(" ", "_")


_PAY_WORDS = ("salar", "compensation", "bonus", "equity", "payout", "wage")
"""Inside any key ('base_salary', 'annualBonus', 'equity-grant') they mean pay."""
_PAY_TOKENS = frozenset({"pay", "payroll", "comp", "rsu", "rsus", "stock", "raise", "esop"})
"""As a whole word of a key ('on_call_pay', 'comp_ratio'), not inside one ('payment')."""


class _PayNames(frozenset[str]):
    """The listed names, and any name that carries a pay word: `normalise(key) in fields`."""

    def __contains__(self, key: object) -> bool:
        if frozenset.__contains__(self, key):
            return True
        return (
            isinstance(key, str)
            and key != "compensation_fields"
            and (any(word in key for word in _PAY_WORDS) or not _PAY_TOKENS.isdisjoint(key.split("_")))
        )


def compensation_fields(org: Organisation) -> frozenset[str]:
    """The built-in pay words and org.yaml `compensation_fields`, normalised."""
    return _PayNames(COMPENSATION_FIELDS | {normalise(k) for k in settings.of(org).compensation_fields})


def _walk_keys(value: Any, path: KeyPath) -> Iterator[tuple[str, KeyPath]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield key, path + (key,)
            yield from _walk_keys(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk_keys(child, path + (i,))


def _has_field(value: Any, fields: frozenset[str], seen: dict[str, bool]) -> bool:
    """Whether any key at any depth is a compensation field (the quick answer for most records)."""
    if isinstance(value, dict):
        for key, child in value.items():
            hit = seen.get(key)
            if hit is None:
                hit = seen[key] = normalise(key) in fields
            if hit:
                return True
            if isinstance(child, (dict, list)) and _has_field(child, fields, seen):
                return True
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, (dict, list)) and _has_field(child, fields, seen):
                return True
    return False


_SEEN: dict[frozenset[str], dict[str, bool]] = {}


def compensation_problems(record: Record, fields: frozenset[str]) -> Iterator[Diagnostic]:
    seen = _SEEN.setdefault(fields, {}) if len(_SEEN) < 16 else {}
    if not _has_field(record.data, fields, seen):
        return
    for key, path in _walk_keys(record.data, ()):
        if normalise(key) in fields:
            yield record.diag(
                "policy/compensation",
                f"compensation field '{key}' is not allowed in any record: development is kept apart from pay",
                path,
                key=True,
            )


def check(org: Organisation) -> Iterator[Diagnostic]:
    fields = compensation_fields(org)
    for record in org.records:
        yield from compensation_problems(record, fields)
    yield from whole(org)


def whole(org: Organisation) -> Iterator[Diagnostic]:
    """The policy problems that join records: a team-only metric as an individual's target."""
    for goal, i, metric in team_only_targets(org):
        yield goal.diag(
            "metric/team-only-target",
            f"'{metric.id}' is a team-level metric: it is a signal of a team's health, never an individual's target",
            ("key_results", i, "metric"),
        )


def team_only_targets(org: Organisation) -> Iterator[tuple[Record, int, Record]]:
    """(individual goal, key result index, metric) wherever a team-only metric is someone's target."""
    for goal in org.goals.values():
        if goal.get("level") != "individual":
            continue
        for i, kr in dicts(goal.get("key_results")):
            name = kr.get("metric")
            metric = org.metrics.get(name) if isinstance(name, str) else None
            if metric is not None and metric.get("scope") == "team":
                yield goal, i, metric
