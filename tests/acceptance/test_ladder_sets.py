"""Shared competency sets: competencies defined once (kind: competency-set) and included by
several matrices, each of which may override a competency of the set by its id. Every
consumer (references, the rubric lint, packets, export) sees the merged view."""

from __future__ import annotations

import csv
import io

import yaml

from perfdocs.validation import load_valid

from tests.support.cli import one_line
from tests.support.files import build_tree

ORG = """\
kind: org
id: setco
name: Set Co
review_cadence_quarters: 2
visibility_defaults:
  default: public
dimensions:
  - {id: craft, name: Craft}
"""

SET = """\
kind: competency-set
id: engineering
name: Engineering competencies
description: What every engineering track asks, whatever the stack.
dimensions:
  - {id: teamwork, name: Teamwork}
competencies:
  - id: code
    name: Code
    dimension: craft
    summary: Writing software that lasts.
    descriptors:
      one: |-
        - Writes small, tested changes.
        - Asks for review early.
      two: |-
        - Designs a service's code so others can change it.
        - Reviews others' changes with care.
  - id: feedback
    name: Feedback
    dimension: teamwork
    descriptors:
      one: {not_expected: true}
      two: Gives feedback that people act on.
"""


def track(tid: str) -> str:
    return f"kind: track\nid: {tid}\nname: {tid.title()}\nlevels:\n  - {{id: one, title: One}}\n  - {{id: two, title: Two}}\n"


BACKEND = """\
kind: competency-matrix
id: backend
track: backend
include: [engineering]
competencies:
  - id: operations
    name: Operations
    dimension: craft
    descriptors:
      one: Follows the runbook when paged.
      two: Writes the runbooks others follow.
"""

FRONTEND = """\
kind: competency-matrix
id: frontend
track: frontend
include: [engineering]
competencies:
  - id: code
    summary: Writing interfaces that last.
    descriptors:
      two: |-
        - Designs a component library others build on.
        - Reviews others' changes with care.
"""


def records(tmp_path):
    return build_tree(
        tmp_path / "records",
        {
            "org.yaml": ORG,
            "competency-sets/engineering.yaml": SET,
            "tracks/backend.yaml": track("backend"),
            "tracks/frontend.yaml": track("frontend"),
            "matrices/backend.yaml": BACKEND,
            "matrices/frontend.yaml": FRONTEND,
        },
    )


def test_two_matrices_share_a_set_and_one_overrides_a_competency(cli, tmp_path):
    root = records(tmp_path)
    check = cli("validate", root)
    assert check.exit_code == 0, check
    assert "0 errors, 0 warnings" in check.stderr
    org = load_valid(root).org
    assert list(org.competencies("backend")) == ["code", "feedback", "operations"]
    assert list(org.competencies("frontend")) == ["code", "feedback"]
    # the override changes the summary and one level's cell; the rest comes from the set
    front, back = org.competencies("frontend")["code"], org.competencies("backend")["code"]
    assert front["summary"] == "Writing interfaces that last." and back["summary"] == "Writing software that lasts."
    assert org.descriptor("frontend", "code", "one") == org.descriptor("backend", "code", "one")
    assert org.descriptor("frontend", "code", "two").startswith("- Designs a component library")
    assert org.descriptor("backend", "code", "two").startswith("- Designs a service's code")
    assert org.competency_set_of("backend", "feedback").id == "engineering"
    assert org.competency_set_of("backend", "operations") is None
    # the set's own dimension is a dimension of both tracks
    assert [d["id"] for d in org.dimensions_for("frontend")] == ["craft", "teamwork"]


def test_a_problem_in_a_set_is_reported_once_in_the_set_naming_the_track(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = records(tmp_path)
    path = root / "competency-sets/engineering.yaml"
    path.write_text(path.read_text().replace("      two: Gives feedback that people act on.\n", ""))
    (root / "matrices/backend.yaml").write_text(BACKEND.replace("include: [engineering]", "include: [enginering]"))
    res = cli("validate", "records")
    assert res.exit_code == 1
    assert one_line(res.stdout) == (
        "records/competency-sets/engineering.yaml:22:5: competency 'feedback' has no descriptor for level two "
        "of track frontend (write what good looks like, {not_expected: true} when the level expects nothing, "
        "or {unchanged: true} with a note) [rubric/missing-descriptor]\n"
        "records/matrices/backend.yaml:4:11: unknown competency set 'enginering'; did you mean 'engineering'? "
        "[ref/unknown-set]\n"
    )


def test_evidence_and_export_see_the_merged_competencies(cli, tmp_path):
    root = records(tmp_path)
    out = tmp_path / "frontend.csv"
    assert cli("export", "matrix", "frontend", "--records", root, "-o", out).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r[1] for r in rows] == ["id", "code", "feedback"]
    assert rows[1][3] == "Writing interfaces that last."
    # imported back unchanged, the matrix still says only what it overrides
    before = yaml.safe_load((root / "matrices/frontend.yaml").read_text(encoding="utf-8"))
    res = cli("import", "matrix", out, "--track", "frontend", "--records", root, "--force")
    assert res.exit_code == 0, res
    after = yaml.safe_load((root / "matrices/frontend.yaml").read_text(encoding="utf-8"))
    assert after == before


def test_a_competency_of_the_matrix_own_still_needs_its_fields(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = records(tmp_path)
    (root / "matrices/frontend.yaml").write_text(FRONTEND + "  - id: design\n    summary: Shapes interfaces.\n")
    res = cli("validate", "records")
    assert res.exit_code == 1
    assert one_line(res.stdout) == "".join(
        f"records/matrices/frontend.yaml:12:5: missing required field '{key}' "
        f"(competency 'design' is in none of the included sets) [schema/required]\n"
        for key in ("descriptors", "dimension", "name")  # in the order validate sorts them
    )


def test_a_competency_id_that_is_not_text_in_a_matrix_with_include_is_a_schema_error(cli, tmp_path, monkeypatch):
    """Found by the fuzz test: a list as a competency id made the set lookup raise."""
    monkeypatch.chdir(tmp_path)
    root = records(tmp_path)
    (root / "matrices/frontend.yaml").write_text(FRONTEND + "  - id: [design]\n    summary: Shapes interfaces.\n")
    res = cli("validate", "records")
    assert res.exit_code == 1, res
    assert "Traceback" not in res.stdout + res.stderr
    assert "records/matrices/frontend.yaml:12:" in one_line(res.stdout) and "[schema/type]" in res.stdout


def test_the_site_says_where_a_shared_competency_comes_from(cli, tmp_path, git_repo):
    """The track page and the level pages name the set a competency comes from and show its
    summary; the rubric history of moving a competency into a set says nothing false."""
    repo = git_repo("ladder")
    root = records(repo.path)
    repo.git("add", "-A")
    repo.commit("A ladder with a shared set", {"records/.first": ""})
    # The frontend matrix moves its competency's wording into the set: the override keeps only its id.
    front = FRONTEND.replace("    summary: Writing interfaces that last.\n", "")
    repo.commit(
        "Frontend takes the set's summary", {"records/matrices/frontend.yaml": front}, date="2026-01-02T12:00:00+00:00"
    )
    out = tmp_path / "site"
    assert cli("build", "--records", root, "--out", out).exit_code == 0
    page = (out / "rubric/backend/index.html").read_text(encoding="utf-8")
    assert '<span class="from-set small muted">from Engineering competencies</span>' in page
    assert '<span class="summary small muted">Writing software that lasts.</span>' in page
    assert "from-set" not in page.split('id="backend-operations"', 1)[1].split("</th>", 1)[0]  # the matrix's own
    level = (out / "rubric/backend/two.html").read_text(encoding="utf-8")
    assert "Writing software that lasts. · from the shared set Engineering competencies" in level
    history = (out / "rubric/history.html").read_text(encoding="utf-8")
    assert "None" not in history
    assert "code: summary changed" not in history
