"""A loaded record keeps its data, not its YAML text: the text is read back from the file
when a position is asked for, and the positions are those of the text the record was parsed
from. Short word-like values (ids, handles, dates, enum values) are held once."""

from __future__ import annotations

from pathlib import Path

from perfdocs.diagnostics import Diagnostic
from perfdocs.records import load, parse
from perfdocs.records.model import LeanDocument

from tests.support.files import build_tree

EVIDENCE = (
    "---\r\nkind: evidence\r\ndate: 2026-03-02\r\nauthor: alice\r\ntype: pr\r\n"
    "title: Retry redesign\r\ncompetencies:\r\n  - design\r\n  - architecure\r\n---\r\nDone.\r\n"
)
TEAM = "kind: team\nid: core\nname: Core\nmanager: alice\n  # trailing comment\nmembers: [alice]\n"


def _loaded(root: Path) -> dict[str, load.Record]:
    return {r.rel: r for r in load.load_records(root, workers=1).records}


def test_a_loaded_record_does_not_keep_its_yaml_text(tmp_path):
    records = _loaded(build_tree(tmp_path, {"people/alice/evidence/2026-03-02-retry.md": EVIDENCE}))
    doc = records["people/alice/evidence/2026-03-02-retry.md"].doc
    assert isinstance(doc, LeanDocument)
    assert vars(doc)["_yaml_text"] is None
    assert "yaml_text" not in vars(doc)


def test_positions_read_back_are_those_of_the_parsed_text(tmp_path):
    files = {
        "people/alice/evidence/2026-03-02-retry.md": (EVIDENCE, ("competencies", 1)),
        "teams/core.yaml": (TEAM, ("members", 0)),
    }
    records = _loaded(build_tree(tmp_path, {rel: text for rel, (text, _) in files.items()}))
    for rel, (text, deep) in files.items():
        kept = parse.load_text(text, tmp_path / rel)  # parsed from the text, keeping it
        record = records[rel]
        for path, key in [((), False), (("kind",), True), (("kind",), False), (deep, False)]:
            assert record.doc.at(path, key) == kept.at(path, key), (rel, path, key)
        assert record.doc.yaml_text == kept.yaml_text
        line, col = kept.at(deep)
        assert record.diag("x/y", "m", deep) == Diagnostic(record.display, line, col, "x/y", "m")


def test_a_file_that_does_not_parse_keeps_its_text(tmp_path):
    build_tree(tmp_path, {"teams/core.yaml": "kind: team\nid: [core\n"})
    loaded = load.load_records(tmp_path, workers=1)
    assert loaded.records == []
    assert [d.rule for d in loaded.diagnostics] == ["yaml/syntax"]


def test_repeated_short_values_are_one_object_and_sentences_are_not_shared(tmp_path):
    two = {
        f"people/{who}/evidence/2026-03-02-retry.md": EVIDENCE.replace("alice", who).replace(
            "Retry redesign", f"Retry redesign by {who}"
        )
        for who in ("alice", "bob")
    }
    records = list(_loaded(build_tree(tmp_path, two)).values())
    a, b = (r.data for r in records)
    assert a["type"] is b["type"] and a["date"] is b["date"] and a["kind"] is b["kind"]
    assert a["competencies"][0] is b["competencies"][0]
    assert a["title"] != b["title"]
