"""Record bodies cost a bounded amount to render: the loader refuses bodies over the size
limits, and within them the renderer shows as plain text the paragraphs whose markup the
body's budget cannot pay for. Images on other hosts become links: the site loads nothing
from outside."""

from __future__ import annotations

from pathlib import Path

from perfdocs.records import parse
from perfdocs.site.render import MARKS_BUDGET, SCAN_BUDGET, Renderer

FRONT = "---\nkind: evidence\ntitle: t\n---\n"


def _body_diagnostics(body: str) -> tuple[list[str], str | None]:
    doc = parse.load_text(FRONT + body, Path("e.md"), "e.md")
    return [f"{d.line}:{d.col} {d.rule}" for d in doc.diagnostics], doc.body


def test_a_body_at_the_limits_is_accepted():
    body = "x" * (parse.MAX_BODY_CHARS - parse.MAX_BODY_LINES) + "\n" * parse.MAX_BODY_LINES
    assert _body_diagnostics(body) == ([], body)


def test_a_body_over_the_character_limit_is_refused_at_its_first_line_and_not_kept():
    assert _body_diagnostics("x" * (parse.MAX_BODY_CHARS + 1)) == (["5:1 file/too-large"], None)


def test_a_body_over_the_line_limit_is_refused():
    doc = parse.load_text(FRONT + "a\n" * (parse.MAX_BODY_LINES + 1), Path("e.md"), "e.md")
    assert [d.message for d in doc.diagnostics] == [
        "the Markdown body is 20,002 characters on 10,001 lines; a record's body may hold 250,000 characters "
        "on 10,000 lines: move a long log into a file and link to it"
    ]


def test_a_remote_image_becomes_a_link_and_a_local_one_stays_an_image():
    html = Renderer().markdown(
        '![a *pixel*](https://tracker.example/p.gif?u=ann&x=1 "t") ![](http://x.example/i.png) ![map](img/map.png)'
    )
    assert html == (
        '<p><a class="remote-image" href="https://tracker.example/p.gif?u=ann&amp;x=1" rel="noopener noreferrer">'
        'image: a pixel</a> <a class="remote-image" href="http://x.example/i.png" rel="noopener noreferrer">'
        'image: http://x.example/i.png</a> <img src="img/map.png" alt="map" /></p>\n'
    )


def test_images_with_unsafe_or_protocol_relative_addresses_stay_text():
    html = Renderer().markdown("![x](javascript:alert(1)) ![y](//tracker.example/p.gif)")
    assert html == "<p>![x](javascript:alert(1)) ![y](//tracker.example/p.gif)</p>\n"


def test_a_paragraph_the_budget_cannot_pay_for_is_plain_text_and_the_next_one_still_markup():
    costly = "![" * (MARKS_BUDGET // 2 + 1)
    html = Renderer().markdown(f"*before*\n\n{costly}<b>\n\n*after*")
    assert html == f"<p><em>before</em></p>\n<p>{costly}&lt;b&gt;</p>\n<p><em>after</em></p>\n"


def test_the_budget_is_for_the_whole_body():
    """Many paragraphs that each fit are paid for until the budget is spent."""
    paragraph = "[a](b) " * 100  # 200 marks each
    html = Renderer().markdown("\n\n".join([paragraph.strip()] * (MARKS_BUDGET // 200 + 2)))
    assert html.count("<p><a href") == MARKS_BUDGET // 200
    assert html.count("<p>[a](b) [a](b)") == 2


def test_a_long_paragraph_full_of_markup_costs_more_of_the_budget():
    """An unmatched `[` looks at the rest of its paragraph: length times markup is what is paid."""
    paragraph = "[a](b) " * 1000  # 2,000 marks, 7,000 characters
    html = Renderer().markdown("\n\n".join([paragraph.strip()] * 5))
    assert html.count("<p><a href") == SCAN_BUDGET // (2000 * 6999)


def test_deep_nesting_stops_at_markdown_its_limit():
    html = Renderer().markdown("> " * 1000 + "deep")
    assert html.count("<blockquote>") <= 20
