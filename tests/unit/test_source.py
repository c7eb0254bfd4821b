"""The source layer refuses what a safe loader must, with a position and without a traceback."""

from __future__ import annotations

from pathlib import Path

from perfdocs.records.parse import MAX_FILE_BYTES, load_file, load_text

P = Path("r.yaml")


def messages(text: str, path: Path = P) -> list[str]:
    return [d.text() for d in load_text(text, path).diagnostics]


def test_nesting_beyond_the_limit_is_refused_before_parsing_it():
    assert messages("a: " + "[" * 10_000 + "]" * 10_000 + "\n") == [
        "r.yaml:1:1: nesting deeper than 50 levels [yaml/too-deep]"
    ]


def test_block_nesting_beyond_the_limit_is_refused():
    text = "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v: 1\n"
    assert messages(text) == ["r.yaml:1:1: nesting deeper than 50 levels [yaml/too-deep]"]


def test_an_alias_bomb_is_refused_at_the_limit():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    out = messages("\n".join(lines) + "\n")
    assert len(out) == 1 and out[0].endswith("[yaml/too-many-nodes]")


def test_a_mapping_used_as_a_key_is_refused():
    assert messages("? [a, b]\n: 1\n") == [
        "r.yaml:1:3: keys must be plain text, not lists or mappings [yaml/complex-key]"
    ]


def test_merge_keys_are_refused():
    assert messages("base: &b {x: 1}\nother:\n  <<: *b\n") == [
        "r.yaml:3:3: merge keys ('<<') are not supported in records [yaml/tag]"
    ]


def test_yaml_keys_stay_text_even_when_they_look_like_booleans():
    assert load_text("on: 1\nno: 2\n", P).data == {"on": 1, "no": 2}


def test_dates_stay_text_for_the_schema_to_check():
    assert load_text("date: 2026-02-30\n", P).data == {"date": "2026-02-30"}


def test_crlf_line_endings_are_read_like_lf():
    doc = load_text("---\r\nkind: evidence\r\ntitle: x\r\n---\r\nbody\r\n", Path("e.md"))
    assert doc.diagnostics == [] and doc.data == {"kind": "evidence", "title": "x"}
    assert doc.body == "body\n" and doc.at(("title",)) == (3, 8)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 10) + b"\n")
    assert [d.text() for d in load_file(big, "big.yaml").diagnostics] == [
        f"big.yaml:1:1: the file is larger than {MAX_FILE_BYTES:,} bytes; records are refused beyond that "
        "[file/too-large]"
    ]


def test_a_missing_file_is_a_diagnostic(tmp_path):
    assert [d.rule for d in load_file(tmp_path / "gone.yaml").diagnostics] == ["file/unreadable"]


def test_utf16_with_a_bom_is_named(tmp_path):
    path = tmp_path / "u16.yaml"
    path.write_bytes("kind: team\n".encode("utf-16"))
    assert [d.text() for d in load_file(path, "u16.yaml").diagnostics] == [
        "u16.yaml:1:1: the file is UTF-16 encoded; records must be UTF-8 [file/encoding]"
    ]


def test_positions_point_into_front_matter_lines():
    doc = load_text("---\nkind: packet\nclaims:\n  - competency: design\n    evidence: [a, b]\n---\n", Path("p.md"))
    assert doc.at(("claims", 0, "evidence", 1)) == (5, 19)
    assert doc.at(("claims", 0, "competency"), key=True) == (4, 5)


def test_scalars_read_as_yaml_1_1_reads_them():
    """The builder's quick paths (plain decimals, text that no resolver could take for
    something else) give what PyYAML's own constructor gives."""
    text = (
        "a: 0\nb: 007\nc: 0x1F\nd: -3\ne: 1_000\nf: 1:30\ng: 12\nh: yes\ni: ~\nj: 3.5\nk: '12'\n"
        "l: [12, 0b101, Off, 2026-01-02, Text, +4]\nm: Title words\n"
    )
    assert load_text(text, P).data == {
        "a": 0,
        "b": 7,
        "c": 31,
        "d": -3,
        "e": 1000,
        "f": 90,
        "g": 12,
        "h": True,
        "i": None,
        "j": 3.5,
        "k": "12",
        "l": [12, 5, False, "2026-01-02", "Text", 4],
        "m": "Title words",
    }


def test_a_number_too_long_to_read_is_refused_with_its_position():
    assert messages(f"a: 1\nb: {'9' * 5000}\n") == [
        "r.yaml:2:4: the number 99999999999999999999... (5,000 characters) is too long to be a number; "
        "quote it if it is text [yaml/syntax]"
    ]
