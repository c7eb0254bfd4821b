"""Search in a real headless Chromium (issue 17, item 7): MiniSearch over the full text of
every page, with stemming, prefix and fuzzy matching, highlighted snippets cut at word
boundaries, and the keyboard ("/" to focus, arrows to move, Enter to open). And item 9's
site bits: the favicon, and dashboards and metrics on a phone (no sideways scroll, chart
labels that stay legible)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def results(page, site_url: str, query: str) -> list[tuple[str, str]]:
    """(title, href) of every result for `query` on the search page."""
    page.goto(site_url + "search.html?q=" + query)
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    links = page.locator("#search-results li > a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]


def test_retries_finds_every_page_retry_finds(page, site_url):
    retry = results(page, site_url, "retry")
    assert retry, "the example site has pages about retries"
    for form in ("retries", "retried", "retrying"):
        assert set(retry) <= set(results(page, site_url, form)), form


def test_a_word_with_one_wrong_letter_still_finds_its_page(page, site_url):
    exact = results(page, site_url, "incident")
    assert exact
    typo = results(page, site_url, "incidemt")
    assert exact[0] in typo
    assert set(exact) <= set(typo)


def test_dora_finds_the_team_dashboards(page, site_url):
    found = results(page, site_url, "DORA")
    titles = [t for t, _ in found]
    assert "Team dashboards" in titles
    assert any(href.startswith("teams/") and t.endswith(" dashboard") for t, href in found), found


def test_results_mark_the_matching_words_in_snippets_cut_at_word_boundaries(page, site_url):
    found = results(page, site_url, "retries")
    assert found
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks and all(re.fullmatch(r"(?i)retr(y|ies|ied|ying)", m) for m in marks), marks
    for snippet in page.locator("#search-results li > p").all_inner_texts():
        # Each snippet starts and ends on a whole word (or an ellipsis where it was cut).
        body = snippet.strip().removeprefix("\u2026").removesuffix("\u2026").strip()
        words = re.findall(r"[\w'\u2019-]+", body)
        assert words, snippet
    index = page.evaluate("window.PERFDOCS_SEARCH")
    texts = {row[3] for row in index}
    for snippet in page.locator("#search-results li > p").all_inner_texts():
        core = snippet.strip().removeprefix("\u2026").removesuffix("\u2026").strip()
        holder = next(t for t in texts if core in t)
        at = holder.index(core)
        assert at == 0 or not holder[at - 1].isalnum(), snippet
        end = at + len(core)
        assert end == len(holder) or not holder[end].isalnum(), snippet


def test_a_prefix_finds_the_whole_word(page, site_url):
    assert set(results(page, site_url, "retry")) <= set(results(page, site_url, "retr"))


def test_slash_focuses_search_arrows_move_and_enter_opens(page, site_url):
    page.goto(site_url + "rubric/index.html")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-q"
    page.keyboard.type("retries")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=retries")
    page.locator("#search-results li > a").first.wait_for()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("ArrowDown")
    first = page.locator("#search-results li > a").nth(0)
    assert page.evaluate("document.activeElement.textContent") == first.inner_text()
    page.keyboard.press("ArrowDown")
    second = page.locator("#search-results li > a").nth(1)
    assert page.evaluate("document.activeElement.textContent") == second.inner_text()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("ArrowDown")
    target = first.evaluate("a => a.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)


def test_the_favicon_is_served_from_the_sites_assets(page, site_url, site):
    page.goto(site_url + "index.html")
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert href == "static/favicon.svg"
    assert (site / href).read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.parametrize("rel", ["teams/index.html", "metrics/index.html", "teams/payments.html", "teams/web.html"])
def test_dashboards_and_metrics_do_not_scroll_sideways_on_a_phone_and_chart_labels_stay_legible(browser, site_url, rel):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(site_url + rel)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    smallest = page.evaluate(
        "Math.min(...Array.from(document.querySelectorAll('svg.chart text'))"
        ".map(t => t.getBoundingClientRect().height).filter(h => h > 0), 99)"
    )
    assert smallest >= 9, f"chart labels {smallest:.1f}px tall on a phone"
    context.close()
