"""Ladders as companies publish them: list-shaped Markdown cells, structured cells, levels
where nothing is expected, a proficiency scale, levels described by their cells alone, and
an org.yaml with no rating scale and no org-wide dimensions. Every one validates with no
invented text and renders as what it is."""

from __future__ import annotations

import re

from tests.support.files import build_tree

ORG = """\
kind: org
id: ladderco
name: Ladder Co
review_cadence_quarters: 2
visibility_defaults:
  default: public
scales:
  - id: depth
    name: Depth
    steps:
      - {id: aware, name: Aware, definition: Knows it exists.}
      - {id: practised, name: Practised, definition: Does it unaided.}
      - {id: expert, name: Expert, definition: Teaches it.}
"""

TRACK = """\
kind: track
id: eng
name: Engineering
levels:
  - {id: e1, title: Engineer}
  - {id: e2, title: Senior Engineer, summary: Owns a service end to end.}
  - {id: e3, title: Staff Engineer, path: ic}
  - {id: m3, title: Engineering Manager, path: manager, follows: e2}
"""

MATRIX = """\
kind: competency-matrix
id: eng
track: eng
description: |-
  ### How to read this ladder

  Levels are **cumulative**.
dimensions:
  - {id: craft, name: Craft}
  - {id: people, name: People}
scale: depth
competencies:
  - id: code
    name: Code
    dimension: craft
    summary: Writing software that lasts.
    descriptors:
      e1: |-
        - Writes small, tested changes.
        - Follows the [style guide](https://example.com/style).
      e2: |-
        - Writes small, tested changes.
        - Designs a service's modules so others can change them safely.
      e3:
        text: Sets the coding standards of several teams.
        criteria:
          - Reviews the designs of other teams' services.
          - {id: c-adr, text: Writes the decision records others follow.}
        examples: [The retry library, The ledger schema]
        links: [{url: "https://example.com/adr", title: ADR guide}]
        proficiency: expert
      m3: {unchanged: true, note: Managers keep the senior engineer's bar.}
  - id: leadership
    name: Leadership
    dimension: people
    descriptors:
      e1: {not_expected: true, note: Leadership starts at e2.}
      e2: Leads a project of two or three engineers.
      e3: {text: Leads initiatives across teams., proficiency: practised}
      m3: {text: "Grows every person on the team; see [the guide](javascript:alert(1)).", proficiency: expert}
"""


def ladder(tmp_path):
    return build_tree(
        tmp_path / "records",
        {"org.yaml": ORG, "tracks/eng.yaml": TRACK, "matrices/eng.yaml": MATRIX},
    )


def test_a_published_ladder_validates_without_invented_text(cli, tmp_path):
    """No scope/complexity/consistency, no rating scale, dimensions per matrix: 0 errors,
    and the one warning is the criterion e2 repeats from e1 word for word."""
    result = cli("validate", "--records", ladder(tmp_path))
    assert result.exit_code == 0, result
    assert "records/matrices/eng.yaml:21:11: warning: 1 criterion of 'code' at e2 repeats e1 word for word" in (
        result.stdout
    )
    assert len([line for line in result.stdout.splitlines() if line and not line.startswith(" ")]) == 1
    assert "3 files checked: 0 errors, 1 warning (ok)" in result.stderr


def test_cells_render_as_markdown_with_their_states(cli, tmp_path):
    out = tmp_path / "site"
    assert cli("build", "--records", ladder(tmp_path), "--out", out).exit_code == 0
    rubric = (out / "rubric/eng/index.html").read_text(encoding="utf-8")
    # A list-shaped cell is a list, and its link is a link.
    assert '<li>Follows the <a href="https://example.com/style">style guide</a>.</li>' in rubric
    # "Not expected" is said as such, with its note; the level above it is new, not "changed".
    assert '<span class="state state-not_expected">not expected</span> <span class="note">Leadership starts' in rubric
    e2 = (out / "rubric/eng/e2.html").read_text(encoding="utf-8")
    assert re.search(r'cell-new" id="c-leadership">\s*<h4>Leadership <span class="state state-new">new</span>', e2)
    # A structured cell: text, criteria, examples and links, and its step on the scale.
    e3 = (out / "rubric/eng/e3.html").read_text(encoding="utf-8")
    assert '<span class="proficiency">expert</span>' in e3
    assert "Writes the decision records others follow." in e3
    assert '<a href="https://example.com/adr">ADR guide</a>' in e3
    # A dangerous link in a cell is not a link.
    m3 = (out / "rubric/eng/m3.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in m3
    # A level with no scope/complexity/consistency has no empty section for them.
    assert 'id="h-aspects"' not in e3


def test_a_list_cell_marks_only_its_new_criteria(cli, tmp_path):
    out = tmp_path / "site"
    assert cli("build", "--records", ladder(tmp_path), "--out", out).exit_code == 0
    e2 = (out / "rubric/eng/e2.html").read_text(encoding="utf-8")
    code = e2.split('id="c-code"', 1)[1].split("</li>\n  </ul>", 1)[0]
    assert "<li><p>Writes small, tested changes.</p>" in code  # from e1: not marked
    assert '<li class="criterion-new"><ins><p>Designs a service' in code
