"""Calibration through the CLI: the text and HTML views of the hand-built organisation
(tests/support/orgs.py, `calibration_org`; tests/unit/test_calibration.py works out its figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.validation import validate

from tests.support.orgs import calibration_org

EXPECTED = """\
# Calibration 2026-Q3

3 reviews in 2026-Q3. Advisory: a starting point for the calibration conversation, not its outcome.

## Rating distribution

| Team | exceeds | meets | below | total |
|---|---|---|---|---|
| a | 2 | 0 | 0 | 2 |
| b | 0 | 0 | 1 | 1 |

| Track | exceeds | meets | below | total |
|---|---|---|---|---|
| eng | 2 | 0 | 1 | 3 |

| Level | exceeds | meets | below | total |
|---|---|---|---|---|
| eng l2 | 2 | 0 | 1 | 3 |

## Ratings that depart from the published completion rules

| Person | Reviewer | Completion | Rated | Rules give | |
|---|---|---|---|---|---|
| a2 | ma | 80 % | exceeds | meets | above |

| Reviewer | Reviews | Departures |
|---|---|---|
| ma | 2 | 1 |
| mb | 1 | 0 |

## Claims without evidence

- `a2/l3` help: Grows people.

## No invisible work recorded

People with no evidence in 2026-Q3 of type mentoring, code-review, interviewing, onboarding, documentation, \
on-call, feedback:

- a2
- b1
- ma
- mb

## Outliers to discuss

Advisory scores 2 or more from the median (0.00), gated scores, and ratings that depart from the rules \
(`perfdocs score PERSON` explains each).

- a1 (2.08): above the median 0.00 by 2.08
- a2 (2.50): above the median 0.00 by 2.50; rated exceeds, above the meets the rules give

## Process health

### Review completion per cycle

| Cycle | People | Final or delivered | Draft | Rate |
|---|---|---|---|---|
| 2026-Q3 | 5 | 2 | 1 | 40 % |

### Time in level

| Person | Track | Level | Years in level |
|---|---|---|---|
| a1 | eng | l2 | 2 |
| a2 | eng | l2 | unknown |
| b1 | eng | l2 | unknown |
| late | eng | l2 | unknown |
| ma | eng | l3 | unknown |
| mb | eng | l3 | unknown |

### Packets per level and outcome

| Target level | approved | draft |
|---|---|---|
| eng l3 | 1 | 1 |
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    root = calibration_org(tmp_path / "tiny")
    assert validate(root).errors == 0
    return root


def test_the_calibration_view_worked_out_by_hand(cli, tiny):
    res = cli("calibrate", "--period", "2026-Q3", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout == EXPECTED


def test_the_period_defaults_to_the_latest_with_reviews(cli, tiny):
    assert cli("calibrate", "--records", tiny).stdout == EXPECTED


def test_the_html_view_is_a_page_with_the_same_tables(cli, tiny):
    res = cli("calibrate", "--period", "2026-Q3", "--format", "html", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout.startswith(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Calibration 2026-Q3</title>\n'
    )
    assert "<h1>Calibration 2026-Q3</h1>" in res.stdout
    assert "<td>a2</td>\n<td>ma</td>\n<td>80 %</td>\n<td>exceeds</td>\n<td>meets</td>\n<td>above</td>" in res.stdout
