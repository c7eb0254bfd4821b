"""`new person` adds the person to their team's `members` in the team record's own text:
comments, order and the list's style are kept, whatever the list looks like."""

from __future__ import annotations

import pytest
import yaml

from perfdocs.errors import PerfdocsError
from perfdocs.repo.scaffold import with_member


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "kind: team\nid: core\nmembers:\n  - ann   # the lead\n  - bo\nservices: []\n",
            "kind: team\nid: core\nmembers:\n  - ann   # the lead\n  - bo\n  - ines\nservices: []\n",
        ),
        ("kind: team\nmembers:\n- ann\n", "kind: team\nmembers:\n- ann\n- ines\n"),
        ("kind: team\nmembers:\n  - ann", "kind: team\nmembers:\n  - ann\n  - ines"),
        ("kind: team\nmembers: [ann, bo]  # all of us\n", "kind: team\nmembers: [ann, bo, ines]  # all of us\n"),
        ("kind: team\nmembers: []\nid: core\n", "kind: team\nmembers: [ines]\nid: core\n"),
        ("kind: team\nmembers:\nid: core\n", "kind: team\nmembers: [ines]\nid: core\n"),
        ("kind: team\nid: core\n", "kind: team\nid: core\nmembers:\n  - ines\n"),
        ("kind: team\nid: core", "kind: team\nid: core\nmembers:\n  - ines\n"),
    ],
)
def test_the_new_member_is_appended_in_the_lists_own_style(before, after):
    assert with_member(before, "ines") == after
    assert yaml.safe_load(after)["members"][-1] == "ines"


def test_members_that_is_not_a_list_is_refused():
    with pytest.raises(PerfdocsError, match="'members' is not a list"):
        with_member("kind: team\nmembers: {ann: 1}\n", "ines")
