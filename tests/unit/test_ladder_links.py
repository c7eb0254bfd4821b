"""Links in ladder cells: those with no web address are the ones a ladder copied from its own
web pages brings along (`[values](values.html)`); on the rubric pages they lead nowhere."""

from __future__ import annotations

from perfdocs.records.ladder import relative_links


def test_a_link_with_no_scheme_is_relative_and_an_anchor_or_a_web_address_is_not():
    text = (
        '- Lives [our values](values.html) and [the guide](../guide/ "Guide").\n'
        "- Reads [the handbook](https://example.com/handbook), writes to [us](mailto:eng@example.com).\n"
        "- See [below](#growth), and ![a chart](/img/chart.png)."
    )
    assert relative_links(text) == ["values.html", "../guide/", "/img/chart.png"]


def test_text_without_links_has_none():
    assert relative_links("Ships [small] changes (often).") == []
