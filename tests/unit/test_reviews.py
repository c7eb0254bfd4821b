"""Review maths: key-result completion, and the rating the org's published rules give (on the
tiny organisation of tests/support/orgs.py, `reviews_org`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.people import reviews
from perfdocs.validation import validate

from tests.support.orgs import reviews_org


@pytest.fixture
def tiny(tmp_path) -> Path:
    return reviews_org(tmp_path / "tiny")


@pytest.mark.parametrize(
    "baseline, target, current, expected",
    [
        (40, 100, 100, 100.0),  # met exactly
        (12, 0, 1, 91.7),  # lower is better: 11 of the 12 to go
        (180, 15, 12, 100.0),  # beaten: 101.8 capped to 100
        (10, 20, 5, 0.0),  # worse than the baseline: capped to 0
        (0, 10, 8, 80.0),
        (5, 5, 5, 100.0),  # nothing to move: met when current is the target
        (5, 5, 4, 0.0),
    ],
)
def test_key_result_completion_is_the_share_of_the_way_from_baseline_to_target(baseline, target, current, expected):
    kr = {"baseline": baseline, "target": target, "current": current}
    assert reviews.kr_completion(kr) == expected


@pytest.mark.parametrize(
    "completion, rating", [(100, "exceeds"), (99.9, "meets"), (80, "meets"), (79.9, "below"), (0, "below")]
)
def test_the_rating_is_the_first_whose_minimum_the_completion_reaches(tiny, completion, rating):
    org = validate(tiny).org
    assert reviews.rating_for(org, completion)["id"] == rating
