"""DORA metrics from a real repository with deploy tags, a revert, a hotfix, a merge and
postmortems, at chosen timestamps; every expected figure is worked out by hand in the payments
story (tests/support/git.py, `payments_history`: the `org` fixture) or beside the test."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from perfdocs.metrics import dora

from tests.support.files import edit
from tests.support.git import tag

D = dt.date


def figures(result: dora.TeamDora) -> dict[str, list[tuple]]:
    return {m.key: [(f.period, f.value, f.band, f.sample) for f in m.figures] for m in result.metrics}


def test_the_five_metrics_per_month_match_the_hand_computed_figures(org):
    root, _, _ = org
    from perfdocs.validation import load_valid

    report = load_valid(root)
    result = dora.team_dora(report.org, root, "core", D(2026, 1, 1), D(2026, 2, 28), "month")
    assert figures(result) == {
        # Jan: hours 24, 20, 24, 1, 2, 1 -> sorted 1 1 2 20 24 24, median (2 + 20) / 2 = 11 (elite: < 24)
        # Feb: hours 24, 72, 24, 2 (the merge commit is left out) -> 2 24 24 72, median 24 (high: 24 <= x < 168)
        "change-lead-time": [("2026-01", 11, "elite", 6), ("2026-02", 24, "high", 4)],
        # Jan: 5 deploys over 31 days = 5 / (31/7) = 1.129 -> 1.13 a week (high: 1 <= x < 7)
        # Feb: 3 deploys over 28 days = 3 / 4 = 0.75 a week (medium: 0.25 <= x < 1)
        "deployment-frequency": [("2026-01", 1.13, "high", 5), ("2026-02", 0.75, "medium", 3)],
        # The failed deployments (the recovery metric's record has no window: the default 48 h):
        # Jan: D2 08 09:00 -> D3 (ships the revert) 08 13:00 = 4 h; D4 20 10:00 -> D5 (the hotfix)
        # 21 09:00 = 23 h; median 13.5 (high: 1 <= x < 24).
        # Feb: D6 03 10:00 -> pm-api restored 04 11:30 = 25.5 h (medium: 24 <= x < 168); pm-db starts
        # 7 days after D7, outside the window: it is no deployment's failure and not counted.
        "failed-deployment-recovery-time": [("2026-01", 13.5, "high", 2), ("2026-02", 25.5, "medium", 1)],
        # Jan: D2 (reverted within 3 h) and D4 (hotfix 23 h later) failed: 2 / 5 = 40 % (medium: 30 <= x < 45)
        # Feb: D6 (pm-api 23 h later) failed: 1 / 3 = 33.33 % (medium)
        "change-fail-rate": [("2026-01", 40, "medium", 5), ("2026-02", 33.33, "medium", 3)],
        # Jan: D5, the hotfix deployment, is rework: 1 / 5 = 20 %; Feb: none of 3 (no record: no bands)
        "deployment-rework-rate": [("2026-01", 20, None, 5), ("2026-02", 0, None, 3)],
    }
    lead = next(m for m in result.metrics if m.key == "change-lead-time")
    # nearest-rank p90: ceil(0.9 * 6) = 6th of 1 1 2 20 24 24 = 24; ceil(0.9 * 4) = 4th of 2 24 24 72 = 72
    assert [f.extra for f in lead.figures] == [{"p90": 24}, {"p90": 72}]
    cfr = next(m for m in result.metrics if m.key == "change-fail-rate")
    assert [f.extra["failures"] for f in cfr.figures] == [
        {"deploy-2026-01-08.1": [f"revert {org[2]['c4'][:12]}"], "deploy-2026-01-20.1": ["hotfix deploy-2026-01-21.1"]},
        {"deploy-2026-02-03.1": ["postmortem pm-api"]},
    ]


def test_each_figure_records_the_commit_range_it_summarises(org):
    root, _, shas = org
    from perfdocs.validation import load_valid

    result = dora.team_dora(load_valid(root).org, root, "core", D(2026, 1, 1), D(2026, 2, 28), "month")
    freq = result.metrics[1]
    # January's range starts at the first deploy (no earlier one) and ends at D5 (c6);
    # February's runs from D5 (exclusive) to D8 (c10).
    assert [f.provenance["repositories"] for f in freq.figures] == [
        [{"name": "acme/api", "range": shas["c6"][:12]}],
        [{"name": "acme/api", "range": f"{shas['c6'][:12]}..{shas['c10'][:12]}"}],
    ]
    recovery = result.metrics[2]
    # February's one recovery: D6 (c7), failed by pm-api; every figure names its policy.
    assert recovery.figures[1].provenance == {
        "source": "git",
        "policy": "default v1",
        "repositories": [{"name": "acme/api", "range": f"{shas['c6'][:12]}..{shas['c7'][:12]}"}],
        "sample": 1,
        "postmortems": ["pm-api"],
        "computed_at": "2026-11-24",
    }


def test_a_wider_failure_window_from_org_yaml_catches_a_late_revert(org):
    root, _, _ = org
    from perfdocs.validation import load_valid

    edit(root / "metrics/change-failure-rate.yaml", "failure_window_hours: 24", "failure_window_hours: 336")
    result = dora.team_dora(load_valid(root).org, root, "core", D(2026, 1, 1), D(2026, 2, 28), "month")
    cfr = next(m for m in result.metrics if m.key == "change-fail-rate")
    # With 14 days (336 h): Jan unchanged (40 %). Feb: D6 (pm-api) and D7, whose c8 was reverted
    # 12 days later, failed; pm-db (7 days after D7) also lands on D7: 2 / 3 = 66.67 %.
    assert [(f.period, f.value, f.extra["failed"]) for f in cfr.figures] == [("2026-01", 40, 2), ("2026-02", 66.67, 2)]
    assert "within 336 h after it" in cfr.formula


def test_quarters_and_weeks_bucket_the_same_deploys(org):
    root, _, _ = org
    from perfdocs.validation import load_valid

    o = load_valid(root).org
    quarter = dora.team_dora(o, root, "core", D(2026, 1, 1), D(2026, 3, 31), "quarter")
    # Q1: 8 deploys over 90 days = 8 / (90/7) = 0.622 -> 0.62 a week
    assert figures(quarter)["deployment-frequency"] == [("2026-Q1", 0.62, "medium", 8)]
    # Q1 lead times: 1 1 2 2 20 24 24 24 24 72 -> median (20 + 24) / 2 = 22
    assert figures(quarter)["change-lead-time"] == [("2026-Q1", 22, "elite", 10)]
    weeks = dora.team_dora(o, root, "core", D(2026, 1, 5), D(2026, 1, 25), "week")
    # ISO weeks 2 (Jan 5-11): D1 D2 D3; 3 (Jan 12-18): none; 4 (Jan 19-25): D4 D5
    assert figures(weeks)["deployment-frequency"] == [
        ("2026-W02", 3, "high", 3),
        ("2026-W03", 0, "low", 0),
        ("2026-W04", 2, "high", 2),
    ]


def test_the_cli_prints_the_formula_and_configuration_beside_every_figure(org, cli):
    root, _, _ = org
    res = cli(
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-01-01",
        "--until",
        "2026-02-28",
        "--records",
        "records",
        cwd=root.parent,
    )
    assert res.exit_code == 0, res
    assert res.stdout == textwrap.dedent("""\
        DORA metrics of team core, 2026-01-01 to 2026-02-28 by month (repositories: acme/api)

        == throughput ==

        Change lead time (hours) - metric lead-time, records/metrics/lead-time.yaml
          policy: default v1
          formula: median (and nearest-rank p90) over the commits first deployed in the period, merges excluded, of hours from the commit's author date to the first deployment containing it; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for lightweight tags), in UTC (policy default v1)
          configuration: policy=default v1, deployment=tag, deploy_tag_pattern=deploy-*, lead_time_start=author-date
          bands: elite < 24; high 24 to < 168; medium 168 to < 720; low >= 720
          minimum sample: 3
          period      value  band    sample
          2026-01        11  elite   6 commits, p90 24
          2026-02        24  high    4 commits, p90 72

        Deployment frequency (deploys/week) - metric deployment-frequency, records/metrics/deployment-frequency.yaml
          policy: default v1
          formula: deployments in the period / (days of the period in range / 7), deployments that ship nothing excluded; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for lightweight tags), in UTC (policy default v1)
          configuration: policy=default v1, deployment=tag, deploy_tag_pattern=deploy-*
          bands: elite >= 7; high 1 to < 7; medium 0.25 to < 1; low < 0.25
          period      value  band    sample
          2026-01      1.13  high    5 deployments
          2026-02      0.75  medium  3 deployments

        Failed deployment recovery time (hours) - metric time-to-restore, records/metrics/time-to-restore.yaml
          policy: default v1
          formula: median over the failed deployments of the period of hours from the failed deployment to the fix in production (the deployment shipping the revert, the rollback, the hotfix deployment, or the postmortem's restored time, whichever comes first); a deployment failed when within 48 h after it a commit it shipped was reverted, an earlier version was redeployed (a rollback), a hotfix deployment followed (ref matching '*hotfix*' or a commit subject matching /^(hotfix|Hotfix|HOTFIX)\\b/), or when a postmortem links it or, within 48 h, names api; a revert of a commit no deployment shipped blames none; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for lightweight tags), in UTC (policy default v1)
          configuration: policy=default v1, deployment=tag, deploy_tag_pattern=deploy-*, failure_window_hours=48, failure_revert=True, failure_rollback=True, hotfix_tag_pattern=*hotfix*, hotfix_message_pattern=^(hotfix|Hotfix|HOTFIX)\\b, recovery_start=deployment, recovery_end=fix-deployed
          bands: elite < 1; high 1 to < 24; medium 24 to < 168; low >= 168
          minimum sample: 1
          period      value  band    sample
          2026-01      13.5  high    2 recoveries
          2026-02      25.5  medium  1 recovery

        == instability ==

        Change fail rate (%) - metric change-failure-rate, records/metrics/change-failure-rate.yaml
          policy: default v1
          formula: failed deployments / deployments in the period x 100; a deployment failed when within 24 h after it a commit it shipped was reverted, an earlier version was redeployed (a rollback), a hotfix deployment followed (ref matching '*hotfix*' or a commit subject matching /^(hotfix|Hotfix|HOTFIX)\\b/), or when a postmortem links it or, within 24 h, names api; a revert of a commit no deployment shipped blames none; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for lightweight tags), in UTC (policy default v1)
          configuration: policy=default v1, deployment=tag, deploy_tag_pattern=deploy-*, failure_window_hours=24, failure_revert=True, failure_rollback=True, hotfix_tag_pattern=*hotfix*, hotfix_message_pattern=^(hotfix|Hotfix|HOTFIX)\\b
          bands: elite < 15; high 15 to < 30; medium 30 to < 45; low >= 45
          minimum sample: 3
          period      value  band    sample
          2026-01        40  medium  2 of 5 deployments failed
          2026-02     33.33  medium  1 of 3 deployments failed

        Deployment rework rate (%) - no metric definition record: defaults, no bands
          policy: default v1
          formula: rework deployments / deployments in the period x 100; a rework deployment is unplanned, to fix a problem in production: a hotfix deployment, a rollback; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for lightweight tags), in UTC (policy default v1)
          configuration: policy=default v1, deployment=tag, deploy_tag_pattern=deploy-*, hotfix_tag_pattern=*hotfix*, hotfix_message_pattern=^(hotfix|Hotfix|HOTFIX)\\b, failure_rollback=True
          minimum sample: 3
          period      value  band    sample
          2026-01        20  -       1 of 5 deployments rework
          2026-02         0  -       0 of 3 deployments rework

        Whole window 2026-01-01 to 2026-02-28, against benchmark dora-2025 (DORA 2025 Quick Check (0-10 scores), https://dora.dev/quickcheck/), industry means: All industries:
          Change lead time: 22 hours: less than one day, score 8.0/10; industry mean 5.5 (std 2.4): 2.5 above
          Deployment frequency: 0.95 deploys/week: weekly to monthly, score 4.0/10; industry mean 4.8 (std 2.8): 0.8 below
          Failed deployment recovery time: 23 hours: less than one day, score 8.0/10; industry mean 7.4 (std 2.1): 0.6 above
          Change fail rate: 37.5 %: 0-100 % scale (0 % = 10, 100 % = 0), score 6.3/10; industry mean 8.1 (std 2.1): 1.8 below
          Deployment rework rate: 12.5 %: 0-100 % scale (0 % = 10, 100 % = 0), score 8.8/10; industry mean 7.8 (std 2.2): 1.0 above
          throughput: 6.7/10 (mean of change-lead-time, deployment-frequency, failed-deployment-recovery-time); industry mean 6.0 (std 2.1): 0.7 above
          instability (scored as stability: 10 = most stable): 7.5/10 (mean of change-fail-rate, deployment-rework-rate); industry mean 7.9 (std 2.0): 0.4 below
          overall: 7.0/10 (mean of 5 metric scores); industry mean 6.72 (std 1.2): 0.3 above
        """)


def test_json_output_carries_the_formula_for_the_site(org, cli):
    root, _, _ = org
    res = cli(
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-01-01",
        "--until",
        "2026-01-31",
        "--format",
        "json",
        "--records",
        root,
    )
    assert res.exit_code == 0, res
    data = json.loads(res.stdout)
    assert [m["key"] for m in data["metrics"]] == list(dora.KEYS)
    assert data["metrics"][3]["config"]["failure_window_hours"] == 24
    assert data["metrics"][1]["figures"][0]["value"] == 1.13
    assert data["metrics"][1]["formula"].startswith("deployments in the period / (days of the period in range / 7)")
    # the whole-window summary as the text shows it: a rate's linear scale where a bucket would be, the
    # industry mean on the high-is-best scale with the value DORA's file publishes, and the factors' means
    found = data["assessment"]
    cfr = found["metrics"]["change-fail-rate"]
    assert {k: cfr[k] for k in ("value", "scoring", "bucket", "placement", "score", "mean", "std", "published")} == {
        "value": 40,
        "scoring": "linear",
        "bucket": None,
        "placement": "0-100 % scale (0 % = 10, 100 % = 0)",
        "score": 6.0,
        "mean": 8.1,
        "std": 2.1,
        "published": 1.9,
    }
    assert cfr["versus_mean"] == -2.1
    lead = found["metrics"]["change-lead-time"]
    assert (lead["scoring"], lead["bucket"], lead["placement"], lead["mean"]) == (
        "buckets",
        "less than one day",
        "less than one day",
        5.5,
    )
    assert found["factors"]["instability"]["scored_as"] == "stability: 10 = most stable"
    assert (found["factors"]["instability"]["mean"], found["factors"]["throughput"]["mean"]) == (7.9, 6.0)
    assert found["overall"]["mean"] == 6.72 and found["verified_means"] is True


def test_org_yaml_chooses_the_industry_whose_means_the_scores_are_compared_with(org, cli):
    root, _, _ = org
    edit(
        root / "org.yaml",
        "  deploy_tag_pattern: deploy-*\n",
        "  deploy_tag_pattern: deploy-*\n  benchmark_segment: financial_services\n",
    )
    assert cli("validate", root).exit_code == 0
    res = cli("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-02-28", "--records", root)
    assert res.exit_code == 0, res
    summary = res.stdout[res.stdout.index("Whole window") :].splitlines()
    # DORA's Financial Services means: leadtime 5.4 (std 2.3), changefailure 1.7 published (10 - 1.7 = 8.3 shown),
    # instability 1.8 (stability 8.2), overall (5.4 + 5.1 + 7.7 + 8.3 + 8.1) / 5 = 6.92
    assert summary[0].endswith("industry means: Financial Services:")
    assert (
        summary[1]
        == "  Change lead time: 22 hours: less than one day, score 8.0/10; industry mean 5.4 (std 2.3): 2.6 above"
    )
    assert summary[4] == (
        "  Change fail rate: 37.5 %: 0-100 % scale (0 % = 10, 100 % = 0), score 6.3/10; industry mean 8.3 (std 2.1): "
        "2.0 below"
    )
    assert summary[7].endswith("; industry mean 8.2 (std 1.8): 0.7 below")
    assert summary[8] == "  overall: 7.0/10 (mean of 5 metric scores); industry mean 6.92 (std 1.1): 0.1 above"
    # a segment no edition has is a schema error; one this edition lacks (the legacy edition has only "all") a
    # one-line usage error
    edit(root / "org.yaml", "benchmark_segment: financial_services", "benchmark_segment: finance")
    checked = cli("validate", root)
    assert checked.exit_code == 1, checked
    assert "org.yaml:35:22: 'finance' is not allowed for 'benchmark_segment'" in checked.stdout
    edit(root / "org.yaml", "benchmark_segment: finance", "benchmark_segment: technology\n  benchmark: dora-2024")
    res = cli("kpi", "dora", "--team", "core", "--records", root)
    assert (res.exit_code, res.stderr) == (
        2,
        "perfdocs: error: no segment 'technology' in DORA benchmark edition dora-2024 (org.yaml "
        "dora.benchmark_segment); segments: all\n",
    ), res


def test_an_unknown_team_and_a_missing_clone_are_one_line_errors(org, cli):
    root, _, _ = org
    res = cli("kpi", "dora", "--team", "cor", "--records", root)
    assert (res.exit_code, res.stderr) == (2, "perfdocs: error: no team 'cor'; did you mean 'core'?\n")
    edit(root / "org.yaml", "acme/api:\n    path: ", "acme/api:\n    env: API_CLONE\n    path: missing/")
    res = cli("kpi", "dora", "--team", "core", "--records", root)
    assert res.exit_code == 2, res
    assert res.stderr.startswith("perfdocs: error: repository 'acme/api' is not cloned at ")
    assert res.stderr.endswith(" (or set $API_CLONE)\n")


def test_the_env_variable_points_at_the_clone_in_ci(org, cli, monkeypatch):
    root, repo, _ = org
    edit(root / "org.yaml", "acme/api:\n    path: ", "acme/api:\n    env: API_CLONE\n    path: missing/")
    monkeypatch.setenv("API_CLONE", str(repo.path))
    res = cli("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-01-31", "--records", root)
    assert res.exit_code == 0, res
    assert "2026-01      1.13  high    5 deployments" in res.stdout


def test_lightweight_tags_are_dated_by_their_commit_and_a_period_without_deploys_is_zero(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("one", date="2026-03-02T08:00:00+00:00")
    repo.git("tag", "deploy-1", c1)
    c2 = repo.commit("two", date="2026-03-03T08:00:00+00:00")
    repo.git("tag", "deploy-2", c2)
    history = dora.read_history(repo.path, "svc")
    results = dora.compute(
        {"svc": history},
        [],
        D(2026, 3, 1),
        D(2026, 4, 30),
        "month",
        {k: dora.Config() for k in dora.KEYS},
        min_sample={"change-lead-time": 1},
    )
    lead, freq = results[0], results[1]
    # Each lightweight tag is dated by its commit: lead time 0 h for both commits.
    # March: 2 deploys / (31 / 7) = 0.4516 -> 0.45; April: 0 deploys.
    assert [(f.period, f.value) for f in freq.figures] == [("2026-03", 0.45), ("2026-04", 0)]
    assert [(f.period, f.value) for f in lead.figures] == [("2026-03", 0), ("2026-04", None)]


def test_a_partial_period_is_marked_incomplete(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("one", date="2026-03-02T08:00:00+00:00")
    repo.git("tag", "deploy-1", c1)
    results = dora.compute(
        {"svc": dora.read_history(repo.path)},
        [],
        D(2026, 3, 1),
        D(2026, 3, 14),
        "month",
        {k: dora.Config() for k in dora.KEYS},
    )
    # Only 14 days of March are in range: 1 deploy / (14 / 7) = 0.5 a week, and the period is partial.
    assert [(f.period, f.value, f.complete) for f in results[1].figures] == [("2026-03", 0.5, False)]


def test_quarter_dora_needs_only_a_repository(git_repo):
    repo = git_repo("svc")
    for day in range(1, 11):
        sha = repo.commit(f"change {day}", date=f"2026-07-{day:02d}T10:00:00+00:00")
        tag(repo, f"deploy-2026-07-{day:02d}.1", sha, f"2026-07-{day:02d}T12:00:00+00:00")
    results = dora.quarter_dora(repo.path, "2026-Q3")
    # 10 deploys over the 92 days of Q3: 10 / (92/7) = 0.7609 -> 0.76; each commit waited 2 h.
    assert [(r.key, r.figures[0].value) for r in results] == [
        ("deployment-frequency", 0.76),
        ("change-lead-time", 2),
        ("change-fail-rate", 0),
    ]


def test_a_revert_naming_an_abbreviated_sha_counts_against_the_deploy_that_shipped_it(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date="2026-03-02T08:00:00+00:00")
    tag(repo, "deploy-1", c1, "2026-03-02T09:00:00+00:00")
    c2 = repo.commit("feat: b", date="2026-03-03T08:00:00+00:00")
    tag(repo, "deploy-2", c2, "2026-03-03T09:00:00+00:00")
    repo.commit(f'Revert "feat: a"\n\nThis reverts commit {c1[:10]}.', date="2026-03-03T10:00:00+00:00")
    results = dora.compute(
        {"svc": dora.read_history(repo.path)},
        [],
        D(2026, 3, 1),
        D(2026, 3, 31),
        "month",
        {k: dora.Config() for k in dora.KEYS},
        only=["change-fail-rate"],
        min_sample={"change-fail-rate": 1},
    )
    # The revert (not deployed yet) names c1, shipped by deploy-1 25 h earlier, within the default 48 h,
    # although deploy-2 is the latest deploy before it: 1 failed of 2 = 50 %.
    assert [(f.value, f.extra["failures"]) for f in results[0].figures] == [
        (50, {"deploy-1": [f"revert {repo.git('rev-parse', 'HEAD')[:12]}"]})
    ]


def test_a_range_that_ends_before_it_starts_and_a_team_without_repositories_are_usage_errors(org, cli):
    root, _, _ = org
    res = cli(
        "kpi",
        "dora",
        "--team",
        "core",
        "--since",
        "2026-02-01",
        "--until",
        "2026-01-01",
        "--records",
        "records",
        cwd=root.parent,
    )
    assert (res.exit_code, res.stderr) == (2, "perfdocs: error: --until 2026-01-01 is before --since 2026-02-01\n")
    edit(root / "teams/core.yaml", "repositories:\n  - acme/api\n", "")
    res = cli("kpi", "dora", "--team", "core", "--records", "records", cwd=root.parent)
    assert (res.exit_code, res.stderr) == (
        2,
        (
            "perfdocs: error: team 'core' lists no repositories "
            "(records/teams/core.yaml: 'repositories'); DORA metrics need the "
            "history its deployments are recorded in\n"
        ),
    )


def test_records_with_errors_are_reported_instead_of_computed(org, cli):
    root, _, _ = org
    edit(root / "teams/core.yaml", "id: core", "id: core\nmanager2: bob")
    res = cli("kpi", "dora", "--team", "core", "--records", "records", cwd=root.parent)
    assert res.exit_code == 1
    assert res.stdout.startswith("records/teams/core.yaml:3:1: unknown field 'manager2'")
    assert res.stderr.endswith("perfdocs: stopped: the records have errors (see above)\n")


def test_a_revert_without_a_sha_and_an_undeployed_revert_blame_no_deployment(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date="2026-03-02T08:00:00+00:00")
    tag(repo, "deploy-1", c1, "2026-03-02T09:00:00+00:00")
    # A squash-merged revert names a pull request, not a sha: nothing ties it to a deployment's
    # commits, so no deployment is blamed (the old fallback blamed the latest one).
    c2 = repo.commit('Revert "feat: a" (#12)\n\nReverts acme/svc#10', date="2026-03-02T10:00:00+00:00")
    tag(repo, "deploy-2", c2, "2026-03-02T11:00:00+00:00")
    # feat: b is reverted before any deploy shipped it: no deploy failed.
    c3 = repo.commit("feat: b", date="2026-03-03T08:00:00+00:00")
    c4 = repo.commit(f'Revert "feat: b"\n\nThis reverts commit {c3}.', date="2026-03-03T09:00:00+00:00")
    tag(repo, "deploy-3", c4, "2026-03-03T10:00:00+00:00")
    found = dora.analyse(
        {"svc": dora.read_history(repo.path)},
        [],
        D(2026, 3, 1),
        D(2026, 3, 31),
        "month",
        {k: dora.Config() for k in dora.KEYS},
        only=["change-failure-rate"],
    )
    # 0 failed of 3 deploys = 0 %
    assert [(f.value, f.extra["failures"]) for f in found.metrics[0].figures] == [(0, {})]
    assert found.ignored == [
        f"svc revert {c2[:12]} (2026-03-02): names no commit; not a failure",
        f"svc revert {c4[:12]} (2026-03-03): reverts {c3[:12]} before deploy-3 shipped it (with its revert); "
        "not a failure",
    ]


def test_version_tags_and_commit_dates_are_configurable(git_repo):
    repo = git_repo("svc")
    # Authored on the 1st, rebased (committed) on the 3rd, released as v1.0 on the 3rd at 12:00.
    repo.git(
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "feat: rebased",
        "--date",
        "2026-03-01T12:00:00+00:00",
        date="2026-03-03T10:00:00+00:00",
    )
    tag(repo, "v1.0", repo.git("rev-parse", "HEAD"), "2026-03-03T12:00:00+00:00")
    tag(repo, "deploy-staging-1", repo.git("rev-parse", "HEAD"), "2026-03-03T11:00:00+00:00")
    history = dora.read_history(repo.path)

    def lead(**settings):
        config = dora.Config.merged({"deploy_tag_pattern": "v*"}, settings)
        results = dora.compute(
            {"svc": history},
            [],
            D(2026, 3, 1),
            D(2026, 3, 31),
            "month",
            dict.fromkeys(dora.KEYS, config),
            only=["deployment-frequency", "lead-time"],
            min_sample={"change-lead-time": 1},
        )
        return [(r.figures[0].value, r.figures[0].sample) for r in results]

    # One deploy (v1.0; the staging tag does not match v*) over 31 days: 7/31 = 0.2258 -> 0.23 a week.
    # From the author date: 2 days = 48 h; from the commit date: 2 h.
    assert lead() == [(0.23, 1), (48, 1)]
    assert lead(lead_time_start="commit-date") == [(0.23, 1), (2, 1)]


def test_a_team_with_two_repositories_counts_both_and_records_each_range(git_repo):
    api, web = git_repo("api"), git_repo("web")
    a1 = api.commit("api: one", date="2026-03-02T08:00:00+00:00")
    tag(api, "deploy-a1", a1, "2026-03-02T10:00:00+00:00")
    w1 = web.commit("web: one", date="2026-03-03T08:00:00+00:00")
    tag(web, "deploy-w1", w1, "2026-03-03T09:00:00+00:00")
    w2 = web.commit("web: two", date="2026-03-04T08:00:00+00:00")
    tag(web, "deploy-w2", w2, "2026-03-04T12:00:00+00:00")
    histories = {"acme/api": dora.read_history(api.path), "acme/web": dora.read_history(web.path)}
    # A postmortem starting on the 4th at 13:00 lands on the latest deploy of either repository: deploy-w2.
    incident = dora.Incident(
        "pm-x",
        dt.datetime(2026, 3, 4, 13, tzinfo=dora.UTC),
        dt.datetime(2026, 3, 4, 13, 30, tzinfo=dora.UTC),
        dt.datetime(2026, 3, 4, 15, tzinfo=dora.UTC),
    )
    results = dora.compute(
        histories, [incident], D(2026, 3, 1), D(2026, 3, 31), "month", {k: dora.Config() for k in dora.KEYS}
    )
    lead, freq, recovery, cfr, rework = (r.figures[0] for r in results)
    # 3 deploys over 31 days: 3 / (31/7) = 0.677 -> 0.68; lead times 2 h, 1 h, 4 h -> median 2;
    # deploy-w2 (04 12:00) failed, recovered when pm-x was restored (15:00): 3 h; no rework
    assert (freq.value, lead.value, cfr.value, recovery.value, rework.value) == (0.68, 2, 33.33, 3, 0)
    assert cfr.extra["failures"] == {"deploy-w2": ["postmortem pm-x"]}
    assert freq.provenance["repositories"] == [
        {"name": "acme/api", "range": a1[:12]},
        {"name": "acme/web", "range": w2[:12]},
    ]
