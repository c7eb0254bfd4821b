"""A team metric with too small a sample shows "insufficient data (n=3, needs 10)" rather than a
number: on the team dashboards and in the DORA roll-up, and it is no point of a sustained trend.
The minimum is the metric record's `min_sample`, else org.yaml `dora.min_sample` (DORA metrics)
or `kpi_rules.min_sample`."""

from __future__ import annotations

import pytest

from tests.acceptance.test_dora_site import build, section, text
from tests.support.files import edit

METRIC = "metrics/api-latency.yaml"
KPI = "kpis/core/api-latency.yaml"


@pytest.mark.parametrize(
    ("where", "rule"),
    [(METRIC, "min_sample: 10\n"), ("org.yaml", "kpi_rules:\n  min_sample: 10\n  core_kpis: {min: 1, max: 7}\n")],
)
def test_a_value_below_the_minimum_sample_is_shown_as_insufficient_data(where, rule, minimal, tmp_path, cli):
    with open(minimal / where, "a", encoding="utf-8") as fh:
        fh.write(rule)
    edit(minimal / KPI, "    value: 450\n  - period", "    value: 450\n    sample: 12\n  - period")
    edit(minimal / KPI, "    value: 320\n", "    value: 320\n    sample: 3\n")
    res = cli("validate", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res
    res = cli("build", "--records", minimal, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    panel = text(section((tmp_path / "site/teams/core.html").read_text(), "kpi-core-api-latency"))
    assert "insufficient data (n=3, needs 10) in 2026-02" in panel
    assert "Period Value 2026-01 450 2026-02 insufficient data (n=3, needs 10)" in panel
    assert "320" not in panel
    assert "off target" not in panel and "on target" not in panel


def test_a_value_that_records_no_sample_is_shown(minimal, tmp_path, cli):
    with open(minimal / METRIC, "a", encoding="utf-8") as fh:
        fh.write("min_sample: 10\n")
    res = cli("build", "--records", minimal, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    panel = text(section((tmp_path / "site/teams/core.html").read_text(), "kpi-core-api-latency"))
    assert "320 ms in 2026-02" in panel and "insufficient" not in panel


def test_an_insufficient_value_is_no_point_of_a_sustained_trend(minimal, tmp_path, cli):
    edit(
        minimal / KPI,
        "  - period: 2026-02\n    value: 320\n",
        "  - period: 2026-02\n    value: 460\n  - period: 2026-03\n    value: 500\n    sample: 2\n"
        "  - period: 2026-04\n    value: 560\n",
    )
    res = cli("kpi", "trends", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "core-api-latency (api-latency, lower is better): 3 consecutive periods rising" in res.stdout
    with open(minimal / METRIC, "a", encoding="utf-8") as fh:
        fh.write("min_sample: 5\n")
    res = cli("kpi", "trends", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert "Sustained trends" in res.stdout and "core-api-latency" not in res.stdout


def test_the_dora_rollup_shows_insufficient_data_when_the_minimum_rises_above_a_written_sample(org, cli, tmp_path):
    root, _, _ = org
    site = build(cli, root, tmp_path)
    assert "33.33" in text((site / "teams/index.html").read_text())
    # February was written from 3 deployments; the metric now asks for 4
    edit(
        root / "metrics/change-failure-rate.yaml", "dora: change-fail-rate\n", "dora: change-fail-rate\nmin_sample: 4\n"
    )
    res = cli("build", "--records", root, "--out", tmp_path / "site2")
    assert res.exit_code == 0, res
    rollup = text((tmp_path / "site2/teams/index.html").read_text())
    assert "insufficient data (n=3, needs 4) 2026-02" in rollup
    assert "33.33" not in rollup
    panel = text(section((tmp_path / "site2/teams/core.html").read_text(), "kpi-core-change-failure-rate"))
    assert "insufficient data (n=3, needs 4) in 2026-02" in panel and "DORA band" not in panel


def test_the_catalogue_shows_a_speed_metrics_counter_metric_and_a_minimum_sample(minimal, tmp_path, cli):
    from tests.acceptance.test_governance import CYCLE_TIME

    (minimal / "metrics/cycle-time.yaml").write_text(CYCLE_TIME + "counter_metric: api-latency\nmin_sample: 5\n")
    res = cli("build", "--records", minimal, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    page = (tmp_path / "site/metrics/index.html").read_text()
    cycle = text(section(page, "metric-cycle-time"))
    assert "Read with API latency (its counter metric: speed is never read alone)" in cycle
    assert "Minimum sample 5 data points a period; fewer show as insufficient data" in cycle
    assert 'href="../metrics/index.html#metric-api-latency"' in section(page, "metric-cycle-time")
