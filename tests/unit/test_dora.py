"""DORA arithmetic on plain numbers: band bounds and the p90."""

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
