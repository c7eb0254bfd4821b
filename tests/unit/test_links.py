"""Link text parsed to what it points at (no git needed)."""

from __future__ import annotations

import pytest

from perfdocs.records import linkforms


@pytest.mark.parametrize(
    "text, expected",
    [
        ("acme/payments#412", {"kind": "pr", "repo": "acme/payments", "number": 412}),
        (
            "https://github.com/acme/payments/pull/412",
            {"kind": "pr", "repo": "acme/payments", "number": 412, "web": "https://github.com"},
        ),
        (
            "https://gitlab.com/g/sub/p/-/merge_requests/9/diffs",
            {"kind": "pr", "repo": "g/sub/p", "number": 9, "web": "https://gitlab.com"},
        ),
        ("g/sub/p!9", {"kind": "pr", "repo": "g/sub/p", "number": 9}),
        ("acme/platform@3F9C2AB1", {"kind": "commit", "repo": "acme/platform", "sha": "3f9c2ab1"}),
        (
            "https://github.com/acme/web/commit/" + "a" * 40,
            {"kind": "commit", "repo": "acme/web", "sha": "a" * 40, "web": "https://github.com"},
        ),
        ("postmortem:pm-2026-007", {"kind": "postmortem", "postmortem": "pm-2026-007"}),
        ("https://wiki.acme.example/rfc/42", {"kind": "url", "web": "https://wiki.acme.example"}),
        ("see the wiki", {"kind": "unknown"}),
        ("acme/payments@xyz", {"kind": "unknown"}),
    ],
)
def test_link_forms_parse_to_what_they_point_at(text, expected):
    ref = linkforms.parse(text)
    assert {k: getattr(ref, k) for k in expected} == expected
