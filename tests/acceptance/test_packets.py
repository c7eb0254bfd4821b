"""Promotion readiness: every rule on a small hand-built organisation.

The organisation: one track (l1 < l2 < l3) with two competencies, design (delivery)
and mentoring (collaboration); cat (l2) has two evidence entries and a packet for l3
whose window is the first half of 2026. The org's readiness rules: 12-month window,
1 entry per competency, 2 quarters, l3 needs 1 entry benefiting multi-team or wider,
1 entry of type rfc. As built, the packet is ready; each test changes one thing and
states the outcome worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.files import edit
from tests.support.orgs import evidence, person, team, tiny_org

READINESS = """\
    readiness:
      evidence_window_months: 12
      min_evidence_per_competency: 1
      consistency:
        min_quarters: 2
      scope:
        by_level: {l2: team, l3: multi-team}
        min_evidence: 1
      complexity:
        evidence_types: [rfc]
        min_evidence: 1
      require_verified_links: false
"""

PACKET_TEXT = """\
    ---
    kind: packet
    candidate: cat
    current_level: l2
    target_level: l3
    summary: Cat designs across teams.
    sponsor: max
    status: submitted
    window: {from: 2026-01-01, to: 2026-06-30}
    claims:
      - competency: design
        claim: Designed retries for three teams.
        evidence: [cat/2026-02-10-rfc]
      - competency: mentoring
        claim: Grows joiners.
        evidence: [cat/2026-05-10-mentoring]
    ---
    Max sponsors Cat.
    """


PACKET = "people/cat/packets/senior.md"
RFC = "people/cat/evidence/2026-02-10-rfc.md"
MENTORING = "people/cat/evidence/2026-05-10-mentoring.md"


@pytest.fixture
def tiny(tmp_path) -> Path:
    return tiny_org(
        tmp_path / "tiny",
        settings=READINESS,
        levels=("l1", "l2", "l3"),
        competencies=[
            (
                "design",
                "delivery",
                {"l1": "Follows designs.", "l2": "Designs features.", "l3": "Designs across teams."},
            ),
            ("mentoring", "collaboration", {"l1": "Asks questions.", "l2": "Helps joiners.", "l3": "Grows engineers."}),
        ],
        teams={"core": team("core", "max", ["max", "cat"])},
        people={"max": person("max", "core", "l3", start="2020-01-01"), "cat": person("cat", "core", "l2", "max")},
        files={
            RFC: evidence(
                "cat",
                "2026-02-10",
                ["design"],
                type="rfc",
                title="Retry RFC",
                scope="multi-team",
                body="Wrote the retry RFC.",
            ),
            MENTORING: evidence(
                "cat", "2026-05-10", ["mentoring"], type="mentoring", title="Mentored a joiner", body="Weekly pairing."
            ),
            "people/max/evidence/2026-03-01-review.md": evidence(
                "max", "2026-03-01", ["mentoring"], type="mentoring", title="Max's own mentoring", body="Max's work."
            ),
            PACKET: PACKET_TEXT,
        },
    )


def redate(root: Path, rel: str, day: str) -> str:
    """Move an evidence entry to another date (its file name carries the date) and
    update the packet's citation; returns the new id."""
    old = root / rel
    old_id = "cat/" + old.stem
    new_id = "cat/" + day + old.stem[10:]
    text = old.read_text(encoding="utf-8")
    old.unlink()
    (old.parent / f"{day}{old.stem[10:]}.md").write_text(
        text.replace(f"date: {old_id[4:14]}", f"date: {day}"), encoding="utf-8"
    )
    edit(root / PACKET, old_id, new_id)
    return new_id


def check(cli, root: Path, *extra: str) -> dict:
    res = cli("packet", "check", root / PACKET, "--format", "json", *extra)
    assert res.exit_code == 0, res
    return json.loads(res.stdout)


def findings(report: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["message"]) for f in report["findings"]]


UNVERIFIED_BOTH = (
    "readiness/unverified",
    "2 of 2 counted evidence entries have no verified link (run "
    "`perfdocs links resolve --write`): cat/2026-02-10-rfc, cat/2026-05-10-mentoring",
)


def test_the_hand_built_packet_is_ready_with_only_the_unverified_note(cli, tiny):
    report = check(cli, tiny)
    assert report["verdict"] == "ready"
    assert findings(report) == [UNVERIFIED_BOTH]
    assert report["quarters"] == ["2026-Q1", "2026-Q2"]
    assert report["scope_evidence"] == ["cat/2026-02-10-rfc"]
    assert report["complexity_evidence"] == ["cat/2026-02-10-rfc"]
    assert [c["id"] for c in report["competencies"]] == ["design", "mentoring"]
    assert [c["counted"] for c in report["competencies"]] == [["cat/2026-02-10-rfc"], ["cat/2026-05-10-mentoring"]]


def test_the_text_report_shows_every_competency_claim_and_evidence(cli, tiny):
    res = cli("packet", "check", tiny / PACKET)
    assert res.exit_code == 0, res
    assert (
        res.stdout
        == """\
Promotion readiness: cat l2 -> l3 (Senior Engineer)

Ready: every competency of l3 is supported by cat's own evidence inside the window, and nothing is missing.

  Packet:      people/cat/packets/senior.md (submitted)
  Candidate:   Cat (cat), eng l2 -> l3 Senior Engineer
  Sponsor:     max
  Window:      2026-01-01 to 2026-06-30
  Consistency: 2 quarters: 2026-Q1, 2026-Q2
  Scope:       1 entry benefits multi-team or wider
  Complexity:  1 entry of a complexity type

delivery
  design [met]: l3 expects "Designs across teams."
    claim: Designed retries for three teams.
      cat/2026-02-10-rfc (2026-02-10, 2026-Q1, rfc, scope multi-team): own, in window, self-reported (no links)
    counted: 1; widest scope: multi-team; quarters: 2026-Q1; self-reported alone: 1 of 1 (100%)

collaboration
  mentoring [met]: l3 expects "Grows engineers."
    claim: Grows joiners.
      cat/2026-05-10-mentoring (2026-05-10, 2026-Q2, mentoring, scope team): own, in window, self-reported (no links)
    counted: 1; widest scope: team; quarters: 2026-Q2; self-reported alone: 1 of 1 (100%)

Disqualifying findings:
  none

Missing pieces:
  none

Notes:
  - 2 of 2 counted evidence entries have no verified link (run `perfdocs links resolve --write`): \
cat/2026-02-10-rfc, cat/2026-05-10-mentoring [readiness/unverified]

What l3 expects overall (judge the complexity with these in mind):
  - scope: Teams.
  - complexity: Ambiguous.
  - consistency: Sustained.

Rules applied (org.yaml readiness):
  - evidence counts when it is the candidate's own, dated inside the window (at most 12 months), and names \
the competency it is cited for
  - at least 1 counted evidence entry for every competency of the target level
  - consistency: counted evidence spread over at least 2 quarters
  - scope: at least 1 counted evidence entry benefiting multi-team or wider
  - complexity: at least 1 counted evidence entry of type rfc
  - verified links: reported, not required

Advisory: this checks the records against the published rules; people decide promotions.
"""
    )


def test_a_competency_without_a_claim_is_a_missing_piece(cli, tiny):
    edit(
        tiny / PACKET,
        """\
  - competency: mentoring
    claim: Grows joiners.
    evidence: [cat/2026-05-10-mentoring]
""",
        "",
    )
    report = check(cli, tiny)
    # Only the RFC is counted now: one quarter (Q1), so consistency fails too.
    assert report["verdict"] == "not yet"
    assert findings(report) == [
        ("readiness/no-claim", 'no claim for mentoring (collaboration): l3 expects "Grows engineers."'),
        (
            "readiness/consistency",
            "the counted evidence spans 1 quarter (2026-Q1); at least 2 needed to show it is sustained",
        ),
        (
            "readiness/unverified",
            "1 of 1 counted evidence entry has no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-02-10-rfc",
        ),
    ]


def test_a_claim_without_evidence_is_disqualifying(cli, tiny):
    edit(tiny / PACKET, "evidence: [cat/2026-05-10-mentoring]", "evidence: []")
    report = check(cli, tiny)
    assert report["verdict"] == "not yet"
    assert findings(report) == [
        ("readiness/claim-without-evidence", "the claim for mentoring cites no evidence: support it or remove it"),
        ("readiness/too-little-evidence", "mentoring has 0 counted evidence entries; at least 1 needed"),
        (
            "readiness/consistency",
            "the counted evidence spans 1 quarter (2026-Q1); at least 2 needed to show it is sustained",
        ),
        (
            "readiness/unverified",
            "1 of 1 counted evidence entry has no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-02-10-rfc",
        ),
    ]
    assert [f["disqualifying"] for f in report["findings"]] == [True, False, False, False]


def test_someone_elses_evidence_is_disqualifying_and_the_check_still_runs(cli, tiny):
    edit(
        tiny / PACKET,
        "evidence: [cat/2026-05-10-mentoring]",
        "evidence: [cat/2026-05-10-mentoring, max/2026-03-01-review]",
    )
    # validate reports it as an error; the readiness check shows it as a finding instead.
    assert cli("validate", tiny).exit_code == 1
    report = check(cli, tiny)
    assert report["verdict"] == "not yet"
    assert findings(report)[0] == ("readiness/foreign-evidence", "max/2026-03-01-review is max's evidence, not cat's")
    assert report["competencies"][1]["counted"] == ["cat/2026-05-10-mentoring"]
    assert [f["rule"] for f in report["findings"]] == ["readiness/foreign-evidence", "readiness/unverified"]


def test_other_errors_in_the_records_stop_the_check_with_exit_1(cli, tiny):
    edit(tiny / RFC, "type: rfc", "type: rfcc")
    res = cli("packet", "check", tiny / PACKET)
    assert res.exit_code == 1, res
    assert "[schema/enum]" in res.stdout
    assert res.stderr.endswith("perfdocs: stopped: the records have errors (see above)\n")


def test_evidence_outside_the_window_is_disqualifying_and_does_not_count(cli, tiny):
    redate(tiny, MENTORING, "2026-07-10")
    report = check(cli, tiny)
    assert findings(report)[:3] == [
        (
            "readiness/outside-window",
            "cat/2026-07-10-mentoring is dated 2026-07-10, outside the window 2026-01-01 to 2026-06-30",
        ),
        ("readiness/too-little-evidence", "mentoring has 0 counted evidence entries; at least 1 needed"),
        (
            "readiness/consistency",
            "the counted evidence spans 1 quarter (2026-Q1); at least 2 needed to show it is sustained",
        ),
    ]
    assert report["findings"][0]["disqualifying"] is True


def test_a_window_longer_than_the_org_allows_is_shortened(cli, tiny):
    # 12 months back from 2026-06-30 is 2025-06-30: evidence from May 2025 is outside.
    edit(tiny / PACKET, "from: 2026-01-01", "from: 2024-01-01")
    redate(tiny, RFC, "2025-05-10")
    report = check(cli, tiny)
    assert report["window"] == ["2025-06-30", "2026-06-30"]
    assert report["window_clipped"] is True
    assert findings(report)[0] == (
        "readiness/outside-window",
        "cat/2025-05-10-rfc is dated 2025-05-10, outside the window 2025-06-30 to 2026-06-30",
    )


def test_evidence_that_does_not_name_the_competency_does_not_count_for_it(cli, tiny):
    edit(tiny / PACKET, "evidence: [cat/2026-05-10-mentoring]", "evidence: [cat/2026-02-10-rfc]")
    report = check(cli, tiny)
    assert findings(report) == [
        (
            "readiness/off-competency",
            "cat/2026-02-10-rfc does not name mentoring among its competencies, so it does not count for it",
        ),
        ("readiness/too-little-evidence", "mentoring has 0 counted evidence entries; at least 1 needed"),
        (
            "readiness/consistency",
            "the counted evidence spans 1 quarter (2026-Q1); at least 2 needed to show it is sustained",
        ),
        (
            "readiness/unverified",
            "1 of 1 counted evidence entry has no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-02-10-rfc",
        ),
    ]


def test_one_burst_of_evidence_is_not_consistency(cli, tiny):
    redate(tiny, MENTORING, "2026-03-20")
    report = check(cli, tiny)
    assert findings(report) == [
        (
            "readiness/consistency",
            "the counted evidence spans 1 quarter (2026-Q1); at least 2 needed to show it is sustained",
        ),
        (
            "readiness/unverified",
            "2 of 2 counted evidence entries have no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-02-10-rfc, cat/2026-03-20-mentoring",
        ),
    ]


def test_the_quarters_needed_come_from_the_org(cli, tiny):
    edit(tiny / "org.yaml", "min_quarters: 2", "min_quarters: 3")
    report = check(cli, tiny)
    assert findings(report)[0] == (
        "readiness/consistency",
        "the counted evidence spans 2 quarters (2026-Q1, 2026-Q2); at least 3 needed to show it is sustained",
    )


def test_evidence_below_the_target_levels_scope_is_a_missing_piece(cli, tiny):
    edit(tiny / RFC, "scope: multi-team", "scope: team")
    report = check(cli, tiny)
    assert findings(report) == [
        ("readiness/scope", "0 counted evidence entries benefit multi-team or wider; at least 1 needed at l3"),
        UNVERIFIED_BOTH,
    ]


def test_evidence_without_a_complexity_type_is_a_missing_piece(cli, tiny):
    edit(tiny / RFC, "type: rfc", "type: pr")
    report = check(cli, tiny)
    assert findings(report) == [
        ("readiness/complexity", "0 counted evidence entries of type rfc; at least 1 needed"),
        UNVERIFIED_BOTH,
    ]


def test_the_evidence_needed_per_competency_comes_from_the_org(cli, tiny):
    edit(tiny / "org.yaml", "min_evidence_per_competency: 1", "min_evidence_per_competency: 2")
    report = check(cli, tiny)
    assert findings(report)[:2] == [
        ("readiness/too-little-evidence", "design has 1 counted evidence entry; at least 2 needed"),
        ("readiness/too-little-evidence", "mentoring has 1 counted evidence entry; at least 2 needed"),
    ]


RESOLVED_LINK = """\
links:
  - ref: tiny/api#12
    resolved:
      repo: tiny/api
      pr: 12
      commits: [0123456789abcdef0123456789abcdef01234567]
      style: merge
      merged_at: '2026-02-11T10:00:00+00:00'
      role: author
      as: cat@tiny.example
      verified_at: 2026-11-20
competencies: [design]"""


def test_links_verified_by_links_resolve_count_as_verified(cli, tiny):
    edit(tiny / RFC, "competencies: [design]", RESOLVED_LINK)
    report = check(cli, tiny)
    assert report["competencies"][0]["evidence"][0]["verified"] is True
    assert findings(report) == [
        (
            "readiness/unverified",
            "1 of 2 counted evidence entries has no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-05-10-mentoring",
        ),
    ]
    assert report["verdict"] == "ready"


@pytest.mark.parametrize(
    ("recorded", "verified"),
    [
        ("      role: author\n      as: cat@tiny.example\n", True),
        ("      role: author\n      as: CAT@tiny.example\n", True),  # emails match without case
        ("", False),  # no role: written before roles were recorded, or by hand
        ("      role: author\n", False),  # no identity
        ("      role: author\n      as: ann@tiny.example\n", False),  # someone else's work
        ("      role: committer\n      as: cat@tiny.example\n", False),  # merged it, did not write it
        ("      role: cited\n", False),  # an rfc claims authorship: citing is not enough
        ("      role: reviewer\n      as: cat@tiny.example\n", False),
    ],
)
def test_packet_check_without_the_clone_refuses_a_resolution_not_proving_the_candidates_role(
    cli, tiny, recorded, verified
):
    block = RESOLVED_LINK.replace("      role: author\n      as: cat@tiny.example\n", recorded)
    edit(tiny / RFC, "competencies: [design]", block)
    report = check(cli, tiny)
    assert report["competencies"][0]["evidence"][0]["verified"] is verified


def test_a_github_noreply_address_proves_the_person_with_that_username(cli, tiny):
    edit(tiny / "people/cat/person.yaml", "emails: [cat@tiny.example]", "emails: [cat@tiny.example]\ngithub: cat-gh")
    edit(tiny / RFC, "competencies: [design]", RESOLVED_LINK)
    recorded = "cat@tiny.example"
    for address, verified in [
        ("12345+cat-gh@users.noreply.github.com", True),
        ("cat-gh@users.noreply.github.com", True),
        ("12345-cat-gh@users.noreply.gitlab.com", True),
        ("12345+cat@users.noreply.github.com", False),  # the records' handle is not the GitHub username
        ("noreply@github.com", False),  # GitHub's web-merge committer is nobody
    ]:
        edit(tiny / RFC, f"as: {recorded}\n", f"as: {address}\n")
        recorded = address
        report = check(cli, tiny)
        assert report["competencies"][0]["evidence"][0]["verified"] is verified, address


POSTMORTEM = """\
---
kind: postmortem
id: pm-7
title: Queue backlog
date: 2026-05-01
severity: sev3
team: core
services: [api]
started: 2026-05-01T10:00:00Z
detected: 2026-05-01T10:05:00Z
restored: 2026-05-01T10:30:00Z
participants: [cat]
action_items:
  - {title: Alert on queue depth, owner: cat, status: done}
---
The queue backed up for half an hour.
"""


def test_a_link_to_an_existing_postmortem_record_counts_as_verified(cli, tiny):
    (tiny / "postmortems").mkdir()
    (tiny / "postmortems/pm-7.md").write_text(POSTMORTEM, encoding="utf-8")
    edit(
        tiny / MENTORING,
        "competencies:",
        "links: ['postmortem:pm-7', 'https://wiki.tiny.example/on-call']\ncompetencies:",
    )
    report = check(cli, tiny)
    mentoring = next(
        ev for comp in report["competencies"] for ev in comp["evidence"] if ev["id"] == "cat/2026-05-10-mentoring"
    )
    assert (mentoring["verified"], mentoring["links_verified"], mentoring["links"]) == (True, 1, 2)
    assert findings(report) == [
        (
            "readiness/unverified",
            "1 of 2 counted evidence entries has no verified link (run "
            "`perfdocs links resolve --write`): cat/2026-02-10-rfc",
        ),
    ]


def test_unverified_evidence_blocks_only_when_the_org_requires_verified_links(cli, tiny):
    edit(tiny / "org.yaml", "require_verified_links: false", "require_verified_links: true")
    edit(tiny / RFC, "competencies: [design]", RESOLVED_LINK)
    report = check(cli, tiny)
    assert report["verdict"] == "not yet"
    assert [(f["rule"], f["blocking"]) for f in report["findings"]] == [("readiness/unverified", True)]


def test_the_markdown_report_is_a_pull_request_comment(cli, tiny):
    edit(tiny / PACKET, "evidence: [cat/2026-05-10-mentoring]", "evidence: []")
    res = cli("packet", "check", tiny / PACKET, "--format", "markdown")
    assert res.exit_code == 0, res
    assert res.stdout.startswith(
        "## Promotion readiness: Cat (cat), l2 → l3 Senior Engineer\n\n"
        "**Not yet: 1 disqualifying finding and 2 missing pieces.**\n"
    )
    assert (
        "### Disqualifying findings\n\n"
        "- the claim for mentoring cites no evidence: support it or remove it "
        "`readiness/claim-without-evidence`\n"
    ) in res.stdout
    assert "| Mentoring | collaboration | 1 | 0 | - | - | - | gap |\n" in res.stdout
    assert "| Design | delivery | 1 | 1 | 1 of 1 (100%) | multi-team | 2026-Q1 | met |\n" in res.stdout


def test_a_packet_can_be_named_by_its_id(cli, tiny):
    res = cli("packet", "check", "cat/senior", "--records", tiny)
    assert res.exit_code == 0, res
    assert res.stdout.startswith("Promotion readiness: cat l2 -> l3 (Senior Engineer)\n")


def test_an_unknown_packet_is_a_usage_error(cli, tiny):
    res = cli("packet", "check", "cat/senoir", "--records", tiny)
    assert res.exit_code == 2, res
    assert res.stderr == "perfdocs: error: unknown packet 'cat/senoir'; did you mean 'cat/senior'?\n"


def test_checking_a_file_that_is_not_a_packet_is_a_usage_error(cli, tiny):
    res = cli("packet", "check", tiny / RFC)
    assert res.exit_code == 2, res
    assert res.stderr.endswith("is not a packet record (kind: packet)\n")


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "by_level: {l2: team, l3: multi-team}",
            "by_level: {l2: team, l4: multi-team}",
            "org.yaml:20:26: no track has a level 'l4' [readiness/config]\n"
            "    |\n"
            " 20 |     by_level: {l2: team, l4: multi-team}\n"
            "    |                          ^^\n",
        ),
        (
            "evidence_types: [rfc]",
            "evidence_types: [rfcs]",
            "org.yaml:23:22: unknown evidence type 'rfcs'; did you mean 'rfc'? [readiness/config]\n"
            "    |\n"
            " 23 |     evidence_types: [rfcs]\n"
            "    |                      ^^^^\n",
        ),
    ],
)
def test_readiness_settings_that_name_nothing_real_are_reported_in_org_yaml(cli, tiny, old, new, message):
    edit(tiny / "org.yaml", old, new)
    res = cli("packet", "check", tiny / PACKET)
    assert res.exit_code == 1, res
    assert res.stdout == f"{tiny}/{message}\n"
