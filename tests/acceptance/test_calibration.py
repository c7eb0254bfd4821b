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

Each group's ratings against the rest of the organisation's: a chi-square test of independence (χ², its \
degrees of freedom and p-value) and Cramér's V (0: the same distribution, 1: nothing in common). Every group \
is shown (`calibration.min_group` is 1). **flag**: p below 0.05, a pattern to discuss, not a finding about \
anyone (among many groups, some low p-values are chance).

| All reviews | exceeds | meets | below | total |
|---|---|---|---|---|
| organisation | 2 (67 %) | 0 (0 %) | 1 (33 %) | 3 |

| Team | exceeds | meets | below | total | χ² (df) | p | V | flag |
|---|---|---|---|---|---|---|---|---|
| a | 2 (100 %) | 0 (0 %) | 0 (0 %) | 2 | 3.00 (1) | 0.083 | 1.00 |  |
| b | 0 (0 %) | 0 (0 %) | 1 (100 %) | 1 | 3.00 (1) | 0.083 | 1.00 |  |

| Manager (reviewer) | exceeds | meets | below | total | χ² (df) | p | V | flag |
|---|---|---|---|---|---|---|---|---|
| ma | 2 (100 %) | 0 (0 %) | 0 (0 %) | 2 | 3.00 (1) | 0.083 | 1.00 |  |
| mb | 0 (0 %) | 0 (0 %) | 1 (100 %) | 1 | 3.00 (1) | 0.083 | 1.00 |  |

| Track | exceeds | meets | below | total | χ² (df) | p | V | flag |
|---|---|---|---|---|---|---|---|---|
| eng | 2 (67 %) | 0 (0 %) | 1 (33 %) | 3 | - | - | - |  |

| Level | exceeds | meets | below | total | χ² (df) | p | V | flag |
|---|---|---|---|---|---|---|---|---|
| eng l2 | 2 (67 %) | 0 (0 %) | 1 (33 %) | 3 | - | - | - |  |

## Ratings against the rubric

Each person's own evidence in 2026-Q3 for the competencies of their current level (verified: at least one \
entry with a link checked against git). People are held against the ladder, never against each other; a \
rating that departs from its evidence is a question for the meeting.

| Person | Level | Rating | With evidence | Verified | No evidence in the period |
|---|---|---|---|---|---|
| a1 | eng l2 | exceeds | 2 of 2 | 0 | none |
| a2 | eng l2 | exceeds | 1 of 2 | 0 | help |
| b1 | eng l2 | below | 0 of 2 | 0 | build, help |

### Questions for the meeting

- `a2/2026-q3` (ma): rated exceeds with evidence for 1 of the 2 competencies of eng l2

## Ratings that depart from the published completion rules

| Person | Reviewer | Completion | Rated | Rules give | |
|---|---|---|---|---|---|
| a2 | ma | 80 % | exceeds | meets | above |

| Reviewer | Reviews | Departures |
|---|---|---|
| ma | 2 | 1 |
| mb | 1 | 0 |

## Ratings previews

What calibrators noted on each review before the meeting.

None recorded.

## Rating changes

Ratings changed in calibration (the review records `calibration: {changed_from, note}`) and after the meeting \
(from the git history of the review file, the audit trail: each change links its commit).

None.

## Rubric version

The commit of the ladder (tracks, matrices, competency sets) each review was judged against: recorded in the \
review (`rubric:`), or the last ladder commit before the review file's first.

| Review | Rubric commit | Source |
|---|---|---|
| `a1/2026-q3` | unknown | unknown |
| `a2/2026-q3` | unknown | unknown |
| `b1/2026-q3` | unknown | unknown |

## Claims without evidence

- `a2/l3` help: Grows people.

## No invisible work recorded

People with no evidence in 2026-Q3 of type mentoring, code-review, interviewing, onboarding, documentation, \
on-call, feedback:

- a2
- b1
- ma
- mb

## Review language

Findings of the review-language check (`perfdocs review lint`), counted by reviewer and by the reviewed \
people's attributes. Every group is shown (`calibration.min_group` is 1).

| Reviewer | Reviews | Findings | Per review |
|---|---|---|---|
| ma | 2 | 0 | 0.0 |
| mb | 1 | 0 | 0.0 |

## Process health

- Reviews of 2026-Q3: 2 of 3 final or delivered; no deadline set.
- Feedback citing verified evidence: no feedback recorded.
- Ratings changed in calibration: 0 of 3 reviews.
- Appeals: none recorded.

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
