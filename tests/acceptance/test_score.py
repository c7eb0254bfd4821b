"""The advisory score: each scoring rule on a small hand-built organisation.

dev (track eng: build = delivery, run = reliability, help = collaboration) has three
evidence entries in 2026-Q3. The org weighs delivery 2, reliability 1, collaboration 1
and scope 1 (normalised: 0.4, 0.2, 0.2, 0.2); 2 entries in a dimension earn full marks
(5); the gate caps at 2 from 2 overdue action items over 2 quarters. Worked by hand:

    delivery       e1, e2 -> 2 of 2 -> 5.0   x 0.4 = 2.0
    reliability    e2     -> 1 of 2 -> 2.5   x 0.2 = 0.5
    collaboration  e3     -> 1 of 2 -> 2.5   x 0.2 = 0.5
    scope          team 2, org 5 (e3 states none) -> 3.5 x 0.2 = 0.7
    composite                                        3.7
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.files import build_tree, edit
from tests.support.orgs import evidence, person, team, tiny_org

SCORING = """\
    scoring:
      bounds: {min: 0, max: 5}
      weights: {delivery: 2, reliability: 1, collaboration: 1, scope: 1}
      full_marks_evidence: 2
      reliability_gate:
        enabled: true
        min_harm: 2
        lookback_quarters: 2
        cap: 2
"""
PM_TEXT = """\
        ---
        kind: postmortem
        id: pm-1
        title: The API (a legacy system dev's team owns) fell over
        date: 2026-07-20
        severity: sev2
        team: core
        services: [api]
        detected: 2026-07-20T10:00:00Z
        restored: 2026-07-20T11:00:00Z
        participants: [dev]
        action_items:
          - {title: Add an alert, owner: dev, status: open, due: 2026-08-15}
          - {title: Fix the retry, owner: dev, status: done, due: 2026-08-20}
          - {title: Rewrite the pool, owner: dev, status: open, due: 2026-12-15}
          - {title: Old cleanup, owner: dev, status: open, due: 2025-10-01}
        ---
        Blameless.
        """
PM = "postmortems/pm-1.md"


@pytest.fixture
def tiny(tmp_path) -> Path:
    return tiny_org(
        tmp_path / "tiny",
        ratings=("exceeds", "below"),
        dimensions=("delivery", "reliability", "collaboration"),
        settings=SCORING,
        competencies=[
            ("build", "delivery", {"l1": "Builds tasks.", "l2": "Builds features."}),
            ("run", "reliability", {"l1": "Watches.", "l2": "Operates."}),
            ("help", "collaboration", {"l1": "Asks.", "l2": "Helps."}),
        ],
        teams={"core": team("core", "dev", ["dev"], services=["api"])},
        people={"dev": person("dev", "core", "l2")},
        files={
            "people/dev/evidence/2026-07-01-e1.md": evidence("dev", "2026-07-01", ["build"], title="e1", body="e1"),
            "people/dev/evidence/2026-08-01-e2.md": evidence(
                "dev", "2026-08-01", ["build", "run"], title="e2", scope="org", body="e2"
            ),
            "people/dev/evidence/2026-09-01-e3.md": evidence(
                "dev", "2026-09-01", ["help"], type="mentoring", title="e3", scope=None, body="e3"
            ),
            PM: PM_TEXT,
        },
    )


def score(cli, root: Path, *args: str) -> dict:
    res = cli("score", "dev", "--records", root, "--format", "json", *args)
    assert res.exit_code == 0, res
    return json.loads(res.stdout)


def contributions(result: dict) -> dict[str, tuple[float, float, float]]:
    return {
        i["key"]: (round(i["weight"], 3), round(i["subscore"], 3), round(i["contribution"], 3))
        for i in result["inputs"]
    }


def test_the_composite_is_the_weighted_mean_worked_out_by_hand(cli, tiny):
    result = score(cli, tiny, "--period", "2026-Q3")
    assert contributions(result) == {
        "delivery": (0.4, 5.0, 2.0),
        "reliability": (0.2, 2.5, 0.5),
        "collaboration": (0.2, 2.5, 0.5),
        "scope": (0.2, 3.5, 0.7),
    }
    assert result["composite"] == 3.7
    assert result["advisory"] is True
    assert [e["id"] for e in result["inputs"][0]["evidence"]] == ["dev/2026-07-01-e1", "dev/2026-08-01-e2"]
    assert [(e["id"], e["points"]) for e in result["inputs"][3]["evidence"]] == [
        ("dev/2026-07-01-e1", 2.0),
        ("dev/2026-08-01-e2", 5.0),
    ]


def test_the_text_output_traces_every_number_and_says_advisory(cli, tiny):
    res = cli("score", "dev", "--records", tiny, "--period", "2026-Q3")
    assert res.exit_code == 0, res
    assert (
        res.stdout
        == """\
Advisory score for dev, 2026-Q3: 3.70 (bounds 0-5)
advisory: a prompt for a conversation, never a rating; every number below comes from a record or from \
org.yaml scoring

Inputs (weight x sub-score = contribution):
  delivery       0.40 x 5.00 = 2.00   2 evidence entries naming a delivery competency; 2 earn 5
    dev/2026-07-01-e1 (build)
    dev/2026-08-01-e2 (build)
  reliability    0.20 x 2.50 = 0.50   1 evidence entry naming a reliability competency; 2 earn 5
    dev/2026-08-01-e2 (run)
  collaboration  0.20 x 2.50 = 0.50   1 evidence entry naming a collaboration competency; 2 earn 5
    dev/2026-09-01-e3 (help)
  scope          0.20 x 3.50 = 0.70   mean scope points of 2 entries (1 without a scope not counted)
    dev/2026-07-01-e1 (team = 2)
    dev/2026-08-01-e2 (org = 5)
  sum            3.70

Reliability gate (on): harm = postmortem action items dev owns that are overdue, over 2 quarters; caps at 2 \
from 2; 1 found, not applied
    pm-1: Add an alert (open, due 2026-08-15)
  Participating in incidents or owning complex or legacy services is not harm.

Not used:
  - goals and review ratings: see `perfdocs review draft`

What would change it:
  - reliability: each further entry naming a reliability competency adds 0.50 (up to 1 more)
  - collaboration: each further entry naming a collaboration competency adds 0.50 (up to 1 more)
  - scope: evidence benefiting multi-team or wider (4 points) would raise the scope mean above 3.50
  - reliability gate: 1 overdue action item; at 2 the score would be capped at 2
"""
    )


def test_repeated_harm_caps_the_score_whatever_the_output(cli, tiny):
    edit(
        tiny / PM,
        "{title: Fix the retry, owner: dev, status: done,",
        "{title: Fix the retry, owner: dev, status: in-progress,",
    )
    result = score(cli, tiny, "--period", "2026-Q3")
    assert result["uncapped"] == 3.7
    assert result["composite"] == 2.0
    assert result["gate"] == {
        "enabled": True,
        "min_harm": 2,
        "lookback_quarters": 2,
        "cap": 2.0,
        "harm": 2,
        "applied": True,
    }
    assert [h["title"] for h in result["harm"]] == ["Add an alert", "Fix the retry"]
    assert result["changes"][-1] == (
        "reliability gate: the score is capped at 2 (without the cap: 3.70); it lifts "
        "when fewer than 2 owned action items are overdue"
    )


def test_the_gate_can_be_turned_off(cli, tiny):
    edit(
        tiny / PM,
        "{title: Fix the retry, owner: dev, status: done,",
        "{title: Fix the retry, owner: dev, status: open,",
    )
    edit(tiny / "org.yaml", "enabled: true", "enabled: false")
    result = score(cli, tiny, "--period", "2026-Q3")
    assert (result["composite"], result["gate"]["harm"], result["gate"]["applied"]) == (3.7, 2, False)


def test_participating_and_owning_a_legacy_system_is_not_harm(cli, tiny):
    # dev took part in the incident on a service dev's team owns, and has an open item not yet
    # due (2026-12-15) and one overdue before the 2-quarter lookback (2025-10-01): none is harm.
    edit(
        tiny / PM, "{title: Add an alert, owner: dev, status: open,", "{title: Add an alert, owner: dev, status: done,"
    )
    result = score(cli, tiny, "--period", "2026-Q3")
    assert result["harm"] == []
    assert result["composite"] == 3.7


def test_team_level_metrics_never_feed_an_individual_score(cli, tiny):
    build_tree(
        tiny,
        {
            "metrics/deploys.yaml": """\
            kind: metric
            id: deploys
            name: Deployment frequency
            owner: dev
            purpose: How often the team ships.
            calculation: Deploy tags per week.
            limitations: [Counts deploys, not value.]
            anti_gaming: [Team-level only.]
            scope: team
            type: leading
            priority: aspirational
            unit: deploys/week
            direction: higher-is-better
            review: {cadence_days: 90, last_reviewed: 2026-10-01}
            """,
            "kpis/core/deploys.yaml": """\
            kind: kpi
            id: core-deploys
            team: core
            metric: deploys
            core: true
            granularity: month
            baseline: {value: 1, period: 2026-07}
            target: {value: 10}
            values:
              - {period: 2026-07, value: 1}
              - {period: 2026-08, value: 30}
            """,
        },
    )
    assert cli("validate", tiny).exit_code == 0
    result = score(cli, tiny, "--period", "2026-Q3")
    assert result["composite"] == 3.7
    assert result["excluded"][:2] == [
        "team-level metrics (deploys): they describe a team's system, never one person",
        "team KPIs (1): team signals, not individual inputs",
    ]


def test_without_weights_every_dimension_and_scope_weigh_the_same(cli, tiny):
    edit(tiny / "org.yaml", "  weights: {delivery: 2, reliability: 1, collaboration: 1, scope: 1}\n", "")
    result = score(cli, tiny, "--period", "2026-Q3")
    # (5.0 + 2.5 + 2.5 + 3.5) / 4 = 3.375
    assert contributions(result)["delivery"] == (0.25, 5.0, 1.25)
    assert result["composite"] == 3.38


def test_the_bounds_come_from_the_org(cli, tiny):
    edit(tiny / "org.yaml", "bounds: {min: 0, max: 5}", "bounds: {min: 1, max: 3}")
    edit(tiny / "org.yaml", "cap: 2", "cap: 1.5")
    result = score(cli, tiny, "--period", "2026-Q3")
    # delivery 1 + 2 * 2/2 = 3; reliability and collaboration 1 + 2 * 1/2 = 2; scope mean 3.5 kept at 3.
    # 0.4 * 3 + 0.2 * 2 + 0.2 * 2 + 0.2 * 3 = 2.6
    assert contributions(result) == {
        "delivery": (0.4, 3.0, 1.2),
        "reliability": (0.2, 2.0, 0.4),
        "collaboration": (0.2, 2.0, 0.4),
        "scope": (0.2, 3.0, 0.6),
    }
    assert (result["low"], result["high"], result["composite"]) == (1.0, 3.0, 2.6)


def test_the_period_defaults_to_the_latest_with_records(cli, tiny):
    build_tree(
        tiny,
        {
            "people/dev/evidence/2026-10-05-e4.md": """\
        ---
        kind: evidence
        date: 2026-10-05
        author: dev
        type: on-call
        title: e4
        competencies: [run]
        scope: team
        ---
        e4
        """
        },
    )
    result = score(cli, tiny)
    # 2026-Q4: reliability 1 of 2 -> 2.5 x 0.2 = 0.5; scope team 2 x 0.2 = 0.4.
    assert result["period"] == "2026-Q4"
    assert result["composite"] == 0.9


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "weights: {delivery: 2,",
            "weights: {delivry: 2,",
            "org.yaml:16:13: 'delivry' is neither a dimension nor 'scope'; did you mean 'delivery'? [scoring/config]\n"
            "    |\n"
            " 16 |   weights: {delivry: 2, reliability: 1, collaboration: 1, scope: 1}\n"
            "    |             ^^^^^^^\n",
        ),
        (
            "cap: 2",
            "cap: 7",
            "org.yaml:22:10: the gate's cap 7 is outside the bounds 0-5 [scoring/config]\n"
            "    |\n"
            " 22 |     cap: 7\n"
            "    |          ^\n",
        ),
        (
            "bounds: {min: 0, max: 5}",
            "bounds: {min: 5, max: 5}",
            "org.yaml:15:11: the bounds are empty: min 5 is not below max 5 [scoring/config]\n"
            "    |\n"
            " 15 |   bounds: {min: 5, max: 5}\n"
            "    |           ^^^^^^^^^^^^^^^^\n"
            "\n"
            "org.yaml:22:10: the gate's cap 2 is outside the bounds 5-5 [scoring/config]\n"
            "    |\n"
            " 22 |     cap: 2\n"
            "    |          ^\n",
        ),
    ],
)
def test_unusable_scoring_settings_are_reported_in_org_yaml(cli, tiny, old, new, message):
    edit(tiny / "org.yaml", old, new)
    res = cli("score", "dev", "--records", tiny)
    assert res.exit_code == 1, res
    # each problem's first line names the file by its full path; the lines below it are indented
    expected = "".join(
        f"{tiny / line}\n" if line.startswith("org.yaml") else f"{line}\n" for line in message.split("\n")
    )
    assert res.stdout == expected


@pytest.mark.parametrize(
    "args, message",
    [
        (("--period", "2026-Q5"), "period '2026-Q5' is not a quarter like 2026-Q3"),
        (("nobody",), "unknown person 'nobody'"),
    ],
)
def test_bad_people_and_periods_are_usage_errors(cli, tiny, args, message):
    argv = ("score", *args) if args[0] == "nobody" else ("score", "dev", *args)
    res = cli(*argv, "--records", tiny)
    assert res.exit_code == 2, res
    assert res.stderr == f"perfdocs: error: {message}\n"


def test_every_number_in_alices_score_comes_from_a_record_or_org_yaml(cli):
    from perfdocs.validation import validate

    from tests.support.files import REPO

    org = validate(REPO / "records").org
    res = cli("score", "alice", "--period", "2026-Q3", "--records", REPO / "records", "--format", "json")
    assert res.exit_code == 0, res
    result = json.loads(res.stdout)
    weights = org.setting("scoring")["weights"]
    total = sum(weights.values())
    for inp in result["inputs"]:
        assert inp["weight"] == pytest.approx(weights[inp["key"]] / total)
        assert inp["contribution"] == pytest.approx(inp["weight"] * inp["subscore"])
        for ev in inp["evidence"]:
            record = org.evidence[ev["id"]]
            assert record.get("author") == "alice" and str(record.get("date")).startswith("2026-")
            if inp["key"] == "scope":
                assert ev["points"] == org.setting("scoring")["scope_points"][record.get("scope")]
    assert result["composite"] == round(sum(i["contribution"] for i in result["inputs"]), 2)
    assert "advisory" in cli("score", "alice", "--records", REPO / "records").stdout
