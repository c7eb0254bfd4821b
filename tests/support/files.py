"""Files on disk for the tests: where the repository and its test data are, the day every
test runs on, a file tree written from a dict of texts, and one exact edit."""

from __future__ import annotations

import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The perfdocs checkout (tests never write into it)."""
TESTS = REPO / "tests"
FIXTURES = TESTS / "fixtures"
"""tests/fixtures/minimal: a small valid organisation the rule tests mutate."""
CASES = TESTS / "cases"
"""tests/cases/<rule-id>.txt: the exact expected output of every rule case."""
HOSTILE = TESTS / "hostile"
"""tests/hostile/<case>/: the hostile corpus, each case with its exact output."""
TODAY = "2026-11-24"
"""The day every test runs on (PERFDOCS_TODAY), so 'not in the future' rules are reproducible."""


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} under root (texts are dedented)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


NEW_EVIDENCE_BODY = "TODO: what happened, what you did, and its impact (who benefited, what changed, how you know)."
"""The body `perfdocs new evidence` writes (templates/scaffold/evidence.md.j2): a placeholder."""


def write_body(
    path: Path, body: str = "Replaced ad-hoc retries with one shared policy; failed payments fell by a third."
) -> None:
    """Do what a person does after `perfdocs new evidence`: replace the TODO body with what happened."""
    edit(path, NEW_EVIDENCE_BODY, body)
