"""The calibration page in a real headless Chromium, on the internal site of the generated
calibration period (tests/support/orgs.py, `calibration_period_org`, its reviews shared
internally): it renders its tables, a small group shows nothing but its name, and axe-core
finds no serious or critical accessibility problem, in light and dark."""

from __future__ import annotations

import json

import pytest

from tests.acceptance.browser.conftest import _Sites
from tests.support.orgs import calibration_period_org

pytestmark = pytest.mark.browser

SHARED = {"default": "public", "person": "internal", "evidence": "internal", "review": "internal"}


@pytest.fixture(scope="module")
def calibration_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("calibration")
    made = _Sites(calibration_period_org(tmp / "records", oslo=3, visibility=SHARED), tmp)
    yield made("internal")
    made.close()


def test_the_calibration_page_shows_the_pack_and_hides_the_small_group(browser, calibration_site):
    _, url = calibration_site
    page = browser.new_page()
    page.goto(url + "calibration/index.html")
    assert page.locator("h1").first.inner_text() == "Calibration 2026-Q3"
    headings = page.locator("main h2").all_inner_texts()
    for wanted in ("Rating distribution", "Ratings against the rubric", "Rating changes", "Process health"):
        assert wanted in headings
    # The rating distribution and the review-language counts each have a row for oslo: both hidden.
    rows = page.locator("tr", has=page.locator("td", has_text="oslo")).all()
    assert len(rows) == 2
    for oslo in rows:
        assert oslo.locator("td").all_inner_texts()[:2] == ["oslo", "fewer than 5"]
        assert all(cell == "" for cell in oslo.locator("td").all_inner_texts()[2:])
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation_on_the_calibration_page(
    browser, calibration_site, axe_script, scheme
):
    _, url = calibration_site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url + "calibration/index.html")
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    problems = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert problems == [], json.dumps(problems, indent=1)
