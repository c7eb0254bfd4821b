"""A ladder of real size in a real browser: a generated 8-level ladder that branches into two
paths, with 9 competencies of list-shaped cells, on a 1440 and a 1920 px screen and on a
390 px phone. The level header stays in view over every cell one reads, the matrix uses the
whole width, a hint says when levels continue to the right, a phone reads one level at a
time with every cell whole, and print gives the whole matrix."""

from __future__ import annotations

import json

import pytest

from tests.support.ladders import COMPETENCIES, LEVELS

pytestmark = pytest.mark.browser

# For every cell in view (inside the viewport and the scroll region), the header of its
# column must be wholly inside the viewport and the region: failures as text.
HEADERS_OVER_CELLS = """
() => {
  const region = document.querySelector('.matrix-scroll');
  const frame = region.getBoundingClientRect();
  const heads = [...document.querySelectorAll('table.matrix thead tr.levels th')];
  const problems = [];
  let seen = 0;
  for (const tr of document.querySelectorAll('table.matrix tbody tr')) {
    [...tr.children].forEach((cell, i) => {
      if (i === 0) return;
      const c = cell.getBoundingClientRect();
      const visible = Math.min(c.bottom, frame.bottom, innerHeight) - Math.max(c.top, frame.top, 0) > 4
        && Math.min(c.right, frame.right, innerWidth) - Math.max(c.left, frame.left + heads[0].offsetWidth, 0) > 4;
      if (!visible) return;
      seen += 1;
      const h = heads[i].getBoundingClientRect();
      if (h.top < -0.5 || h.bottom > innerHeight + 0.5 || h.top < frame.top - 0.5)
        problems.push(`${heads[i].dataset.level}: header at ${h.top}..${h.bottom} over a cell at ${c.top}`);
    });
  }
  return {seen, problems};
}
"""


def _scroll_through(page) -> tuple[int, list[str]]:
    """Scroll the matrix region down (and, when it is wider than its frame, across), checking
    the headers at every step."""
    page.evaluate("window.scrollTo(0, document.querySelector('.matrix-scroll').getBoundingClientRect().top + scrollY)")
    seen, problems = 0, []
    height = page.evaluate("document.querySelector('.matrix-scroll').scrollHeight")
    width = page.evaluate("document.querySelector('.matrix-scroll').scrollWidth")
    for left in sorted({0, max(0, width - 1)}):
        for top in range(0, height, 250):
            page.evaluate(
                f"(r => {{ r.scrollTop = {top}; r.scrollLeft = {left}; }})(document.querySelector('.matrix-scroll'))"
            )
            result = page.evaluate(HEADERS_OVER_CELLS)
            seen += result["seen"]
            problems += result["problems"]
    return seen, problems


@pytest.mark.parametrize("width", [1440, 1920])
def test_every_level_header_is_in_view_over_every_cell_one_reads(browser, ladder_site, artifacts, width):
    _, url = ladder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    table = page.locator('table.matrix[data-track="eng"]')
    heads = table.locator("thead tr.levels th[data-level]")
    # Columns grouped by path: the shared levels, then each path's.
    assert [heads.nth(i).get_attribute("data-level") for i in range(heads.count())] == [
        "e1",
        "e2",
        "e3",
        "e4",
        "e5",
        "e6",
        "m5",
        "m6",
    ]
    assert table.locator("tbody th[scope=row]").count() == len(COMPETENCIES)
    # The matrix takes the window's width, not a 72rem column.
    region = page.locator(".matrix-scroll").bounding_box()
    assert region["width"] >= width - 60
    page.screenshot(path=str(artifacts / f"ladder-{width}.png"))
    seen, problems = _scroll_through(page)
    assert seen > len(COMPETENCIES) * 2  # the check looked at cells, many of them
    assert problems == [], "\n".join(problems[:20])
    page.screenshot(path=str(artifacts / f"ladder-{width}-scrolled.png"))
    context.close()


def test_a_hint_shows_while_levels_continue_to_the_right(browser, ladder_site):
    _, url = ladder_site
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    hint = page.locator("[data-scroll-hint]")
    wider = page.evaluate("(r => r.scrollWidth > r.clientWidth)(document.querySelector('.matrix-scroll'))")
    assert wider  # 8 levels of readable cells do not fit in 1440 px
    assert hint.is_visible()
    page.evaluate("(r => { r.scrollLeft = r.scrollWidth; })(document.querySelector('.matrix-scroll'))")
    page.wait_for_function("document.querySelector('[data-scroll-hint]').hidden")
    assert not hint.is_visible()
    context.close()


def test_on_a_phone_one_level_is_read_at_a_time_with_every_cell_whole(browser, ladder_site, artifacts):
    _, url = ladder_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator("table.matrix").is_visible()  # no sideways table on a phone
    picker = page.locator(".level-picker")
    assert picker.is_visible()
    assert picker.locator("a").count() == len(LEVELS)
    page.screenshot(path=str(artifacts / "ladder-phone-levels.png"), full_page=True)
    picker.get_by_role("link", name="m5 Engineering Manager").click()
    assert page.url.endswith("rubric/eng/m5.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    cells = page.locator(".descriptor")
    assert cells.count() == len(COMPETENCIES)
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (i, box)
        assert box["width"] >= 300  # the whole width of the phone, not a sliver of a column
    page.screenshot(path=str(artifacts / "ladder-phone-level.png"), full_page=True)
    context.close()


def test_print_gives_the_whole_matrix(browser, ladder_site, artifacts):
    """Printed (landscape A4 is about 1050 CSS px wide inside its margins), every column fits
    the page and no cell is cut off by the scroll region."""
    folder, url = ladder_site
    context = browser.new_context(viewport={"width": 1050, "height": 740})
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    page.emulate_media(media="print")
    table = page.locator("table.matrix").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= 1050
    clipped = page.evaluate("(r => r.scrollHeight > r.clientHeight + 1)(document.querySelector('.matrix-scroll'))")
    assert not clipped
    (artifacts / "ladder-print.pdf").write_bytes(page.pdf(landscape=True, prefer_css_page_size=True))
    context.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_axe_finds_no_serious_violation_on_the_ladder_pages(browser, ladder_site, axe_script, width):
    _, url = ladder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    for rel in (
        "rubric/index.html",
        "rubric/eng/index.html",
        "rubric/eng/e1.html",
        "rubric/eng/m6.html",
        "rubric/eng/compare.html",
    ):
        page.goto(url + rel)
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        problems += [
            {"page": rel, "id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    context.close()
    assert problems == [], json.dumps(problems, indent=1)


@pytest.mark.parametrize("width", [1440, 390])
def test_any_two_levels_compare_from_the_file_system(browser, ladder_site, artifacts, width):
    """The compare page needs no server: picked from file://, a pair across paths and a pair
    two grades apart each show every competency, what is new marked."""
    folder, _ = ladder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((folder / "rubric/eng/compare.html").as_uri())
    # The default pair: the first level of each branch, side by side.
    assert page.locator("#compare-from").input_value() == "e5"
    assert page.locator("#compare-to").input_value() == "m5"
    assert page.locator("#compare-out .descriptor").count() == len(COMPETENCIES)
    page.select_option("#compare-from", "e1")
    page.select_option("#compare-to", "e3")
    assert page.locator("#compare-summary").inner_text() == (
        "From e1 to e3: 1 new, 8 changed, 0 unchanged, 0 not expected."
    )
    leadership = page.locator("#compare-out .descriptor", has_text="Leadership")
    assert leadership.locator(".state-new").is_visible()
    assert page.locator("#compare-out li.criterion-new ins").count() > len(COMPETENCIES)
    page.select_option("#compare-from", "e3")
    page.select_option("#compare-to", "e1")
    assert "1 not expected" in page.locator("#compare-summary").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"ladder-compare-{width}.png"), full_page=width < 1000)
    context.close()
    assert errors == []
