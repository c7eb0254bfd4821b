"""The advisory score: each scoring rule on a small hand-built organisation.

dev (track eng: build = delivery, run = reliability, help = collaboration; level l2, whose
expected scope is the default, team) has three evidence entries in 2026-Q3, none with a
verified link (self-reported: x0.5). The org weighs delivery 2, reliability 1,
collaboration 1 and scope 1 (normalised: 0.4, 0.2, 0.2, 0.2); 2 weighted pieces of work in
a dimension earn full marks (5); the gate caps at 2 from 2 overdue action items over 2
quarters. The other factors are the defaults (scope self 0.5, team 1, multi-team 1.5, org 2,
unstated 0.5 and x0.5 below the level; diminishing 0.5). Worked by hand:

    pieces         e1 team 1 x 0.5 = 0.5;  e2 org 2 x 0.5 = 1.0;
                   e3 unstated 0.5 x 0.5 (below the level) x 0.5 = 0.125
    delivery       e2 1.0 + e1 0.5 x 0.5 (2nd in build) = 1.25 of 2 -> 3.125 x 0.4 = 1.25
    reliability    e2 1.0 of 2                              -> 2.5   x 0.2 = 0.5
    collaboration  e3 0.125 of 2                            -> 0.3125 x 0.2 = 0.0625
    scope          the widest, e2: 1.0 of 2 (org, verified) -> 2.5   x 0.2 = 0.5
    composite                                                          2.3125
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.cli import one_line
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


COMPOSITE = round(2.3125, 2)
"""The worked composite as the score rounds it."""


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
        "delivery": (0.4, 3.125, 1.25),
        "reliability": (0.2, 2.5, 0.5),
        "collaboration": (0.2, 0.312, 0.062),
        "scope": (0.2, 2.5, 0.5),
    }
    assert result["composite"] == COMPOSITE
    assert result["advisory"] is True
    assert [(e["id"], e["competency"], e["points"]) for e in result["inputs"][0]["evidence"]] == [
        ("dev/2026-08-01-e2", "build", 1.0),
        ("dev/2026-07-01-e1", "build", 0.25),
    ]
    assert [(e["id"], e["points"]) for e in result["inputs"][3]["evidence"]] == [
        ("dev/2026-08-01-e2", 1.0),
        ("dev/2026-07-01-e1", 0.0),
        ("dev/2026-09-01-e3", 0.0),
    ]


def test_the_text_output_traces_every_number_and_says_advisory(cli, tiny):
    res = cli("score", "dev", "--records", tiny, "--period", "2026-Q3")
    assert res.exit_code == 0, res
    assert (
        res.stdout
        == """\
Advisory score for dev, 2026-Q3: 2.31 (bounds 0-5)
advisory: a prompt for a conversation, never a rating; every number below comes from a record or from \
org.yaml scoring

How it weighs: each distinct piece of work counts once, however many entries describe it, and \
placeholders never count. A piece weighs its scope (who benefited), x0.5 when narrower than the team \
that l2 expects (scoring.expected_scope), x what it rests on (verified, corroborated, self-reported) x \
its type's relevance. Within a competency the k-th piece counts 0.5^(k-1); 2 weighted pieces earn 5 in a \
dimension.

Inputs (weight x sub-score = contribution):
  delivery       0.40 x 3.12 = 1.25   2 pieces of work worth 1.25 of the 2 that earn 5
    + dev/2026-08-01-e2 in build: 1.00, weight 1.00 (scope org x2; self-reported x0.5)
    + dev/2026-07-01-e1 in build: 0.25, weight 0.50 (scope team x1 (the level's); self-reported x0.5); \
2nd piece in build x0.5
  reliability    0.20 x 2.50 = 0.50   1 piece of work worth 1.00 of the 2 that earn 5
    + dev/2026-08-01-e2 in run: 1.00, weight 1.00 (scope org x2; self-reported x0.5)
  collaboration  0.20 x 0.31 = 0.06   1 piece of work worth 0.12 of the 2 that earn 5
    + dev/2026-09-01-e3 in help: 0.12, weight 0.12 (no scope stated x0.5, below the level's team x0.5; \
self-reported x0.5)
  scope          0.20 x 2.50 = 0.50   the widest piece of work weighs 1.00 of 2 (its scope, x verification)
    + dev/2026-08-01-e2: 1.00, the widest piece: weight 1.00 (scope org x2; self-reported x0.5)
    - dev/2026-07-01-e1: narrower or less verified than dev/2026-08-01-e2
    - dev/2026-09-01-e3: narrower or less verified than dev/2026-08-01-e2
  sum            2.31

Entries of 2026-Q3: 3, counted as 3 distinct pieces of work

Reliability gate (on): harm = postmortem action items dev owns that are overdue, over 2 quarters; caps \
at 2 from 2; 1 found, not applied
    pm-1: Add an alert (open, due 2026-08-15)
  Participating in incidents or owning complex or legacy services is not harm.

Not used:
  - goals and review ratings: see `perfdocs review draft`

What kind of evidence would change it:
  - delivery: a verified link (author or reviewer, `perfdocs links resolve --write`) for \
dev/2026-07-01-e1, dev/2026-08-01-e2
  - reliability: a verified link (author or reviewer, `perfdocs links resolve --write`) for dev/2026-08-01-e2
  - collaboration: evidence of team scope or wider in collaboration (dev/2026-09-01-e3 stands below it); \
or a verified link (author or reviewer, `perfdocs links resolve --write`) for dev/2026-09-01-e3
  - scope: a verified link for dev/2026-08-01-e2 (now: self-reported)
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
    assert result["uncapped"] == COMPOSITE
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
        f"reliability gate: the score is capped at 2 (without the cap: {COMPOSITE:.2f}); it lifts "
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
    assert (result["composite"], result["gate"]["harm"], result["gate"]["applied"]) == (COMPOSITE, 2, False)


def test_participating_and_owning_a_legacy_system_is_not_harm(cli, tiny):
    # dev took part in the incident on a service dev's team owns, and has an open item not yet
    # due (2026-12-15) and one overdue before the 2-quarter lookback (2025-10-01): none is harm.
    edit(
        tiny / PM, "{title: Add an alert, owner: dev, status: open,", "{title: Add an alert, owner: dev, status: done,"
    )
    result = score(cli, tiny, "--period", "2026-Q3")
    assert result["harm"] == []
    assert result["composite"] == COMPOSITE


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
    assert result["composite"] == COMPOSITE
    assert result["excluded"][:2] == [
        "team-level metrics (deploys): they describe a team's system, never one person",
        "team KPIs (1): team signals, not individual inputs",
    ]


def test_without_weights_every_dimension_and_scope_weigh_the_same(cli, tiny):
    edit(tiny / "org.yaml", "  weights: {delivery: 2, reliability: 1, collaboration: 1, scope: 1}\n", "")
    result = score(cli, tiny, "--period", "2026-Q3")
    # (3.125 + 2.5 + 0.3125 + 2.5) / 4 = 2.109375
    assert contributions(result)["delivery"] == (0.25, 3.125, 0.781)
    assert result["composite"] == 2.11


def test_the_bounds_come_from_the_org(cli, tiny):
    edit(tiny / "org.yaml", "bounds: {min: 0, max: 5}", "bounds: {min: 1, max: 3}")
    edit(tiny / "org.yaml", "cap: 2", "cap: 1.5")
    result = score(cli, tiny, "--period", "2026-Q3")
    # delivery 1 + 2 * 1.25/2 = 2.25; reliability 1 + 2 * 1/2 = 2; collaboration 1 + 2 * 0.125/2 = 1.125;
    # scope 1 + 2 * 1/2 = 2. 0.4 * 2.25 + 0.2 * 2 + 0.2 * 1.125 + 0.2 * 2 = 1.925
    assert contributions(result) == {
        "delivery": (0.4, 2.25, 0.9),
        "reliability": (0.2, 2.0, 0.4),
        "collaboration": (0.2, 1.125, 0.225),
        "scope": (0.2, 2.0, 0.4),
    }
    assert (result["low"], result["high"]) == (1.0, 3.0)
    assert result["composite"] == round(0.9 + 0.4 + 0.225 + 0.4, 2)


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
    # 2026-Q4: e4 weighs team 1 x self-reported 0.5 = 0.5: reliability 0.5 of 2 -> 1.25 x 0.2 = 0.25;
    # scope 0.5 of 2 -> 1.25 x 0.2 = 0.25.
    assert result["period"] == "2026-Q4"
    assert result["composite"] == 0.5


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
    from perfdocs import settings
    from perfdocs.validation import validate

    from tests.support.files import REPO

    org = validate(REPO / "records").org
    res = cli("score", "alice", "--period", "2026-Q3", "--records", REPO / "records", "--format", "json")
    assert res.exit_code == 0, res
    result = json.loads(res.stdout)
    written = org.setting("scoring")
    weights = written["weights"]
    total = sum(weights.values())
    rules = settings.of(org).scoring
    pieces = {p["id"]: p for p in result["pieces"]}
    dimension_of = {cid: c["dimension"] for cid, c in org.competencies("backend").items()}
    level_scope = org.setting("readiness")["scope"]["by_level"]["l4"]
    assert result["expected_scope"] == level_scope == "multi-team"
    for piece in pieces.values():
        below = piece["scope_relation"] in ("below", "unstated")
        assert piece["scope_factor"] == written["scope_factors"][piece["scope"] or "unstated"] * (
            written["below_level_factor"] if below else 1
        )
        assert piece["verification_factor"] == written["verification_factors"][piece["basis"]]
        for entry in piece["entries"]:
            record = org.evidence[entry]
            assert record.get("author") == "alice" and str(record.get("date")).startswith("2026-0")
    for inp in result["inputs"]:
        assert inp["weight"] == pytest.approx(weights[inp["key"]] / total)
        assert inp["contribution"] == pytest.approx(inp["weight"] * inp["subscore"])
        counted = [ev for ev in inp["evidence"] if ev["points"]]
        if inp["key"] == "scope":
            assert inp["value"] == max(p["weight"] for p in pieces.values()) == counted[0]["points"]
            continue
        taken: dict[str, int] = {}
        for ev in counted:  # heaviest first; the k-th piece in a competency diminished
            piece = pieces[ev["id"]]
            k = taken[ev["competency"]] = taken.get(ev["competency"], -1) + 1
            relevance = rules.relevance(piece["type"], ev["competency"], inp["key"])
            assert dimension_of[ev["competency"]] == inp["key"]
            assert ev["points"] == pytest.approx(piece["weight"] * relevance * written["diminishing"] ** k, abs=1e-4)
        assert inp["value"] == pytest.approx(sum(ev["points"] for ev in counted), abs=1e-3)
        assert inp["subscore"] == pytest.approx(min(5, 5 * inp["value"] / written["full_marks_evidence"]), abs=1e-3)
    assert result["composite"] == round(sum(i["contribution"] for i in result["inputs"]), 2)
    assert "advisory" in cli("score", "alice", "--records", REPO / "records").stdout


BAD_WEIGHTS = """\
      scope_factors: {self: 2, team: 1}
      verification_factors: {self-reported: 1.5, author: -1}
      diminishing: 1
      below_level_factor: 2
      expected_scope: galaxy
      type_relevance:
        talks: 0.5
        mentoring: {colaboration: 1, default: 0.5}
"""


def test_bad_weights_are_diagnostics_in_org_yaml_not_tracebacks(cli, tiny):
    edit(
        tiny / "org.yaml",
        "  full_marks_evidence: 2\n",
        "  full_marks_evidence: 2\n" + textwrap.indent(textwrap.dedent(BAD_WEIGHTS), "  "),
    )
    for command in (("validate",), ("score", "dev")):
        res = cli(*command, "--records", tiny)
        assert res.exit_code == 1, res
        assert "Traceback" not in res.stdout + res.stderr
    found = one_line(cli("score", "dev", "--records", tiny).stdout).replace(f"{tiny}/", "")
    assert found.splitlines() == [
        "org.yaml:18:25: scope_factors rank self work above team work (self 2 > team 1) [scoring/config]",
        "org.yaml:19:41: verification_factors rank self-reported evidence above cited evidence (self-reported 1.5 > cited 0.75) [scoring/config]",
        "org.yaml:19:41: verification_factors rank self-reported evidence above postmortem evidence (self-reported 1.5 > postmortem 0.75) [scoring/config]",
        "org.yaml:19:54: 'author': -1 is less than the minimum of 0 [schema/minimum]",
        "org.yaml:20:16: diminishing 1 would count every further piece of work in a competency in full: volume would pay (use a factor below 1; the default is 0.5) [scoring/config]",
        "org.yaml:21:23: 'below_level_factor': 2 is greater than the maximum of 1 [schema/maximum]",
        "org.yaml:22:19: 'galaxy' is not allowed for 'expected_scope' (expected one of: 'self', 'team', 'multi-team', 'org') [schema/enum]",
        "org.yaml:24:5: unknown evidence type 'talks'; did you mean 'talk'? [scoring/config]",
        "org.yaml:25:17: 'colaboration' is neither a competency, a dimension nor 'default'; did you mean 'collaboration'? [scoring/config]",
    ]


def test_scope_points_from_the_entry_counting_score_is_a_warning_that_it_is_ignored(cli, tiny):
    edit(
        tiny / "org.yaml", "  full_marks_evidence: 2\n", "  full_marks_evidence: 2\n  scope_points: {self: 1, org: 5}\n"
    )
    before = score(cli, tiny, "--period", "2026-Q3")["composite"]
    assert before == COMPOSITE
    res = cli("validate", tiny)
    assert res.exit_code == 0, res
    assert one_line(res.stdout).replace(f"{tiny}/", "").splitlines()[0] == (
        "org.yaml:18:3: warning: scope_points is no longer used: a piece of work's scope weighs it through "
        "scope_factors (replace it with scope_factors: self, team, multi-team, org and unstated) [scoring/config]"
    )
    assert cli("validate", "--strict", tiny).exit_code == 1
