"""The example organisation: alice's packet is ready, chen's is not yet, for stated reasons;
and `packet draft` writes valid packets that never replace a file."""

from __future__ import annotations

import json

import pytest

from perfdocs.people import readiness
from perfdocs.validation import validate

from tests.support.files import REPO

ALICE = "records/people/alice/packets/2026-h2-principal.md"
CHEN = "records/people/chen/packets/2026-h2-l3.md"


@pytest.fixture(scope="module")
def org():
    report = validate(REPO / "records")
    assert report.errors == 0
    return report.org


def test_alices_packet_is_ready(cli):
    res = cli("packet", "check", REPO / ALICE, "--format", "json")
    assert res.exit_code == 0, res
    report = json.loads(res.stdout)
    assert report["verdict"] == "ready"
    # Every one of the ten backend competencies of l5 has counted evidence of her own.
    assert {c["id"]: len(c["counted"]) for c in report["competencies"]} == {
        "system-design": 3,
        "code-quality": 2,
        "execution": 2,
        "operational-ownership": 2,
        "incident-response": 2,
        "testing": 3,
        "code-review": 1,
        "mentoring": 3,
        "communication": 2,
        "cross-team-influence": 3,
    }
    # Sustained: four quarters. Scope: l5 expects org-wide benefit from at least two entries.
    assert report["quarters"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert report["scope_required"] == "org"
    assert report["scope_evidence"] == [
        "alice/2026-07-08-exactly-once-talk",
        "alice/2026-09-16-interview-loop",
        "alice/2026-11-03-testing-guild",
    ]
    assert report["complexity_evidence"] == [
        "alice/2026-01-20-idempotency-rfc",
        "alice/2026-03-18-retry-storm-incident-commander",
        "alice/2026-03-26-retry-storm-postmortem",
        "alice/2026-05-02-retry-redesign",
    ]
    # The only finding is a note: no link has been verified with `perfdocs links resolve --write` yet.
    assert [(f["rule"], f["blocking"]) for f in report["findings"]] == [("readiness/unverified", False)]


def test_chens_packet_is_not_yet_with_the_missing_pieces(org):
    result = readiness.check(org, org.packets["chen/2026-h2-l3"])
    assert not result.ready
    assert [(f.rule, f.message) for f in result.disqualifying] == [
        ("readiness/claim-without-evidence", "the claim for system-design cites no evidence: support it or remove it"),
    ]
    assert [(f.rule, f.competency) for f in result.missing] == [
        ("readiness/too-little-evidence", "system-design"),
        ("readiness/no-claim", "operational-ownership"),
        ("readiness/no-claim", "mentoring"),
        ("readiness/no-claim", "cross-team-influence"),
        ("readiness/consistency", None),
    ]
    assert result.missing[-1].message == (
        "the counted evidence spans 1 quarter (2026-Q3); at least 2 needed to show it is sustained"
    )
    assert result.quarters == ["2026-Q3"]


def test_chens_text_report_says_not_yet_and_exits_0(cli):
    res = cli("packet", "check", REPO / CHEN)
    assert res.exit_code == 0, res
    assert res.stdout.splitlines()[:3] == [
        "Promotion readiness: chen l2 -> l3 (Senior Frontend Engineer)",
        "",
        "Not yet: 1 disqualifying finding and 5 missing pieces.",
    ]


def test_a_draft_lists_every_competency_with_its_descriptor_evidence_and_gaps(cli, example):
    res = cli("packet", "draft", "chen", "--target", "l3", "--records", example)
    assert res.exit_code == 0, res
    assert res.stdout.strip().endswith("people/chen/packets/2026-l3.md")
    text = (example / "people/chen/packets/2026-l3.md").read_text(encoding="utf-8")
    # The window is the 12 months before today (2026-11-24); chen's 2026-04-22 tests count.
    assert "window:\n  from: 2025-11-24\n  to: 2026-11-24\n" in text
    assert (
        '  - competency: testing\n    claim: "TODO: what this evidence shows against the l3 descriptor of testing"\n'
    ) in text
    assert (
        "      - chen/2026-04-22-checkout-form-tests  # 2026-04-22 pr, scope team\n"
        "      - chen/2026-08-26-bundle-size-budget  # 2026-08-26 tooling, scope team\n"
        "      - chen/2026-10-02-release-hash-smoke-test  # 2026-10-02 pr, scope team\n"
    ) in text
    for gap in ("system-design", "operational-ownership", "mentoring", "cross-team-influence"):
        assert f"  # GAP {gap}: no evidence in the window names it\n" in text
        assert f"**Gap:** no evidence dated 2025-11-24 to 2026-11-24 names {gap} yet." in text
    assert "## Delivery\n\n### System design\n\nl3 expects: Designs a whole product area" in text
    # It validates (its TODO claims are warnings), and checking it gives the missing pieces but
    # nothing disqualifying: the gaps, and every drafted claim, which is a placeholder until
    # written (a TODO claim is no claim).
    assert cli("validate", example).exit_code == 0
    assert cli("validate", "--strict", example).exit_code == 1
    check = json.loads(cli("packet", "check", "chen/2026-l3", "--records", example, "--format", "json").stdout)
    missing = [f["competency"] for f in check["findings"] if f["rule"] == "readiness/no-claim"]
    assert missing == [c["id"] for c in check["competencies"]]
    drafted = {c["id"] for c in check["competencies"] if c["placeholder_claim"]}
    assert drafted == {c["id"] for c in check["competencies"]} - {
        "system-design",
        "operational-ownership",
        "mentoring",
        "cross-team-influence",
    }
    assert not [f for f in check["findings"] if f["disqualifying"]]


def test_a_draft_never_replaces_a_file(cli, example):
    assert cli("packet", "draft", "alice", "--target", "l5", "--records", example).exit_code == 0
    before = (example / "people/alice/packets/2026-l5.md").read_text(encoding="utf-8")
    res = cli("packet", "draft", "alice", "--target", "l5", "--records", example)
    assert res.exit_code == 2, res
    assert res.stderr == (
        "perfdocs: error: people/alice/packets/2026-l5.md already exists; a draft never "
        "replaces a packet (choose another name with --slug)\n"
    )
    assert (example / "people/alice/packets/2026-l5.md").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("alice", "--target", "l9"),
            "--target 'l9' is not a level of track backend; choose from: l1, l2, l3, l4, l5, m5",
        ),
        (("alice", "--target", "l3"), "--target l3 is not above alice's level l4 in track backend"),
        (("nobody", "--target", "l3"), "unknown person 'nobody'"),
        (("gustavo", "--target", "l5"), "--target l5 is not above gustavo's level m5 in track backend"),
        (
            ("alice", "--target", "l5", "--slug", "../escape"),
            "--slug '../escape' is not a valid id (ASCII letters, digits, '.', '_' and '-')",
        ),
    ],
)
def test_draft_refuses_what_it_cannot_write(cli, example, args, message):
    res = cli("packet", "draft", *args, "--records", example)
    assert res.exit_code == 2, res
    assert res.stderr == f"perfdocs: error: {message}\n"
