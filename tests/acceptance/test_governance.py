"""Metric governance: overdue reviews, incomplete definitions, team-only metrics as individual
targets, through `perfdocs metrics review` and through `validate` (warnings or errors)."""

from __future__ import annotations

import json
import textwrap

import pytest

from perfdocs.rules import RULES

from tests.support.cases import appending, check_case, replacing, writing
from tests.support.cli import one_line
from tests.support.files import CASES, edit

METRIC = "metrics/api-latency.yaml"
KPI = "kpis/core/api-latency.yaml"
GOAL = "people/ann/goals/2026-Q1-latency.yaml"


PRS_MERGED = """\
kind: metric
id: prs-merged
name: Pull requests merged
owner: bob
purpose: See who ships the most.
calculation: Number of pull requests a person merged per week.
limitations:
  - Small and large pull requests count the same.
anti_gaming:
  - Reviewed by the manager.
scope: individual
type: leading
priority: aspirational
unit: PRs/week
review:
  cadence_days: 90
  last_reviewed: 2026-10-01
"""
CYCLE_TIME = (
    PRS_MERGED.replace("prs-merged", "cycle-time")
    .replace("Pull requests merged", "Cycle time")
    .replace("Number of pull requests a person merged per week.", "Median hours from first commit to merge.")
    .replace("individual", "team")
    .replace("PRs/week", "hours")
)


# Each case: a change to the (valid) minimal organisation and, in tests/cases/<name>.txt, the
# whole `validate` output it must produce.
MUTATIONS = {
    # last reviewed 2026-05-01, every 90 days: due 2026-07-30, which is 117 days before 2026-11-24
    "metric-review-overdue": replacing(METRIC, "last_reviewed: 2026-10-01", "last_reviewed: 2026-05-01"),
    "metric-review-overdue-as-error": lambda root: (
        replacing(METRIC, "last_reviewed: 2026-10-01", "last_reviewed: 2026-05-01")(root),
        appending("org.yaml", "governance:\n  severity: error\n")(root),
    ),
    "metric-incomplete": replacing(
        METRIC, "purpose: Know whether the API is fast enough for checkout.", "purpose: TBD"
    ),
    "metric-unknown-setting": appending(METRIC, "dora: change-lead-time\ndefinition:\n  failure_windw_hours: 24\n"),
    # DORA's 2019-2022 name, still read as change-lead-time, with a warning
    "metric-deprecated-dora-name": appending(METRIC, "dora: lead-time\n"),
    "metric-bad-policy": appending(
        "org.yaml",
        "dora:\n  policies:\n    releases:\n      deploy_tag_exclude: ['(rc']\n  repositories:\n    tiny/api: release\n",
    ),
    "kpi-no-baseline": replacing(KPI, "baseline:\n  value: 450\n  period: 2026-01\n", ""),
    "kpi-duplicate-period": appending(KPI, "  - period: 2026-01\n    value: 400\n"),
    "kpi-core-count": appending("org.yaml", "kpi_rules:\n  core_kpis: {min: 2, max: 7}\n"),
    "metric-bad-setting": appending("org.yaml", "dora:\n  hotfix_message_pattern: '^(hotfix'\n"),
    # an individual metric counting pull requests: activity, not outcome (SPACE; Goodhart)
    "metric-individual-activity": writing("metrics/prs-merged.yaml", PRS_MERGED),
    # a speed metric that names no quality metric to be read with
    "metric-no-counter-metric": writing("metrics/cycle-time.yaml", CYCLE_TIME),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_governance_case_reports_exactly_the_expected_problems(name, minimal, tmp_path, cli, request):
    check_case(name, MUTATIONS[name], minimal, tmp_path, cli, request)


def test_every_governance_rule_is_catalogued_and_has_a_case():
    ours = {
        "metric/review-overdue",
        "metric/incomplete",
        "metric/unknown-setting",
        "metric/bad-setting",
        "metric/deprecated-dora-name",
        "kpi/no-baseline",
        "kpi/duplicate-period",
        "kpi/core-count",
        "metric/individual-activity",
        "metric/no-counter-metric",
    }
    assert ours <= set(RULES)
    covered = {
        line.rsplit("[", 1)[1][:-1]
        for name in MUTATIONS
        for line in (CASES / f"{name}.txt").read_text().splitlines()
        if line.endswith("]")
    }
    assert ours <= covered


def test_metrics_review_lists_overdue_incomplete_and_individual_targets(minimal, tmp_path, cli):
    edit(minimal / METRIC, "last_reviewed: 2026-10-01", "last_reviewed: 2026-05-01")
    edit(
        minimal / METRIC,
        "anti_gaming:\n  - Measured at the load balancer, not by the service.\n",
        "anti_gaming:\n  - TODO\n",
    )
    edit(minimal / GOAL, "    baseline: 3\n", "    metric: api-latency\n    baseline: 3\n")
    res = cli("metrics", "review", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == textwrap.dedent("""\
        Metric governance on 2026-11-24: 1 metric

        Reviews overdue (1):
          api-latency: review overdue: last reviewed 2026-05-01, every 90 days, due 2026-07-30 (117 days ago)
            records/metrics/api-latency.yaml:18:18

        Incomplete definitions (1):
          api-latency: definition incomplete: no real anti_gaming
            records/metrics/api-latency.yaml:10:5

        Individual metrics that count activity (0):
          none

        Speed metrics without a quality metric to be read with (0):
          none

        Team-only metrics used as individual targets (1):
          ann/2026-Q1-latency: key result retries targets team-only metric 'api-latency': a team signal, never an individual's target
            records/people/ann/goals/2026-Q1-latency.yaml:11:13
        """)
    res = cli("metrics", "review", "--check", "--format", "json", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 1
    assert [(f["rule"], f["subject"]) for f in json.loads(res.stdout)["findings"]] == [
        ("metric/review-overdue", "api-latency"),
        ("metric/incomplete", "api-latency"),
        ("metric/team-only-target", "ann/2026-Q1-latency"),
    ]


def test_metrics_review_lists_a_missing_field_even_though_the_records_are_invalid(minimal, tmp_path, cli):
    edit(minimal / METRIC, "calculation: p99 of request durations over a week.\n", "")
    res = cli("metrics", "review", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "  api-latency: definition incomplete: no real calculation\n" in res.stdout
    assert "Reviews overdue (0):\n  none\n" in res.stdout


def test_a_healthy_organisation_has_nothing_to_review(minimal, tmp_path, cli):
    res = cli("metrics", "review", "--check", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == textwrap.dedent("""\
        Metric governance on 2026-11-24: 1 metric

        Reviews overdue (0):
          none

        Incomplete definitions (0):
          none

        Individual metrics that count activity (0):
          none

        Speed metrics without a quality metric to be read with (0):
          none

        Team-only metrics used as individual targets (0):
          none
        """)


def test_a_review_due_today_is_not_overdue(minimal, tmp_path, cli):
    # 2026-08-26 + 90 days = 2026-11-24: due today, not yet overdue
    edit(minimal / METRIC, "last_reviewed: 2026-10-01", "last_reviewed: 2026-08-26")
    res = cli("validate", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, "")


def test_an_absurd_review_cadence_is_left_to_the_schema(minimal, tmp_path, cli):
    edit(minimal / METRIC, "cadence_days: 90", "cadence_days: 99999999999")
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 1
    assert "[schema/maximum]" in res.stdout and "review-overdue" not in res.stdout


COUNTER_HELP = (
    " (add counter_metric: <metric id>, the quality metric it is read with (change fail rate, deployment rework "
    "rate, escaped defects, SLO attainment...)) [metric/no-counter-metric]"
)


@pytest.mark.parametrize(
    ("counter", "expected"),
    [
        (
            "cycle-time",
            "records/metrics/cycle-time.yaml:18:17: warning: metric 'cycle-time': no quality metric to be read "
            "with: a metric cannot be its own counter metric (DORA's guide)" + COUNTER_HELP,
        ),
        (
            "lead-time",
            "records/metrics/cycle-time.yaml:18:17: warning: metric 'cycle-time': no quality metric to be read "
            "with: its counter metric 'lead-time' is a speed metric too: it does not show what speed costs "
            "(DORA's guide)" + COUNTER_HELP,
        ),
        (
            "api-latenc",
            "records/metrics/cycle-time.yaml:18:17: unknown metric 'api-latenc'; did you mean 'api-latency'? [ref/unknown-metric]",
        ),
    ],
)
def test_a_counter_metric_must_be_another_metric_that_is_not_about_speed(counter, expected, minimal, tmp_path, cli):
    (minimal / "metrics/cycle-time.yaml").write_text(CYCLE_TIME + f"counter_metric: {counter}\n")
    lead = CYCLE_TIME.replace("cycle-time", "lead-time").replace("Cycle time", "Lead time")
    (minimal / "metrics/lead-time.yaml").write_text(lead + "counter_metric: api-latency\n")
    res = cli("validate", "records", cwd=tmp_path)
    assert one_line(res.stdout).splitlines() == [expected], res


def test_a_speed_metric_with_a_quality_counter_metric_passes(minimal, tmp_path, cli):
    (minimal / "metrics/cycle-time.yaml").write_text(CYCLE_TIME + "counter_metric: api-latency\n")
    res = cli("validate", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, "")


def test_metrics_review_lists_activity_counts_and_speed_without_a_counter_metric(minimal, tmp_path, cli):
    (minimal / "metrics/prs-merged.yaml").write_text(PRS_MERGED)
    (minimal / "metrics/cycle-time.yaml").write_text(CYCLE_TIME)
    res = cli("metrics", "review", "--check", "--format", "json", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 1
    assert [(f["rule"], f["subject"]) for f in json.loads(res.stdout)["findings"]] == [
        ("metric/no-counter-metric", "cycle-time"),
        ("metric/individual-activity", "prs-merged"),
    ]
