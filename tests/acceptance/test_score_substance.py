"""The advisory score measures substance, not volume (issue 16, item 1).

dev is a level-2 engineer (track eng: build = delivery, run = reliability, help =
collaboration) whose level expects team scope (the org's readiness.scope.by_level). dev's
2026-Q3 starts with two real pieces of work. Each test grows that evidence the way someone
gaming a count would, or with one piece of real substance, and compares the score before
and after through `perfdocs score --format json`:

- six entries scaffolded by `perfdocs new evidence` that keep its `TODO:` body: no rise;
- six entries describing the same pull request: a rise of at most one piece of work;
- one verified multi-team piece of work (its link resolved against a real git clone by
  `perfdocs links resolve --write`) against five self-reported single-person pieces: the
  one raises the score more than the five.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.files import REPO, build_tree, write_body
from tests.support.git import GitRepo, merge, start_branch
from tests.support.orgs import evidence, person, team, tiny_org

SETTINGS = """\
    readiness:
      scope:
        by_level: {l2: team}
    scoring:
      weights: {delivery: 1, reliability: 1, collaboration: 1, scope: 1}
    repositories:
      tiny/api:
        path: ../api
        url: https://github.com/tiny/api
        host: github
        default_branch: main
"""
EV = "people/dev/evidence"
DEV = ("Dev Example", "dev@tiny.example")


@pytest.fixture
def tiny(tmp_path) -> Path:
    return tiny_org(
        tmp_path / "tiny",
        dimensions=("delivery", "reliability", "collaboration"),
        settings=SETTINGS,
        competencies=[
            ("build", "delivery", {"l1": "Builds tasks.", "l2": "Builds features."}),
            ("run", "reliability", {"l1": "Watches.", "l2": "Operates."}),
            ("help", "collaboration", {"l1": "Asks.", "l2": "Helps."}),
        ],
        teams={"core": team("core", "dev", ["dev"])},
        people={"dev": person("dev", "core", "l2")},
        files={
            f"{EV}/2026-07-10-checkout-retries.md": evidence(
                "dev", "2026-07-10", ["build", "run"], title="Checkout retries", body="Made checkout retry safely."
            ),
            f"{EV}/2026-08-20-pairing.md": evidence(
                "dev", "2026-08-20", ["help"], type="mentoring", title="Paired with a joiner", body="Weekly pairing."
            ),
        },
    )


def scored(cli, root: Path) -> dict:
    res = cli("score", "dev", "--records", root, "--period", "2026-Q3", "--format", "json")
    assert res.exit_code == 0, res
    return json.loads(res.stdout)


def why(result: dict) -> dict[str, str]:
    return {e["id"]: e["why"] for e in result["entries"]}


def test_six_entries_that_keep_the_scaffolds_template_body_do_not_raise_the_score(cli, tiny):
    before = scored(cli, tiny)
    for i, comps in enumerate([["build"], ["run"], ["help"], ["build", "run"], ["run", "help"], ["build", "help"]]):
        args = ["new", "evidence", "--author", "dev", "--type", "pr", "--title", f"Shipped thing {i}"]
        args += ["--date", f"2026-09-0{i + 1}", "--records", tiny]
        for c in comps:
            args += ["--competency", c]
        res = cli(*args)
        assert res.exit_code == 0, res
    made = sorted((tiny / EV).glob("2026-09-0*.md"))
    assert len(made) == 6 and all("TODO:" in p.read_text(encoding="utf-8") for p in made)
    after = scored(cli, tiny)
    assert after["composite"] == before["composite"]
    assert [i["subscore"] for i in after["inputs"]] == [i["subscore"] for i in before["inputs"]]
    for path in made:
        assert why(after)[f"dev/{path.stem}"] == "placeholder: its body still holds a TODO marker"
    # Written up, one of them is a piece of work like any other, and counts.
    write_body(made[0])
    assert scored(cli, tiny)["composite"] > before["composite"]


def pr_entry(day: str, title: str, link: str, scope: str = "team", competencies: str = "build, run") -> str:
    return (
        f"---\nkind: evidence\ndate: {day}\nauthor: dev\ntype: pr\ntitle: {title}\n"
        f"links: ['{link}']\ncompetencies: [{competencies}]\nscope: {scope}\n---\nReworked how payouts are batched.\n"
    )


DESCRIPTIONS = [
    ("2026-09-01", "Payout batching", "tiny/api#42", "team", "build, run"),
    ("2026-09-02", "Payouts, part 2", "https://github.com/tiny/api/pull/42", "team", "build, run"),
    ("2026-09-03", "Payouts, part 3", "TINY/api#42", "multi-team", "build, run, help"),
    ("2026-09-04", "Payouts, part 4", "tiny/api#42", "org", "build"),
    ("2026-09-05", "Payouts, part 5", "https://github.com/tiny/api/pull/42/", "org", "build, run, help"),
    ("2026-09-06", "Payouts, part 6", "tiny/api#42", "self", "help"),
]
"""Six descriptions of pull request 42, in its two spellings, each claiming its own scope and competencies."""


def describe(root: Path, *which: int) -> None:
    build_tree(root, {f"{EV}/{DESCRIPTIONS[i][0]}-part-{i}.md": pr_entry(*DESCRIPTIONS[i]) for i in which})


def test_six_descriptions_of_one_pull_request_raise_the_score_by_at_most_one_piece_of_work(cli, tiny, tmp_path):
    before = scored(cli, tiny)["composite"]
    # what each description adds on its own, as one piece of work
    alone = []
    for i in range(6):
        copy = shutil.copytree(tiny, tmp_path / f"alone-{i}")
        describe(copy, i)
        alone.append(scored(cli, copy)["composite"] - before)
    assert min(alone) > 0
    describe(tiny, *range(6))
    result = scored(cli, tiny)
    assert result["composite"] - before <= max(alone)
    # the heaviest description (org-wide, the earliest of the two) stands for the piece
    assert [p["entries"] for p in result["pieces"] if p["id"] == "dev/2026-09-04-part-3"] == [
        [f"dev/{DESCRIPTIONS[i][0]}-part-{i}" for i in range(6)]
    ]
    reasons = why(result)
    for i in (0, 1, 2, 4, 5):
        assert reasons[f"dev/{DESCRIPTIONS[i][0]}-part-{i}"] == (
            f"duplicate of dev/2026-09-04-part-3 (the same link {DESCRIPTIONS[i][2]}): one piece of work counts once"
        )


def test_six_identical_descriptions_of_one_pull_request_count_as_the_first(cli, tiny):
    describe(tiny, 0)
    one = scored(cli, tiny)
    build_tree(
        tiny,
        {f"{EV}/2026-09-1{i}-again-{i}.md": pr_entry(f"2026-09-1{i}", f"Again {i}", "tiny/api#42") for i in range(6)},
    )
    six = scored(cli, tiny)
    assert six["composite"] == one["composite"]
    assert [i["subscore"] for i in six["inputs"]] == [i["subscore"] for i in one["inputs"]]


def test_a_same_titled_entry_in_the_period_is_the_same_piece_of_work(cli, tiny):
    build_tree(
        tiny,
        {
            f"{EV}/2026-09-15-retries-again.md": evidence(
                "dev", "2026-09-15", ["build"], title="Checkout  RETRIES", scope="org", body="The same, again."
            )
        },
    )
    after = scored(cli, tiny)
    # the org-wide description weighs more (2 x 0.5 against 1 x 0.5), so it stands for the piece
    assert why(after)["dev/2026-07-10-checkout-retries"] == (
        "duplicate of dev/2026-09-15-retries-again (the same title in the period): one piece of work counts once"
    )
    assert [(p["id"], p["scope"], p["competencies"]) for p in after["pieces"] if p["scope"] == "org"] == [
        ("dev/2026-09-15-retries-again", "org", ["build"])
    ]


def resolved_work(tiny: Path) -> Path:
    """tiny/api with pull request #7, written by dev and merged by the forge, cloned beside
    the records; an evidence entry of multi-team scope citing it, resolved by
    `perfdocs links resolve --write` (the path of the entry)."""
    api = GitRepo(tiny.parent / "api")
    api.commit("Initial commit", {"README.md": "api\n"}, "2026-06-01T09:00:00+00:00")
    start_branch(api, "dev/shared-idempotency")
    api.commit("Shared idempotency keys", {"keys.py": "keys\n"}, "2026-08-01T10:00:00+00:00", DEV)
    merge(
        api, "dev/shared-idempotency", "Merge pull request #7 from dev/shared-idempotency", "2026-08-02T10:00:00+00:00"
    )
    path = tiny / EV / "2026-08-03-shared-idempotency.md"
    path.write_text(
        "---\nkind: evidence\ndate: 2026-08-03\nauthor: dev\ntype: pr\ntitle: Idempotency keys shared by three teams\n"
        "links: [tiny/api#7]\ncompetencies: [build]\nscope: multi-team\n---\n"
        "Payments, payouts and web now share one idempotency-key library.\n",
        encoding="utf-8",
    )
    return path


def test_one_verified_multi_team_piece_raises_the_score_more_than_five_self_reported_single_person_ones(
    cli, tiny, tmp_path
):
    before = scored(cli, tiny)["composite"]
    five = tmp_path / "five"
    shutil.copytree(tiny, five)
    build_tree(
        five,
        {
            f"{EV}/2026-09-0{i}-solo-{i}.md": evidence(
                "dev", f"2026-09-0{i}", ["build"], title=f"Tidied my own module {i}", scope="self", body="Tidied it."
            )
            for i in range(1, 6)
        },
    )
    five_result = scored(cli, five)
    for i in range(1, 6):
        assert "self-reported x0.5" in why(five_result)[f"dev/2026-09-0{i}-solo-{i}"]
        assert "below the level's team" in why(five_result)[f"dev/2026-09-0{i}-solo-{i}"]

    path = resolved_work(tiny)
    res = cli("links", "resolve", "--write", path, cwd=tiny.parent)
    assert res.exit_code == 0, res
    assert "role: author" in path.read_text(encoding="utf-8")
    one_result = scored(cli, tiny)
    assert why(one_result)["dev/2026-08-03-shared-idempotency"] == (
        "counted, weight 1.50: scope multi-team x1.5; verified author x1"
    )
    assert one_result["composite"] - before > five_result["composite"] - before > 0


def test_the_principal_ready_candidate_scores_at_least_as_high_as_any_junior_in_the_example(cli):
    from perfdocs.people.score import score
    from perfdocs.validation import validate

    org = validate(REPO / "records").org
    juniors = [h for h, p in org.people.items() if p.get("level") in ("l1", "l2")]
    assert sorted(juniors) == ["bora", "chen"]
    for period in (None, "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
        alice = score(org, "alice", period).composite
        assert all(alice >= score(org, h, period).composite for h in juniors), period


def test_every_entry_of_the_period_says_why_it_counted_or_not(cli, tiny):
    build_tree(
        tiny,
        {
            f"{EV}/2026-09-01-todo.md": evidence("dev", "2026-09-01", ["build"], title="Later", body="TODO: write"),
            f"{EV}/2026-10-02-next.md": evidence("dev", "2026-10-02", ["build"], title="Next quarter", body="Real."),
        },
    )
    result = scored(cli, tiny)
    assert why(result) == {
        "dev/2026-07-10-checkout-retries": "counted, weight 0.50: scope team x1 (the level's); self-reported x0.5",
        "dev/2026-08-20-pairing": "counted, weight 0.50: scope team x1 (the level's); self-reported x0.5",
        "dev/2026-09-01-todo": "placeholder: its body still holds a TODO marker",
    }
    assert result["outside_period"] == 1
    text = cli("score", "dev", "--records", tiny, "--period", "2026-Q3").stdout
    assert "    - dev/2026-09-01-todo: placeholder: its body still holds a TODO marker\n" in text
    assert "1 more dated outside 2026-Q3 not used" in text
