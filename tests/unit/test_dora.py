"""DORA arithmetic and data on plain values: band bounds, the p90, metric names and factors, policies read from org.yaml, benchmark buckets, linear scores and the industry means."""

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
        _result("deployment-rework-rate", 50),  # a rate has no buckets: 10 - 50 / 10 = 5/10
    ]
    found = benchmarks.assess(metrics, "dora-2025")
    assert {k: (v["scoring"], v["bucket"], v["placement"], v["score"]) for k, v in found["metrics"].items()} == {
        "change-lead-time": ("buckets", "one day to one week", "one day to one week", 6.0),
        "deployment-frequency": ("buckets", "hourly to daily", "hourly to daily", 8.0),
        "failed-deployment-recovery-time": ("buckets", "less than one hour", "less than one hour", 10.0),
        "change-fail-rate": ("linear", None, "0-100 % scale (0 % = 10, 100 % = 0)", None),
        "deployment-rework-rate": ("linear", None, "0-100 % scale (0 % = 10, 100 % = 0)", 5.0),
    }
    # each metric carries the industry mean and std, and how its score compares (none without a score)
    assert {k: (v["mean"], v["std"], v["versus_mean"]) for k, v in found["metrics"].items()} == {
        "change-lead-time": (5.5, 2.4, 0.5),
        "deployment-frequency": (4.8, 2.8, 3.2),
        "failed-deployment-recovery-time": (7.4, 2.1, 2.6),
        "change-fail-rate": (8.1, 2.1, None),
        "deployment-rework-rate": (7.8, 2.2, -2.8),
    }
    assert found["factors"] == {
        "throughput": {
            "score": 8.0,
            "from": ["change-lead-time", "deployment-frequency", "failed-deployment-recovery-time"],
            "scored_as": None,
            "mean": 6.0,
            "std": 2.1,
            "published": None,
            "versus_mean": 2.0,
        },
        "instability": {
            "score": 5.0,
            "from": ["deployment-rework-rate"],
            "scored_as": "stability: 10 = most stable",
            "mean": 7.9,
            "std": 2.0,
            "published": 2.1,
            "versus_mean": -2.9,
        },
    }
    # the overall score: the mean of the scored metrics (6 + 8 + 10 + 5) / 4 = 7.25, as the Quick Check's
    # performance score averages the answered metrics
    assert found["overall"] == {
        "score": 7.3,
        "from": [
            "change-lead-time",
            "deployment-frequency",
            "failed-deployment-recovery-time",
            "deployment-rework-rate",
        ],
        "mean": 6.72,
        "std": 1.2,
        "published": 4.3,
        "versus_mean": 0.6,  # the shown score less the mean, as a reader subtracts them: 7.3 - 6.72
    }
    assert found["source"] == "https://dora.dev/quickcheck/" and found["verified_means"] is True
    assert found["means_source"]["commit"] == "fcaf07b49791e8a16e39b85dbf92610520bf80b6"
    assert [benchmarks.compared(d) for d in (0.5, -2.8, 0.0, None)] == ["0.5 above", "2.8 below", "level with it", ""]
    legacy = benchmarks.assess(metrics, "dora-2024")
    assert legacy["legacy"] is True and legacy["verified_means"] is False and "overall" not in legacy
    assert legacy["metrics"]["change-lead-time"]["bucket"] == "high"
    assert legacy["metrics"]["change-lead-time"]["mean"] is None
    assert legacy["factors"]["throughput"]["mean"] is None
    assert legacy["metrics"]["deployment-rework-rate"]["note"] == (
        "the dora-2024 edition has no buckets for deployment rework rate"
    )


def test_a_rate_is_scored_linearly_as_doras_quick_check_scores_it():
    # data-service.ts calculatePerformanceScore: recode_numeric_range(percent, 0, 100, 10, 0), clamped
    from perfdocs.metrics import benchmarks

    data = benchmarks.load("dora-2025")
    scale = benchmarks.scale_of(data)
    for key in ("change-fail-rate", "deployment-rework-rate"):
        spec = data["metrics"][key]
        assert benchmarks.linear(spec) and "buckets" not in spec
        scores = [benchmarks.place(spec, v, scale) for v in (0, 12.5, 37.5, 50, 100, 140, -5)]
        assert scores == [(None, 10.0), (None, 8.75), (None, 6.25), (None, 5.0), (None, 0.0), (None, 0.0), (None, 10.0)]
    # shown to one decimal, halves up (Python's round would make 6.25 6.2 but 8.75 8.8)
    assert [benchmarks.round1(x) for x in (6.25, 8.75, 6.666, 0.05, -2.85)] == [6.3, 8.8, 6.7, 0.1, -2.9]
    # the time and frequency metrics keep DORA's six buckets: the Quick Check's answers 1..6 recoded to 0..10
    spec = data["metrics"]["change-lead-time"]
    assert [benchmarks.place(spec, h, scale)[1] for h in (5000, 1000, 200, 30, 5, 0.5)] == [0, 2, 4, 6, 8, 10]


def test_the_2025_means_are_doras_published_ones_transformed_as_the_quick_check_does():
    """tests/fixtures/dora-quickcheck-2025/industry_metrics.json is a copy of DORA's published file (source cited in
    it); data-service.ts transformMetrics turns the high-is-worse rates and instability into 10 - mean and
    recomputes the overall mean from the five high-is-best means. Every industry segment, "all" first."""
    import json
    from pathlib import Path

    from perfdocs.metrics import benchmarks

    published = json.loads(
        (Path(__file__).parents[1] / "fixtures/dora-quickcheck-2025/industry_metrics.json").read_text()
    )
    source = published.pop("_source")
    edition = benchmarks.load("dora-2025")
    assert edition["means_source"]["path"] == source["path"]
    assert edition["means_source"]["commit"] == source["commit"]
    assert sorted(benchmarks.segments(edition)) == sorted(published)
    names = {
        "change-lead-time": ("leadtime", False),
        "deployment-frequency": ("deployfreq", False),
        "failed-deployment-recovery-time": ("failurerecovery", False),
        "change-fail-rate": ("changefailure", True),
        "deployment-rework-rate": ("rework", True),
    }
    for segment, raw in published.items():
        stated = benchmarks.means(edition, "dora-2025", segment)
        assert stated["name"] == raw["name"], segment
        high_is_best = {}
        for key, (name, inverted) in names.items():
            spec = stated["metrics"][key]
            mean = 10 - raw[name]["mean"] if inverted else raw[name]["mean"]
            high_is_best[key] = mean
            assert (spec["mean"], spec["std"]) == (round(mean, 2), raw[name]["std"]), (segment, key)
            assert spec.get("published") == (raw[name]["mean"] if inverted else None), (segment, key)
        factors = stated["factors"]
        assert (factors["throughput"]["mean"], factors["throughput"]["std"]) == (
            raw["software_delivery_throughput"]["mean"],
            raw["software_delivery_throughput"]["std"],
        ), segment
        instability = raw["software_delivery_instability"]
        assert (factors["instability"]["mean"], factors["instability"]["std"], factors["instability"]["published"]) == (
            round(10 - instability["mean"], 2),
            instability["std"],
            instability["mean"],
        ), segment
        overall = stated["overall"]
        assert (overall["mean"], overall["std"], overall["published"]) == (
            round(sum(high_is_best.values()) / 5, 2),
            raw["performance_average"]["std"],
            raw["performance_average"]["mean"],
        ), segment
    everyone = benchmarks.means(edition, "dora-2025")
    assert (everyone["metrics"]["change-fail-rate"]["mean"], everyone["overall"]["mean"]) == (8.1, 6.72)  # DORA's test


def test_a_segment_compares_the_scores_with_its_industrys_means():
    import pytest

    from perfdocs.errors import PerfdocsError
    from perfdocs.metrics import benchmarks

    metrics = [_result("change-lead-time", 30), _result("change-fail-rate", 20)]
    found = benchmarks.assess(metrics, "dora-2025", "technology")
    # technology: leadtime 5.7, changefailure 1.9 published (8.1 shown), overall (5.7 + 4.9 + 7.4 + 8.1 + 7.7) / 5
    assert (found["segment"], found["segment_name"]) == ("technology", "Technology")
    assert [(e["score"], e["mean"], e["versus_mean"]) for e in found["metrics"].values()] == [
        (6.0, 5.7, 0.3),
        (8.0, 8.1, -0.1),
    ]
    assert found["overall"]["mean"] == 6.76 and found["factors"]["throughput"]["mean"] == 6.1
    assert benchmarks.assess(metrics, "dora-2025")["segment_name"] == "All industries"
    with pytest.raises(
        PerfdocsError, match="no segment 'tehcnology' in DORA benchmark edition dora-2025 .*did you mean 'technology'"
    ):
        benchmarks.assess(metrics, "dora-2025", "tehcnology")
    with pytest.raises(
        PerfdocsError, match="no segment 'technology' in DORA benchmark edition dora-2024.*segments: all$"
    ):
        benchmarks.assess(metrics, "dora-2024", "technology")


def test_an_unknown_edition_is_a_usage_error_naming_the_editions():
    import pytest

    from perfdocs.errors import PerfdocsError
    from perfdocs.metrics import benchmarks

    with pytest.raises(PerfdocsError, match="no DORA benchmark edition 'dora-2052'.*editions: dora-2024, dora-2025"):
        benchmarks.load("dora-2052")
