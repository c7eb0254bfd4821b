"""Review drafts: key-result completion and the rating the org's published rules give (their
maths: tests/unit/test_reviews.py), the period's evidence by dimension, feedback slots that cite
evidence, a development plan; on the tiny organisation of tests/support/orgs.py (`reviews_org`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.people import reviews
from perfdocs.validation import validate

from tests.support.files import REPO
from tests.support.orgs import reviews_org


@pytest.fixture
def tiny(tmp_path) -> Path:
    return reviews_org(tmp_path / "tiny")


def test_the_review_draft_is_prefilled_and_valid(cli, tiny):
    res = cli("review", "draft", "dev", "--period", "2026-Q3", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout == f"{tiny / 'people/dev/reviews/2026-q3.md'}\n"
    assert (
        (tiny / "people/dev/reviews/2026-q3.md").read_text(encoding="utf-8")
        == """\
---
kind: review
person: dev
period: 2026-Q3
reviewer: lead
status: draft
# Completion of each key result: (current - baseline) / (target - baseline), capped to 0-100.
key_results:
  - goal: dev/2026-q3-speed
    key_result: cached
    completion: 80.0  # 0 -> 8 of target 10 steps
  - goal: dev/2026-q3-speed
    key_result: minutes
    completion: 50.0  # 200 -> 150 of target 100 min
  - goal: dev/2026-q3-speed
    key_result: docs
    completion: 100.0  # 5 -> 12 of target 10 guides
completion: 76.7
# The org's published rule: the first rating (highest first) whose min_completion 76.7 reaches.
#   exceeds: 100 and above
#   meets: 80 and above
#   below: 0 and above
rating: below
# Feedback: every entry quotes someone and cites the evidence it is about (at least one id).
# People who worked with dev on this period's evidence:
#   - from: mate
#     relation: peer
#     quote: "..."
#     evidence: [dev/2026-07-10-runner, dev/2026-08-20-pairing]
#   - from: pal
#     relation: cross-functional
#     quote: "..."
#     evidence: [dev/2026-08-20-pairing]
feedback: []
# A development plan is about growth, never pay: skill, resources, timeline, success measures.
development_plan:
  - skill: "Help: Helps joiners."
    competency: help  # 1 evidence entry in the last four quarters
    resources:
      - "TODO: a mentor, a course or a project that gives practice"
    timeline: "2026-Q4 to 2027-Q1"
    success_measures:
      - "Evidence naming help that shows the l2 descriptor, by the end of 2027-Q1"
  - skill: "Build: Builds features."
    competency: build  # 2 evidence entries in the last four quarters
    resources:
      - "TODO: a mentor, a course or a project that gives practice"
    timeline: "2026-Q4 to 2027-Q1"
    success_measures:
      - "Evidence naming build that shows the l2 descriptor, by the end of 2027-Q1"
visibility: private
---
# 2026-Q3 review: Dev

Drafted by `perfdocs review draft` on 2026-11-24. Key-result completion and the rating come from
dev's goals and the org's published rating rules; the evidence below is everything
dev recorded between 2026-07-01 and 2026-09-30.

## Key results

| Goal | Key result | Baseline | Target | Current | Completion |
|---|---|---|---|---|---|
| dev/2026-q3-speed | Cached steps | 0 | 10 | 8 steps | 80.0 % |
| dev/2026-q3-speed | Build minutes | 200 | 100 | 150 min | 50.0 % |
| dev/2026-q3-speed | Guides | 5 | 10 | 12 guides | 100.0 % |

Overall completion 76.7 %: **Below** (Fewer met.)

## Evidence of the period, by dimension

### Delivery

- `dev/2026-07-10-runner` (2026-07-10; build; scope team): Work of 2026-07-10

### Collaboration

- `dev/2026-08-20-pairing` (2026-08-20; help; scope team): Work of 2026-08-20

## Narrative

What went well, what to grow, each point tied to the evidence above.
"""
    )
    assert cli("validate", tiny).exit_code == 0


def test_a_review_draft_never_replaces_the_periods_review(cli, tiny):
    assert cli("review", "draft", "dev", "--period", "2026-Q3", "--records", tiny).exit_code == 0
    res = cli("review", "draft", "dev", "--period", "2026-Q3", "--records", tiny)
    assert res.exit_code == 2, res
    assert res.stderr == (
        "perfdocs: error: dev already has a review for 2026-Q3: people/dev/reviews/2026-q3.md; "
        "a draft never replaces a review\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("dev", "--period", "2026-Q2"),
            "dev has no individual key results for 2026-Q2: the org's rules rate key-result "
            "completion, so there is nothing to rate yet (add the period's goals)",
        ),
        (("lead", "--period", "2026-Q3"), "lead has no manager on record: name the reviewer with --reviewer HANDLE"),
        (("dev", "--period", "2026-3"), "period '2026-3' is not a quarter like 2026-Q3"),
    ],
)
def test_review_draft_refuses_what_it_cannot_fill_in(cli, tiny, args, message):
    res = cli("review", "draft", *args, "--records", tiny)
    assert res.exit_code == 2, res
    assert res.stderr == f"perfdocs: error: {message}\n"


def test_alices_q2_review_draft_uses_her_goals_and_the_published_rules(cli, example):
    res = cli("review", "draft", "alice", "--period", "2026-Q2", "--records", example)
    assert res.exit_code == 0, res
    text = (example / "people/alice/reviews/2026-q2.md").read_text(encoding="utf-8")
    # idempotent-endpoints: (100-40)/(100-40) = 100; duplicate-attempts: (1-12)/(0-12) = 91.7.
    # Mean 95.85 of the rounded figures, 95.8 as a float rounds: 'meets' (80 to 99).
    assert "    key_result: idempotent-endpoints\n    completion: 100.0  # 40 -> 100 of target 100 percent\n" in text
    assert "    key_result: duplicate-attempts\n    completion: 91.7  # 12 -> 1 of target 0 per 100k retries\n" in text
    assert "completion: 95.8\n" in text
    assert "rating: meets\n" in text
    assert cli("validate", example).exit_code == 0


def test_recorded_example_reviews_agree_with_the_rules():
    org = validate(REPO / "records").org
    for review in org.reviews.values():
        _, rule = reviews.rule_rating(org, review)
        assert rule is not None and rule["id"] == review.get("rating"), review.id
