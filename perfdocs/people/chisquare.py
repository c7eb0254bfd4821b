"""The chi-square test calibration runs on rating distributions, and Cramér's V.

A group's ratings (one team's, one manager's) are set against the rest of the organisation's
in a 2 x k contingency table; the test of independence says how surprising the difference
is (its p-value, from the chi-square survival function) and Cramér's V how large it is
(0: the same distribution, 1: nothing in common). scipy is not a dependency: the survival
function is the regularized upper incomplete gamma function, Q(k/2, x/2), computed with
its series below a + 1 and its continued fraction above (Numerical Recipes, 6.2), which
is accurate to about 1e-12 on the ranges a calibration produces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_EPS = 1e-15
_TINY = 1e-300
_STEPS = 500


def upper_gamma(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function (a > 0)."""
    if a <= 0:
        raise ValueError("a must be positive")
    if x <= 0:
        return 1.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # the series for P(a, x) converges fast here
        term = total = 1.0 / a
        ap = a
        for _ in range(_STEPS):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    # The continued fraction for Q(a, x), by the modified Lentz method.
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, _STEPS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return min(1.0, math.exp(log_prefix) * h)


def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square distributed with `df` degrees of freedom."""
    if df < 1:
        return 1.0
    return upper_gamma(df / 2, statistic / 2)


@dataclass(frozen=True)
class Test:
    """A chi-square test of independence on a contingency table."""

    statistic: float
    df: int
    p: float
    v: float
    """Cramér's V: sqrt(statistic / (n * (min(rows, columns) - 1)))."""


def independence(table: Sequence[Sequence[int]]) -> Test | None:
    """The test of a table of counts (rows: groups, columns: ratings); columns and rows
    that are all zero are left out. None when fewer than two rows or columns remain."""
    rows = [list(r) for r in table if sum(r)]
    if len(rows) < 2:
        return None
    keep = [j for j in range(len(rows[0])) if any(r[j] for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    if len(keep) < 2:
        return None
    n = sum(map(sum, rows))
    row_sums = [sum(r) for r in rows]
    col_sums = [sum(r[j] for r in rows) for j in range(len(keep))]
    statistic = 0.0
    for i, row in enumerate(rows):
        for j, observed in enumerate(row):
            expected = row_sums[i] * col_sums[j] / n
            statistic += (observed - expected) ** 2 / expected
    df = (len(rows) - 1) * (len(keep) - 1)
    v = math.sqrt(statistic / (n * (min(len(rows), len(keep)) - 1)))
    return Test(statistic, df, chi2_sf(statistic, df), v)


def against_rest(group: Sequence[int], everyone: Sequence[int]) -> Test | None:
    """A group's counts per rating against the rest of the organisation's (`everyone`'s
    counts minus the group's)."""
    return independence([list(group), [e - g for e, g in zip(everyone, group)]])


__all__ = ["Test", "against_rest", "chi2_sf", "independence", "upper_gamma"]
