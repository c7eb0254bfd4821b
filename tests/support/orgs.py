"""Tiny organisations written from data, so that each test module states only what differs.

Every tiny organisation has the same frame: org 'tiny' reviewed each quarter, one track 'eng'
(levels l1 < l2 < l3, of which each org takes the ones it needs) with its competency matrix,
teams, and people with an @tiny.example address. `tiny_org` writes that frame from
arguments (the rating scale, the dimensions, the visibility defaults, the org's own settings
as YAML text, the competencies, teams and people) and then any further files as texts.

The org.yaml it writes keeps a fixed layout (header, rating scale, dimensions, visibility
defaults, then the settings text as given), so a test may assert a `org.yaml:line:col` in its
settings. The helpers below (`person`, `team`, `evidence`) write one record each, in the
field order the tests' hand-written texts use, so an `edit` of a line still finds it.

`plant_markers` adds records carrying unique markers to any organisation, for the tests that
prove a marker never reaches an audience that may not see it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

from tests.support.files import build_tree

RATINGS = {
    "exceeds": "{id: exceeds, label: Exceeds, min_completion: 100, description: All met.}",
    "meets": "{id: meets, label: Meets, min_completion: 80, description: Most met.}",
    "below": "{id: below, label: Below, min_completion: 0, description: Fewer met.}",
}
"""The rating scale's steps, by id; an org takes some of them in the order given."""

DIMENSIONS = {
    "delivery": "{id: delivery, name: Delivery, description: Shipping.}",
    "reliability": "{id: reliability, name: Reliability, description: Running.}",
    "collaboration": "{id: collaboration, name: Collaboration, description: Others.}",
}
"""The competency dimensions, by id."""

LEVELS = {
    "l1": "{id: l1, title: Engineer I, scope: Tasks., complexity: Clear., consistency: Guided.}",
    "l2": "{id: l2, title: Engineer II, scope: Features., complexity: Some., consistency: Reliably.}",
    "l3": "{id: l3, title: Senior Engineer, scope: Teams., complexity: Ambiguous., consistency: Sustained.}",
}
"""Track eng's levels, lowest first."""

Competency = tuple[str, str, Mapping[str, str]]
"""(id, dimension, {level: descriptor}); the name is the id, capitalised."""


def org_yaml(
    ratings: Iterable[str] = ("exceeds", "meets", "below"),
    dimensions: Iterable[str] = ("delivery", "collaboration"),
    visibility: Mapping[str, str] | None = None,
    settings: str = "",
) -> str:
    """org.yaml of org 'tiny': the header, the chosen ratings and dimensions, the visibility
    defaults ({'default': 'public'} unless given), then `settings` (YAML text, dedented)."""
    lines = ["kind: org", "id: tiny", "name: Tiny", "review_cadence_quarters: 1", "rating_scale:"]
    lines += [f"  - {RATINGS[r]}" for r in ratings]
    lines += ["dimensions:", *(f"  - {DIMENSIONS[d]}" for d in dimensions)]
    lines += ["visibility_defaults:", *(f"  {k}: {v}" for k, v in (visibility or {"default": "public"}).items())]
    return "\n".join(lines) + "\n" + textwrap.dedent(settings).lstrip("\n")


def track_yaml(levels: Iterable[str]) -> str:
    """tracks/eng.yaml with the given levels of LEVELS."""
    return "kind: track\nid: eng\nname: Engineering\nlevels:\n" + "".join(f"  - {LEVELS[lv]}\n" for lv in levels)


def matrix_yaml(competencies: Iterable[Competency]) -> str:
    """matrices/eng.yaml with one flow mapping per competency."""
    rows = []
    for cid, dimension, descriptors in competencies:
        described = ", ".join(f"{level}: {text}" for level, text in descriptors.items())
        rows.append(
            f"  - {{id: {cid}, name: {cid.capitalize()}, dimension: {dimension}, descriptors: {{{described}}}}}\n"
        )
    return "kind: competency-matrix\nid: eng\ntrack: eng\ncompetencies:\n" + "".join(rows)


def team(tid: str, manager: str, members: Iterable[str], services: Iterable[str] = ()) -> str:
    """teams/<tid>.yaml."""
    text = f"kind: team\nid: {tid}\nname: {tid.title()}\nmanager: {manager}\nmembers: [{', '.join(members)}]\n"
    return text + (f"services: [{', '.join(services)}]\n" if services else "")


def person(
    handle: str,
    team: str,
    level: str,
    manager: str | None = None,
    *,
    name: str | None = None,
    since: str | None = None,
    start: str = "2024-01-01",
) -> str:
    """people/<handle>/person.yaml on track eng (the name is the handle, titled, unless given)."""
    return (
        f"kind: person\nhandle: {handle}\nname: {name or handle.title()}\nemails: [{handle}@tiny.example]\n"
        f"track: eng\nlevel: {level}\nteam: {team}\n"
        + (f"manager: {manager}\n" if manager else "")
        + (f"level_since: {since}\n" if since else "")
        + f"start_date: {start}\n"
    )


def evidence(
    author: str,
    day: str,
    competencies: Iterable[str],
    *,
    type: str = "pr",
    title: str | None = None,
    collaborators: Iterable[str] | None = None,
    scope: str | None = "team",
    body: str = "Done.",
) -> str:
    """people/<author>/evidence/<day>-<name>.md: front matter in the usual field order, then the body."""
    return (
        f"---\nkind: evidence\ndate: {day}\nauthor: {author}\ntype: {type}\ntitle: {title or f'{type} by {author}'}\n"
        f"competencies: [{', '.join(competencies)}]\n"
        + (f"collaborators: [{', '.join(collaborators)}]\n" if collaborators is not None else "")
        + (f"scope: {scope}\n" if scope else "")
        + f"---\n{body}\n"
    )


def tiny_org(
    root: Path,
    *,
    levels: Iterable[str] = ("l1", "l2"),
    competencies: Iterable[Competency],
    teams: Mapping[str, str],
    people: Mapping[str, str],
    files: Mapping[str, str] | None = None,
    **org: object,
) -> Path:
    """Write a tiny organisation into root: org.yaml (`org` holds org_yaml's arguments), the
    track and its matrix, teams/<id>.yaml and people/<handle>/person.yaml from their texts
    (see `team` and `person`), then `files` ({relative path: text}, dedented)."""
    build_tree(
        root,
        {
            "org.yaml": org_yaml(**org),  # type: ignore[arg-type]
            "tracks/eng.yaml": track_yaml(levels),
            "matrices/eng.yaml": matrix_yaml(competencies),
            **{f"teams/{tid}.yaml": text for tid, text in teams.items()},
            **{f"people/{handle}/person.yaml": text for handle, text in people.items()},
        },
    )
    return build_tree(root, dict(files or {}))


# --- the organisations several test modules share --------------------------------------------


def reviews_org(root: Path) -> Path:
    """dev (l1, team core under lead, beside mate; pal leads team web) with one 2026-Q3 goal and
    three evidence entries, two of them with collaborators: the review drafts' organisation."""
    return tiny_org(
        root,
        competencies=[
            ("build", "delivery", {"l1": "Builds tasks.", "l2": "Builds features."}),
            ("help", "collaboration", {"l1": "Asks.", "l2": "Helps joiners."}),
        ],
        teams={"core": team("core", "lead", ["lead", "dev", "mate"]), "web": team("web", "pal", ["pal"])},
        people={
            "lead": person("lead", "core", "l2"),
            "dev": person("dev", "core", "l1", "lead"),
            "mate": person("mate", "core", "l1", "lead"),
            "pal": person("pal", "web", "l2"),
        },
        files={
            # Hand-worked completion: (8-0)/(10-0) = 80; (150-200)/(100-200) = 50; (12-5)/(10-5) = 140 -> 100.
            # Mean (80 + 50 + 100) / 3 = 76.7, below 80: the rules give 'below'.
            "people/dev/goals/2026-q3-speed.yaml": """\
                kind: goal
                period: 2026-Q3
                level: individual
                owner: dev
                objective: Faster builds
                key_results:
                  - {id: cached, description: Cached steps, baseline: 0, target: 10, current: 8, unit: steps, due: 2026-09-30}
                  - {id: minutes, description: Build minutes, baseline: 200, target: 100, current: 150, unit: min, due: 2026-09-30}
                  - {id: docs, description: Guides, baseline: 5, target: 10, current: 12, unit: guides, due: 2026-09-30}
                """,
            **{
                f"people/dev/evidence/{day}-{name}.md": evidence(
                    "dev", day, [comp], type=kind, title=f"Work of {day}", collaborators=others, body="What happened."
                )
                for day, name, comp, others, kind in [
                    ("2026-05-02", "cache", "build", [], "pr"),
                    ("2026-07-10", "runner", "build", ["mate"], "pr"),
                    ("2026-08-20", "pairing", "help", ["pal", "mate"], "mentoring"),
                ]
            },
        },
    )


def goal(owner: str, *completions: tuple[str, int]) -> str:
    """people/<owner>/goals/2026-q3-goal.yaml: key results (id, current value) from 0 to 100."""
    krs = "".join(
        f"  - {{id: {kid}, description: {kid}, baseline: 0, target: 100, current: {cur}, unit: '%', due: 2026-09-30}}\n"
        for kid, cur in completions
    )
    return (
        f"kind: goal\nperiod: 2026-Q3\nlevel: individual\nowner: {owner}\nobjective: Goal of {owner}\n"
        f"key_results:\n{krs}"
    )


def review(who: str, reviewer: str, rating: str, status: str, *krs: tuple[str, int]) -> str:
    """people/<who>/reviews/2026-q3.md recording (key result, completion) of their goal above."""
    rows = "".join(f"  - {{goal: {who}/2026-q3-goal, key_result: {k}, completion: {c}}}\n" for k, c in krs)
    return (
        f"---\nkind: review\nperson: {who}\nperiod: 2026-Q3\nreviewer: {reviewer}\nstatus: {status}\n"
        f"key_results:\n{rows}rating: {rating}\n"
        "development_plan:\n  - {skill: Design, resources: [A mentor], timeline: 2026-Q4, "
        "success_measures: [An RFC]}\n---\nReview.\n"
    )


def calibration_org(root: Path) -> Path:
    """The calibration's organisation (tests/unit/test_calibration.py works out its figures):
    team A (manager ma): a1, a2; team B (manager mb): b1; 'late' joins after 2026-Q3. Reviews
    are private, people and evidence internal; 1 weighted piece of work earns full marks; no group is
    too small to show."""
    return tiny_org(
        root,
        levels=("l1", "l2", "l3"),
        visibility={
            "default": "public",
            "person": "internal",
            "evidence": "internal",
            "goal": "internal",
            "packet": "internal",
            "review": "private",
        },
        settings="scoring:\n  full_marks_evidence: 1\ncalibration:\n  min_group: 1\n",
        competencies=[
            ("build", "delivery", {"l1": "Tasks.", "l2": "Features.", "l3": "Systems."}),
            ("help", "collaboration", {"l1": "Asks.", "l2": "Helps.", "l3": "Grows."}),
        ],
        teams={"a": team("a", "ma", ["ma", "a1", "a2", "late"]), "b": team("b", "mb", ["mb", "b1"])},
        people={
            "ma": person("ma", "a", "l3", name="MA"),
            "mb": person("mb", "b", "l3", name="MB"),
            "a1": person("a1", "a", "l2", "ma", name="A1", since="2024-11-24"),
            "a2": person("a2", "a", "l2", "ma", name="A2"),
            "b1": person("b1", "b", "l2", "mb", name="B1"),
            "late": person("late", "a", "l2", "ma", name="LATE", start="2026-10-15"),
        },
        files={
            "people/a1/evidence/2026-07-01-build.md": evidence("a1", "2026-07-01", ["build"]),
            "people/a1/evidence/2026-08-01-mentor.md": evidence("a1", "2026-08-01", ["help"], type="mentoring"),
            "people/a2/evidence/2026-07-15-build.md": evidence("a2", "2026-07-15", ["build"], scope="org"),
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
        },
    )


# --- privacy markers ------------------------------------------------------------------------

MARKERS = {"private": "ZZPRIVATEMARKER7731", "internal": "ZZINTERNALMARKER4419"}


def plant_markers(records: Path) -> None:
    """A private evidence entry and an internal metric, each carrying a unique marker in
    a field and in the body; the internal metric is also used by a public KPI."""
    alice = next(iter(sorted((records / "people").iterdir())))
    handle = alice.name
    (alice / "evidence").mkdir(exist_ok=True)
    (alice / "evidence/2026-06-01-secret.md").write_text(
        "---\nkind: evidence\ndate: 2026-06-01\nauthor: " + handle + "\ntype: other\n"
        f"title: Secret {MARKERS['private']}\ncompetencies: []\nvisibility: private\n---\n"
        f"Body {MARKERS['private']}.\n",
        encoding="utf-8",
    )
    (records / "metrics").mkdir(exist_ok=True)
    (records / "metrics/zz-internal.yaml").write_text(
        "kind: metric\nid: zz-internal\nname: Internal " + MARKERS["internal"] + "\nowner: " + handle + "\n"
        f"purpose: P {MARKERS['internal']}\ncalculation: C\nlimitations: [L]\nanti_gaming: [A]\n"
        "scope: team\ntype: result\npriority: aspirational\nunit: widgets\n"
        "thresholds: [{label: " + MARKERS["internal"] + "-band, min: 1}]\n"
        "review: {cadence_days: 90, last_reviewed: 2026-10-01}\nvisibility: internal\n",
        encoding="utf-8",
    )


CALIBRATION_FAIR = ["exceeds"] * 3 + ["meets"] * 5 + ["below"] * 2
CALIBRATION_SKEWED = ["meets"] * 3 + ["below"] * 7


def _period_review(who: str, reviewer: str, rating: str) -> str:
    return (
        f"---\nkind: review\nperson: {who}\nperiod: 2026-Q3\nreviewer: {reviewer}\nstatus: final\nrating: {rating}\n"
        "development_plan:\n  - {skill: Design, resources: [A mentor], timeline: 2026-Q4, "
        "success_measures: [An RFC]}\n---\nReview.\n"
    )


def calibration_period_org(
    root: Path, oslo: int = 0, settings: str = "", visibility: Mapping[str, str] | None = None
) -> Path:
    """A generated calibration period (tests/unit/test_calibration_groups.py works out its figures):
    sixty 2026-Q3 reviews, three managers (m1, m2, m3) of ten people in Berlin and ten in Lisbon
    each, rated 3 exceeds / 5 meets / 2 below per ten, except m1's Berlin ten: 0 / 3 / 7, the
    planted skew. With `oslo`, that many of m3's Berlin people live in Oslo instead."""
    people = {m: person(m, "t", "l2") for m in ("m1", "m2", "m3")}
    files = {}
    for m in ("m1", "m2", "m3"):
        for place in ("berlin", "lisbon"):
            ratings = CALIBRATION_SKEWED if (m, place) == ("m1", "berlin") else CALIBRATION_FAIR
            for i, rating in enumerate(ratings):
                handle = f"{m}-{place}-{i}"
                where = "oslo" if (m, place) == ("m3", "berlin") and i < oslo else place
                people[handle] = person(handle, "t", "l1", m) + f"attributes: {{location: {where}}}\n"
                files[f"people/{handle}/reviews/2026-q3.md"] = _period_review(handle, m, rating)
    return tiny_org(
        root,
        competencies=[("build", "delivery", {"l1": "Tasks.", "l2": "Features."})],
        teams={"t": team("t", "m1", list(people))},
        people=people,
        files=files,
        settings="calibration:\n  attributes: [location]\n" + settings,
        **({"visibility": visibility} if visibility else {}),
    )
