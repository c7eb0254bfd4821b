"""Calibration's rating distribution on a generated period (tests/support/orgs.py,
`calibration_period_org`): a planted skew is flagged with the statistic worked out here
independently, and small groups are never shown.

Sixty reviews, three managers of twenty (ten people in Berlin and ten in Lisbon each). Lisbon,
and Berlin under m2 and m3, are rated 3 exceeds / 5 meets / 2 below per ten; m1 rates his ten
Berlin people 0 / 3 / 7: the planted skew.
"""

from __future__ import annotations

import math

import pytest

from perfdocs.people import calibration
from perfdocs.people.reports import calibration_markdown
from perfdocs.validation import validate

from tests.support.orgs import calibration_period_org as generated_org


def chi_square_2x3(group: list[int], rest: list[int]) -> float:
    """Pearson's statistic of the table [group, rest], from its definition."""
    n = sum(group) + sum(rest)
    total = 0.0
    for row in (group, rest):
        for j, observed in enumerate(row):
            expected = sum(row) * (group[j] + rest[j]) / n
            total += (observed - expected) ** 2 / expected
    return total


def test_one_manager_rating_one_group_lower_is_flagged_with_the_right_statistic(tmp_path):
    report = validate(generated_org(tmp_path / "org"))
    assert report.errors == 0, report.diagnostics
    cal = calibration.calibrate(report.org, "2026-Q3")
    assert cal.reviews == 60
    # The org: 15 fair tens of (3, 5, 2) plus m1's Berlin (0, 3, 7) -> (15, 28, 17).
    assert cal.overall == {"exceeds": 15, "meets": 28, "below": 17}
    managers = {g.name: g for g in cal.distribution["manager"]}
    m1, m2 = managers["m1"], managers["m2"]
    assert m1.counts == {"exceeds": 3, "meets": 8, "below": 9}
    # m1 (3, 8, 9) against the other forty (12, 20, 8): expected (5, 9.33, 5.67) and (10, 18.67, 11.33),
    # so chi2 = 0.8 + 0.1905 + 1.9608 + 0.4 + 0.0952 + 0.9804 = 4.4269.
    statistic = chi_square_2x3([3, 8, 9], [12, 20, 8])
    assert statistic == pytest.approx(4.4269, abs=1e-4)
    assert m1.test is not None
    assert m1.test.statistic == pytest.approx(statistic)
    assert m1.test.df == 2
    assert m1.test.p == pytest.approx(math.exp(-statistic / 2))  # two degrees of freedom: exp(-x / 2)
    assert m1.test.v == pytest.approx(math.sqrt(statistic / 60))  # a 2 x k table: min(2, k) - 1 = 1
    assert m1.test.p > 0.05 and not m1.flagged  # over all twenty, the skew is diluted ...
    berlin = next(g for g in cal.distribution["location"] if g.name == "berlin")
    # ... by location, Berlin (6, 13, 11) against Lisbon (9, 15, 6): not flagged either
    assert berlin.counts == {"exceeds": 6, "meets": 13, "below": 11}
    assert berlin.test is not None and berlin.test.statistic == pytest.approx(chi_square_2x3([6, 13, 11], [9, 15, 6]))
    assert m2.test is not None and m2.test.p > 0.5 and not m2.flagged


def test_the_planted_skew_is_flagged_where_it_lives(tmp_path):
    # The same m1 manages only his Berlin people: his group is the skew itself.
    root = generated_org(tmp_path / "org")
    for i in range(10):
        review = root / f"people/m1-lisbon-{i}/reviews/2026-q3.md"
        review.write_text(review.read_text().replace("reviewer: m1", "reviewer: m2"))
    cal = calibration.calibrate(validate(root).org, "2026-Q3")
    m1 = next(g for g in cal.distribution["manager"] if g.name == "m1")
    assert m1.counts == {"exceeds": 0, "meets": 3, "below": 7}
    statistic = chi_square_2x3([0, 3, 7], [15, 25, 10])
    assert m1.test is not None and m1.test.statistic == pytest.approx(statistic)
    assert m1.test.p == pytest.approx(math.exp(-statistic / 2)) and m1.test.p < 0.05
    assert m1.test.v == pytest.approx(math.sqrt(statistic / 60))
    assert m1.flagged
    # (0, 3, 7) against (15, 25, 10): expected (2.5, 4.67, 2.83) and (12.5, 23.33, 14.17):
    # chi2 = 2.5 + 0.5952 + 6.1275 + 0.5 + 0.1190 + 1.2255 = 11.0672, p = exp(-5.53) = 0.0040.
    assert statistic == pytest.approx(11.0672, abs=1e-4)
    text = calibration_markdown(cal)
    assert (
        f"| m1 | 0 (0 %) | 3 (30 %) | 7 (70 %) | 10 | {statistic:.2f} (2) | {m1.test.p:.3f} | {m1.test.v:.2f} | **flag** |"
        in text
    )


def test_a_group_of_three_is_suppressed_and_so_is_the_smallest_other_one(tmp_path):
    cal = calibration.calibrate(validate(generated_org(tmp_path / "org", oslo=3)).org, "2026-Q3")
    groups = {g.name: g for g in cal.distribution["location"]}
    assert groups["oslo"].suppressed and groups["oslo"].counts is None and groups["oslo"].test is None
    # 60 - 27 - 30 = 3 would give Oslo away: Berlin (27), the smallest shown, is hidden too.
    assert groups["berlin"].suppressed
    assert groups["lisbon"].counts == {"exceeds": 9, "meets": 15, "below": 6}
    text = calibration_markdown(cal)
    assert "| oslo | fewer than 5 | | | | | | | |\n" in text
    assert "| berlin | fewer than 5 | | | | | | | |\n" in text
    oslo_rows = [line for line in text.splitlines() if "oslo" in line]
    assert oslo_rows == ["| oslo | fewer than 5 | | | | | | | |"]
    assert "A group with fewer than 5 reviews is not shown, nor the smallest other groups" in text


def test_the_minimum_group_size_is_the_org_s(tmp_path):
    cal = calibration.calibrate(
        validate(generated_org(tmp_path / "org", oslo=3, settings="  min_group: 3\n")).org, "2026-Q3"
    )
    groups = {g.name: g for g in cal.distribution["location"]}
    assert groups["oslo"].counts is not None and groups["oslo"].size == 3
    assert not groups["berlin"].suppressed


def test_review_language_findings_are_counted_by_reviewer_and_attribute_with_suppression(tmp_path):
    org = validate(generated_org(tmp_path / "org", oslo=3)).org
    cal = calibration.calibrate(org, "2026-Q3", findings=lambda r: [None] * (2 if r.get("reviewer") == "m1" else 0))  # type: ignore[list-item]
    assert cal.language is not None
    by_reviewer = {g.name: (g.counts, n) for g, n in cal.language["reviewer"]}
    assert by_reviewer == {"m1": ({"reviews": 20}, 40), "m2": ({"reviews": 20}, 0), "m3": ({"reviews": 20}, 0)}
    by_place = {g.name: (g.counts, n) for g, n in cal.language["location"]}
    assert by_place["oslo"] == (None, 0) and by_place["berlin"] == (None, 0)
    assert by_place["lisbon"] == ({"reviews": 30}, 20)
    text = calibration_markdown(cal)
    assert "## Review language" in text and "| m1 | 20 | 40 | 2.0 |" in text and "| oslo | fewer than 5 | | |" in text
    assert "## Review language" not in calibration_markdown(calibration.calibrate(org, "2026-Q3"))
