"""The placeholder judge (perfdocs.rules.placeholders.reason): its quick tests before each
pattern must never hide what the pattern finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.records.load import identify
from perfdocs.records.organisation import Organisation, build
from perfdocs.records.parse import load_text
from perfdocs.rules import placeholders


def _org(markers: str = "") -> Organisation:
    text = "kind: org\nid: acme\nname: Acme\n" + (f"placeholders:\n  markers: [{markers}]\n" if markers else "")
    record = identify(load_text(text, Path("org.yaml")), "org.yaml")
    assert record is not None
    return build([record], set())[0]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Shipped it. TODO: numbers", "a TODO marker"),
        ("a TODO-list is fine, as is aTODO", None),
        ("Lorem Ipsum dolor", "'lorem ipsum'"),
        ("LOREM IP\u017fUM", "'lorem ipsum'"),  # 'ſ' matches 's' without regard to case
        ("lorem \u0131psum", "'lorem ipsum'"),
        ("lorem ipsu m", None),
        (
            "  What happened, what you did,\n and its impact (who benefited, what changed, how you know).\u2003",
            "the template text of `perfdocs new`",
        ),
        (
            "WHAT HAPPENED, WHAT YOU DID, AND ITS IMPACT (WHO BENEFITED, WHAT CHANGED, HOW YOU KNOW).",
            "the template text of `perfdocs new`",
        ),
        ("What happened, what you did, and its impact (who benefited, what changed, how you know). More.", None),
        ("x" * 500, None),
    ],
)
def test_reason(text: str, why: str | None) -> None:
    assert placeholders.reason(text, _org()) == why


def test_markers_come_from_org_yaml() -> None:
    org = _org("WIP, to be written")
    assert placeholders.reason("Still to be written here", org) == "a to be written marker"
    assert placeholders.reason("TODO: numbers", org) is None
