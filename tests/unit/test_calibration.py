"""Calibration on a small hand-built organisation (tests/support/orgs.py, `calibration_org`),
every figure worked out by hand.

Team A (manager ma): a1, a2. Team B (manager mb): b1. 'late' joins after 2026-Q3.
2026-Q3 reviews: a1 completes 100 % -> the rules give exceeds, rated exceeds;
a2 completes (90 + 70) / 2 = 80 % -> meets, but rated exceeds (a departure, above);
b1 completes 50 % -> below, rated below, still a draft.
Against the rubric (l2 expects build and help): a1 has evidence for both, a2 for build only
(rated exceeds: a question for the meeting), b1 for neither (rated below: no question).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.people import calibration
from perfdocs.validation import validate

from tests.support.files import edit
from tests.support.orgs import calibration_org


@pytest.fixture
def tiny(tmp_path) -> Path:
    root = calibration_org(tmp_path / "tiny")
    assert validate(root).errors == 0
    return root


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
    assert cal.overall == {"exceeds": 1, "meets": 0, "below": 0}
    team_a = cal.distribution["team"][0]
    assert (team_a.name, team_a.counts) == ("a", {"exceeds": 1, "meets": 0, "below": 0})
    assert cal.departures == []
    assert cal.completion_by_cycle == [("2026-Q3", 5, 1, 0)]
    text = calibration.render_markdown(validate(tiny).org, "2026-Q3", audience="internal")
    assert "Only records visible to the internal audience are used here" in text


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


def test_a_rating_above_its_evidence_for_the_level_is_a_question_not_an_outlier(tiny):
    cal = calibration.calibrate(validate(tiny).org, "2026-Q3")
    assert [(c.person, c.covered, c.question) for c in cal.coverage] == [
        ("a1", ["build", "help"], None),
        ("a2", ["build"], "rated exceeds with evidence for 1 of the 2 competencies of eng l2"),
        ("b1", [], None),
    ]
    assert not hasattr(cal, "outliers") and not hasattr(cal, "median_score")


def test_a_lowest_rating_with_evidence_for_every_competency_is_a_question(tiny):
    edit(tiny / "people/a1/reviews/2026-q3.md", "rating: exceeds", "rating: below")
    cal = calibration.calibrate(validate(tiny).org, "2026-Q3")
    assert cal.coverage[0].question == "rated below though the evidence covers all 2 competencies of eng l2"


def test_previews_appeals_and_verified_feedback_are_in_the_pack(tiny):
    (tiny / "people/mb/previews").mkdir(parents=True)
    (tiny / "people/mb/previews/2026-q3.yaml").write_text(
        "kind: ratings-preview\nperiod: 2026-Q3\nreviews:\n"
        "  - {review: a2/2026-q3, verdict: question, note: Exceeds at 80 %?}\n"
        "  - {review: a1/2026-q3, verdict: agree, note: Every key result met.}\n"
    )
    edit(
        tiny / "people/b1/reviews/2026-q3.md",
        "rating: below\n",
        "rating: below\nappeal: {filed: 2026-10-20, outcome: upheld, note: Reviewed by the skip-level.}\n",
    )
    report = validate(tiny)
    assert report.errors == 0, report.diagnostics
    cal = calibration.calibrate(report.org, "2026-Q3")
    assert [(p.calibrator, p.review, p.verdict, p.note) for p in cal.previews] == [
        ("mb", "a2/2026-q3", "question", "Exceeds at 80 %?"),
        ("mb", "a1/2026-q3", "agree", "Every key result met."),
    ]
    assert cal.health.appeals == {"upheld": 1}
    text = calibration.to_markdown(cal)
    assert "| `a2/2026-q3` | mb | question | Exceeds at 80 %? |\n" in text
    assert "- Appeals: 1 upheld.\n" in text
    assert "- Ratings changed in calibration: 0 of 3 reviews.\n" in text


def test_a_preview_naming_a_review_that_does_not_exist_is_reported(tiny):
    (tiny / "people/mb/previews").mkdir(parents=True)
    (tiny / "people/mb/previews/2026-q3.yaml").write_text(
        "kind: ratings-preview\nperiod: 2026-Q3\nreviews:\n  - {review: a3/2026-q3, verdict: agree, note: Fine.}\n"
    )
    assert [(d.rule, d.message) for d in validate(tiny).diagnostics] == [
        ("ref/unknown-review", "unknown review 'a3/2026-q3'; did you mean 'a2/2026-q3'?")
    ]
