"""The gap view to the next level (issue 16, item 4): `perfdocs gap HANDLE` lists, for every
competency of the target level, what it describes and what is new, the person's evidence in the
window and a state; `--plan` writes development-plan items for the thin and empty ones into the
next review draft; the page exists only in a personal preview."""

from __future__ import annotations

import json
from pathlib import Path

from perfdocs.people.readiness import target_competencies
from perfdocs.validation import load_org

from tests.support.files import edit

CANDIDATE = "chen"
"""The example's not-yet-ready candidate (packet check: not yet; l2 → l3)."""
WITHOUT_EVIDENCE = ["system-design", "operational-ownership", "mentoring", "cross-team-influence"]
THIN = ["code-review", "communication"]  # one entry each, resting on self-report alone


def _q4_goal(records: Path) -> None:
    """The key results of Chen's next review period: a review rates them, so its draft needs them."""
    (records / "people/chen/goals/2026-q4-checkout-design.yaml").write_text(
        "kind: goal\nowner: chen\nlevel: individual\nperiod: 2026-Q4\n"
        "objective: Design the checkout's saved-cards flow end to end.\nstatus: on-track\n"
        "key_results:\n  - id: design-doc\n    description: Design documents reviewed by backend and design\n"
        "    baseline: 0\n    target: 1\n    current: 1\n    unit: docs\n    due: 2026-12-15\n",
        encoding="utf-8",
    )


def test_gap_lists_the_not_yet_ready_candidates_empty_and_thin_competencies_with_the_target_descriptors(cli, example):
    res = cli("--example", "gap", CANDIDATE)
    assert res.exit_code == 0, res
    org = load_org(example).org
    names = {cid: str(comp["name"]) for cid, comp, _ in target_competencies(org, "frontend", "l3")}
    lines = res.stdout.splitlines()
    assert lines[0] == "Towards l3: Chen Wei (chen), frontend l2 → l3 Senior Frontend Engineer"
    assert lines[2] == "Competencies of l3: 4 none, 2 thin, 4 covered."
    for cid in WITHOUT_EVIDENCE + THIN:
        comp = org.competencies("frontend")[cid]
        state = "none (no evidence in the window names it)" if cid in WITHOUT_EVIDENCE else "thin (1 evidence entry"
        header = next(i for i, line in enumerate(lines) if line.startswith(f"{names[cid]} ({comp['dimension']}): "))
        assert lines[header].startswith(f"{names[cid]} ({comp['dimension']}): {state}")
        target = " ".join(str(org.descriptor("frontend", cid, "l3")).split())
        current = " ".join(str(org.descriptor("frontend", cid, "l2")).split())
        assert lines[header + 1] == f"  l3 describes: {target}"
        assert lines[header + 2] == f"  l2 describes: {current}"  # each cell is rewritten at l3
    # the empty ones come first: where the conversation starts
    order = [line.split(" (")[0] for line in lines if line.endswith(")") and ": " in line and not line[0].isspace()]
    assert order[:6] == [names[c] for c in WITHOUT_EVIDENCE + THIN]
    assert lines[-1].startswith("These are signals for a conversation with your manager, not a checklist")


def test_gap_json_gives_each_competency_its_state_evidence_and_verification(cli):
    res = cli("--example", "gap", CANDIDATE, "--json")
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert (doc["current_level"], doc["target_level"], doc["counts"]) == (
        "l2",
        "l3",
        {"none": 4, "thin": 2, "covered": 4},
    )
    states = {c["id"]: c["state"] for c in doc["competencies"]}
    assert [c for c, s in states.items() if s == "none"] == WITHOUT_EVIDENCE
    assert [c for c, s in states.items() if s == "thin"] == THIN
    review = next(c for c in doc["competencies"] if c["id"] == "code-review")
    assert [(e["id"], e["verified"]) for e in review["evidence"]] == [("chen/2026-08-04-a11y-sweep-reviews", False)]
    assert doc["previous_review"]["period"] == "2026-Q3"
    assert {i["status"] for i in doc["previous_review"]["development_plan"]} == {"planned"}


def test_a_branching_ladder_defaults_to_the_next_individual_level_and_target_chooses_another(cli):
    res = cli("--example", "gap", "alice", "--json")
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert (doc["current_level"], doc["target_level"], doc["other_targets"]) == ("l4", "l5", ["m5"])
    res = cli("--example", "gap", "alice", "--target", "m5", "--json")
    assert res.exit_code == 0, res
    assert json.loads(res.stdout)["target_level"] == "m5"


def test_an_unknown_or_lower_target_is_a_usage_error(cli):
    res = cli("--example", "gap", CANDIDATE, "--target", "l33")
    assert res.exit_code == 2
    assert "unknown level 'l33' for track frontend; did you mean 'l3'?" in res.stderr
    res = cli("--example", "gap", CANDIDATE, "--target", "l1")
    assert res.exit_code == 2
    assert "l1 is not above chen's current level l2 on the frontend ladder" in res.stderr
    res = cli("--example", "gap", "nobody")
    assert (res.exit_code, "unknown person 'nobody'" in res.stderr) == (2, True)


def test_placeholder_evidence_never_covers_a_competency(cli, example):
    (example / "people/chen/evidence/2026-10-20-mentoring.md").write_text(
        "---\nkind: evidence\ndate: 2026-10-20\nauthor: chen\ntype: mentoring\ntitle: Mentored a new joiner\n"
        "competencies:\n  - mentoring\nscope: team\n---\n\nTODO: what happened, what you did, its impact.\n",
        encoding="utf-8",
    )
    res = cli("gap", CANDIDATE, "--json", "--records", example)
    assert res.exit_code == 0, res
    mentoring = next(c for c in json.loads(res.stdout)["competencies"] if c["id"] == "mentoring")
    assert (mentoring["state"], mentoring["evidence"]) == ("none", [])


def test_plan_writes_the_empty_and_thin_competencies_into_the_next_review_draft_which_validates(cli, example):
    _q4_goal(example)
    res = cli("gap", CANDIDATE, "--plan", "--records", example)
    assert res.exit_code == 0, res
    draft = example / "people/chen/reviews/2026-q4.md"
    assert res.stdout.splitlines()[0].endswith("people/chen/reviews/2026-q4.md")
    check = cli("validate", "--records", example)
    assert check.exit_code == 0, check
    assert ": 0 errors, 0 warnings (ok)" in check.stderr
    org = load_org(example).org
    review = org.reviews["chen/2026-q4"]
    plan = review.get("development_plan")
    assert [item["competency"] for item in plan] == WITHOUT_EVIDENCE + THIN
    for item in plan:
        assert item["skill"].endswith(" ".join(str(org.descriptor("frontend", item["competency"], "l3")).split()))
        assert item["resources"] and item["success_measures"] and item["timeline"] == "2026-Q4 to 2027-Q1"
        assert item["status"] == "planned"
    text = draft.read_text(encoding="utf-8")
    assert "## The 2026-Q3 development plan\n\n- Not done yet: Designing a change end to end" in text

    again = cli("gap", CANDIDATE, "--plan", "--records", example)
    assert again.exit_code == 2
    assert "chen already has a review for 2026-Q4: people/chen/reviews/2026-q4.md; a draft never replaces a review" in (
        again.stderr
    )
    assert draft.read_text(encoding="utf-8") == text


def test_the_next_review_and_gap_show_which_plan_items_were_done(cli, example):
    _q4_goal(example)
    assert cli("gap", CANDIDATE, "--plan", "--records", example).exit_code == 0
    draft = example / "people/chen/reviews/2026-q4.md"
    edit(draft, "status: draft", "status: final")
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("status: planned", "status: done", 1), encoding="utf-8")
    res = cli("gap", CANDIDATE, "--json", "--records", example)
    assert res.exit_code == 0, res
    plan = json.loads(res.stdout)["previous_review"]
    assert plan["period"] == "2026-Q4"
    assert [i["status"] for i in plan["development_plan"]] == ["done"] + ["planned"] * 5
    text_view = cli("gap", CANDIDATE, "--records", example).stdout
    assert "  [done] System design: Designs a whole product area" in text_view

    goal = (example / "people/chen/goals/2026-q4-checkout-design.yaml").read_text(encoding="utf-8")
    (example / "people/chen/goals/2027-q1-checkout-design.yaml").write_text(
        goal.replace("2026-Q4", "2027-Q1").replace("2026-12-15", "2027-03-15"), encoding="utf-8"
    )
    monkey = cli("review", "draft", CANDIDATE, "--period", "2027-Q1", "--records", example)
    assert monkey.exit_code == 0, monkey
    nxt = (example / "people/chen/reviews/2027-q1.md").read_text(encoding="utf-8")
    assert "## The 2026-Q4 development plan\n\n- Done: System design: Designs a whole product area" in nxt
    assert "- Not done yet: Operational ownership: " in nxt


def test_plan_refuses_the_read_only_example_and_period_without_plan(cli):
    res = cli("--example", "gap", CANDIDATE, "--plan")
    assert res.exit_code == 2
    assert "--example cannot be used to write a review draft" in res.stderr
    res = cli("--example", "gap", CANDIDATE, "--period", "2026-Q4")
    assert (res.exit_code, "--period goes with --plan" in res.stderr) == (2, True)


def test_the_gap_page_is_in_a_personal_preview_only_and_no_audience_site_has_a_trace_of_it(
    cli, example, tmp_path, monkeypatch
):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    res = cli("build", "--records", example, "--as", CANDIDATE, "--out", tmp_path / "chen")
    assert res.exit_code == 0, res
    page = (tmp_path / "chen/gap/chen.html").read_text(encoding="utf-8")
    assert "<h1>Towards l3: Chen Wei</h1>" in page
    assert '<h2 id="gap-system-design">System design <span class="state state-none">none</span></h2>' in page
    assert 'href="gap/index.html"' in (tmp_path / "chen/index.html").read_text(encoding="utf-8")
    for audience in ("public", "internal"):
        out = tmp_path / audience
        assert cli("build", "--records", example, "--audience", audience, "--out", out).exit_code == 0
        assert not (out / "gap").exists()
        for path in out.rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                assert "gap/" not in text and "Next level" not in text and "Towards l3" not in text, path
