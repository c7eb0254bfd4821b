"""Placeholders are findings: text nobody has written yet never passes as evidence, a claim
or a plan (record/placeholder), and packet check counts a placeholder claim as no claim."""

from __future__ import annotations

import json

from tests.support.cli import one_line
from tests.support.files import edit

EVIDENCE = "people/ann/evidence/2026-03-01-retry-redesign.md"
PACKET = "people/ann/packets/2026-senior.md"
BODY = "Replaced ad-hoc retries with a shared policy; failed payments fell by a third."


def test_new_evidence_is_a_placeholder_until_written(cli, minimal):
    made = cli(
        "new",
        "evidence",
        "--records",
        minimal,
        "--author",
        "ann",
        "--type",
        "mentoring",
        "--title",
        "Paired with Bo",
        "--date",
        "2026-06-30",
    )
    assert made.exit_code == 0, made
    path = next((minimal / "people/ann/evidence").glob("2026-06-30-*.md"))
    res = cli("validate", "--records", minimal)
    assert res.exit_code == 0, res  # a warning: the draft is allowed to exist...
    assert f"{path}:12:1: warning: the body still holds a TODO marker (say what happened" in one_line(res.stdout)
    assert "[record/placeholder]" in one_line(res.stdout)
    strict = cli("validate", "--strict", "--records", minimal)
    assert strict.exit_code == 1  # ...but never passes --strict (CI)


def test_template_text_without_the_marker_is_still_a_placeholder(cli, minimal):
    edit(
        minimal / EVIDENCE,
        BODY,
        "What happened, what you did, and its impact (who benefited, what changed, how you know).",
    )
    res = cli("validate", "--records", minimal)
    assert "the body still holds the template text of `perfdocs new` (say what happened" in one_line(res.stdout)


def test_a_short_body_lorem_ipsum_and_markers_in_fields(cli, minimal):
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("placeholders:\n  min_body_chars: 40\n")
    edit(minimal / EVIDENCE, BODY, "Fixed it.")
    edit(minimal / "people/ann/evidence/2026-05-10-mentoring.md", "title: Mentored a new joiner", "title: Lorem ipsum")
    edit(minimal / PACKET, "summary: Ann designs systems the team builds on.", "summary: 'FIXME later'")
    res = cli("validate", "--records", minimal)
    out = one_line(res.stdout)
    assert "retry-redesign.md:14:1: warning: the body has only 9 characters (fewer than 40)" in out
    assert "mentoring.md:6:8: warning: title still holds 'lorem ipsum' (write what it says" in out
    assert "2026-senior.md:6:10: warning: summary still holds a FIXME marker (write what it says" in out


def test_markers_are_whole_words_and_configurable(cli, minimal):
    edit(minimal / EVIDENCE, BODY, BODY + " The TODOS list and a to-do app are real words.")
    res = cli("validate", "--records", minimal)
    assert "record/placeholder" not in one_line(res.stdout)
    (minimal / "org.yaml").write_text(
        (minimal / "org.yaml").read_text(encoding="utf-8") + "placeholders:\n  markers: [TODOS]\n  min_body_chars: 0\n",
        encoding="utf-8",
    )
    res = cli("validate", "--records", minimal)
    assert "the body still holds a TODOS marker (say what happened" in one_line(res.stdout)


def test_packet_check_counts_a_placeholder_claim_as_no_claim(cli, minimal):
    before = json.loads(cli("packet", "check", minimal / PACKET, "--format", "json").stdout)
    edit(minimal / PACKET, "claim: Mentors new joiners.", "claim: 'TODO: what this evidence shows'")
    res = cli("packet", "check", minimal / PACKET)
    assert "no claim for mentoring (collaboration) (its claim is still a placeholder): l3 expects" in res.stdout
    after = json.loads(cli("packet", "check", minimal / PACKET, "--format", "json").stdout)

    def missing(report):
        return {f["competency"] for f in report["findings"] if f["rule"] == "readiness/no-claim"}

    assert "mentoring" in missing(after) - missing(before)
    assert next(c for c in after["competencies"] if c["id"] == "mentoring")["placeholder_claim"] is True
