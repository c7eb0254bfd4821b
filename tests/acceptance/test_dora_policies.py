"""DORA policies on real repositories: what a deployment is (tags with excludes, merges to a
production branch, a deployments file), what fails it (a revert of a shipped commit, a rollback,
a hotfix deployment, a postmortem), what is rework, what ships nothing, and what `--explain`
and the warnings tell. Every expected figure is worked out beside its test."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import pytest

from perfdocs.metrics import dora

from tests.support.files import edit
from tests.support.git import tag

D = dt.date
AT = "2026-03-{}T{}:00+00:00".format


def analyse(repo_or_histories, policy=None, since=D(2026, 3, 1), until=D(2026, 3, 31), incidents=(), **more):
    """The analysis of one repository ('svc') or several, under one policy for every metric."""
    if isinstance(repo_or_histories, dict):
        histories = repo_or_histories
    else:
        histories = {"svc": dora.read_history(repo_or_histories.path, "svc", more.pop("branches", ()))}
    configs = more.pop("configs", None) or dict.fromkeys(dora.KEYS, policy or dora.Config())
    return dora.analyse(
        histories,
        list(incidents),
        since,
        until,
        "month",
        configs,
        min_sample=dict.fromkeys(dora.KEYS, 1),
        **more,
    )


def metric(found, key):
    return next(m for m in found.metrics if m.key == key)


def classes(found):
    return [(d.ref, d.classification) for d in found.deployments]


# --- what a deployment is ------------------------------------------------------------------


def test_a_maintenance_branch_merged_forward_ships_each_commit_once_and_its_archive_tag_ships_nothing(git_repo):
    """The shape of pallets/werkzeug (README, DORA): releases on a maintenance branch that is
    merged forward into main, then the branch replaced by an 'x.y.x' tag on its tip."""
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "1.0.0", c1, AT("02", "10:00"))
    repo.git("checkout", "-q", "-b", "1.0.x")
    f1 = repo.commit("fix: a", date=AT("05", "08:00"))
    tag(repo, "1.0.1", f1, AT("05", "10:00"))
    repo.git("checkout", "-q", "main")
    c2 = repo.commit("feat: b", date=AT("04", "08:00"))
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch '1.0.x'", "1.0.x", date=AT("06", "09:00"))
    m1 = repo.git("rev-parse", "HEAD").strip()
    tag(repo, "1.1.0", m1, AT("07", "09:00"))
    repo.git("checkout", "-q", "1.0.x")
    f2 = repo.commit("fix: b", date=AT("08", "08:00"))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch '1.0.x'", "1.0.x", date=AT("09", "09:00"))
    tag(repo, "1.2.0", repo.git("rev-parse", "HEAD").strip(), AT("10", "09:00"))
    tag(repo, "1.0.x", f2, AT("20", "08:00"))
    found = analyse(repo, dora.Config.merged({"deploy_tag_pattern": "[0-9]*"}))
    assert classes(found) == [
        ("1.0.0", ["ok"]),
        ("1.0.1", ["ok"]),
        ("1.1.0", ["ok"]),
        ("1.2.0", ["ok"]),
        ("1.0.x", ["ships nothing"]),
    ]
    shipped = {d.ref: [c.sha for c in d.commits] for d in found.deployments}
    # each commit counts once, with the first release that contains it; the forward merges are no commits
    assert shipped == {"1.0.0": [c1], "1.0.1": [f1], "1.1.0": [c2], "1.2.0": [f2], "1.0.x": []}
    lead = metric(found, "change-lead-time")
    # c1 2 h, f1 2 h, c2 73 h (04 08:00 -> 07 09:00), f2 49 h (08 08:00 -> 10 09:00)
    assert (lead.figures[0].sample, lead.figures[0].value, lead.figures[0].extra["p90"]) == (4, 25.5, 73)
    assert metric(found, "deployment-frequency").figures[0].sample == 4
    assert "svc 1.0.x (2026-03-20): ships nothing (already in production); not counted" in found.warnings


def test_a_tag_regex_with_excludes_leaves_out_release_candidates_and_archive_tags(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "v1.0.0-rc1", c1, AT("02", "09:00"))
    tag(repo, "v1.0.0", c1, AT("03", "09:00"))
    c2 = repo.commit("feat: b", date=AT("04", "08:00"))
    tag(repo, "v1.1.0", c2, AT("05", "08:00"))
    tag(repo, "archive/v1.1.0", c2, AT("06", "08:00"))
    policy = dora.Config.merged(
        {"deploy_tag_regex": r"^v\d+\.\d+\.\d+", "deploy_tag_exclude": ["-rc\\d*$", "^archive/"], "version": 3}
    )
    found = analyse(repo, policy)
    # v1.0.0 ships c1 (25 h), v1.1.0 ships c2 (24 h): 2 deployments; rc and archive tags are not deployments
    assert classes(found) == [("v1.0.0", ["ok"]), ("v1.1.0", ["ok"])]
    lead = metric(found, "change-lead-time")
    assert (lead.figures[0].value, lead.figures[0].sample) == (24.5, 2)
    assert lead.policy == "default v3"
    assert lead.figures[0].provenance["policy"] == "default v3"
    assert "a tag matching /^v\\d+\\.\\d+\\.\\d+/ and none of /-rc\\d*$/, /^archive//" in lead.formula


def test_merges_to_the_production_branch_are_the_deployments_of_a_branch_policy(git_repo):
    repo = git_repo("svc")
    repo.commit("root", date=AT("01", "08:00"))
    repo.git("checkout", "-q", "-b", "feature")
    a = repo.commit("feat: a", date=AT("02", "08:00"))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature", date=AT("02", "12:00"))
    repo.git("checkout", "-q", "-b", "feature2")
    b = repo.commit("feat: b", date=AT("03", "08:00"))
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature2", "feature2", date=AT("03", "10:00"))
    policy = dora.Config.merged({"deployment": "branch", "production_branch": "main"})
    found = analyse(repo, policy, branches=["main"])
    merges = found.deployments
    # The first merge ships root and a (root 28 h, a 4 h); the second ships b (2 h)
    assert [(d.ref.split("@")[0], [c.sha for c in d.commits][-1:]) for d in merges] == [("main", [a]), ("main", [b])]
    lead = metric(found, "change-lead-time")
    assert (lead.figures[0].value, lead.figures[0].sample) == (4, 3)
    assert "each merge commit on the first-parent history of 'main'" in lead.formula


def test_rows_of_a_deployments_file_for_the_environment_are_the_deployments(git_repo, tmp_path):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    c2 = repo.commit("feat: b", date=AT("03", "08:00"))
    rows = [
        {"time": "2026-03-02T10:00:00Z", "repository": "svc", "ref": c1[:10], "environment": "production"},
        {"time": "2026-03-03T09:00:00Z", "repository": "svc", "ref": c2, "environment": "staging"},
        {"time": "2026-03-03T12:00:00Z", "repository": "svc", "ref": c2, "environment": "production"},
    ]
    policy = dora.Config.merged({"deployment": "record", "deployments_file": "deployments.csv"})
    found = analyse(repo, policy, rows=rows)
    # staging is not production: 2 deployments, each shipping one commit (2 h and 4 h)
    assert [(d.sha, d.time.hour) for d in found.deployments] == [(c1, 10), (c2, 12)]
    assert metric(found, "change-lead-time").figures[0].value == 3


def test_a_deployments_csv_is_read_by_team_dora(org, cli):
    root, repo, shas = org
    (root / "deployments.csv").write_text(
        "time,repository,ref,environment\n"
        f"2026-01-06T10:00:00Z,acme/api,{shas['c2']},production\n"
        "2026-01-21T09:00:00Z,acme/api,deploy-2026-01-21.1,production\n",
        encoding="utf-8",
    )
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("  policies:\n    cd:\n      deployment: record\n      deployments_file: deployments.csv\n")
        fh.write("  repositories:\n    acme/api: cd\n")
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
    freq = data["metrics"][1]
    # 2 deployments in 31 days: 2 / (31/7) = 0.45 a week, under policy cd v1
    assert (freq["figures"][0]["value"], freq["policy"]) == (0.45, "cd v1")
    assert [d["ref"] for d in data["deployments"]] == [shas["c2"], "deploy-2026-01-21.1"]


# --- what fails a deployment, and what is rework ------------------------------------------


def test_a_revert_of_a_shipped_commit_fails_its_deployment_and_one_never_shipped_does_not(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    # reverting a commit that deploy-1 shipped, 5 h later: deploy-1 failed, fixed when deploy-2 ships the revert
    r1 = repo.commit(f'Revert "feat: a"\n\nThis reverts commit {c1}.', date=AT("02", "14:00"))
    tag(repo, "deploy-2", r1, AT("02", "15:00"))
    # a commit on a branch that never merged, reverted on it: never shipped, blames nobody
    repo.git("checkout", "-q", "-b", "side")
    s1 = repo.commit("feat: side", date=AT("03", "08:00"))
    s2 = repo.commit(f'Revert "feat: side"\n\nThis reverts commit {s1}.', date=AT("03", "09:00"))
    repo.git("checkout", "-q", "main")
    repo.git("tag", "keep-side", s2)  # keeps the branch's commits in the history perfdocs reads
    found = analyse(repo)
    assert classes(found) == [("deploy-1", ["failed"]), ("deploy-2", ["ok"])]
    d1 = found.deployments[0]
    assert d1.recovery() == (
        dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC),
    )
    assert found.ignored == [
        f"svc revert {s2[:12]} (2026-03-03): reverts {s1[:12]}, which no deployment shipped; not a failure"
    ]
    # 1 of 2 failed: 50 %; its recovery 09:00 -> 15:00 = 6 h
    assert metric(found, "change-fail-rate").figures[0].value == 50
    assert metric(found, "failed-deployment-recovery-time").figures[0].value == 6


def test_redeploying_an_earlier_tag_is_a_rollback_that_fails_the_deployment_it_replaced(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    c2 = repo.commit("feat: b", date=AT("03", "08:00"))
    tag(repo, "deploy-2", c2, AT("03", "09:00"))
    tag(repo, "deploy-3", c1, AT("03", "11:00"))  # deploy-1's version again, 2 h after deploy-2
    found = analyse(repo)
    assert classes(found) == [("deploy-1", ["ok"]), ("deploy-2", ["failed"]), ("deploy-3", ["rework"])]
    assert found.deployments[1].failures[0].rule == "rolled back by deploy-3 (redeploying deploy-1) 2 h after it"
    # 3 deployments, 1 failed (33.33 %), 1 rework (33.33 %); recovery 2 h
    assert [metric(found, k).figures[0].value for k in ("change-fail-rate", "deployment-rework-rate")] == [33.33] * 2
    assert metric(found, "failed-deployment-recovery-time").figures[0].value == 2


def test_a_hotfix_deployment_fails_the_one_before_only_within_the_window(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    h1 = repo.commit("hotfix: a", date=AT("02", "20:00"))
    tag(repo, "deploy-2", h1, AT("02", "21:00"))  # 12 h after deploy-1: within 24 h
    c2 = repo.commit("feat: b", date=AT("05", "08:00"))
    tag(repo, "deploy-3", c2, AT("05", "09:00"))
    h2 = repo.commit("hotfix: b", date=AT("07", "08:00"))
    tag(repo, "deploy-4", h2, AT("07", "09:00"))  # 48 h after deploy-3: outside 24 h
    found = analyse(repo, dora.Config.merged({"failure_window_hours": 24}))
    assert classes(found) == [
        ("deploy-1", ["failed"]),
        ("deploy-2", ["rework"]),
        ("deploy-3", ["ok"]),
        ("deploy-4", ["rework"]),
    ]
    # 1 failed of 4 = 25 %; 2 hotfix deployments are rework: 50 %
    assert metric(found, "change-fail-rate").figures[0].value == 25
    assert metric(found, "deployment-rework-rate").figures[0].value == 50


def test_a_rework_deployment_by_its_tag_or_by_every_commit_it_ships(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    f1 = repo.commit("fix: rounding in receipts", date=AT("03", "08:00"))
    tag(repo, "deploy-2", f1, AT("03", "09:00"))
    c2 = repo.commit("feat: b", date=AT("04", "08:00"))
    tag(repo, "deploy-3-unplanned", c2, AT("04", "09:00"))
    policy = dora.Config.merged({"rework_message_pattern": "^fix:", "rework_tag_pattern": "*-unplanned"})
    found = analyse(repo, policy)
    assert classes(found) == [("deploy-1", ["ok"]), ("deploy-2", ["rework"]), ("deploy-3-unplanned", ["rework"])]
    # rework is not failure: change fail rate 0, rework rate 2 / 3 = 66.67 %
    assert metric(found, "change-fail-rate").figures[0].value == 0
    assert metric(found, "deployment-rework-rate").figures[0].value == 66.67


def test_a_postmortem_linked_to_a_deployment_fails_it_whenever_it_started(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    c2 = repo.commit("feat: b", date=AT("03", "08:00"))
    tag(repo, "deploy-2", c2, AT("03", "09:00"))
    late = dora.Incident(
        "pm-late",
        dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC),
        ("deploy-1",),
    )
    found = analyse(repo, incidents=[late])
    assert classes(found) == [("deploy-1", ["failed"]), ("deploy-2", ["ok"])]
    assert found.deployments[0].failures[0].rule == "postmortem pm-late links it"


# --- what a reader is warned about --------------------------------------------------------


def test_an_archive_tag_on_an_old_commit_ships_nothing_is_not_counted_and_is_warned(git_repo):
    repo = git_repo("svc")
    old = repo.commit("feat: old", date="2025-06-01T08:00:00+00:00")
    tag(repo, "deploy-2025-06-01", old, "2025-06-01T09:00:00+00:00")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-2026-03-02", c1, AT("02", "09:00"))
    tag(repo, "deploy-archive-2025", old, AT("10", "09:00"))  # today's tag on a commit of last June
    found = analyse(repo)
    assert classes(found) == [("deploy-2026-03-02", ["ok"]), ("deploy-archive-2025", ["ships nothing"])]
    assert [w for w in found.warnings if "no merge commits" not in w] == [
        "svc deploy-archive-2025 (2026-03-10): ships nothing (already in production with deploy-2025-06-01); "
        "not counted",
        f"svc deploy-archive-2025 (2026-03-10): its commit {old[:12]} is 282 days older than it",
    ]
    # one deployment in March, not two: 1 / (31/7) = 0.23 a week
    assert metric(found, "deployment-frequency").figures[0].value == 0.23


def test_a_pattern_that_matches_nothing_is_warned_naming_existing_tags_and_exits_0(org, cli):
    root, _, _ = org
    edit(root / "org.yaml", "  deploy_tag_pattern: deploy-*\n", "  deploy_tag_pattern: release-*\n")
    res = cli("kpi", "dora", "--team", "core", "--since", "2026-02-01", "--until", "2026-02-28", "--records", root)
    assert res.exit_code == 0, res
    warnings = res.stdout[res.stdout.index("Warnings:") :].splitlines()
    assert warnings[1] == (
        "  acme/api: policy default v1: no tag matching 'release-*' (tags that exist, newest first: "
        "deploy-2026-02-25.1, deploy-2026-02-13.1, deploy-2026-02-03.1, deploy-2026-01-21.1, deploy-2026-01-20.1)"
    )
    assert "  2026-02         0  low     0 deployments" in res.stdout


def test_a_squash_merge_history_is_disclosed_with_what_lead_time_then_measures(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("Add retries (#1)", date=AT("02", "08:00"))
    c2 = repo.commit("Add backoff (#2)", date=AT("03", "08:00"))
    tag(repo, "deploy-1", c2, AT("03", "09:00"))
    found = analyse(repo)
    note = (
        "svc: no merge commits in the shipped history (squash or rebase merges): a commit's date is when its "
        "change landed on the branch, so change lead time measures merge -> deployment, not first commit -> "
        "deployment, and is not comparable with a repository that keeps merge commits"
    )
    assert metric(found, "change-lead-time").limitations == [note]
    assert note in found.warnings
    assert c1 != c2


def test_explain_lists_every_deployment_with_its_commits_classification_and_rule(org, cli):
    root, _, shas = org
    args = ("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-01-31", "--records", root)
    data = json.loads(cli(*args, "--format", "json").stdout)
    deployed = data["deployments"]
    c3 = deployed[1]["commits"]["first"]  # D2 shipped c3 alone
    assert [(d["ref"], d["commits"]["count"], d["commits"]["last"], d["classification"]) for d in deployed] == [
        ("deploy-2026-01-06.1", 2, shas["c2"], ["ok"]),
        ("deploy-2026-01-08.1", 1, c3, ["failed"]),
        ("deploy-2026-01-08.2", 1, shas["c4"], ["ok"]),
        ("deploy-2026-01-20.1", 1, shas["c5"], ["failed"]),
        ("deploy-2026-01-21.1", 1, shas["c6"], ["rework"]),
    ]
    assert deployed[1]["rules"] == [f"failed: revert of {c3[:12]}, which it shipped, 3 h after it"]
    assert deployed[1]["recovery"] == {
        "start": "2026-01-08T09:00:00+00:00",
        "end": "2026-01-08T13:00:00+00:00",
        "hours": 4,
        "until": "fix deployed",
    }
    assert deployed[3]["failures"] == [
        {
            "kind": "hotfix",
            "reason": "hotfix deploy-2026-01-21.1",
            "detected": "2026-01-21T09:00:00+00:00",
            "fixed": "2026-01-21T09:00:00+00:00",
        }
    ]
    assert {d["policy"] for d in deployed} == {"default v1"}
    res = cli(*args, "--explain")
    assert res.exit_code == 0, res
    explained = res.stdout[res.stdout.index("Deployments in the window") :].splitlines()
    assert explained[2:5] == [
        f"  2026-01-08 09:00  acme/api  deploy-2026-01-08.1  1 commit {c3[:12]}..{c3[:12]}  [failed] (default v1)",
        f"      failed: revert of {c3[:12]}, which it shipped, 3 h after it",
        "      recovery: 2026-01-08T09:00 -> 2026-01-08T13:00 (4 h)",
    ]


def test_a_period_with_fewer_data_points_than_the_minimum_says_insufficient_data(org, cli):
    root, _, _ = org
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("  min_sample:\n    change-fail-rate: 4\n")
    res = cli("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-02-28", "--records", root)
    assert res.exit_code == 0, res
    # January has 5 deployments (>= 4): 40 %; February 3: insufficient data, no band
    assert "  2026-01        40  medium  2 of 5 deployments failed" in res.stdout
    assert "  2026-02         -  insufficient data (n=3, needs 4)  1 of 3 deployments failed" in res.stdout
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
        root,
    )
    assert res.exit_code == 0, res
    text = (root / "kpis/core/core-change-failure-rate.yaml").read_text()
    assert "period: 2026-01" in text and "period: 2026-02" not in text
    assert "not written: 2026-02 (insufficient data (n=3, needs 4))" in res.stderr


def test_a_metric_records_own_minimum_sample_wins_over_org_yaml(org, cli):
    root, _, _ = org
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("  min_sample:\n    change-fail-rate: 4\n")
    edit(
        root / "metrics/change-failure-rate.yaml", "dora: change-fail-rate\n", "dora: change-fail-rate\nmin_sample: 6\n"
    )
    res = cli("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-02-28", "--records", root)
    assert res.exit_code == 0, res
    # 5 deployments in January and 3 in February: both below the record's 6
    assert "  2026-01         -  insufficient data (n=5, needs 6)  2 of 5 deployments failed" in res.stdout
    assert "  2026-02         -  insufficient data (n=3, needs 6)  1 of 3 deployments failed" in res.stdout
    assert "  minimum sample: 6" in res.stdout


def test_a_named_policy_takes_a_metrics_definition_and_explain_reads_each_metric_with_its_own(org, cli):
    root, _, _ = org
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            "  policies:\n    releases:\n      deploy_tag_pattern: deploy-*\n  repositories:\n    acme/api: releases\n"
        )
    # change fail rate's own window is 2 h: the revert of c3, 3 h after its deployment, no longer fails it
    edit(root / "metrics/change-failure-rate.yaml", "failure_window_hours: 24", "failure_window_hours: 2")
    args = ("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-01-31", "--records", root)
    res = cli(*args, "--explain")
    assert res.exit_code == 0, res
    label = "releases v1 with failure_window_hours from metric change-failure-rate's definition"
    assert f"  policy: {label}" in res.stdout
    headers = [line for line in res.stdout.splitlines() if line.startswith("Deployments in the window")]
    assert headers == [
        "Deployments in the window (5), as change lead time, deployment frequency, failed deployment recovery "
        "time, deployment rework rate read them (policy releases v1):",
        f"Deployments in the window (5), as change fail rate read them (policy {label}):",
    ]
    first, second = (res.stdout.index(h) for h in headers)

    def d2(text: str) -> str:
        return next(line for line in text.splitlines() if "deploy-2026-01-08.1" in line)

    # the default window (48 h) fails it for the other metrics (recovery time); change fail rate's 2 h does not
    assert d2(res.stdout[first:second]).endswith("[failed] (releases v1)")
    assert d2(res.stdout[second:]).endswith(f"[ok] ({label})")


PM_D2 = """\
---
kind: postmortem
id: pm-d2
title: Capture double-charged
date: 2026-01-08
severity: sev2
team: core
services: [api]
deployments: [deploy-2026-01-08.1]
started: 2026-01-08T10:00:00Z
detected: 2026-01-08T10:30:00Z
restored: 2026-01-08T18:00:00Z
participants: [ann]
---
The revert shipped at 13:00; the incident was resolved once the double charges were refunded.
"""


@pytest.mark.parametrize(
    ("end", "d2_hours", "median", "until"),
    [
        # the revert's deployment at 13:00, 4 h after D2 (before the postmortem's restored 18:00)
        (None, 4, 13.5, ""),
        ("fix-deployed", 4, 13.5, ""),
        # the postmortem's restored time, 9 h after D2
        ("incident-resolved", 9, 16, ", until incident resolved"),
    ],
)
def test_recovery_ends_with_the_fix_deployed_or_with_the_incident_resolved(org, cli, end, d2_hours, median, until):
    root, _, _ = org
    (root / "postmortems/pm-d2.md").write_text(PM_D2)
    if end:
        with open(root / "org.yaml", "a", encoding="utf-8") as fh:
            fh.write(f"  recovery_end: {end}\n")
    args = ("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-01-31", "--records", root)
    res = cli(*args, "--format", "json")
    assert res.exit_code == 0, res
    data = json.loads(res.stdout)
    recovery = next(m for m in data["metrics"] if m["key"] == "failed-deployment-recovery-time")
    assert recovery["config"]["recovery_end"] == (end or "fix-deployed")
    # D2 (revert, and pm-d2 linked) and D4 (hotfix deployment 23 h later, no postmortem: its fix either way)
    assert recovery["figures"][0]["value"] == median
    d2 = next(d for d in data["deployments"] if d["ref"] == "deploy-2026-01-08.1")
    assert d2["recovery"]["hours"] == d2_hours
    res = cli(*args, "--explain")
    assert f"      recovery: 2026-01-08T09:00 -> 2026-01-08T{9 + d2_hours:02d}:00 ({d2_hours} h{until})" in res.stdout
    if end == "incident-resolved":
        assert "to the incident's resolution (the latest restored time of the postmortems" in recovery["formula"]


# --- two repositories of one team, with different policies ---------------------------------


def test_two_repositories_of_one_team_are_read_with_their_own_policies(org, cli, git_repo):
    root, _, _ = org
    web = git_repo("web")
    w1 = web.commit("web: one", date="2026-01-10T08:00:00+00:00")
    tag(web, "v2.0.0-rc1", w1, "2026-01-10T09:00:00+00:00")
    tag(web, "v2.0.0", w1, "2026-01-12T08:00:00+00:00")
    edit(
        root / "org.yaml",
        "repositories:\n  acme/api:",
        "repositories:\n  acme/web:\n    path: ../web\n  acme/api:",
    )
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            textwrap.indent(
                textwrap.dedent("""\
                policies:
                  releases:
                    version: 2
                    deploy_tag_regex: '^v\\d'
                    deploy_tag_exclude: ['-rc\\d*$']
                repositories:
                  acme/web: releases
                """),
                "  ",
            )
        )
    edit(root / "teams/core.yaml", "repositories:\n  - acme/api\n", "repositories:\n  - acme/api\n  - acme/web\n")
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
    freq = data["metrics"][1]
    # acme/api's 5 tag deployments (default policy) and acme/web's v2.0.0 (not its rc): 6 / (31/7) = 1.35
    assert freq["figures"][0]["value"] == 1.35
    assert freq["policy"] == "acme/api: default v1; acme/web: releases v2"
    assert freq["formula"].endswith(
        "; a deployment in acme/api is a tag matching 'deploy-*', dated by its tagger date (the commit date for "
        "lightweight tags), in UTC (policy default v1); a deployment in acme/web is a tag matching /^v\\d/ and "
        "none of /-rc\\d*$/, dated by its tagger date (the commit date for lightweight tags), in UTC (policy releases v2)"
    )
    # change fail rate's record sets failure_window_hours: 24, which the named policy now takes, and says so
    assert [(d["repository"], d["ref"], d["policy"]) for d in data["deployments"] if d["repository"] == "acme/web"] == [
        ("acme/web", "v2.0.0", "releases v2 with failure_window_hours from metric change-failure-rate's definition")
    ]
    # --explain lists the deployments as each metric's own policies read them
    assert [(g["metrics"], g["policy"]) for g in data["explained"]] == [
        (
            ["change-lead-time", "deployment-frequency", "failed-deployment-recovery-time", "deployment-rework-rate"],
            "acme/api: default v1; acme/web: releases v2",
        ),
        (
            ["change-fail-rate"],
            "acme/api: default v1; acme/web: releases v2 with failure_window_hours from metric "
            "change-failure-rate's definition",
        ),
    ]


# --- writing series ------------------------------------------------------------------------


def test_write_after_a_five_month_gap_inserts_the_periods_in_order_and_the_dashboard_shows_the_latest(
    org, cli, tmp_path
):
    root, repo, _ = org
    args = ("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--write", "--records", root)
    assert cli(*args, "--until", "2026-02-28").exit_code == 0
    # five months later, one deployment a month from March to July
    for month in range(3, 8):
        sha = repo.commit(f"feat: m{month}", date=f"2026-{month:02d}-10T08:00:00+00:00")
        tag(repo, f"deploy-2026-{month:02d}-10.1", sha, f"2026-{month:02d}-10T10:00:00+00:00")
    res = cli(*args, "--until", "2026-07-31")
    assert res.exit_code == 0, res
    assert "core-deployment-frequency.yaml: wrote, 5 added, 0 updated, 2 unchanged" in res.stderr
    text = (root / "kpis/core/core-deployment-frequency.yaml").read_text()
    periods = [line.split(": ")[1] for line in text.splitlines() if line.startswith("  - period: ")]
    assert periods == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    assert cli("build", "--records", root, "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site/teams/core.html").read_text()
    start = page.index('id="kpi-core-deployment-frequency"')
    panel = page[start : page.index("</section>", start)]
    # July: 1 deployment in 31 days = 0.23 a week, the dashboard's current value
    assert '0.23<small> deploys/week</small></span> <span class="muted small">in 2026-07</span>' in panel


def test_a_private_postmortems_id_is_never_written_into_a_series_a_wider_audience_reads(org, cli):
    root, _, _ = org
    edit(root / "postmortems/pm-api.md", "participants: [ann]\n", "participants: [ann]\nvisibility: private\n")
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
        root,
    )
    assert res.exit_code == 0, res
    text = (root / "kpis/core/core-time-to-restore.yaml").read_text()
    assert "pm-api" not in text
    assert "postmortems_withheld: 1" in text
    assert "1 private postmortem id(s) left out of the provenance" in res.stderr
    exported = cli("export", "--records", root, "--audience", "public", "--kind", "kpi")
    assert exported.exit_code == 0, exported
    assert "pm-api" not in exported.stdout


def test_write_without_dora_metric_records_says_why_nothing_was_written(org, cli):
    root, _, _ = org
    for name in ("deployment-frequency", "lead-time", "change-failure-rate", "time-to-restore"):
        (root / f"metrics/{name}.yaml").unlink()
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
        root,
    )
    assert res.exit_code == 0, res
    assert res.stderr.splitlines()[0] == (
        "Change lead time (change-lead-time): nothing written: no metric record has 'dora: change-lead-time' "
        "(add one in metrics/ to track it as a series)"
    )
    assert len(res.stderr.splitlines()) == 5
    assert not (root / "kpis/core/core-lead-time.yaml").exists()


# --- team-level only ------------------------------------------------------------------------


def test_no_dora_figure_is_attributed_to_a_person_in_the_cli_the_site_or_the_export(org, cli, tmp_path):
    root, repo, _ = org
    # Ann authors a change that fails a deployment; nothing DORA prints may name her.
    sha = repo.commit("feat: risky", date="2026-02-26T08:00:00+00:00", author=("Ann Example", "ann@tiny.example"))
    tag(repo, "deploy-2026-02-26.1", sha, "2026-02-26T09:00:00+00:00")
    hot = repo.commit("hotfix: risky", date="2026-02-26T10:00:00+00:00", author=("Ann Example", "ann@tiny.example"))
    tag(repo, "deploy-2026-02-26.2", hot, "2026-02-26T11:00:00+00:00")
    people = re.compile(r"\b(ann|bob)\b|Ann Example|Bob Example|tiny\.example|\bTest\b|test@example\.com", re.I)
    base = ("kpi", "dora", "--team", "core", "--since", "2026-01-01", "--until", "2026-02-28", "--records", root)
    text = cli(*base, "--explain")
    data = cli(*base, "--format", "json")
    assert text.exit_code == data.exit_code == 0
    assert "[failed]" in text.stdout and '"failed"' in data.stdout
    for out in (text.stdout, data.stdout):
        assert people.findall(out) == []
    assert cli(*base, "--write").exit_code == 0
    series = "".join(p.read_text() for p in (root / "kpis/core").glob("core-*.yaml"))
    assert people.findall(series) == []
    exported = cli("export", "--records", root, "--audience", "internal", "--kind", "kpi")
    assert exported.exit_code == 0, exported
    kpis = [r for r in json.loads(exported.stdout)["records"] if r["id"].startswith("core-")]
    assert kpis and people.findall(json.dumps(kpis)) == []
    assert cli("build", "--records", root, "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site/teams/core.html").read_text()
    panels = page[page.index("<h2>KPIs</h2>") :]
    assert people.findall(panels) == []
    index = (tmp_path / "site/teams/index.html").read_text()
    table = index[index.index('<table class="rollup"') : index.index("</table>")]
    assert people.findall(table) == []


def test_recovery_starts_at_the_failed_deployment_or_at_detection_as_the_policy_says(git_repo):
    repo = git_repo("svc")
    c1 = repo.commit("feat: a", date=AT("02", "08:00"))
    tag(repo, "deploy-1", c1, AT("02", "09:00"))
    incident = dora.Incident(
        "pm-a",
        dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC),  # started 3 h after deploy-1: within the window
        dt.datetime(2026, 3, 2, 13, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC),
    )

    def recovery(start):
        found = analyse(repo, dora.Config.merged({"recovery_start": start}), incidents=[incident])
        return metric(found, "failed-deployment-recovery-time").figures[0].value

    # from deploy-1 (09:00) or from the detection (13:00) to the postmortem's restored time (15:00)
    assert (recovery("deployment"), recovery("detection")) == (6, 2)
