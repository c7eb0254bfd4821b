"""KPI series: `kpi dora --write` merges computed values into series records (idempotent,
comments kept, hand-entered values respected), and sustained trends are told from noise."""

from __future__ import annotations

import json
import textwrap

from tests.support.files import edit
from tests.support.git import tag

RANGE = ("--since", "2026-01-01", "--until", "2026-02-28")


def write(cli, root, *more: str):
    return cli("kpi", "dora", "--team", "core", *RANGE, "--write", "--records", "records", *more, cwd=root.parent)


def test_write_creates_a_series_per_dora_metric_with_provenance(org, cli):
    root, _, shas = org
    res = write(cli, root)
    assert res.exit_code == 0, res
    assert res.stderr == textwrap.dedent("""\
        records/kpis/core/core-lead-time.yaml: created, 2 added, 0 updated, 0 unchanged [kpi core-lead-time]
        records/kpis/core/core-deployment-frequency.yaml: created, 2 added, 0 updated, 0 unchanged [kpi core-deployment-frequency]
        records/kpis/core/core-time-to-restore.yaml: created, 2 added, 0 updated, 0 unchanged [kpi core-time-to-restore]
        records/kpis/core/core-change-failure-rate.yaml: created, 2 added, 0 updated, 0 unchanged [kpi core-change-failure-rate]
        Deployment rework rate (deployment-rework-rate): nothing written: no metric record has 'dora: deployment-rework-rate' (add one in metrics/ to track it as a series)
        """)
    jan, feb = shas["c6"][:12], f"{shas['c6'][:12]}..{shas['c10'][:12]}"
    assert (root / "kpis/core/core-lead-time.yaml").read_text() == textwrap.dedent(f"""\
        kind: kpi
        id: core-lead-time
        team: core
        metric: lead-time
        granularity: month
        values:
          - period: 2026-01
            value: 11
            provenance:
              source: git
              policy: default v1
              repositories:
              - name: acme/api
                range: {jan}
              sample: 6
              p90: 24
              computed_at: '2026-11-24'
          - period: 2026-02
            value: 24
            provenance:
              source: git
              policy: default v1
              repositories:
              - name: acme/api
                range: {feb}
              sample: 4
              p90: 72
              computed_at: '2026-11-24'
        """)
    # The failed deployments' recoveries: Jan D2 (4 h) and D4 (23 h); Feb D6, recovered when
    # pm-api was restored (25.5 h), the one postmortem behind a figure.
    assert (root / "kpis/core/core-time-to-restore.yaml").read_text() == textwrap.dedent(f"""\
        kind: kpi
        id: core-time-to-restore
        team: core
        metric: time-to-restore
        granularity: month
        values:
          - period: 2026-01
            value: 13.5
            provenance:
              source: git
              policy: default v1
              repositories:
              - name: acme/api
                range: {shas["c2"][:12]}..{shas["c5"][:12]}
              sample: 2
              computed_at: '2026-11-24'
          - period: 2026-02
            value: 25.5
            provenance:
              source: git
              policy: default v1
              repositories:
              - name: acme/api
                range: {shas["c6"][:12]}..{shas["c7"][:12]}
              sample: 1
              postmortems:
              - pm-api
              computed_at: '2026-11-24'
        """)
    assert cli("validate", "records", cwd=root.parent).exit_code == 0


def test_writing_again_changes_nothing(org, cli):
    root, _, _ = org
    assert write(cli, root).exit_code == 0
    before = {p: p.read_bytes() for p in (root / "kpis/core").iterdir()}
    res = write(cli, root)
    assert res.exit_code == 0, res
    assert res.stderr.splitlines()[0] == (
        "records/kpis/core/core-lead-time.yaml: up to date, 0 added, 0 updated, 2 unchanged [kpi core-lead-time]"
    )
    assert {p: p.read_bytes() for p in (root / "kpis/core").iterdir()} == before


def test_a_later_deploy_updates_the_period_in_place_instead_of_adding_one(org, cli):
    root, repo, _ = org
    assert write(cli, root).exit_code == 0
    sha = repo.commit("feat: h", date="2026-02-26T10:00:00+00:00")
    tag(repo, "deploy-2026-02-26.1", sha, "2026-02-26T11:00:00+00:00")
    res = write(cli, root)
    assert res.exit_code == 0, res
    assert "core-deployment-frequency.yaml: wrote, 0 added, 1 updated, 1 unchanged" in res.stderr
    text = (root / "kpis/core/core-deployment-frequency.yaml").read_text()
    # February now has 4 deploys over 4 weeks: 1 a week, once.
    assert text.count("period: 2026-02") == 1
    assert "  - period: 2026-02\n    value: 1\n" in text


SERIES = """\
    # Lead time of team core, reviewed monthly.
    kind: kpi
    id: core-lead
    team: core
    metric: lead-time
    core: true
    granularity: month
    baseline:
      value: 30
      period: 2025-Q4
    target:
      value: 12
    values:
      # typed in from the old spreadsheet
      - period: 2025-12
        value: 30
      - period: 2026-01
        value: 14   # hand-entered before the repositories were connected
    annotations:
      - period: 2026-01
        text: New deploy pipeline.
    """


def test_hand_entered_values_and_comments_survive_and_new_periods_go_in_order(org, cli):
    root, _, shas = org
    (root / "kpis/core/lead.yaml").write_text(textwrap.dedent(SERIES))
    res = write(cli, root)
    assert res.exit_code == 0, res
    assert (
        "records/kpis/core/lead.yaml: wrote, 1 added, 0 updated, 0 unchanged, 1 hand-entered kept "
        "(2026-01; --force replaces them) [kpi core-lead]\n"
    ) in res.stderr
    feb = f"{shas['c6'][:12]}..{shas['c10'][:12]}"
    expected = textwrap.dedent(SERIES).replace("    text: New deploy pipeline.\n", "    text: New deploy pipeline.\n")
    expected = expected.replace(
        "hand-entered before the repositories were connected\n",
        textwrap.dedent(f"""\
        hand-entered before the repositories were connected
          - period: 2026-02
            value: 24
            provenance:
              source: git
              policy: default v1
              repositories:
              - name: acme/api
                range: {feb}
              sample: 4
              p90: 72
              computed_at: '2026-11-24'
        """),
    )
    assert (root / "kpis/core/lead.yaml").read_text() == expected
    res = write(cli, root, "--force")
    assert "records/kpis/core/lead.yaml: wrote, 0 added, 1 updated, 1 unchanged [kpi core-lead]\n" in res.stderr
    text = (root / "kpis/core/lead.yaml").read_text()
    assert "  - period: 2026-01\n    value: 11\n    provenance:\n" in text
    assert "hand-entered before" not in text
    assert text.startswith("# Lead time of team core, reviewed monthly.\n")
    assert "  # typed in from the old spreadsheet\n  - period: 2025-12\n    value: 30\n" in text
    assert cli("validate", "records", cwd=root.parent).exit_code == 0


def test_a_series_kept_by_another_granularity_is_not_written(org, cli):
    root, _, _ = org
    (root / "kpis/core/lead.yaml").write_text(
        textwrap.dedent(SERIES).replace("granularity: month", "granularity: week")
    )
    res = write(cli, root)
    assert res.exit_code == 2
    assert res.stderr == (
        "perfdocs: error: records/kpis/core/lead.yaml: series 'core-lead' is by week; "
        "run with --granularity week to write it\n"
    )


# --- trends ------------------------------------------------------------------------------


def test_kpi_trends_flags_the_sustained_slide_and_the_core_count(minimal, tmp_path, cli):
    path = minimal / "kpis/core/api-latency.yaml"
    edit(
        path,
        "  - period: 2026-02\n    value: 320\n",
        "".join(
            f"  - period: 2026-{m:02d}\n    value: {v}\n"
            for m, v in [(2, 320), (3, 500), (4, 310), (5, 330), (6, 360), (7, 400)]
        ),
    )
    res = cli("kpi", "trends", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    # 320 -> 500 is a single bad point (then 310); 310 -> 330 -> 360 -> 400 is three rises in a row.
    assert res.stdout == textwrap.dedent("""\
        Sustained trends (3 or more consecutive periods moving against the target; single bad points are not flagged):
          core-api-latency (api-latency, lower is better): 3 consecutive periods rising against the target, 2026-04 to 2026-07 (310 -> 330 -> 360 -> 400) and still going

        Core KPIs per team (the org asks for 5 to 7):
          core: 1  warning: team 'core' tracks 1 core KPI; fewer than 5 leaves blind spots
        """)
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("kpi_rules:\n  sustained_trend_periods: 4\n  core_kpis: {min: 1, max: 3}\n")
    res = cli("kpi", "trends", "--team", "core", "--records", "records", cwd=tmp_path)
    assert res.stdout == textwrap.dedent("""\
        Sustained trends (4 or more consecutive periods moving against the target; single bad points are not flagged):
          none

        Core KPIs per team (the org asks for 1 to 3):
          core: 1
        """)


def test_kpi_trends_as_json_names_the_settings_and_each_trend(minimal, tmp_path, cli):
    edit(
        minimal / "kpis/core/api-latency.yaml",
        "  - period: 2026-02\n    value: 320\n",
        "  - period: 2026-02\n    value: 320\n  - period: 2026-03\n    value: 330\n"
        "  - period: 2026-04\n    value: 340\n  - period: 2026-05\n    value: 350\n",
    )
    res = cli("kpi", "trends", "--format", "json", "--records", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert json.loads(res.stdout) == {
        "sustained_trend_periods": 3,
        "core_kpis": {"min": 5, "max": 7},
        "trends": [
            {
                "kpi": "core-api-latency",
                "team": "core",
                "metric": "api-latency",
                "start": "2026-02",
                "end": "2026-05",
                "moves": 3,
                "values": [320, 330, 340, 350],
                "ongoing": True,
                "direction": "lower-is-better",
            }
        ],
        "core_counts": {"core": 1},
        "warnings": ["team 'core' tracks 1 core KPI; fewer than 5 leaves blind spots"],
    }


def test_kpi_trends_for_an_unknown_team_is_a_usage_error(minimal, tmp_path, cli):
    res = cli("kpi", "trends", "--team", "cor", "--records", "records", cwd=tmp_path)
    assert (res.exit_code, res.stderr) == (2, "perfdocs: error: no team 'cor'; did you mean 'core'?\n")
