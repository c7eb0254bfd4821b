"""Numbers are finite and bounded: `.inf`, `-.inf`, `.nan` and a 400-digit number pass
YAML and JSON Schema's `type`, so validate refuses them as `schema/number` wherever a
number is expected; and every consumer reached without validation treats them as missing,
never crashing and never printing `nan`."""

from __future__ import annotations

import re

import pytest

from perfdocs import validation
from perfdocs.metrics import kpis
from perfdocs.people import calibration, reports, reviews
from perfdocs.people import score as scoring
from perfdocs.records import schemas
from perfdocs.site.charts import Band, Chart, trend_chart

from tests.support.files import edit

KPI = "kpis/core/api-latency.yaml"
GOAL = "people/ann/goals/2026-Q1-latency.yaml"
REVIEW = "people/ann/reviews/2026-Q1.md"
ANY = "a finite number from -1e15 to 1e15"
HUGE = "9" * 400
SHOWN = {".inf": ".inf", "-.inf": "-.inf", ".nan": ".nan", HUGE: "a 400-digit number"}

FIELDS = {
    # (file, text to replace, replacement with {v}, line, column, field, what it accepts)
    "kpi value": (KPI, "    value: 320", "    value: {v}", 16, 12, "value", ANY),
    "kpi baseline": (KPI, "  value: 450\n  period", "  value: {v}\n  period", 8, 10, "value", ANY),
    "kpi target": (KPI, "  value: 300", "  value: {v}", 11, 10, "value", ANY),
    "key result baseline": (GOAL, "baseline: 3", "baseline: {v}", 11, 15, "baseline", ANY),
    "key result target": (GOAL, "target: 1", "target: {v}", 12, 13, "target", ANY),
    "key result current": (GOAL, "current: 1", "current: {v}", 13, 14, "current", ANY),
    "review completion": (
        REVIEW,
        "completion: 100\nrating",
        "completion: {v}\nrating",
        11,
        13,
        "completion",
        "a finite number from 0 to 200",
    ),
    "scoring bound": (
        "org.yaml",
        "visibility_defaults:",
        "scoring:\n  bounds:\n    min: {v}\nvisibility_defaults:",
        30,
        10,
        "min",
        ANY,
    ),
    "readiness setting": (
        "org.yaml",
        "visibility_defaults:",
        "readiness:\n  evidence_window_months: {v}\nvisibility_defaults:",
        29,
        27,
        "evidence_window_months",
        "a whole number from 1 to 60",
    ),
}


@pytest.mark.parametrize("value", list(SHOWN), ids=["inf", "minus-inf", "nan", "400-digits"])
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_non_finite_or_huge_number_is_one_schema_number_error_at_the_value(field, value, minimal, tmp_path, cli):
    rel, old, new, line, col, name, accepts = FIELDS[field]
    edit(minimal / rel, old, new.format(v=value))
    res = cli("validate", "records", cwd=tmp_path)
    expected = f"records/{rel}:{line}:{col}: '{name}' must be {accepts}, not {SHOWN[value]} [schema/number]"
    assert res.exit_code == 1, res
    assert expected in res.stdout.splitlines(), res
    assert res.stdout.count(f"records/{rel}:{line}:") == 1, res  # not also a minimum or maximum error


def test_the_compiled_fast_path_sends_every_refused_number_to_the_explained_one():
    record = {"kind": "kpi", "id": "k", "team": "core", "metric": "m", "values": [{"period": "2026-01", "value": 1}]}
    for value in (float("inf"), float("-inf"), float("nan"), 10**400, 10**15 + 1, -(10**15) - 1, 1e300):
        record["values"][0]["value"] = value
        assert not schemas.fast_valid("kpi", record), value
        assert [rule for rule, *_ in schemas.check("kpi", record)] == ["schema/number"], value
    for value in (10**15, -(10**15), 0, 2.5):
        record["values"][0]["value"] = value
        assert schemas.fast_valid("kpi", record), value
        assert list(schemas.check("kpi", record)) == [], value


def _poisoned(minimal, value: str):
    """The minimal organisation with `value` in every numeric field, loaded without refusing it."""
    edit(minimal / KPI, "    value: 320", f"    value: {value}")
    edit(minimal / KPI, "  value: 300", f"  value: {value}")
    edit(minimal / GOAL, "current: 1", f"current: {value}")
    edit(minimal / REVIEW, "    completion: 100", f"    completion: {value}")
    edit(
        minimal / "org.yaml",
        "visibility_defaults:",
        f"scoring:\n  bounds: {{min: {value}, max: {value}}}\n  weights: {{delivery: {value}}}\n"
        f"  reliability_gate: {{cap: {value}}}\n  outlier_distance: {value}\nvisibility_defaults:",
    )
    report = validation.load_org(minimal)
    assert any(d.rule == "schema/number" for d in report.diagnostics)
    return report.org


@pytest.mark.parametrize("value", list(SHOWN), ids=["inf", "minus-inf", "nan", "400-digits"])
def test_consumers_treat_refused_numbers_as_missing_without_crashing(value, minimal):
    org = _poisoned(minimal, value)
    text = []
    for trend in kpis.trends(org):
        text.append(trend.describe())
    kpi = org.kpis["core-api-latency"]
    assert kpis.points(kpi) == [("2026-01", 450.0)]
    result = scoring.score(org, "ann", "2026-Q1")
    text.append(reports.score_text(result))
    assert (result.low, result.high) == (0.0, 5.0)  # the defaults, not the refused bounds
    cal = calibration.calibrate(org, "2026-Q1")
    text.append(reports.calibration_markdown(cal))
    goal = org.goals["ann/2026-Q1-latency"]
    assert reviews.kr_completion(goal.get("key_results")[0]) is None
    text.append(
        str(
            trend_chart(
                Chart(
                    [(v["period"], v["value"]) for v in kpi.get("values")],  # as loaded, the refused one too
                    target=kpi.get("target")["value"],
                    baseline=10**400,
                    bands=[Band("elite", float("-inf"), float("nan"))],
                )
            )
        )
    )
    joined = "\n".join(text)
    assert not re.search(r"\bnan\b|\binf\b", joined, re.IGNORECASE), joined
