"""What an evidence entry rests on (perfdocs.records.verification): the one definition of
verified, from the recorded `resolved:` blocks alone (no git), and with a git re-check
passed in. Records are built from text, as the loader builds them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from perfdocs.records import verification
from perfdocs.records.model import Record
from perfdocs.records.parse import load_text

TYPES = frozenset({"pr", "commit"})
SHA = "a" * 40


def record(text: str, kind: str = "evidence", rid: str = "ann/e") -> Record:
    doc = load_text(textwrap.dedent(text), Path(f"{rid}.yaml"), markdown=False)
    assert doc.data is not None, doc.diagnostics
    return Record(doc, f"{rid}.yaml", kind, rid, owner=rid.split("/")[0])


PEOPLE = {
    "ann": record("kind: person\nemails: [ann@tiny.example]\ngithub: ann-gh\n", "person", "ann"),
    "bob": record("kind: person\nemails: [bob@tiny.example]\n", "person", "bob"),
}


def evidence(type_: str, *links: str) -> Record:
    items = "".join(f"  - {link}\n" for link in links)
    return record(f"author: ann\ntype: {type_}\nlinks:\n{items}")


def resolved(role: str, as_: str | None = None) -> str:
    who = f", as: {as_}" if as_ else ""
    return f"{{ref: tiny/api#1, resolved: {{repo: tiny/api, commits: [{SHA}], role: {role}{who}}}}}"


def rests_on(ev: Record, **options: bool) -> list[tuple[str, bool]]:
    found = verification.evidence_verification(ev, PEOPLE, {"pm-1"}, TYPES, **options)
    return [(b.label, b.verified) for b in found.links]


def test_each_link_says_what_it_rests_on():
    ev = evidence(
        "pr",
        resolved("author", "ann@tiny.example"),
        resolved("author", "12345+ann-gh@users.noreply.github.com"),  # her GitHub noreply form
        resolved("author", "bob@tiny.example"),  # pasted from Bob's evidence
        resolved("committer", "ann@tiny.example"),  # she only pressed merge
        "postmortem:pm-1",
        "postmortem:pm-404",
        "tiny/api#2",  # never resolved
        "{ref: tiny/api#3, resolved: {repo: tiny/api}}",  # a block with no role
    )
    assert rests_on(ev) == [
        ("verified author", True),
        ("verified author", True),
        ("self-reported", False),
        ("self-reported", False),
        ("corroborated by a postmortem record", True),
        ("self-reported", False),
        ("self-reported", False),
        ("self-reported", False),
    ]
    assert rests_on(ev, committer_counts_as_author=True)[3] == ("verified committer", True)


def test_a_code_review_is_verified_by_a_reviewer_trailer_and_a_forge_review_only_by_opting_in():
    ev = evidence("code-review", resolved("reviewer", "ann@tiny.example"), resolved("cited"))
    assert rests_on(ev) == [("verified reviewer", True), ("cited, not verified", False)]
    assert rests_on(ev, forge_reviews_count=True) == [("verified reviewer", True), ("cited", True)]
    only_forge = verification.evidence_verification(evidence("code-review", resolved("cited")), PEOPLE, (), TYPES)
    assert (only_forge.label, only_forge.self_reported) == ("cited, not verified", True)


def test_a_type_that_claims_no_role_is_verified_by_a_cited_link():
    assert rests_on(evidence("mentoring", resolved("cited"))) == [("cited", True)]


def test_git_contradicting_a_recorded_block_unverifies_it_and_silence_keeps_the_record():
    ev = evidence("pr", resolved("author", "ann@tiny.example"))
    asked: list[int] = []

    def says(answer: bool | None) -> verification.Recheck:
        def recheck(evidence: Record, i: int) -> bool | None:
            asked.append(i)
            return answer

        return recheck

    contradicted = verification.evidence_verification(ev, PEOPLE, (), TYPES, recheck=says(False))
    assert (contradicted.verified, contradicted.label) == (
        0,
        "self-reported (the recorded resolution disagrees with git)",
    )
    assert verification.evidence_verification(ev, PEOPLE, (), TYPES, recheck=says(True)).verified == 1
    offline = verification.evidence_verification(ev, PEOPLE, (), TYPES, recheck=says(None))
    assert (offline.verified, offline.links[0].commits) == (1, (SHA,))
    assert asked == [0, 0, 0]


def test_the_strongest_basis_labels_the_entry():
    ev = evidence("pr", "postmortem:pm-1", resolved("author", "ann@tiny.example"), "tiny/api#2")
    found = verification.evidence_verification(ev, PEOPLE, {"pm-1"}, TYPES)
    assert (found.label, found.verified, found.self_reported) == ("verified author", 2, False)
