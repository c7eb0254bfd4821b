"""The known metric anti-patterns (perfdocs.rules.metric_patterns): which definitions count a
person's activity, which are speed metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.records.parse import load_text
from perfdocs.rules.metric_patterns import activity_counted, is_speed


def metric(scope: str = "individual", **fields: str) -> dict[str, str]:
    return {"id": "m", "name": "Something", "calculation": "Described elsewhere.", "scope": scope, **fields}


@pytest.mark.parametrize(
    ("fields", "activity"),
    [
        ({"name": "Commits per week"}, "commits"),
        ({"calculation": "Number of lines of code a person added in the month."}, "lines of code"),
        ({"unit": "PRs/week"}, "pull requests"),
        ({"calculation": "Total story points an engineer completed per sprint."}, "story points"),
        ({"name": "AI tokens used"}, "AI tokens"),
        ({"calculation": "Count of Jira tickets closed by the person per month."}, "tickets closed"),
    ],
)
def test_an_individual_metric_counting_activity_is_recognised(fields, activity):
    found = activity_counted(metric(**fields))
    assert found is not None and found.name == activity


@pytest.mark.parametrize(
    "fields",
    [
        # the same count at team scope is a team's flow signal, not a judgment of a person
        {"scope": "team", "name": "Pull requests merged"},
        # a calculation that mentions commits without counting them
        {"calculation": "Hours from a change's first commit to its review, median over the quarter."},
        # the example's mentoring sessions: counted, but not an activity the lists name
        {
            "name": "Mentoring sessions held",
            "calculation": "Number of scheduled mentoring or pairing sessions a person holds in a month.",
        },
    ],
)
def test_other_metrics_are_not_activity_counts(fields):
    assert activity_counted(metric(**fields)) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"dora": "failed-deployment-recovery-time"},
        {"dora": "lead-time"},  # an old DORA name stands for its current metric
        {"name": "Cycle time"},
        {"name": "Sprint velocity"},
        {"name": "Code review turnaround"},
        {"name": "Time to merge"},
        {"unit": "deploys/week"},
    ],
)
def test_speed_metrics_are_recognised(fields):
    assert is_speed(metric("team", **fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"dora": "change-fail-rate"},
        {"name": "API latency", "unit": "ms"},
        {"name": "On-call load", "unit": "pages/week"},
        {"name": "Escaped defects", "unit": "defects/month"},
    ],
)
def test_quality_and_load_metrics_are_not_speed_metrics(fields):
    assert not is_speed(metric("team", **fields))


def test_every_speed_metric_of_the_example_names_a_quality_counter_metric():
    folder = Path(__file__).resolve().parents[2] / "records" / "metrics"
    records = {p.stem: load_text(p.read_text(), p, markdown=False).data for p in folder.glob("*.yaml")}
    speed = sorted(k for k, m in records.items() if is_speed(m))
    assert speed == ["change-lead-time", "deployment-frequency", "failed-deployment-recovery-time", "review-turnaround"]
    for key in speed:
        counter = records[key]["counter_metric"]
        assert counter in records and not is_speed(records[counter])
