"""The example organisation's DORA series are computed, not typed in: recomputing them from
the generated example repositories changes nothing in records/kpis."""

from __future__ import annotations

import pytest

from perfdocs.example import repos as examples

ENV = {
    "acme/payments": "PERFDOCS_REPO_ACME_PAYMENTS",
    "acme/platform": "PERFDOCS_REPO_ACME_PLATFORM",
    "acme/web": "PERFDOCS_REPO_ACME_WEB",
}


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated") / "example-repos"
    examples.generate(out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("team", ["payments", "platform", "web"])
def test_the_committed_dora_series_are_what_the_example_repositories_give(team, repos, example, cli, monkeypatch):
    for name, var in ENV.items():
        monkeypatch.setenv(var, str(repos / name))
    before = {p: p.read_bytes() for p in (example / "kpis").rglob("*.yaml")}
    res = cli(
        "kpi",
        "dora",
        "--team",
        team,
        "--since",
        "2026-01-01",
        "--until",
        "2026-10-31",
        "--write",
        "--records",
        "records",
        cwd=example.parent,
    )
    assert res.exit_code == 0, res
    lines = res.stderr.splitlines()
    assert len(lines) == 5 and all(": up to date, 0 added, 0 updated, " in line for line in lines), res.stderr
    assert {p: p.read_bytes() for p in (example / "kpis").rglob("*.yaml")} == before


def test_the_example_flags_the_sustained_trends_its_history_has(example, cli):
    res = cli("kpi", "trends", "--records", "records", cwd=example.parent)
    assert res.exit_code == 0, res
    platform = (
        "  platform-change-fail-rate (change-fail-rate, lower is better): 3 consecutive periods "
        "rising against the target, 2026-03 to 2026-06 (0 -> 7.69 -> 12.5 -> 20)"
    )
    rework = (
        "  platform-deployment-rework-rate (deployment-rework-rate, lower is better): 3 consecutive periods "
        "rising against the target, 2026-03 to 2026-06 (0 -> 7.69 -> 12.5 -> 13.33)"
    )
    web = (
        "  web-change-lead-time (change-lead-time, lower is better): 3 consecutive periods rising against the "
        "target, 2026-06 to 2026-09 (53.11 -> 58.39 -> 61.33 -> 88.33)"
    )
    assert res.stdout.splitlines()[1:4] == [platform, rework, web]


def test_the_example_dashboards_show_the_five_metrics_with_their_buckets_and_the_edition(example, cli, tmp_path):
    import html
    import re

    res = cli("build", "--records", example, "--out", tmp_path / "site", "--audience", "internal")
    assert res.exit_code == 0, res
    page = (tmp_path / "site/teams/index.html").read_text()
    table = page[page.index('<table class="rollup"') : page.index("</table>")]
    heads = [
        html.unescape(re.sub(r"<[^>]+>|\s+", " ", h)).split(" (")[0].strip()
        for h in re.findall(r'<th scope="col">(.*?)</th>', table)
    ]
    assert heads == [
        "Team",
        "Change lead time",
        "Deployment frequency",
        "Failed deployment recovery time",
        "Change fail rate",
        "Deployment rework rate",
        "Sustained trends",
    ]
    # every team's latest time and frequency figures carry the benchmark bucket (a rate has none: DORA scores it on
    # a linear 0-100 % scale); the edition is named under the table
    assert table.count('class="tag bucket"') == 9
    assert 'benchmark edition <a href="https://dora.dev/quickcheck/">DORA 2025 Quick Check' in page
