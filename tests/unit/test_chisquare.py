"""The chi-square survival function and the test of independence, against published table values."""

from __future__ import annotations

import math

import pytest

from perfdocs.people.chisquare import against_rest, chi2_sf, independence, upper_gamma

# (statistic, degrees of freedom, upper-tail probability): the critical values of the standard
# chi-square table (NIST/SEMATECH e-Handbook, 1.3.6.7.4), each the value with that tail.
TABLE = [
    (2.706, 1, 0.10),
    (3.841, 1, 0.05),
    (6.635, 1, 0.01),
    (10.828, 1, 0.001),
    (5.991, 2, 0.05),
    (9.210, 2, 0.01),
    (7.815, 3, 0.05),
    (11.345, 3, 0.01),
    (9.488, 4, 0.05),
    (18.307, 10, 0.05),
    (37.566, 20, 0.01),
    (124.342, 100, 0.05),
]


@pytest.mark.parametrize(("statistic", "df", "tail"), TABLE)
def test_the_survival_function_gives_the_table_s_tail_at_its_critical_values(statistic, df, tail):
    assert chi2_sf(statistic, df) == pytest.approx(tail, rel=2e-3)  # the table rounds to 3 decimals


def test_two_degrees_of_freedom_have_the_closed_form_exp_minus_half_x():
    for x in (0.1, 1.0, 4.6, 13.8, 60.0):
        assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-12)


def test_one_degree_of_freedom_is_the_normal_tail_on_both_sides():
    for z in (0.5, 1.0, 1.96, 3.0):
        assert chi2_sf(z * z, 1) == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-10)


def test_the_incomplete_gamma_is_one_at_zero_and_falls_to_nothing():
    assert upper_gamma(3.5, 0) == 1.0
    assert upper_gamma(1, 5) == pytest.approx(math.exp(-5))  # Q(1, x) = exp(-x)
    assert 0 <= upper_gamma(2.5, 500) < 1e-200


def test_independence_of_a_two_by_two_table_worked_out_by_hand():
    # [[2, 0], [0, 1]]: expected 4/3, 2/3, 2/3, 1/3; chi2 = 1/3 + 2/3 + 2/3 + 4/3 = 3; V = sqrt(3 / 3) = 1.
    test = independence([[2, 0], [0, 1]])
    assert test is not None
    assert (test.statistic, test.df, test.v) == (pytest.approx(3.0), 1, pytest.approx(1.0))
    assert test.p == pytest.approx(math.erfc(math.sqrt(3) / math.sqrt(2)))


def test_a_group_with_the_organisation_s_own_shares_has_no_difference():
    test = against_rest([2, 4, 2], [10, 20, 10])
    assert test is not None and test.statistic == pytest.approx(0.0) and test.v == pytest.approx(0.0)
    assert test.p == pytest.approx(1.0)


def test_nothing_to_test_when_one_row_or_one_column_has_counts():
    assert against_rest([3, 0, 0], [3, 0, 0]) is None  # the rest is empty
    assert against_rest([3, 0, 0], [9, 0, 0]) is None  # one rating only
