"""A generated ladder of real size: 8 levels that branch into an individual-contributor and a
manager path after the fourth, 9 competencies in 3 dimensions, list-shaped Markdown cells
of several criteria (as real ladders write them), and leadership not expected below e3.

`big_ladder(folder)` writes its records (org.yaml with no rating scale, one track, one
matrix) and returns the folder; the tests of the track pages and the browser tests use it."""

from __future__ import annotations

from pathlib import Path

from tests.support.files import build_tree

LEVELS = [
    ("e1", "Engineer I", None, None),
    ("e2", "Engineer II", None, None),
    ("e3", "Senior Engineer", None, None),
    ("e4", "Lead Engineer", None, None),
    ("e5", "Staff Engineer", "individual-contributor", None),
    ("e6", "Principal Engineer", "individual-contributor", None),
    ("m5", "Engineering Manager", "manager", "e4"),
    ("m6", "Senior Engineering Manager", "manager", None),
]
"""(id, title, path, follows): m5 follows e4, so it has e5's grade (5) and m6 has e6's."""

COMPETENCIES = [
    ("code", "Code quality", "craft"),
    ("design", "System design", "craft"),
    ("testing", "Testing", "craft"),
    ("operations", "Operations", "delivery"),
    ("delivery", "Delivery", "delivery"),
    ("planning", "Planning", "delivery"),
    ("mentoring", "Mentoring", "people"),
    ("communication", "Communication", "people"),
    ("leadership", "Leadership", "people"),
]

SCOPES = {
    "e1": "their own tasks",
    "e2": "the features they own",
    "e3": "a service and its neighbours",
    "e4": "the team's systems",
    "e5": "a domain across several teams",
    "e6": "the whole engineering organisation",
    "m5": "one team and its people",
    "m6": "a group of teams and their managers",
}


def _cell(name: str, level: str, n: int) -> str:
    """A list cell (a YAML block) of n criteria, each long enough to wrap."""
    scope, topic = SCOPES[level], name.lower()
    lines = []
    for k in range(1, n + 1):
        if k % 2:
            text = (
                f"Applies {topic} practice to {scope}, explaining the trade-offs to the people affected"
                f" and writing down what was decided and why (criterion {k} at {level})."
            )
        else:
            text = (
                f"Spots {topic} problems in {scope} before they reach users, and fixes the cause"
                f" rather than the symptom (criterion {k} at {level})."
            )
        lines.append(f"        - {text}")
    return "|-\n" + "\n".join(lines)


def big_ladder(folder: Path) -> Path:
    org = "kind: org\nid: bigco\nname: Big Co\nreview_cadence_quarters: 2\nvisibility_defaults:\n  default: public\n"
    track = "kind: track\nid: eng\nname: Engineering\nlevels:\n"
    for lid, title, path, follows in LEVELS:
        extra = (f", path: {path}" if path else "") + (f", follows: {follows}" if follows else "")
        track += f"  - {{id: {lid}, title: {title}{extra}}}\n"
    matrix = (
        "kind: competency-matrix\nid: eng\ntrack: eng\ndimensions:\n"
        "  - {id: craft, name: Craft}\n  - {id: delivery, name: Delivery}\n  - {id: people, name: People}\n"
        "competencies:\n"
    )
    for cid, name, dimension in COMPETENCIES:
        matrix += f"  - id: {cid}\n    name: {name}\n    dimension: {dimension}\n    descriptors:\n"
        for i, (lid, *_) in enumerate(LEVELS):
            if cid == "leadership" and lid in ("e1", "e2"):
                matrix += f"      {lid}: {{not_expected: true, note: Leadership starts at e3.}}\n"
            else:
                matrix += f"      {lid}: {_cell(name, lid, 2 + i % 4)}\n"
    return build_tree(folder, {"org.yaml": org, "tracks/eng.yaml": track, "matrices/eng.yaml": matrix})


# --- a dual ladder laid out as a spreadsheet ------------------------------------------------------
# Shaped like the published engineering career frameworks of large companies (e.g. Dropbox's, which
# README "Ladders from spreadsheets" describes trying): an individual-contributor path IC1..IC7 and a
# manager path M3..M7 that leaves it after IC2, laid out path after path in one header row; themes
# as dimensions; first-person bullet lists, each level restating some of the level below; manager-only
# and IC-only competencies left empty on the other path; one competency missing at one level only.
# The words are this project's own.

DUAL_LEVELS = [
    ("IC1", "Software Engineer"),
    ("IC2", "Software Engineer"),
    ("IC3", "Software Engineer"),
    ("IC4", "Software Engineer"),
    ("IC5", "Staff Software Engineer"),
    ("IC6", "Principal Software Engineer"),
    ("IC7", "Senior Principal Software Engineer"),
    ("M3", "Engineering Manager"),
    ("M4", "Engineering Manager"),
    ("M5", "Senior Engineering Manager"),
    ("M6", "Engineering Director"),
    ("M7", "Senior Engineering Director"),
]

_REACH = {1: "my tasks", 2: "my projects", 3: "my team", 4: "my team and its neighbours",
          5: "several teams", 6: "my group", 7: "the company"}  # fmt: skip


def _dual_cell(competency: str, level: str) -> str:
    """A first-person list: what the level before says (restated, as real ladders do), then one
    criterion of its own. Manager levels say everything their own way."""
    path, grade = level[:-1], int(level[-1])
    lines = [f"- I {competency.lower()} for {_REACH[grade]}{' as a manager' if path == 'M' else ''}."]
    if grade > 1:
        lines.insert(0, f"- I {competency.lower()} for {_REACH[grade - 1]}{' as a manager' if path == 'M' else ''}.")
    if path == "IC" and grade >= 5:
        lines.append(f"- I am a role model in {competency.lower()} across [engineering](https://example.com/eng).")
    return "\n".join(lines)


DUAL_COMPETENCIES = [
    # (name, dimension, on which levels it is expected)
    ("Impact", "Results", lambda lv: True),
    ("Ownership", "Results", lambda lv: True),
    ("Agility", "Direction", lambda lv: lv != "M6"),  # left out at one level only, as published
    ("Hiring", "Talent", lambda lv: lv.startswith("M")),
    ("Team development", "Talent", lambda lv: lv not in ("IC1",)),
    ("Communication", "Culture", lambda lv: True),
    ("Code fluency", "Craft", lambda lv: lv.startswith("IC")),
]


def dual_ladder_rows() -> list[list[str]]:
    """The grid: `competency`, `dimension`, then one column per level id, path after path."""
    rows = [["competency", "dimension", *(lid for lid, _ in DUAL_LEVELS)]]
    for name, dimension, expected in DUAL_COMPETENCIES:
        rows.append([name, dimension, *(_dual_cell(name, lid) if expected(lid) else "" for lid, _ in DUAL_LEVELS)])
    return rows


def dual_ladder(folder: Path) -> Path:
    """The dual ladder's records as the import writes them once the track says where M3 branches."""
    org = "kind: org\nid: dualco\nname: Dual Co\nreview_cadence_quarters: 2\nvisibility_defaults:\n  default: public\n"
    track = "kind: track\nid: swe\nname: Software engineering\nlevels:\n"
    for lid, title in DUAL_LEVELS:
        path = "manager" if lid.startswith("M") else "individual-contributor" if int(lid[2:]) > 2 else None
        extra = (f", path: {path}" if path else "") + (", follows: IC2" if lid == "M3" else "")
        track += f"  - {{id: {lid}, title: {title}{extra}}}\n"
    rows = dual_ladder_rows()
    dimensions = dict.fromkeys(row[1] for row in rows[1:])
    matrix = "kind: competency-matrix\nid: swe\ntrack: swe\ndimensions:\n"
    matrix += "".join(f"  - {{id: {d.lower()}, name: {d}}}\n" for d in dimensions)
    matrix += "competencies:\n"
    for name, dimension, *cells in rows[1:]:
        matrix += f"  - id: {name.lower().replace(' ', '-')}\n    name: {name}\n    dimension: {dimension.lower()}\n"
        matrix += "    descriptors:\n"
        for (lid, _), text in zip(DUAL_LEVELS, cells, strict=True):
            body = "".join(f"        {line}\n" for line in text.splitlines())
            matrix += f"      {lid}: |-\n{body}" if text else f"      {lid}: {{not_expected: true}}\n"
    return build_tree(folder, {"org.yaml": org, "tracks/swe.yaml": track, "matrices/swe.yaml": matrix})
