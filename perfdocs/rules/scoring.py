"""Scoring configuration rule: org.yaml `scoring:` weighs dimensions that exist, within sane bounds.

The schema checks the settings' types; this family checks what it cannot: weights for
dimensions the org defines (or 'scope'), bounds that are not empty, a gate's cap inside
them, and invisible-work types the evidence schema allows. `perfdocs score` and
`perfdocs calibrate` read the settings through perfdocs.settings and refuse an
organisation this family reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from perfdocs import settings
from perfdocs.diagnostics import Diagnostic
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import evidence_types, items, section
from perfdocs.text import did_you_mean


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
