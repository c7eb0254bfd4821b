"""Review language is advice at the exact place: each planted pattern in a review or packet
is a language/* warning at its line and column (in the Markdown body and inside folded,
quoted and block YAML strings), a clean review has none, the org's per-track changes to the
word lists apply, and `validate` reports the findings as warnings (--strict fails on them)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import one_line
from tests.support.files import edit

REVIEW = "people/ann/reviews/2026-Q1.md"
PACKET = "people/ann/packets/2026-senior.md"

PLANTED_REVIEW = """\
---
kind: review
person: ann
period: 2026-Q1
reviewer: bob
status: final
key_results:
  - goal: ann/2026-Q1-latency
    key_result: retries
    completion: 100
completion: 100
rating: exceeds
summary: Ann is a hard worker and the retry work
  went well. I think the redesign is sound.
feedback:
  - from: bob
    relation: manager
    quote: 'Ann''s bossy in design reviews.'
    evidence:
      - ann/2026-03-01-retry-redesign
development_plan:
  - skill: Be more strategic
    competency: design
    resources:
      - Pair with the platform team on the next RFC
    timeline: 2026-Q2
    success_measures:
      - An RFC adopted by another team
---
Great job this quarter. Ann cut failed payments
by 30% and the girls on support noticed it.

The retry redesign cut failed payments by a third (ann/2026-03-01-retry-redesign).
"""

PLANTED_PACKET = """\
---
kind: packet
candidate: ann
current_level: l2
target_level: l3
summary: >
  Ann designs systems the team builds on;
  she is somewhat ready.
sponsor: bob
status: draft
window:
  from: 2026-01-01
  to: 2026-06-30
claims:
  - competency: design
    claim: "Redesigned \\"retries\\" with real diligence."
    evidence:
      - ann/2026-03-01-retry-redesign
  - competency: mentoring
    claim: Mentors new joiners.
    evidence:
      - ann/2026-05-10-mentoring
---
Bob sponsors Ann. Her mentoring halved the time new joiners take to ship.
"""


def _lines(res_stdout: str) -> list[str]:
    return one_line(res_stdout).splitlines()


def _firsts(res_stdout: str) -> list[str]:
    """Each problem's first line, without its help."""
    return [line for line in res_stdout.splitlines() if line and not line.startswith(" ")]


def test_each_planted_pattern_is_a_warning_at_its_exact_position(cli, minimal):
    (minimal / REVIEW).write_text(PLANTED_REVIEW, encoding="utf-8")
    (minimal / PACKET).write_text(PLANTED_PACKET, encoding="utf-8")
    res = cli("review", "lint", "records", cwd=minimal.parent)
    assert res.exit_code == 0, res
    review, packet = f"records/{REVIEW}", f"records/{PACKET}"
    assert _firsts(res.stdout) == [
        f"{packet}:8:10: warning: 'somewhat' raises doubt [language/hedge]",
        f"{packet}:16:46: warning: 'diligence' praises effort, not what it achieved [language/effort]",
        f"{packet}:24:33: warning: this sentence claims an impact ('halved') but cites no evidence "
        "[language/unsupported-claim]",
        f"{review}:13:19: warning: 'hard worker' praises effort, not what it achieved [language/effort]",
        f"{review}:14:14: warning: 'I think' raises doubt [language/hedge]",
        f"{review}:18:20: warning: 'bossy' describes personality, not work [language/personality]",
        f"{review}:22:12: warning: 'Be more strategic' is vague: it names no behaviour, result or next step "
        "[language/vague]",
        f"{review}:30:1: warning: 'Great job' is vague: it names no behaviour, result or next step [language/vague]",
        f"{review}:30:29: warning: this sentence claims an impact ('cut') but cites no evidence "
        "[language/unsupported-claim]",
        f"{review}:31:16: warning: 'girls' is an unnecessarily gendered term [language/gendered]",
    ]
    # Each column points at the term in the file as written (folded, quoted, escaped or not).
    for line in _firsts(res.stdout):
        where, rest = line.split(": warning: ", 1)
        path, row, col = where.rsplit(":", 2)
        term = rest.split("'")[1]
        text = Path(minimal.parent / path).read_text(encoding="utf-8").splitlines()[int(row) - 1]
        assert text[int(col) - 1 :].casefold().startswith(term.split()[0].casefold()), (line, text)
    assert "= help: say what the effort achieved" in res.stdout
    assert "2 files checked: 0 errors, 10 warnings (ok)" in res.stderr


def test_a_gendered_term_with_an_alternative_names_it_in_the_help(cli, minimal):
    edit(minimal / REVIEW, "Ann had a strong quarter.", "The guys on support noticed.")
    res = cli("review", "lint", "--records", minimal)
    assert _lines(res.stdout) == [
        f"{minimal / REVIEW}:28:5: warning: 'guys' is an unnecessarily gendered term "
        "(write everyone, folks or the team instead) [language/gendered]"
    ]


def test_a_clean_review_and_packet_have_no_findings(cli, minimal):
    res = cli("review", "lint", "--records", minimal)
    assert res.exit_code == 0, res
    assert res.stdout == ""
    assert "2 files checked: 0 errors, 0 warnings (ok)" in res.stderr


def test_the_example_organisation_reads_clean(cli):
    res = cli("--example", "review", "lint")
    assert res.exit_code == 0, res
    assert res.stdout == ""


def test_validate_reports_the_findings_as_warnings_and_strict_fails_on_them(cli, minimal):
    edit(minimal / REVIEW, "Ann had a strong quarter.", "Ann is a hard worker.")
    res = cli("validate", "--records", minimal)
    assert res.exit_code == 0, res
    assert _lines(res.stdout) == [
        f"{minimal / REVIEW}:28:10: warning: 'hard worker' praises effort, not what it achieved "
        "(say what the effort achieved (the result, who benefited, how you know) and cite the evidence) "
        "[language/effort]"
    ]
    strict = cli("validate", "--strict", "--records", minimal)
    assert strict.exit_code == 1, strict
    assert strict.stdout == res.stdout


def test_a_highest_rating_over_a_narrative_of_concerns_is_a_mismatch(cli, minimal):
    edit(
        minimal / REVIEW,
        "Ann had a strong quarter.",
        "Ann struggled with the retry work and missed the first deadline; the team raised concerns.",
    )
    res = cli("review", "lint", "--records", minimal)
    assert _lines(res.stdout) == [
        f"{minimal / REVIEW}:12:9: warning: the rating 'exceeds' is the highest, but the narrative voices 3 "
        "concerns ('struggled', 'missed', 'concerns') and 0 praise (show in the narrative, with its evidence, "
        "what earns the rating, or bring the rating to calibration) [language/rating-mismatch]"
    ]


def test_a_lowest_rating_with_only_praise_is_a_mismatch(cli, minimal):
    edit(minimal / REVIEW, "rating: exceeds", "rating: needs-improvement")
    edit(minimal / REVIEW, "Ann had a strong quarter.", "Ann had an outstanding quarter and excellent reviews.")
    res = cli("review", "lint", "--records", minimal)
    assert _lines(res.stdout) == [
        f"{minimal / REVIEW}:12:9: warning: the rating 'needs-improvement' is the lowest, but the narrative holds "
        "only praise ('outstanding', 'excellent') (name the gaps that lead to this rating, with their evidence, "
        "or bring the rating to calibration) [language/rating-mismatch]"
    ]


def test_a_track_override_silences_a_word_the_org_declares_neutral_for_that_track(cli, example):
    alice, chen = "people/alice/reviews/2026-q3.md", "people/chen/reviews/2026-q3.md"
    edit(example / alice, "Alice had an outstanding quarter.", "Alice had an outstanding, aggressive quarter.")
    edit(example / chen, "The next step for Chen is scope.", "The next step for Chen is aggressive scope.")
    before = _lines(cli("review", "lint", "--records", example).stdout)
    assert [line.split(": warning:")[0].rsplit("/", 3)[-3] for line in before] == ["alice", "chen"]
    with open(example / "org.yaml", "a", encoding="utf-8") as fh:  # alice is backend, chen frontend
        fh.write("language:\n  tracks:\n    backend:\n      neutral:\n        personality: [aggressive]\n")
    after = cli("review", "lint", "--records", example)
    assert _lines(after.stdout) == [before[1]]
    assert cli("validate", "--records", example).exit_code == 0


def test_org_wide_extensions_and_neutral_phrases(cli, minimal):
    edit(minimal / REVIEW, "Ann had a strong quarter.", "Ann crushed it. Her aggressive caching helped.")
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("language:\n  extend:\n    vague: [crushed it]\n  neutral:\n    personality: [aggressive caching]\n")
    res = cli("review", "lint", "--records", minimal)
    assert _firsts(res.stdout) == [
        f"{minimal / REVIEW}:28:5: warning: 'crushed it' is vague: it names no behaviour, result or next step "
        "[language/vague]"
    ]


def test_language_settings_that_name_nothing_are_reported_where_written(cli, minimal):
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            "language:\n  neutral:\n    hedges: [I think]\n  tracks:\n    frontnd:\n      extend:\n"
            "        vague: [crushed it]\n    backend:\n      extend:\n        vague: crushed it\n"
        )
    res = cli("validate", "--records", minimal)
    org = minimal / "org.yaml"
    assert res.exit_code == 1, res  # a value of the wrong type is a schema error, as for every setting
    assert _lines(res.stdout) == [
        f"{org}:32:5: warning: language neutral names the word list 'hedges', which does not exist; "
        "did you mean 'hedge'? (the word lists: concern, effort, gendered, hedge, impact, personality, praise, "
        "vague) [language/config]",
        f"{org}:34:5: warning: language names the track 'frontnd', which does not exist (the tracks: backend) "
        "[language/config]",
        f"{org}:39:16: 'vague' must be a list, not text [schema/type]",
    ]


def test_lint_json_and_period(cli, minimal):
    edit(minimal / REVIEW, "Ann had a strong quarter.", "Ann is a hard worker.")
    res = cli("review", "lint", "--json", "--period", "2026-Q1", "--records", minimal)
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert doc["summary"] == {"errors": 0, "warnings": 1, "files": 1}
    assert [(d["line"], d["col"], d["rule"], d["severity"]) for d in doc["diagnostics"]] == [
        (28, 10, "language/effort", "warning")
    ]
    other = cli("review", "lint", "--json", "--period", "2026-Q2", "--records", minimal)
    assert json.loads(other.stdout)["summary"] == {"errors": 0, "warnings": 0, "files": 0}


def test_lint_refuses_a_path_that_is_not_a_review_or_packet(cli, minimal):
    res = cli("review", "lint", minimal / "people/ann/person.yaml")
    assert res.exit_code == 2, res
    assert f"{minimal / 'people/ann/person.yaml'} is not a review or a packet" in res.stderr
    missing = cli("review", "lint", "--records", minimal, minimal / "people/ann/reviews/2026-Q9.md")
    assert missing.exit_code == 2, missing
