"""One YAML reader: record text is read only by perfdocs/records/parse.py, with its limits,
and the writers that edit a file in place refuse a file beyond them without expanding it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from perfdocs.diagnostics import Diagnostic
from perfdocs.errors import PerfdocsError
from perfdocs.links import writeback
from perfdocs.metrics import series_write
from perfdocs.records import parse

HANG_SECONDS = 30.0
"""A hang guard, not a speed claim (speed is the bench's): an expanded bomb takes minutes."""

PACKAGE = Path(__file__).resolve().parents[2] / "perfdocs"

READERS = re.compile(
    r"yaml\.(compose|compose_all|load|load_all|safe_load|safe_load_all|full_load|unsafe_load|parse|scan)\("
    r"|C?SafeLoader|CLoader|CFullLoader|CBaseLoader"
)
KNOWN_BREAKS: set[str] = set()
"""Modules that still read YAML themselves (none: the rubric history reads through parse.load_text)."""

# Nine lists of nine aliases of the one before: 9**9 strings once expanded, 400 bytes written.
ALIAS_BOMB = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
DEEP_TEXTS = {
    "flow-10000": "values: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "compact-10000": "values: \n  " + "- " * 10_000 + "x\n",
    # Block nesting needs one more space a level: 1,000 levels already take 500,000 characters.
    "block-1000": "values:\n" + "".join(" " * i + "-\n" for i in range(1, 1_001)),
}
WRITER_CASES = {"alias-bomb": ALIAS_BOMB, **DEEP_TEXTS}


def _readers_outside_parse() -> set[str]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel != "records/parse.py" and READERS.search(path.read_text(encoding="utf-8")):
            found.add(rel)
    return found


def test_only_the_records_parser_reads_yaml():
    assert _readers_outside_parse() - KNOWN_BREAKS == set()


def test_every_known_break_still_reads_yaml_itself():
    """A module fixed to read through the parser leaves KNOWN_BREAKS (as import-linter's ignores do)."""
    assert KNOWN_BREAKS <= _readers_outside_parse(), "remove the fixed modules from KNOWN_BREAKS"


def test_compose_gives_character_marks_and_file_lines():
    text = "title: été à Zürich\nlinks:\n  - acme/payments#412\n"
    root = parse.compose(text, "ev.md", marks="char", line_offset=1)
    assert isinstance(root, yaml.MappingNode)
    item = root.value[1][1].value[0]
    assert text[item.start_mark.index : item.end_mark.index] == "acme/payments#412"
    line_root = parse.compose(text, "ev.md", marks="line")
    assert isinstance(line_root, yaml.MappingNode)
    assert (line_root.value[1][1].value[0].start_mark.line, line_root.value[1][1].value[0].start_mark.column) == (2, 4)


def test_compose_of_an_empty_text_is_none():
    assert parse.compose("", "x.yaml") is None
    assert parse.compose("# only a comment\n", "x.yaml", marks="char") is None


@pytest.mark.parametrize("marks", ["char", "line"])
def test_compose_reports_an_alias_bomb_without_expanding_it(marks):
    started = time.monotonic()
    found = parse.compose(ALIAS_BOMB, "kpis/x.yaml", marks=marks, line_offset=1)
    assert time.monotonic() - started < HANG_SECONDS
    assert isinstance(found, Diagnostic)
    assert (found.rule, found.path) == ("yaml/too-many-nodes", "kpis/x.yaml")
    assert found.message == parse.load_text(ALIAS_BOMB, Path("x.yaml")).diagnostics[-1].message


@pytest.mark.parametrize("marks", ["char", "line"])
@pytest.mark.parametrize("shape", sorted(DEEP_TEXTS))
def test_compose_reports_10000_deep_nesting_without_composing_it(marks, shape):
    started = time.monotonic()
    found = parse.compose(DEEP_TEXTS[shape], "kpis/x.yaml", marks=marks)
    assert time.monotonic() - started < HANG_SECONDS
    assert isinstance(found, Diagnostic)
    assert (found.rule, found.line, found.message) == ("yaml/too-deep", 1, "nesting deeper than 50 levels")


def test_compose_refuses_a_text_longer_than_the_loader_reads():
    found = parse.compose("a: " + "x" * parse.MAX_YAML_CHARS + "\n", "big.yaml")
    assert isinstance(found, Diagnostic) and found.rule == "file/too-large"


def test_compose_reports_a_syntax_error_at_its_line_in_the_file():
    found = parse.compose("title: x\nlinks: [\n", "ev.md", marks="char", line_offset=1)
    assert isinstance(found, Diagnostic)
    assert found.rule == "yaml/syntax" and found.line >= 3


SERIES = "kind: kpi\nid: core-lead\nteam: core\nmetric: lead-time\n"
ITEM = {"period": "2026-01", "value": 2, "provenance": {"source": "git"}}


@pytest.mark.parametrize("case", sorted(WRITER_CASES))
def test_the_kpi_writer_refuses_a_series_beyond_the_limits(case):
    text = WRITER_CASES[case]
    change = series_write.SeriesChange("records/kpis/core/lead.yaml", "core-lead")
    started = time.monotonic()
    with pytest.raises(
        PerfdocsError, match=r"^records/kpis/core/lead\.yaml:\d+:\d+: .*\[yaml/too-.*\]; the series was not written$"
    ):
        series_write.upsert_values(SERIES + text, [ITEM], change=change)
    assert time.monotonic() - started < HANG_SECONDS
    assert change.added == change.updated == []


@pytest.mark.parametrize("case", sorted(WRITER_CASES))
def test_the_link_writer_refuses_evidence_beyond_the_limits_and_writes_nothing(tmp_path, case):
    text = WRITER_CASES[case]
    path = tmp_path / "2026-01-05-retries.md"
    original = f"---\nkind: evidence\nlinks:\n  - acme/payments#412\n{text}---\nThe body.\n"
    path.write_text(original)
    started = time.monotonic()
    with pytest.raises(PerfdocsError, match=r"\[yaml/too-.*\]; the evidence was not written$"):
        writeback.write(path, {0: {"repo": "acme/payments", "pr": 412}})
    assert time.monotonic() - started < HANG_SECONDS
    assert path.read_text() == original


def test_the_link_writer_still_edits_a_file_within_the_limits(tmp_path):
    path = tmp_path / "2026-01-05-retries.md"
    path.write_text("---\nkind: evidence\nlinks:\n  - acme/payments#412  # the retry PR\n---\nThe body.\n")
    assert writeback.write(path, {0: {"repo": "acme/payments", "pr": 412}}).changed
    assert path.read_text() == (
        "---\nkind: evidence\nlinks:\n  - ref: acme/payments#412\n    resolved:\n      repo: acme/payments\n"
        "      pr: 412  # the retry PR\n---\nThe body.\n"
    )
