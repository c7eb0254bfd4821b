"""Every rule: a record that breaks it, and the exact message, rule id and position.

Each case mutates a copy of tests/fixtures/minimal (a valid organisation) and states
the whole `perfdocs validate` output; the expected outputs live in tests/cases/<name>.txt
so that a changed message shows up as a readable diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfdocs.rules import RULES

from conftest import edit

CASES = Path(__file__).parent / "cases"
EV = "people/ann/evidence/2026-03-01-retry-redesign.md"
ANN = "people/ann/person.yaml"
BOB = "people/bob/person.yaml"
MATRIX = "matrices/backend.yaml"
PACKET = "people/ann/packets/2026-senior.md"
REVIEW = "people/ann/reviews/2026-Q1.md"
GOAL = "people/ann/goals/2026-Q1-latency.yaml"
PM = "postmortems/pm-1.md"


def _append(rel: str, text: str):
    def apply(root: Path) -> None:
        with open(root / rel, "a", encoding="utf-8") as fh:
            fh.write(text)

    return apply


def _edit(rel: str, old: str, new: str):
    return lambda root: edit(root / rel, old, new)


def _write(rel: str, text: str | bytes):
    def apply(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)

    return apply


def _copy(src: str, dest: str):
    def apply(root: Path) -> None:
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / src, root / dest)

    return apply


def _both(*steps):
    def apply(root: Path) -> None:
        for step in steps:
            step(root)

    return apply


MUTATIONS = {
    # files and YAML
    "yaml-duplicate-key": _append(ANN, "name: Ann Again\n"),
    "yaml-syntax": _edit(ANN, "name: Ann Example", "name: [Ann"),
    "yaml-tag": _edit(ANN, "name: Ann Example", "name: !!python/object:os.system Ann"),
    "yaml-multiple-documents": _append(ANN, "---\nkind: person\n"),
    "yaml-empty": _write("teams/empty.yaml", ""),
    "yaml-not-a-mapping": _write("teams/list.yaml", "- kind: team\n"),
    "file-binary": _write("teams/binary.yaml", b"kind: team\x00\x01\x02"),
    "file-encoding": _write("teams/latin1.yaml", "kind: team\nname: Caf\xe9\n".encode("latin-1")),
    "file-front-matter-unclosed": _write("postmortems/pm-2.md", "---\nkind: postmortem\nid: pm-2\n"),
    "file-no-front-matter": _write("postmortems/pm-3.md", "# Just a heading\n"),
    # schema
    "schema-type": _edit(ANN, "level: l2", "level: 2"),
    "schema-unknown-field": _edit(EV, "title: Redesigned", "titel: Redesigned"),
    "schema-required": _edit(EV, "type: pr\n", ""),
    "schema-enum": _edit(EV, "type: pr", "type: prr"),
    "schema-format": _edit(ANN, "start_date: 2024-01-15", "start_date: 2024-02-30"),
    "schema-id": _edit("teams/core.yaml", "id: core", "id: core team"),
    "schema-pattern": _edit(GOAL, "period: 2026-Q1", "period: 2026-Q5"),
    "schema-missing-kind": _edit("metrics/api-latency.yaml", "kind: metric\n", ""),
    "schema-unknown-kind": _edit("metrics/api-latency.yaml", "kind: metric", "kind: metrik"),
    # identity
    "id-duplicate": _copy("metrics/api-latency.yaml", "metrics/copy.yaml"),
    "id-collision-case": _copy(EV, "people/ann/evidence/2026-03-01-Retry-Redesign.md"),
    "id-collision-homoglyph": _both(
        _copy("metrics/api-latency.yaml", "metrics/copy.yaml"),
        _edit("metrics/copy.yaml", "id: api-latency", "id: \u0430pi-latency"),
    ),
    "id-invalid": _copy(EV, "people/ann/evidence/2026-03-01-caf\u00e9.md"),
    "id-mismatch": _edit(EV, "author: ann", "author: bob"),
    "id-location": _copy(EV, "misc/retry.md"),
    "id-from-path": _edit(GOAL, "kind: goal\n", "kind: goal\nid: latency\n"),
    # references
    "ref-unknown-person": _edit(ANN, "manager: bob", "manager: bobb"),
    "ref-unknown-team": _edit(ANN, "team: core", "team: cor"),
    "ref-unknown-track": _edit(ANN, "track: backend", "track: backnd"),
    "ref-unknown-level": _edit(ANN, "level: l2", "level: l9"),
    "ref-unknown-competency": _edit(EV, "  - design\n", "  - desing\n"),
    "ref-unknown-dimension": _edit(MATRIX, "dimension: delivery", "dimension: delivry"),
    "ref-unknown-goal": _edit(EV, "ann/2026-Q1-latency", "ann/2026-Q1-latncy"),
    "ref-unknown-key-result": _edit(REVIEW, "key_result: retries", "key_result: retry"),
    "ref-unknown-evidence": _edit(PACKET, "ann/2026-05-10-mentoring", "ann/2026-05-11-mentoring"),
    "ref-unknown-postmortem": _edit(
        "people/ann/evidence/2026-05-10-mentoring.md", "postmortem:pm-1", "postmortem:pm-9"
    ),
    "ref-unknown-metric": _edit("kpis/core/api-latency.yaml", "metric: api-latency", "metric: api-latncy"),
    "ref-unknown-rating": _edit(REVIEW, "rating: exceeds", "rating: great"),
    "ref-manager-cycle": _edit(BOB, "team: core\n", "team: core\nmanager: ann\n"),
    "ref-missing-matrix": _both(
        _copy("tracks/backend.yaml", "tracks/frontend.yaml"),
        _edit("tracks/frontend.yaml", "id: backend", "id: frontend"),
    ),
    "ref-missing-org": _edit("org.yaml", "kind: org", "kind: team"),
    # dates
    "date-future": _edit(ANN, "start_date: 2024-01-15", "start_date: 2027-01-15"),
    "date-order": _edit(PM, "restored: 2026-05-09T11:00:00Z", "restored: 2026-05-09T10:01:00Z"),
    # rubric lint
    "rubric-missing-descriptor": _edit(MATRIX, "      m3: Makes sure the team's designs get reviewed.\n", ""),
    "rubric-no-step-up": _edit(MATRIX, "l3: Mentors engineers across the team.", "l3: Helps new joiners."),
    "rubric-duplicate-descriptor": _edit(MATRIX, "l1: Asks good questions.", "l1: Implements designs others wrote."),
    "rubric-bad-unchanged": _edit(MATRIX, "l1: Asks good questions.", "l1: {unchanged: true, note: Nothing new.}"),
    "org-rating-scale": _edit("org.yaml", "min_completion: 80", "min_completion: 100"),
    # policy
    "policy-compensation": _edit(REVIEW, "rating: exceeds\n", "rating: exceeds\nsalary: 120000\n"),
    "metric-team-only-target": _edit(GOAL, "    baseline: 3\n", "    metric: api-latency\n    baseline: 3\n"),
    "packet-target-level": _edit(PACKET, "target_level: l3", "target_level: l1"),
    "packet-target-level-unknown": _edit(PACKET, "target_level: l3", "target_level: l4"),
    "packet-foreign-evidence": _edit(PACKET, "ann/2026-05-10-mentoring", "bob/2026-04-02-rotation"),
    "packet-current-level": _edit(PACKET, "current_level: l2", "current_level: l1"),
    "evidence-no-competency": _edit(
        "people/bob/evidence/2026-04-02-rotation.md", "competencies:\n  - operations\n", "competencies: []\n"
    ),
    "team-membership": _edit("teams/core.yaml", "  - ann\n", ""),
}


def check_case(name: str, mutate, minimal: Path, tmp_path: Path, cli, request) -> None:
    """Apply a case's change to the minimal organisation: `validate` must print exactly
    tests/cases/<name>.txt (rewritten instead with --regen-cases)."""
    mutate(minimal)
    res = cli("validate", "records", cwd=tmp_path)
    expected_file = CASES / f"{name}.txt"
    actual = f"exit {res.exit_code}\n{res.stdout}"
    if request.config.getoption("--regen-cases"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8"), res


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_rule_case_reports_exactly_the_expected_problems(name, minimal, tmp_path, cli, request):
    check_case(name, MUTATIONS[name], minimal, tmp_path, cli, request)


def test_every_rule_in_the_catalogue_has_a_case():
    covered = set()
    for path in CASES.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.endswith("]") and "[" in line:
                covered.add(line.rsplit("[", 1)[1][:-1])
    untested = {
        r
        for r in RULES
        if r not in covered
        and "*" not in r
        and r.split("/")[0]
        in {
            "yaml",
            "file",
            "schema",
            "id",
            "ref",
            "date",
            "rubric",
            "org",
            "policy",
            "metric",
            "packet",
            "evidence",
            "team",
        }
    }
    # Limits and rare I/O faults are exercised by the hostile corpus (tests/test_source.py).
    untested -= {"yaml/too-deep", "yaml/too-many-nodes", "yaml/complex-key", "file/too-large", "file/unreadable"}
    assert not untested, f"rules without a case in tests/cases: {sorted(untested)}"


def test_every_emitted_rule_is_in_the_catalogue():
    emitted = set()
    for path in CASES.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.endswith("]") and "[" in line:
                emitted.add(line.rsplit("[", 1)[1][:-1])
    unknown = {r for r in emitted if r not in RULES and not r.startswith("schema/")}
    assert not unknown
