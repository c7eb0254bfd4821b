"""Calibration on a small hand-built organisation, every figure worked out by hand.

Team A (manager ma): a1, a2. Team B (manager mb): b1. 'late' joins after 2026-Q3.
2026-Q3 reviews: a1 completes 100 % -> the rules give exceeds, rated exceeds;
a2 completes (90 + 70) / 2 = 80 % -> meets, but rated exceeds (a departure, above);
b1 completes 50 % -> below, rated below, still a draft.
Scores (equal weights over delivery, collaboration and scope; 1 entry earns 5):
a1 = (5 + 5 + 2) / 3 = 4.00, a2 = (5 + 0 + 5) / 3 = 3.33, b1 = ma = mb = 0: median 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.people import calibration
from perfdocs.validation import validate

from conftest import build_tree, edit


def person(handle: str, team: str, manager: str | None, since: str | None = None, start: str = "2024-01-01") -> str:
    return (
        f"kind: person\nhandle: {handle}\nname: {handle.upper()}\nemails: [{handle}@tiny.example]\n"
        f"track: eng\nlevel: {'l3' if handle.startswith('m') else 'l2'}\nteam: {team}\n"
        + (f"manager: {manager}\n" if manager else "")
        + (f"level_since: {since}\n" if since else "")
        + f"start_date: {start}\n"
    )


def evidence(author: str, day: str, comps: str, etype: str, scope: str) -> str:
    return (
        f"---\nkind: evidence\ndate: {day}\nauthor: {author}\ntype: {etype}\ntitle: {etype} by {author}\n"
        f"competencies: {comps}\nscope: {scope}\n---\nDone.\n"
    )


def goal(owner: str, *completions: tuple[str, int]) -> str:
    krs = "".join(
        f"  - {{id: {kid}, description: {kid}, baseline: 0, target: 100, current: {cur}, unit: '%', due: 2026-09-30}}\n"
        for kid, cur in completions
    )
    return (
        f"kind: goal\nperiod: 2026-Q3\nlevel: individual\nowner: {owner}\nobjective: Goal of {owner}\n"
        f"key_results:\n{krs}"
    )


def review(who: str, reviewer: str, rating: str, status: str, *krs: tuple[str, int]) -> str:
    rows = "".join(f"  - {{goal: {who}/2026-q3-goal, key_result: {k}, completion: {c}}}\n" for k, c in krs)
    return (
        f"---\nkind: review\nperson: {who}\nperiod: 2026-Q3\nreviewer: {reviewer}\nstatus: {status}\n"
        f"key_results:\n{rows}rating: {rating}\n"
        "development_plan:\n  - {skill: Design, resources: [A mentor], timeline: 2026-Q4, "
        "success_measures: [An RFC]}\n---\nReview.\n"
    )


FILES = {
    "org.yaml": """\
        kind: org
        id: tiny
        name: Tiny
        review_cadence_quarters: 1
        rating_scale:
          - {id: exceeds, label: Exceeds, min_completion: 100, description: All met.}
          - {id: meets, label: Meets, min_completion: 80, description: Most met.}
          - {id: below, label: Below, min_completion: 0, description: Fewer met.}
        dimensions:
          - {id: delivery, name: Delivery, description: Shipping.}
          - {id: collaboration, name: Collaboration, description: Others.}
        visibility_defaults:
          default: public
          person: internal
          evidence: internal
          goal: internal
          packet: internal
          review: private
        scoring:
          full_marks_evidence: 1
          outlier_distance: 3.5
        """,
    "tracks/eng.yaml": """\
        kind: track
        id: eng
        name: Engineering
        levels:
          - {id: l1, title: Engineer I, scope: Tasks., complexity: Clear., consistency: Guided.}
          - {id: l2, title: Engineer II, scope: Features., complexity: Some., consistency: Reliably.}
          - {id: l3, title: Senior Engineer, scope: Teams., complexity: Ambiguous., consistency: Sustained.}
        """,
    "matrices/eng.yaml": """\
        kind: competency-matrix
        id: eng
        track: eng
        competencies:
          - {id: build, name: Build, dimension: delivery, descriptors: {l1: Tasks., l2: Features., l3: Systems.}}
          - {id: help, name: Help, dimension: collaboration, descriptors: {l1: Asks., l2: Helps., l3: Grows.}}
        """,
    "teams/a.yaml": "kind: team\nid: a\nname: A\nmanager: ma\nmembers: [ma, a1, a2, late]\n",
    "teams/b.yaml": "kind: team\nid: b\nname: B\nmanager: mb\nmembers: [mb, b1]\n",
    "people/ma/person.yaml": person("ma", "a", None),
    "people/mb/person.yaml": person("mb", "b", None),
    "people/a1/person.yaml": person("a1", "a", "ma", since="2024-11-24"),
    "people/a2/person.yaml": person("a2", "a", "ma"),
    "people/b1/person.yaml": person("b1", "b", "mb"),
    "people/late/person.yaml": person("late", "a", "ma", start="2026-10-15"),
    "people/a1/evidence/2026-07-01-build.md": evidence("a1", "2026-07-01", "[build]", "pr", "team"),
    "people/a1/evidence/2026-08-01-mentor.md": evidence("a1", "2026-08-01", "[help]", "mentoring", "team"),
    "people/a2/evidence/2026-07-15-build.md": evidence("a2", "2026-07-15", "[build]", "pr", "org"),
    "people/a1/goals/2026-q3-goal.yaml": goal("a1", ("x", 100), ("y", 100)),
    "people/a2/goals/2026-q3-goal.yaml": goal("a2", ("x", 90), ("y", 70)),
    "people/b1/goals/2026-q3-goal.yaml": goal("b1", ("x", 50)),
    "people/a1/reviews/2026-q3.md": review("a1", "ma", "exceeds", "final", ("x", 100), ("y", 100)),
    "people/a2/reviews/2026-q3.md": review("a2", "ma", "exceeds", "final", ("x", 90), ("y", 70)),
    "people/b1/reviews/2026-q3.md": review("b1", "mb", "below", "draft", ("x", 50)),
    "people/a1/packets/l3.md": """\
        ---
        kind: packet
        candidate: a1
        current_level: l2
        target_level: l3
        summary: A1 for senior.
        sponsor: ma
        status: approved
        claims:
          - {competency: build, claim: Builds systems., evidence: [a1/2026-07-01-build]}
        ---
        """,
    "people/a2/packets/l3.md": """\
        ---
        kind: packet
        candidate: a2
        current_level: l2
        target_level: l3
        summary: A2 for senior.
        sponsor: ma
        status: draft
        claims:
          - {competency: help, claim: Grows people., evidence: []}
        ---
        """,
}


@pytest.fixture
def tiny(tmp_path) -> Path:
    root = build_tree(tmp_path / "tiny", FILES)
    assert validate(root).errors == 0
    return root


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

Advisory scores 3.5 or more from the median (0.00), gated scores, and ratings that depart from the rules \
(`perfdocs score PERSON` explains each).

- a1 (4.00): above the median 0.00 by 4.00
- a2 (3.33): rated exceeds, above the meets the rules give

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


def test_the_calibration_view_worked_out_by_hand(cli, tiny):
    res = cli("calibrate", "--period", "2026-Q3", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout == EXPECTED


def test_the_period_defaults_to_the_latest_with_reviews(cli, tiny):
    assert cli("calibrate", "--records", tiny).stdout == EXPECTED


def test_a_rating_below_the_rules_is_a_departure_below(tiny):
    edit(tiny / "people/a1/reviews/2026-q3.md", "rating: exceeds", "rating: meets")
    cal = calibration.calibrate(validate(tiny).org, "2026-Q3")
    assert [(d.person, d.recorded, d.rule, d.direction) for d in cal.departures] == [
        ("a1", "meets", "exceeds", "below"),
        ("a2", "exceeds", "meets", "above"),
    ]
    assert cal.by_reviewer == {"ma": (2, 2), "mb": (1, 0)}


def test_the_internal_view_uses_no_private_record(tiny):
    # Reviews are private in this org; a1's is shared internally.
    edit(tiny / "people/a1/reviews/2026-q3.md", "status: final\n", "status: final\nvisibility: internal\n")
    cal = calibration.calibrate(validate(tiny).org, "2026-Q3", audience="internal")
    assert cal.reviews == 1
    assert cal.distribution["team"] == {"a": {"exceeds": 1}}
    assert cal.departures == []
    assert cal.completion_by_cycle == [("2026-Q3", 5, 1, 0)]
    text = calibration.render_markdown(validate(tiny).org, "2026-Q3", audience="internal")
    assert "Only records visible to the internal audience are used here" in text


def test_the_html_view_is_a_page_with_the_same_tables(cli, tiny):
    res = cli("calibrate", "--period", "2026-Q3", "--format", "html", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout.startswith(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Calibration 2026-Q3</title>\n'
    )
    assert "<h1>Calibration 2026-Q3</h1>" in res.stdout
    assert "<td>a2</td>\n<td>ma</td>\n<td>80 %</td>\n<td>exceeds</td>\n<td>meets</td>\n<td>above</td>" in res.stdout


def test_record_text_cannot_inject_html(tiny):
    edit(tiny / "people/a2/packets/l3.md", "claim: Grows people.", "claim: '<script>alert(1)</script>'")
    html = calibration.render_html(validate(tiny).org, "2026-Q3")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_review_recording_more_completion_than_the_goal_shows_is_listed(tiny):
    # a2's goal says y is at 70 of 100 (70 %); the review records 95 %, so the review's mean is
    # (90 + 95) / 2 = 92.5 -> meets, still not the 'exceeds' it was rated.
    edit(tiny / "people/a2/reviews/2026-q3.md", "key_result: y, completion: 70", "key_result: y, completion: 95")
    cal = calibration.calibrate(validate(tiny).org, "2026-Q3")
    assert cal.kr_mismatches == [("a2", "ma", "a2/2026-q3-goal#y", 95.0, 70.0)]
    assert [(d.person, d.completion, d.rule) for d in cal.departures] == [("a2", 92.5, "meets")]
    text = calibration.to_markdown(cal)
    assert "| a2 | ma | a2/2026-q3-goal#y | 95 % | 70 % |\n" in text
