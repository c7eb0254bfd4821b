"""KPI series on plain data: values merged into a series' YAML text, and sustained trends."""

from __future__ import annotations

import pytest

from perfdocs.metrics import kpis, series_write


def series(*values: float) -> list[tuple[str, float]]:
    return [(f"2026-{i + 1:02d}", v) for i, v in enumerate(values)]


def test_upsert_into_an_empty_flow_list():
    text = "kind: kpi\nid: x\nteam: t\nmetric: m\nvalues: []\nvisibility: public\n"
    out = series_write.upsert_values(text, [{"period": "2026-01", "value": 2, "provenance": {"source": "git"}}])
    assert out == (
        "kind: kpi\nid: x\nteam: t\nmetric: m\nvalues:\n  - period: 2026-01\n    value: 2\n"
        "    provenance:\n      source: git\nvisibility: public\n"
    )


@pytest.mark.parametrize(
    ("values", "lower_better", "runs"),
    [
        # one bad point, then recovery: a run of one move, never flagged
        ((20, 35, 21, 22, 21), True, []),
        # a fall, then three rises in a row (21 -> 27 -> 31 -> 35) when lower is better: 2026-02 to 2026-05
        ((22, 21, 27, 31, 35), True, [(1, 4)]),
        # the same values when higher is better are improving
        ((21, 22, 27, 31, 35), False, []),
        # a flat period ends a run: 2 moves, then 2 moves
        ((10, 9, 8, 8, 7, 6), False, []),
        ((10, 9, 8, 7, 8, 7, 6, 5), False, [(0, 3), (4, 7)]),
    ],
)
def test_only_n_consecutive_moves_against_the_target_make_a_trend(values, lower_better, runs):
    assert kpis.sustained(series(*values), lower_better, 3) == runs
