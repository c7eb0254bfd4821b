"""The dashboards flag a KPI nobody updates (issue 17, item 9): stale when its latest value
is for a period that ended more than two of its periods ago, with the age, on the team's
page and in the roll-up; and every page names the site's own favicon."""

from __future__ import annotations

import datetime as dt

import pytest

from perfdocs.site.pages.teams import staleness

from tests.support.files import edit


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        ("2026-02", "2026-11-24", {"age": "9 months", "period": "2026-02", "cadence": "month"}),
        ("2026-09", "2026-11-24", None),  # October is being reported; November has not ended
        ("2026-08", "2026-11-24", {"age": "3 months", "period": "2026-08", "cadence": "month"}),
        ("2026-Q2", "2026-11-24", None),
        ("2026-Q1", "2026-11-24", {"age": "8 months", "period": "2026-Q1", "cadence": "quarter"}),
        ("2026-W40", "2026-11-24", {"age": "7 weeks", "period": "2026-W40", "cadence": "week"}),
        ("2026-W45", "2026-11-24", {"age": "2 weeks", "period": "2026-W45", "cadence": "week"}),
        ("2026-W46", "2026-11-24", None),
        ("sometime", "2026-11-24", None),
    ],
)
def test_a_kpi_is_stale_two_of_its_periods_after_its_latest_value(period, today, expected):
    assert staleness(period, dt.date.fromisoformat(today)) == expected


def test_the_dashboard_flags_a_stale_kpi_with_its_age(cli, minimal, tmp_path):
    assert cli("build", "--records", minimal, "--out", tmp_path / "site").exit_code == 0
    team = (tmp_path / "site/teams/core.html").read_text(encoding="utf-8")
    assert "stale: the latest value, for 2026-02, is 9 months old (a monthly series)" in team


def test_a_kpi_updated_last_month_is_not_stale(cli, minimal, tmp_path):
    kpi = minimal / "kpis/core/api-latency.yaml"
    edit(
        kpi,
        "  - period: 2026-02\n    value: 320\n",
        "  - period: 2026-02\n    value: 320\n  - period: 2026-10\n    value: 310\n",
    )
    assert cli("build", "--records", minimal, "--out", tmp_path / "site").exit_code == 0
    assert "stale" not in (tmp_path / "site/teams/core.html").read_text(encoding="utf-8")


def test_every_page_names_the_favicon_from_the_sites_own_assets(cli, minimal, tmp_path):
    assert cli("build", "--records", minimal, "--out", tmp_path / "site").exit_code == 0
    site = tmp_path / "site"
    assert (site / "static/favicon.svg").read_text(encoding="utf-8").startswith("<svg")
    for page in site.rglob("*.html"):
        depth = len(page.relative_to(site).parts) - 1
        tag = f'<link rel="icon" href="{"../" * depth}static/favicon.svg" type="image/svg+xml">'
        assert tag in page.read_text(encoding="utf-8"), page
