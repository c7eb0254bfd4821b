"""Terminal-safe output: control characters written into a record (a YAML escape such as
"\\e]0;pwned\\a" in a name sets the terminal's title; others repaint or hide lines) reach the
text reports escaped, as they reach the site escaped; JSON keeps the text as it is."""

from __future__ import annotations

import json

from perfdocs.cli.output import terminal_safe

from tests.support.files import edit

PACKET = "records/people/ann/packets/2026-senior.md"


def _hostile_name(minimal):
    edit(minimal / "people/ann/person.yaml", "name: Ann Example", 'name: "Ann \\e]0;pwned\\a\\rExample"')


def test_an_escape_sequence_in_a_name_is_escaped_in_packet_check(minimal, tmp_path, cli):
    _hostile_name(minimal)
    # in Markdown the carriage return is a line break (one line: a space) and ']' is escaped (md_escape)
    for fmt, shown in (("text", "Ann \\x1b]0;pwned\\x07\\rExample"), ("markdown", "Ann \\x1b\\]0;pwned\\x07 Example")):
        res = cli("packet", "check", PACKET, "--format", fmt, cwd=tmp_path)
        assert res.exit_code == 0, res
        assert "\x1b" not in res.stdout and "\x07" not in res.stdout and "\r" not in res.stdout, res
        assert shown in res.stdout, res
    res = cli("packet", "check", PACKET, "--format", "json", cwd=tmp_path)
    assert json.loads(res.stdout)["name"] == "Ann \x1b]0;pwned\x07\rExample"


def test_terminal_safe_keeps_line_breaks_and_tabs_and_escapes_the_rest():
    assert terminal_safe("a\tb\nc") == "a\tb\nc"
    assert terminal_safe("\x1b[2J\x07\x00\u202e\n") == "\\x1b[2J\\x07\\x00\\u202e\n"
