"""Readiness configuration rule: org.yaml `readiness:` names levels and evidence types that exist.

The schema checks the settings' types; this family checks what it cannot: that
`scope.by_level` names levels some track has, and `complexity.evidence_types` evidence
types the evidence schema allows. `perfdocs packet check` reads the settings through
perfdocs.settings and refuses an organisation this family reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from perfdocs.diagnostics import Diagnostic
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import evidence_types, items, section
from perfdocs.text import did_you_mean


def check(org: Organisation) -> Iterator[Diagnostic]:
    cfg = section(org, "readiness")
    if org.org is None or not cfg:
        return
    levels = {lv["id"] for track in org.tracks for lv in org.levels(track)}
    scope = cfg.get("scope")
    by_level = scope.get("by_level") if isinstance(scope, dict) else None
    for level in by_level if isinstance(by_level, dict) else {}:
        if level not in levels:
            yield org.org.diag(
                "readiness/config",
                f"no track has a level '{level}'{did_you_mean(level, sorted(levels))}",
                ("readiness", "scope", "by_level", level),
                key=True,
            )
    complexity = cfg.get("complexity")
    types = evidence_types()
    for i, etype in items(complexity.get("evidence_types") if isinstance(complexity, dict) else None):
        if etype not in types:
            yield org.org.diag(
                "readiness/config",
                f"unknown evidence type '{etype}'{did_you_mean(str(etype), types)}",
                ("readiness", "complexity", "evidence_types", i),
            )
