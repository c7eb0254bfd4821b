"""The link check over a built site (tests/support/linkcheck.py) finds broken links."""

from __future__ import annotations

from tests.support.linkcheck import broken_links


def test_link_check_reports_broken_links(tmp_path):
    site = tmp_path / "s"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="a/x.html#here">x</a><a href="a/x.html#gone">y</a>'
        '<a href="missing.html">z</a><a href="https://e.example">ok</a>'
        '<a href="javascript:1">j</a><a href="/abs.html">a</a><a href="a">d</a>',
        encoding="utf-8",
    )
    (site / "a/x.html").write_text('<h1 id="here">x</h1><a href="../index.html">up</a>', encoding="utf-8")
    assert broken_links(site) == [
        "index.html: a/x.html#gone (no element with id 'gone')",
        "index.html: missing.html (no such file)",
        "index.html: javascript:1 (unsafe scheme)",
        "index.html: /abs.html (absolute path: breaks on file:// and sub-folders)",
        "index.html: a (a folder: does not open from file://)",
    ]
