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
