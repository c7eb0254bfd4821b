"""Scoring configuration rule: org.yaml `scoring:` weighs dimensions that exist, within sane bounds.

The schema checks the settings' types; this family checks what it cannot: weights for
dimensions the org defines (or 'scope'), bounds that are not empty, a gate's cap inside
them, invisible-work types the evidence schema allows, no `scope_points` left from the
entry-counting score (a warning: it is ignored), factors that keep the score's order
(wider scope never below narrower, verified never below self-reported), and type relevance
for evidence types, competencies and dimensions that exist. `perfdocs score` and
`perfdocs calibrate` read the settings through perfdocs.settings and refuse an
organisation this family reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs import settings
from perfdocs.diagnostics import WARNING, Diagnostic
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import evidence_types, items, section
from perfdocs.text import did_you_mean

SCOPES = ("self", "team", "multi-team", "org")
"""Who benefited, narrowest first (the evidence schema's `scope`; rules sit below perfdocs.people)."""


def check(org: Organisation) -> Iterator[Diagnostic]:
    cfg = section(org, "scoring")
    if org.org is None or not cfg:
        return
    keys = [str(d.get("id")) for d in org.dimensions] + ["scope"]
    weights = cfg.get("weights")
    for key in weights if isinstance(weights, dict) else {}:
        if key not in keys:
            yield org.org.diag(
                "scoring/config",
                f"'{key}' is neither a dimension nor 'scope'{did_you_mean(str(key), keys)}",
                ("scoring", "weights", key),
                key=True,
            )
    scoring = settings.of(org).scoring
    low, high = scoring.low, scoring.high
    if low >= high:
        yield org.org.diag(
            "scoring/config", f"the bounds are empty: min {low:g} is not below max {high:g}", ("scoring", "bounds")
        )
    if scoring.cap_given and not low <= scoring.cap <= high:
        yield org.org.diag(
            "scoring/config",
            f"the gate's cap {scoring.cap:g} is outside the bounds {low:g}-{high:g}",
            ("scoring", "reliability_gate", "cap"),
        )
    types = evidence_types()
    for i, etype in items(cfg.get("invisible_work_types")):
        if etype not in types:
            yield org.org.diag(
                "scoring/config",
                f"unknown evidence type '{etype}'{did_you_mean(str(etype), types)}",
                ("scoring", "invisible_work_types", i),
            )
    if cfg.get("diminishing") == 1:
        yield org.org.diag(
            "scoring/config",
            "diminishing 1 would count every further piece of work in a competency in full: volume would pay",
            ("scoring", "diminishing"),
            hint="use a factor below 1; the default is 0.5",
        )
    if "scope_points" in cfg:
        yield org.org.diag(
            "scoring/config",
            "scope_points is no longer used: a piece of work's scope weighs it through scope_factors",
            ("scoring", "scope_points"),
            key=True,
            severity=WARNING,
            hint="replace it with scope_factors: self, team, multi-team, org and unstated",
        )
    yield from _ordering(org, cfg)
    yield from _relevance(org, cfg, types)


def _ordering(org: Organisation, cfg: dict[str, Any]) -> Iterator[Diagnostic]:
    """Factors that would rank narrower work above wider, or a person's word above a verified
    link, turn the score's principle around: each such pair is reported where it is written."""
    assert org.org is not None
    scoring = settings.of(org).scoring
    pairs = [
        ("scope_factors", scoring.scope_factors, narrow, wide, f"{narrow} work above {wide} work")
        for narrow, wide in zip(SCOPES, SCOPES[1:])
    ] + [
        ("verification_factors", scoring.verification_factors, weak, strong, f"{weak} evidence above {strong} evidence")
        for weak, strong in (
            ("self-reported", "postmortem"),
            ("self-reported", "cited"),
            ("postmortem", "author"),
            ("postmortem", "reviewer"),
            ("cited", "author"),
            ("cited", "reviewer"),
        )
    ]
    given: dict[str, dict[str, Any]] = {}
    for key in ("scope_factors", "verification_factors"):
        value = cfg.get(key)
        given[key] = value if isinstance(value, dict) else {}
    for key, factors, low, high, words in pairs:
        if factors[low] > factors[high] and (low in given[key] or high in given[key]):
            where = low if low in given[key] else high
            yield org.org.diag(
                "scoring/config",
                f"{key} rank {words} ({low} {factors[low]:g} > {high} {factors[high]:g})",
                ("scoring", key, where),
            )


def _relevance(org: Organisation, cfg: dict[str, Any], types: list[str]) -> Iterator[Diagnostic]:
    """type_relevance names evidence types, and competencies or dimensions of the org."""
    assert org.org is not None
    relevance = cfg.get("type_relevance")
    if not isinstance(relevance, dict):
        return
    known = {"default", *(str(d.get("id")) for d in org.dimensions)}
    for track in org.tracks:
        known.update(org.competencies(track))
    for etype, given in relevance.items():
        if etype not in types:
            yield org.org.diag(
                "scoring/config",
                f"unknown evidence type '{etype}'{did_you_mean(str(etype), types)}",
                ("scoring", "type_relevance", etype),
                key=True,
            )
        for key in given if isinstance(given, dict) else {}:
            if key not in known:
                yield org.org.diag(
                    "scoring/config",
                    f"'{key}' is neither a competency, a dimension nor 'default'{did_you_mean(str(key), sorted(known))}",
                    ("scoring", "type_relevance", etype, key),
                    key=True,
                )
