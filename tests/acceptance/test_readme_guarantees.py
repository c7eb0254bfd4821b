"""Every guarantee the README makes names the tests that check it, and those tests exist."""

from __future__ import annotations

import re

from tests.support.files import REPO

TESTS = REPO / "tests"


def _section(title: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n## {title}\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_every_guarantee_names_tests_that_exist():
    rows = [
        line
        for line in _section("Guarantees").splitlines()
        if line.startswith("| ") and not line.startswith(("| Guarantee", "|---"))
    ]
    assert len(rows) >= 15
    for row in rows:
        cited = re.findall(r"`([^`]+)`", row.rsplit(" | ", 1)[1])
        assert cited, f"a guarantee without a test: {row}"
        module = None
        for name in cited:
            if "::" in name:
                module, name = name.split("::")
            assert module, f"no test file named before {name!r}: {row}"
            function = name.split("[")[0]
            source = (TESTS / module).read_text(encoding="utf-8")
            assert re.search(rf"^def {re.escape(function)}\(", source, re.M), f"{module}::{function} does not exist"
            if "[" in name:
                case = name.split("[")[1].rstrip("]")
                assert case in source or (TESTS / "cases" / f"{case}.txt").is_file(), f"no case {case!r}"
