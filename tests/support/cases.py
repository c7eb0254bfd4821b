"""The rule cases: each is a change to a copy of tests/fixtures/minimal (a valid organisation)
and, in tests/cases/<name>.txt, the whole `perfdocs validate` output it must produce.

MUTATIONS holds the rule cases by name (tests/acceptance/test_rules.py runs them; the cache
and fast-path tests reuse them as a catalogue of broken organisations); `check_case` runs one.
The mutation builders (`appending`, `replacing`, `writing`, `copying`, `both`) each return a
function that applies the change to a records folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import Result
from tests.support.files import CASES, edit

Mutation = Callable[[Path], object]

EV = "people/ann/evidence/2026-03-01-retry-redesign.md"
ANN = "people/ann/person.yaml"
BOB = "people/bob/person.yaml"
MATRIX = "matrices/backend.yaml"
PACKET = "people/ann/packets/2026-senior.md"
REVIEW = "people/ann/reviews/2026-Q1.md"
GOAL = "people/ann/goals/2026-Q1-latency.yaml"
PM = "postmortems/pm-1.md"


def appending(rel: str, text: str) -> Mutation:
    def apply(root: Path) -> None:
        with open(root / rel, "a", encoding="utf-8") as fh:
            fh.write(text)

    return apply


def replacing(rel: str, old: str, new: str) -> Mutation:
    return lambda root: edit(root / rel, old, new)


def writing(rel: str, text: str | bytes) -> Mutation:
    def apply(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return apply


def copying(src: str, dest: str) -> Mutation:
    def apply(root: Path) -> None:
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / src, root / dest)

    return apply


def both(*steps: Mutation) -> Mutation:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)

    return apply


def rating_changed_after_calibration(root: Path) -> None:
    """A git story in the records folder (only org.yaml and ann's review are tracked, so that the
    commits' shas depend on nothing else): the review committed, the 2026-Q1 calibration meeting
    recorded in org.yaml, then the rating changed in a later commit, with no note."""
    from tests.support.git import GitRepo

    repo = GitRepo(root)
    texts = {rel: (root / rel).read_text() for rel in ("org.yaml", REVIEW)}
    repo.commit("Q1 reviews", texts, date="2026-04-01T12:00:00+00:00")
    org = (root / "org.yaml").read_text() + "calibration:\n  periods:\n    2026-Q1: {meeting: 2026-04-10}\n"
    repo.commit("Q1 calibration", {"org.yaml": org}, date="2026-04-10T12:00:00+00:00")
    changed = (root / REVIEW).read_text().replace("rating: exceeds", "rating: meets")
    repo.commit("ann: meets", {REVIEW: changed}, date="2026-04-15T12:00:00+00:00")


MUTATIONS = {
    # files and YAML
    "yaml-duplicate-key": appending(ANN, "name: Ann Again\n"),
    "yaml-syntax": replacing(ANN, "name: Ann Example", "name: [Ann"),
    "yaml-tag": replacing(ANN, "name: Ann Example", "name: !!python/object:os.system Ann"),
    "yaml-multiple-documents": appending(ANN, "---\nkind: person\n"),
    "yaml-empty": writing("teams/empty.yaml", ""),
    "yaml-not-a-mapping": writing("teams/list.yaml", "- kind: team\n"),
    "file-binary": writing("teams/binary.yaml", b"kind: team\x00\x01\x02"),
    "file-encoding": writing("teams/latin1.yaml", "kind: team\nname: Caf\xe9\n".encode("latin-1")),
    "file-front-matter-unclosed": writing("postmortems/pm-2.md", "---\nkind: postmortem\nid: pm-2\n"),
    "file-no-front-matter": writing("postmortems/pm-3.md", "# Just a heading\n"),
    "file-conflict-markers": replacing(
        ANN, "level: l2\n", "<<<<<<< HEAD\nlevel: l2\n=======\nlevel: l3\n>>>>>>> promotion\n"
    ),
    "file-conflict-markers-body": appending(
        EV, "\n<<<<<<< HEAD\nFailed payments fell by a third.\n=======\nFailed payments halved.\n>>>>>>> main\n"
    ),
    # schema
    "schema-type": replacing(ANN, "level: l2", "level: 2"),
    "schema-number": replacing("kpis/core/api-latency.yaml", "value: 320", "value: .inf"),
    "schema-unknown-field": replacing(EV, "title: Redesigned", "titel: Redesigned"),
    "schema-required": replacing(EV, "type: pr\n", ""),
    "schema-enum": replacing(EV, "type: pr", "type: prr"),
    "schema-format": replacing(ANN, "start_date: 2024-01-15", "start_date: 2024-02-30"),
    "schema-id": replacing("teams/core.yaml", "id: core", "id: core team"),
    "schema-pattern": replacing(GOAL, "period: 2026-Q1", "period: 2026-Q5"),
    "schema-date-form": replacing(EV, "date: 2026-03-01", "date: 2026-3-1"),
    "yaml-unquoted-colon": replacing(EV, "title: Redesigned payment retries", "title: Retry: safer"),
    "yaml-tab": replacing(EV, "  - design\n", "\t- design\n"),
    "schema-missing-kind": replacing("metrics/api-latency.yaml", "kind: metric\n", ""),
    "schema-unknown-kind": replacing("metrics/api-latency.yaml", "kind: metric", "kind: metrik"),
    # identity
    "id-duplicate": copying("metrics/api-latency.yaml", "metrics/copy.yaml"),
    "id-collision-case": copying(EV, "people/ann/evidence/2026-03-01-Retry-Redesign.md"),
    "id-collision-homoglyph": both(
        copying("metrics/api-latency.yaml", "metrics/copy.yaml"),
        replacing("metrics/copy.yaml", "id: api-latency", "id: \u0430pi-latency"),
    ),
    "id-invalid": copying(EV, "people/ann/evidence/2026-03-01-caf\u00e9.md"),
    "id-mismatch": replacing(EV, "author: ann", "author: bob"),
    "id-location": copying(EV, "misc/retry.md"),
    "id-from-path": replacing(GOAL, "kind: goal\n", "kind: goal\nid: latency\n"),
    # references
    "ref-unknown-person": replacing(ANN, "manager: bob", "manager: bobb"),
    "ref-unknown-team": replacing(ANN, "team: core", "team: cor"),
    "ref-unknown-repository": both(
        appending("org.yaml", "repositories:\n  tiny/api:\n    path: ../api\n"),
        appending("teams/core.yaml", "repositories:\n  - tiny/api\n  - tiny/apj\n"),
    ),
    "ref-unknown-track": replacing(ANN, "track: backend", "track: backnd"),
    "ref-unknown-level": replacing(ANN, "level: l2", "level: l9"),
    "ref-unknown-competency": replacing(EV, "  - design\n", "  - desing\n"),
    "ref-unknown-dimension": replacing(MATRIX, "dimension: delivery", "dimension: delivry"),
    "ref-unknown-set": replacing(MATRIX, "track: backend\n", "track: backend\ninclude: [engineering-basics]\n"),
    "ref-unknown-goal": replacing(EV, "ann/2026-Q1-latency", "ann/2026-Q1-latncy"),
    "ref-unknown-key-result": replacing(REVIEW, "key_result: retries", "key_result: retry"),
    "ref-unknown-evidence": replacing(PACKET, "ann/2026-05-10-mentoring", "ann/2026-05-11-mentoring"),
    "ref-unknown-review": writing(
        "people/bob/previews/2026-q1.yaml",
        "kind: ratings-preview\nperiod: 2026-Q1\nreviews:\n  - review: ann/2026-Q2\n    verdict: agree\n    note: Fair.\n",
    ),
    "calibration-unexplained-change": rating_changed_after_calibration,
    "ref-unknown-postmortem": replacing(
        "people/ann/evidence/2026-05-10-mentoring.md", "postmortem:pm-1", "postmortem:pm-9"
    ),
    "ref-unknown-metric": replacing("kpis/core/api-latency.yaml", "metric: api-latency", "metric: api-latncy"),
    "ref-unknown-rating": replacing(REVIEW, "rating: exceeds", "rating: great"),
    "ref-manager-cycle": replacing(BOB, "team: core\n", "team: core\nmanager: ann\n"),
    "ref-missing-matrix": both(
        copying("tracks/backend.yaml", "tracks/frontend.yaml"),
        replacing("tracks/frontend.yaml", "id: backend", "id: frontend"),
    ),
    "ref-missing-org": replacing("org.yaml", "kind: org", "kind: team"),
    "ref-absent-source": both(
        appending("org.yaml", "sources:\n  reviews:\n    path: ../reviews-private\n    kinds: [person, review]\n"),
        replacing(ANN, "manager: bob", "manager: zed"),
    ),
    # dates
    "date-future": replacing(ANN, "start_date: 2024-01-15", "start_date: 2027-01-15"),
    "date-order": replacing(PM, "restored: 2026-05-09T11:00:00Z", "restored: 2026-05-09T10:01:00Z"),
    # rubric lint
    "rubric-missing-descriptor": replacing(MATRIX, "      m3: Makes sure the team's designs get reviewed.\n", ""),
    "rubric-no-step-up": replacing(MATRIX, "l3: Mentors engineers across the team.", "l3: Helps new joiners."),
    "rubric-duplicate-descriptor": replacing(
        MATRIX, "l1: Asks good questions.", "l1: Implements designs others wrote."
    ),
    "rubric-bad-unchanged": replacing(MATRIX, "l1: Asks good questions.", "l1: {unchanged: true, note: Nothing new.}"),
    "rubric-empty-descriptor": replacing(MATRIX, "l1: Asks good questions.", "l1: ''"),
    "schema-cell-unchanged-without-note": replacing(MATRIX, "l2: Helps new joiners.", "l2: {unchanged: true}"),
    "rubric-numeric-level": both(
        replacing("tracks/backend.yaml", "id: l1", "id: 1"),
        *(replacing(MATRIX, f"      l1: {text}", f"      1: {text}") for text in ("Implements", "Joins", "Asks")),
    ),
    "rubric-unknown-level": replacing(MATRIX, "      l3: Mentors engineers", "      l4: Mentors engineers"),
    "rubric-repeated-criterion": both(
        replacing(
            MATRIX,
            "l2: Helps new joiners.",
            "l2: |-\n        - Helps new joiners find their way around.\n        - Reviews their first changes.",
        ),
        replacing(
            MATRIX,
            "l3: Mentors engineers across the team.",
            "l3: |-\n        - Mentors engineers across the team.\n        - Helps new joiners find their way around.",
        ),
    ),
    "rubric-invisible-character": replacing(MATRIX, "l2: Helps new joiners.", 'l2: "Helps new\u200b joiners."'),
    # Found on a real ladder copied from its web pages: `[our values](values.html)` in a cell.
    "rubric-relative-link": replacing(
        MATRIX, "l2: Helps new joiners.", "l2: Helps new joiners live [our values](values.html)."
    ),
    "rubric-proficiency": both(
        appending(
            "org.yaml",
            "scales:\n  - id: depth\n    steps:\n      - {id: aware, name: Aware}\n      - {id: practised, name: Practised}"
            "\n      - {id: expert, name: Expert}\n",
        ),
        replacing(MATRIX, "competencies:\n", "scale: depth\ncompetencies:\n"),
        replacing(MATRIX, "l2: Helps new joiners.", "l2: {text: Helps new joiners., proficiency: expert}"),
        replacing(
            MATRIX,
            "l3: Mentors engineers across the team.",
            "l3: {text: Mentors engineers across the team., proficiency: practised}",
        ),
        replacing(
            MATRIX,
            "m3: Grows every person on the team.",
            "m3: {text: Grows every person on the team., proficiency: guru}",
        ),
    ),
    "rubric-proficiency-no-scale": replacing(
        MATRIX, "l2: Helps new joiners.", "l2: {text: Helps new joiners., proficiency: expert}"
    ),
    "rubric-unknown-scale": replacing(
        MATRIX, "    dimension: collaboration\n", "    dimension: collaboration\n    scale: dept\n"
    ),
    "ref-no-rating-scale": replacing(
        "org.yaml",
        "rating_scale:\n  - id: exceeds\n    label: Exceeds\n    min_completion: 100\n    description: All key results met.\n  - id: meets\n    label: Meets\n    min_completion: 80\n    description: 80 to 99 % of key results met.\n  - id: needs-improvement\n    label: Needs improvement\n    min_completion: 0\n    description: Below 80 %.\n",
        "",
    ),
    "org-rating-scale": replacing("org.yaml", "min_completion: 80", "min_completion: 100"),
    # policy
    "policy-compensation": replacing(REVIEW, "rating: exceeds\n", "rating: exceeds\nsalary: 120000\n"),
    "metric-team-only-target": replacing(GOAL, "    baseline: 3\n", "    metric: api-latency\n    baseline: 3\n"),
    "packet-target-level": replacing(PACKET, "target_level: l3", "target_level: l1"),
    "packet-target-level-unknown": replacing(PACKET, "target_level: l3", "target_level: l4"),
    "packet-foreign-evidence": replacing(PACKET, "ann/2026-05-10-mentoring", "bob/2026-04-02-rotation"),
    "packet-current-level": replacing(PACKET, "current_level: l2", "current_level: l1"),
    "record-placeholder": both(
        replacing(
            "people/ann/evidence/2026-03-01-retry-redesign.md",
            "Replaced ad-hoc retries with a shared policy; failed payments fell by a third.",
            "TODO: what happened, what you did, and its impact (who benefited, what changed, how you know).",
        ),
        replacing(PACKET, "claim: Mentors new joiners.", "claim: 'TBD: what this shows'"),
    ),
    "evidence-no-competency": replacing(
        "people/bob/evidence/2026-04-02-rotation.md", "competencies:\n  - operations\n", "competencies: []\n"
    ),
    "team-membership": replacing("teams/core.yaml", "  - ann\n", ""),
    # review language (warnings)
    "language-personality": replacing(REVIEW, "Ann had a strong quarter.", "Ann is abrasive in design reviews."),
    "language-effort": replacing(REVIEW, "Ann had a strong quarter.", "Ann is a hard worker."),
    "language-gendered": replacing(REVIEW, "Ann had a strong quarter.", "The girls on support noticed."),
    "language-hedge": replacing(REVIEW, "Ann had a strong quarter.", "I think Ann had a strong quarter."),
    "language-vague": replacing(PACKET, "summary: Ann designs systems", "summary: Great job. Ann designs systems"),
    "language-unsupported-claim": replacing(REVIEW, "Ann had a strong quarter.", "Ann cut p99 latency by 40%."),
    "language-rating-mismatch": replacing(
        REVIEW, "Ann had a strong quarter.", "Ann struggled with the retries and missed the deadline."
    ),
    "language-config": appending("org.yaml", "language:\n  neutral:\n    hedges: [I think]\n"),
}


def check_case(
    name: str,
    mutate: Mutation,
    minimal: Path,
    tmp_path: Path,
    cli: Callable[..., Result],
    request: pytest.FixtureRequest,
) -> None:
    """Apply a case's change to the minimal organisation: `validate` must print exactly
    tests/cases/<name>.txt (rewritten instead with --regen-cases)."""
    mutate(minimal)
    res = cli("validate", "records", cwd=tmp_path)
    expected_file = CASES / f"{name}.txt"
    actual = f"exit {res.exit_code}\n{res.stdout}"
    if request.config.getoption("--regen-cases"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8"), res
