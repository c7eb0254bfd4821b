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


# For every row whose middle is in view (below the sticky level header, inside the region and
# the viewport), its competency's name must be wholly in view there too: failures as text.
NAMES_IN_TALL_ROWS = """
() => {
  const region = document.querySelector('.matrix-scroll');
  const frame = region.getBoundingClientRect();
  const head = document.querySelector('table.matrix thead tr.levels th').getBoundingClientRect();
  const top = Math.max(head.bottom, frame.top, 0), bottom = Math.min(frame.bottom, innerHeight);
  const problems = [];
  let seen = 0, tall = 0;
  for (const tr of document.querySelectorAll('table.matrix tbody tr')) {
    const row = tr.getBoundingClientRect();
    if (row.height > bottom - top) tall += 1;
    const middle = (row.top + row.bottom) / 2;
    if (middle < top || middle > bottom) continue;
    seen += 1;
    const name = tr.querySelector('th .row-head').getBoundingClientRect();
    if (name.top < top - 0.5 || name.bottom > bottom + 0.5 || name.left < frame.left - 0.5)
      problems.push(`${tr.id}: name at ${name.top}..${name.bottom}, in view ${top}..${bottom}`);
  }
  return {seen, tall, problems};
}
"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (844, 390)])
def test_a_tall_rows_competency_name_stays_in_view_while_reading_it(browser, ladder_site, artifacts, width, height):
    """A row of list cells is taller than the window (1,000 px here): while its middle is read,
    its name stays in view under the level header, scrolled down and across, on a desktop and
    on a phone held sideways (390 px high). Held upright, a phone reads one level at a time."""
    _, url = ladder_site
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    page.evaluate("window.scrollTo(0, document.querySelector('.matrix-scroll').getBoundingClientRect().top + scrollY)")
    seen, tall, problems = 0, 0, []
    height_of = page.evaluate("document.querySelector('.matrix-scroll').scrollHeight")
    width_of = page.evaluate("document.querySelector('.matrix-scroll').scrollWidth")
    for left in sorted({0, max(0, width_of - 1)}):
        for top in range(0, height_of, 120):
            page.evaluate(
                f"(r => {{ r.scrollTop = {top}; r.scrollLeft = {left}; }})(document.querySelector('.matrix-scroll'))"
            )
            found = page.evaluate(NAMES_IN_TALL_ROWS)
            seen, tall, problems = seen + found["seen"], max(tall, found["tall"]), problems + found["problems"]
            if top == 600 and left == 0:
                page.screenshot(path=str(artifacts / f"ladder-tall-row-{width}x{height}.png"))
    assert tall == len(COMPETENCIES)  # every row is taller than the region: the case this is about
    assert seen >= len(COMPETENCIES) * 2  # each row was read at several heights
    assert problems == [], "\n".join(problems[:20])
    context.close()


def test_held_upright_a_phone_reads_levels_not_the_matrix(browser, ladder_site):
    _, url = ladder_site
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(url + "rubric/eng/index.html")
    assert not page.locator("table.matrix").is_visible() and page.locator(".level-picker").is_visible()
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
        "rubric/eng/compare/e5/m5.html",
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
    """With JavaScript, from file://: two lists to pick levels from lead to the pair's own page,
    whichever way round they are picked; a link of the former one-page comparison leads there too."""
    folder, _ = ladder_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((folder / "rubric/eng/compare.html").as_uri())
    # The default pair: the first level of each branch, side by side.
    assert page.locator("#compare-form").is_visible()
    assert page.locator("#compare-from").input_value() == "e5"
    assert page.locator("#compare-to").input_value() == "m5"
    page.select_option("#compare-from", "e1")
    page.select_option("#compare-to", "e3")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/rubric/eng/compare/e1/e3.html")
    assert page.locator("#compare-summary").inner_text() == (
        "From e1 to e3: 1 new, 8 changed, 0 the same, 0 not expected."
    )
    assert page.locator(".descriptor").count() == len(COMPETENCIES)
    leadership = page.locator(".descriptor", has_text="Leadership")
    assert leadership.locator(".state-new").is_visible()
    # Every criterion of this generated ladder names its level, so no criterion of e1 is kept at e3:
    # each changed cell is a rewrite, shown whole and said so, not a list with every line marked.
    assert page.locator("ins.rewritten").count() == 8
    assert page.locator(".descriptor .state-changed", has_text="rewritten").count() == 8
    assert page.locator("li.criterion-new").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"ladder-compare-{width}.png"), full_page=width < 1000)
    # Picked from the higher level down, the pair's page is the same one (compared from the lower grade).
    assert page.locator("#compare-from").input_value() == "e1"
    page.select_option("#compare-from", "m6")
    page.select_option("#compare-to", "e4")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/rubric/eng/compare/e4/m6.html")
    assert page.locator("#compare-from").input_value() == "e4"
    page.select_option("#compare-from", "m6")
    page.get_by_role("button", name="Compare").click()
    assert page.locator("#compare-message").inner_text() == "Pick two different levels."
    page.goto((folder / "rubric/eng/compare.html").as_uri() + "#e5,m5")
    page.wait_for_url("**/rubric/eng/compare/e5/m5.html")
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", [1440, 390])
def test_any_two_levels_compare_without_javascript(browser, ladder_site, artifacts, width):
    """Without JavaScript the compare page is links: each level against the one it follows,
    levels of one grade across paths, and every pair; each leads to the pair's static page."""
    folder, _ = ladder_site
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto((folder / "rubric/eng/compare.html").as_uri())
    assert not page.locator("#compare-form").is_visible()  # it needs the script: not offered without it
    every = page.locator("#h-every + p + dl a")
    assert every.count() == len(LEVELS) * (len(LEVELS) - 1) // 2
    page.screenshot(path=str(artifacts / f"ladder-compare-nojs-{width}.png"), full_page=True)
    page.get_by_role("link", name="e5 and m5").first.click()
    assert page.url.endswith("rubric/eng/compare/e5/m5.html")
    assert page.locator(".descriptor").count() == len(COMPETENCIES)
    assert page.locator("#compare-summary").inner_text().startswith("From e5 to m5: 0 new, 9 changed")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.go_back()
    page.get_by_role("link", name="e1 and e3").click()
    assert page.url.endswith("rubric/eng/compare/e1/e3.html")
    assert page.locator(".descriptor", has_text="Leadership").locator(".state-new").is_visible()
    page.screenshot(path=str(artifacts / f"ladder-compare-nojs-pair-{width}.png"), full_page=width < 1000)
    context.close()


def test_a_twelve_level_dual_ladder_shows_its_paths_and_every_pair_in_the_window(browser, dual_ladder_site, artifacts):
    """Found on a real dual ladder (7 grades, two-word titles): the table of levels by path and
    grade ran past a 1440 px window with no hint. It fits now, and the compare page of 12 levels
    (66 pairs) reads on a phone without sideways scrolling."""
    folder, url = dual_ladder_site
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(url + "rubric/swe/index.html")
    fits = page.evaluate("(r => r.scrollWidth <= r.clientWidth + 1)(document.querySelector('.ladder-scroll'))")
    assert fits
    grades = page.locator("table.ladder thead th")
    assert grades.nth(grades.count() - 1).inner_text() == "Grade 7"
    assert grades.nth(grades.count() - 1).bounding_box()["x"] + 20 < 1440
    page.screenshot(path=str(artifacts / "dual-ladder-1440.png"))
    context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto((folder / "rubric/swe/compare.html").as_uri())
    assert page.locator("#h-every + p + dl a").count() == 66
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="IC2 and M3").click()
    assert page.url.endswith("rubric/swe/compare/IC2/M3.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "dual-ladder-compare-IC2-M3-390.png"), full_page=True)
    context.close()
