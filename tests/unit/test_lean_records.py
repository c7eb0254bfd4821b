"""A loaded record keeps its data, not its YAML text: the text is read back from the file
when a position is asked for, and the positions are those of the text the record was parsed
from. Short word-like values (ids, handles, dates, enum values) are held once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdocs import diagnostics
from perfdocs.diagnostics import Diagnostic
from perfdocs.records import cache, load, model, parse
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


def test_a_loaded_record_reads_its_body_back_and_does_not_keep_it(tmp_path):
    records = _loaded(build_tree(tmp_path, {"people/alice/evidence/2026-03-02-retry.md": EVIDENCE}))
    record = records["people/alice/evidence/2026-03-02-retry.md"]
    kept = parse.load_text(EVIDENCE, tmp_path / record.rel)
    assert vars(record.doc)["_body"] is LeanDocument.UNREAD
    assert record.body == kept.body == "Done.\n"
    assert record.body == "Done.\n"  # asked again, the same text
    assert vars(record.doc)["_body"] is LeanDocument.UNREAD  # and still not kept
    assert record.doc.body_line == kept.body_line


def test_a_yaml_record_and_a_refused_body_have_no_body_to_read_back(tmp_path):
    long = EVIDENCE.replace("Done.\r\n", "line\n" * (parse.MAX_BODY_LINES + 1))
    records = _loaded(
        build_tree(tmp_path, {"teams/core.yaml": TEAM, "people/alice/evidence/2026-03-02-retry.md": long})
    )
    assert records["teams/core.yaml"].body is None
    assert records["people/alice/evidence/2026-03-02-retry.md"].body is None  # as load_text refused it


def test_two_records_read_back_alternately_each_get_their_own_body(tmp_path):
    files = {
        f"people/{who}/evidence/2026-03-02-retry.md": EVIDENCE.replace("Done.", f"Done by {who}.")
        for who in ("alice", "bob")
    }
    records = list(_loaded(build_tree(tmp_path, files)).values())
    for _ in range(2):
        assert [r.body for r in records] == ["Done by alice.\n", "Done by bob.\n"]


def test_a_record_keeps_one_string_for_its_path_and_its_display(tmp_path):
    build_tree(tmp_path, {"teams/core.yaml": TEAM})
    where = str(tmp_path / "teams/core.yaml")
    doc = model.lean(parse.load_file(Path(where), where), where)  # a document without a record
    assert doc.display == where
    assert vars(doc)["_path"] is doc.display
    assert doc.path == tmp_path / "teams/core.yaml"
    assert vars(doc)["_path"] is doc.display  # a Path made when asked for, not kept


@pytest.mark.parametrize("cwd", ["outside", "root", "inside"])
def test_a_loaded_record_keeps_no_string_of_its_own_for_its_path_and_display(tmp_path, monkeypatch, cwd):
    root = build_tree(tmp_path / "org", {"teams/core.yaml": TEAM, "people/alice/evidence/2026-03-02-r.md": EVIDENCE})
    monkeypatch.chdir({"outside": tmp_path, "root": root, "inside": root / "people"}[cwd])
    for record in load.load_records(root, workers=1).records:
        doc = record.doc
        assert doc.display == diagnostics.display_path(root / record.rel)
        assert doc.path == root / record.rel
        assert record.diag("x/y", "m").path == doc.display
        if cwd != "inside":  # shown as below `root`: the display follows from `rel`
            assert doc.display == {"outside": "org/", "root": ""}[cwd] + record.rel
            assert vars(doc)["_display"] is record.rel
    body = next(r for r in load.load_records(root, workers=1).records if r.kind == "evidence").body
    assert body == "Done.\n"  # read back from the path made of its place and `rel`


def test_a_placed_documents_path_and_display_can_each_be_set_without_changing_the_other(tmp_path):
    root = build_tree(tmp_path, {"teams/core.yaml": TEAM, "teams/web.yaml": TEAM.replace("core", "web")})
    core, web = (r.doc for r in load.load_records(root, workers=1).records)
    assert (core.path, core.display) == (root / "teams/core.yaml", f"{root}/teams/core.yaml")
    core.display = "shown/core.yaml"
    assert (core.path, core.display) == (root / "teams/core.yaml", "shown/core.yaml")
    web.path = root / "teams/moved.yaml"
    assert (web.path, web.display) == (root / "teams/moved.yaml", f"{root}/teams/web.yaml")


def _split_line_by_line(text: str) -> tuple[str, int, str | None, int] | None:
    """parse.split_front_matter as it was written before it searched with a pattern: the
    reference it must agree with (None where it reports a Diagnostic)."""
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != "---" or first_end < 0:
        return None
    start = pos = first_end + 1
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            yaml_text = text[start:pos]
            return yaml_text, 1, "" if end < 0 else text[end + 1 :], yaml_text.count("\n") + 3
        if end < 0:
            return None
        pos = end + 1


LINES = [
    "---",
    "...",
    "--- ",
    "---\t",
    "---\x0b",
    "...\u3000",
    "---\x85",
    "----",
    " ---",
    "-- -",
    "a: b",
    "",
    "..",
    "x",
]


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(LINES), max_size=8), st.booleans())
def test_front_matter_is_split_as_line_by_line(lines, final_break):
    text = "\n".join(lines) + ("\n" if final_break else "")
    split = parse.split_front_matter(text, "x.md")
    assert (None if isinstance(split, Diagnostic) else split) == _split_line_by_line(text)


def test_a_persons_records_share_one_string_for_their_owner(tmp_path):
    files = {
        f"people/alice/evidence/2026-03-0{day}-retry.md": EVIDENCE.replace("2026-03-02", f"2026-03-0{day}")
        for day in (2, 3)
    }
    owners = {id(r.owner) for r in _loaded(build_tree(tmp_path, files)).values()}
    assert len(owners) == 1


def test_a_record_parsed_for_the_cache_keeps_the_identity_its_file_was_read_with(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    root = build_tree(tmp_path / "records", {"teams/core.yaml": TEAM})
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    doc = _loaded(root)["teams/core.yaml"].doc
    assert doc.signature == cache.signature(os.stat(root / "teams/core.yaml"))
    assert cache.document_signature(doc) is doc.signature  # the snapshot's identity of it: no second stat
    monkeypatch.setenv("PERFDOCS_CACHE", "0")
    doc = _loaded(root)["teams/core.yaml"].doc
    assert doc.signature is None
    assert cache.document_signature(doc) == cache.signature(os.stat(root / "teams/core.yaml"))


DUPLICATE = "kind: team\nid: core\nname: Core\nname: Core team\nmanager: alice\nmembers: [alice]\n"


def test_a_loaded_record_keeps_its_parse_problems_and_one_without_shares_no_list(tmp_path):
    root = build_tree(tmp_path, {"teams/core.yaml": DUPLICATE, "teams/web.yaml": TEAM.replace("core", "web")})
    loaded = load.load_records(root, workers=1)
    kept = parse.load_text(DUPLICATE, root / "teams/core.yaml")  # parsed from the text, keeping it
    records = {r.rel: r for r in loaded.records}
    assert [(d.rule, d.line, d.col) for d in kept.diagnostics] == [("yaml/duplicate-key", 4, 1)]
    assert records["teams/core.yaml"].doc.diagnostics == kept.diagnostics
    assert loaded.diagnostics == kept.diagnostics
    clean = records["teams/web.yaml"].doc
    clean.diagnostics.append(kept.diagnostics[0])  # what a caller does to the list it was given
    assert records["teams/core.yaml"].doc.diagnostics == kept.diagnostics  # reaches no other record
    assert clean.diagnostics == []


def test_a_files_signature_is_its_stat_whether_or_not_its_times_differ(tmp_path):
    file = tmp_path / "teams/core.yaml"
    build_tree(tmp_path, {"teams/core.yaml": TEAM})
    info = os.stat(file)
    sig = cache.signature(info)
    assert sig == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    if info.st_mtime_ns == info.st_ctime_ns:
        assert sig[1] is sig[2]  # one int for both
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns - 10**9))  # set back: only the change time stays
    info = os.stat(file)
    assert info.st_mtime_ns != info.st_ctime_ns
    assert cache.signature(info) == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def test_a_record_from_the_cache_has_its_files_identity_problems_and_positions(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    root = build_tree(tmp_path / "records", {"teams/core.yaml": DUPLICATE})
    os.utime(root / "teams/core.yaml", ns=(0, 0))  # long before the cache is written: its stat is trusted
    cold = load.load_records(root, workers=1)
    warm = load.load_records(root, workers=1)
    doc = warm.records[0].doc
    assert isinstance(doc, cache.CachedDocument)
    assert doc.signature == cache.signature(os.stat(root / "teams/core.yaml")) == cold.records[0].doc.signature
    assert warm.diagnostics == cold.diagnostics and doc.diagnostics == cold.records[0].doc.diagnostics
    for path, key in [(("name",), True), (("members", 0), False), ((), False)]:
        assert doc.at(path, key) == cold.records[0].doc.at(path, key)
