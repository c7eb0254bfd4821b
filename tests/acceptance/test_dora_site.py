"""The team dashboards show the DORA band, flagged trends and each figure's formula, and the
teams page rolls the DORA figures up across teams."""

from __future__ import annotations

import html as htmllib
import re

from tests.support.files import edit


def text(html: str) -> str:
    """The visible text of some HTML, whitespace collapsed."""
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def build(cli, root, tmp_path):
    res = cli(
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-01-01",
        "--until",
        "2026-02-28",
        "--write",
        "--records",
        "records",
        cwd=root.parent,
    )
    assert res.exit_code == 0, res
    res = cli("build", "--records", root, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    return tmp_path / "site"


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_a_dora_kpi_shows_its_band_formula_configuration_and_provenance(org, cli, tmp_path):
    root, _, shas = org
    site = build(cli, root, tmp_path)
    page = (site / "teams/core.html").read_text()
    cfr = text(section(page, "kpi-core-change-failure-rate"))
    feb = f"{shas['c6'][:12]}..{shas['c10'][:12]}"
    assert "33.33 % in 2026-02" in cfr
    assert "DORA band: medium" in cfr
    assert (
        "Formula: failed deploys / deploys in the period x 100; a deploy failed when within 24 h after it a "
        "commit it shipped was reverted"
    ) in cfr
    assert (
        "Configuration: deploy_tag_pattern=deploy-* , failure_window_hours=24 , hotfix_tag_pattern=*hotfix* , "
        "hotfix_message_pattern=^(hotfix|Hotfix|HOTFIX)\\b"
    ) in cfr
    assert f"Latest value: computed 2026-11-24 from acme/api {feb} (3 in the sample)." in cfr
    ttr = text(section(page, "kpi-core-time-to-restore"))
    assert "DORA band: high" in ttr and "computed 2026-11-24 from 2 postmortem(s)." in ttr


def test_a_hand_entered_kpi_shows_its_calculation_and_a_sustained_trend(org, cli, tmp_path):
    root, _, _ = org
    edit(
        root / "kpis/core/api-latency.yaml",
        "  - period: 2026-02\n    value: 320\n",
        "  - period: 2026-02\n    value: 320\n  - period: 2026-03\n    value: 340\n"
        "  - period: 2026-04\n    value: 360\n  - period: 2026-05\n    value: 390\n",
    )
    site = build(cli, root, tmp_path)
    panel = text(section((site / "teams/core.html").read_text(), "kpi-core-api-latency"))
    assert (
        "Sustained trend: 3 consecutive periods rising against the target, 2026-02 to 2026-05 "
        "(320 -> 340 -> 360 -> 390) and still going"
    ) in panel
    assert "Formula: p99 of request durations over a week." in panel
    assert "DORA band" not in panel and "Latest value" not in panel
    index = (site / "teams/index.html").read_text()
    flagged = text(index[index.index("<h2>Sustained trends</h2>") : index.index("</ul>", index.index("<h2>Sustained"))])
    assert flagged == (
        "Sustained trends Core: API latency — 3 consecutive periods rising against the target, "
        "2026-02 to 2026-05 (320 -> 340 -> 360 -> 390) and still going"
    )


def test_the_teams_page_rolls_up_the_latest_dora_figures(org, cli, tmp_path):
    root, _, _ = org
    site = build(cli, root, tmp_path)
    html = (site / "teams/index.html").read_text()
    table = text(html[html.index('<table class="rollup"') : html.index("</table>")])
    assert table == (
        "Latest DORA figures per team, with their band Team Deployment frequency (deploys/week) "
        "Lead time for changes (hours) Change failure rate (%) Time to restore service (hours) Sustained trends "
        "Core 0.75 2026-02 medium stale, 9 months old 24 2026-02 high stale, 9 months old "
        "33.33 2026-02 medium stale, 9 months old 4 2026-02 high stale, 9 months old 0"
    )  # the story's figures are for February; the tests run on 2026-11-24 (issue 17, item 9)


def test_the_metrics_catalogue_prints_how_a_dora_metric_is_computed(org, cli, tmp_path):
    root, _, _ = org
    res = cli("build", "--records", root, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    page = (tmp_path / "site/metrics/index.html").read_text()
    lead = text(section(page, "metric-lead-time"))
    assert (
        "Computed by perfdocs kpi dora as: median (and nearest-rank p90) over the commits first deployed in "
        "the period, merges excluded, of hours from the commit's author date to the first deploy containing "
        "it; a deploy is a tag matching 'deploy-*' in the team's repositories"
    ) in lead
    assert "Configuration: deploy_tag_pattern=deploy-* , lead_time_start=author-date" in lead
