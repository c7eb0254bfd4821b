"""Markdown outputs (a pull-request comment from `packet check --format markdown`, and
`calibrate --format markdown`) show record text as written: a name, claim, descriptor or
title adds no link, image, @mention, HTML, heading or table cell to the comment.

The records are those of the hostile case tests/hostile/markdown-output-fields (its whole
transcript is checked there); here the outputs are rendered as a Markdown reader would,
with tables on, and the rendering is searched for anything the record text made."""

from __future__ import annotations

import re
import shutil

from markdown_it import MarkdownIt

from tests.support.files import FIXTURES, HOSTILE

CASE = HOSTILE / "markdown-output-fields"
PACKET = "records/people/ann/packets/2026-senior.md"


def _records(tmp_path):
    shutil.copytree(FIXTURES / "minimal", tmp_path / "records")
    shutil.copytree(CASE / "records", tmp_path / "records", dirs_exist_ok=True)
    return tmp_path / "records"


def _rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def _assert_inert(markdown: str) -> None:
    html = _rendered(markdown)
    assert "<a " not in html and "<img" not in html and "<script" not in html, html
    assert "<code>code</code>" not in html and "<strong>bold</strong>" not in html
    assert "<h1>Injected" not in html and "<h2>Injected" not in html
    # nothing GitHub would turn into a notification or a link
    assert not re.search(r"@(octocat|team-leads)", markdown)
    assert "https://" not in markdown and "www.evil" not in markdown
    # every row of every table has as many cells as its header
    for table in re.findall(r"<table>.*?</table>", html, re.DOTALL):
        widths = {len(re.findall(r"<t[dh]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.DOTALL)}
        assert len(widths) == 1, table


def test_packet_check_markdown_shows_hostile_fields_as_text(cli, tmp_path):
    records = _records(tmp_path)
    res = cli("packet", "check", records / "people/ann/packets/2026-senior.md", "--format", "markdown")
    assert res.exit_code == 0, res
    _assert_inert(res.stdout)
    html = _rendered(res.stdout)
    # shown, as written, where it was put
    assert (
        "<li>Claim: Redesigned retries [click](https:\u200b//evil.example/x) ![px](https:\u200b//t.example/p.gif) "
        "@\u200boctocat &lt;img src=x onerror=alert(1)&gt; a|b **bold** `code` www\u200b.evil.example "
        "# Injected heading | x | y | &lt;script&gt;alert(1)&lt;/script&gt;\n<ul>\n<li><code>ann/2026-03-01"
    ) in html
    assert html.count("<tr>") == 1 + 7 + 1 + 3  # the summary and competency tables, headers included


def test_calibrate_markdown_shows_a_hostile_claim_as_text(cli, tmp_path):
    records = _records(tmp_path)
    res = cli("calibrate", "--records", records, "--format", "markdown")
    assert res.exit_code == 0, res
    _assert_inert(res.stdout)
    assert (
        "<li><code>ann/2026-senior</code> operations: Unsupported @\u200bteam-leads "
        "![px](https:\u200b//t.example/q.gif)</li>"
    ) in _rendered(res.stdout)


def test_md_escape_and_md_code_leave_nothing_to_markdown():
    from perfdocs.text import md_code, md_escape

    hostile = "a\\|b [x](y) ![i](https://t.example/p.gif) <b>&amp; @me *e* _u_ ~s~ `c`\n# h\r\n- l"
    assert md_escape(hostile) == (
        "a\\\\\\|b \\[x\\](y) !\\[i\\](https:&#8203;//t.example/p.gif) &lt;b&gt;&amp;amp; @&#8203;me "
        "\\*e\\* \\_u\\_ \\~s\\~ \\`c\\` # h - l"
    )
    assert _rendered(f"| h |\n|---|\n| {md_escape(hostile)} |\n").count("<td>") == 1
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x") == "`` `x ``"
    assert _rendered(md_code("`a` [x](y) <b>")) == "<p><code>`a` [x](y) &lt;b&gt;</code></p>\n"
