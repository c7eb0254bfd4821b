"""DORA arithmetic and data on plain values: band bounds, the p90, metric names and factors, policies read from org.yaml, benchmark buckets and scores."""

from __future__ import annotations

from perfdocs.metrics import dora


def test_band_bounds_are_min_inclusive_and_max_exclusive():
    limits = [{"label": "elite", "max": 24}, {"label": "high", "min": 24, "max": 168}, {"label": "low", "min": 168}]
    assert [dora.band(v, limits) for v in (0, 23.99, 24, 167.9, 168, None)] == [
        "elite",
        "elite",
        "high",
        "high",
        "low",
        None,
    ]


def test_p90_is_the_nearest_rank():
    # ceil(0.9 * 10) = 9th smallest of 1..10 is 9; ceil(0.9 * 1) = 1st
    assert (dora.p90(list(range(10, 0, -1))), dora.p90([5])) == (9, 5)


def test_old_metric_names_stand_for_their_current_ones():
    from perfdocs import settings

    assert [settings.dora_key(n) for n in ("lead-time", "change-failure-rate", "time-to-restore", "mttr")] == [
        "change-lead-time",
        "change-fail-rate",
        "failed-deployment-recovery-time",
        None,
    ]
    assert settings.DORA_FACTORS == {
        "throughput": ("change-lead-time", "deployment-frequency", "failed-deployment-recovery-time"),
        "instability": ("change-fail-rate", "deployment-rework-rate"),
    }


def test_named_policies_and_who_uses_them_are_read_from_org_yaml():
    from perfdocs import settings

    found = settings.parse(
        {
            "dora": {
                "failure_window_hours": 24,
                "policies": {"rel": {"version": 4, "deploy_tag_regex": "^v", "deploy_tag_exclude": ["rc"]}},
                "repositories": {"acme/web": "rel", "acme/api": "missing"},
                "teams": {"core": "rel"},
                "min_sample": {"lead-time": 5},
                "benchmark": "dora-2024",
            }
        },
        [],
    ).dora_setup
    assert found.default.failure_window_hours == 24 and found.default.label == "default v1"
    rel = found.policies["rel"]
    assert (rel.label, rel.deploy_tag_regex, rel.deploy_tag_exclude, rel.failure_window_hours) == (
        "rel v4",
        "^v",
        ("rc",),
        48,
    )
    # a policy nobody declared is not used (validate reports it: metric/bad-setting)
    assert found.repositories == {"acme/web": "rel"}
    assert (found.policy_for("acme/web", None), found.policy_for("acme/api", "core"), found.policy_for("x", None)) == (
        "rel",
        "rel",
        None,
    )
    assert found.min_sample["change-lead-time"] == 5 and found.benchmark == "dora-2024"


def _result(key, value, insufficient=False):
    figure = dora.Figure("window", value, None, 10, True, insufficient=insufficient)
    return dora.MetricResult(
        key, dora.NAMES[key], dora.UNITS[key], None, None, "", {}, [], [], dora.FACTOR[key], summary=figure
    )


def test_a_whole_window_figure_is_placed_in_the_editions_buckets_and_scored_0_to_10():
    from perfdocs.metrics import benchmarks

    metrics = [
        _result("change-lead-time", 30),  # one day to one week: the 4th of 6 buckets, 6/10
        _result("deployment-frequency", 10),  # hourly to daily: 8/10
        _result("failed-deployment-recovery-time", 0.5),  # less than one hour: 10/10
        _result("change-fail-rate", None, insufficient=True),
        _result("deployment-rework-rate", 50),  # 32 to 64 %: 2/10
    ]
    found = benchmarks.assess(metrics, "dora-2025")
    assert {k: (v["bucket"], v["score"]) for k, v in found["metrics"].items()} == {
        "change-lead-time": ("one day to one week", 6.0),
        "deployment-frequency": ("hourly to daily", 8.0),
        "failed-deployment-recovery-time": ("less than one hour", 10.0),
        "change-fail-rate": (None, None),
        "deployment-rework-rate": ("32 to 64 %", 2.0),
    }
    assert found["factors"] == {
        "throughput": {
            "score": 8.0,
            "from": ["change-lead-time", "deployment-frequency", "failed-deployment-recovery-time"],
        },
        "instability": {"score": 2.0, "from": ["deployment-rework-rate"]},
    }
    assert found["source"] == "https://dora.dev/research/2025/dora-report/" and found["verified_means"] is False
    legacy = benchmarks.assess(metrics, "dora-2024")
    assert legacy["legacy"] is True
    assert legacy["metrics"]["change-lead-time"]["bucket"] == "high"
    assert legacy["metrics"]["deployment-rework-rate"]["note"] == (
        "the dora-2024 edition has no buckets for deployment rework rate"
    )


def test_an_unknown_edition_is_a_usage_error_naming_the_editions():
    import pytest

    from perfdocs.errors import PerfdocsError
    from perfdocs.metrics import benchmarks

    with pytest.raises(PerfdocsError, match="no DORA benchmark edition 'dora-2052'.*editions: dora-2024, dora-2025"):
        benchmarks.load("dora-2052")
