"""Every rule: a record that breaks it, and the exact message, rule id and position.

Each case mutates a copy of tests/fixtures/minimal (a valid organisation) and states
the whole `perfdocs validate` output; the expected outputs live in tests/cases/<name>.txt
so that a changed message shows up as a readable diff. The cases themselves (MUTATIONS) live in
tests/support/cases.py, where the cache and fast-path tests reuse them.
"""

from __future__ import annotations

import re

import pytest

from perfdocs.rules import RULES

from tests.support.cases import MUTATIONS, check_case
from tests.support.files import CASES

FIRST_LINE = re.compile(r"^\S.*:\d+:\d+: .* \[[a-z]+/[a-z*-]+\]$")
"""A diagnostic's first line (the source line, carets and help lines below it are not)."""


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_rule_case_reports_exactly_the_expected_problems(name, minimal, tmp_path, cli, request):
    check_case(name, MUTATIONS[name], minimal, tmp_path, cli, request)


def test_every_rule_in_the_catalogue_has_a_case():
    covered = set()
    for path in CASES.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if FIRST_LINE.match(line):
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
    # Limits and rare I/O faults are exercised by the hostile corpus (tests/acceptance/test_hostile.py)
    # and the parser's limits by tests/unit/test_source.py.
    untested -= {"yaml/too-deep", "yaml/too-many-nodes", "yaml/complex-key", "file/too-large", "file/unreadable"}
    assert not untested, f"rules without a case in tests/cases: {sorted(untested)}"


def test_every_emitted_rule_is_in_the_catalogue():
    emitted = set()
    for path in CASES.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if FIRST_LINE.match(line):
                emitted.add(line.rsplit("[", 1)[1][:-1])
    unknown = {r for r in emitted if r not in RULES and not r.startswith("schema/")}
    assert not unknown
