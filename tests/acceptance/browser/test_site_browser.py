"""The built site in a real headless Chromium: it renders, it navigates by clicking,
it searches offline, and axe-core finds no serious accessibility problem."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser


def test_rubric_table_renders_for_every_track(page, site_url, org, artifacts):
    page.goto(site_url + "rubric/index.html")
    tracks = list(org.tracks)
    assert tracks
    for track in tracks:
        page.goto(site_url + f"rubric/{track}/index.html")
        table = page.locator(f'table.matrix[data-track="{track}"]')
        assert table.is_visible()
        names = [c.get("name") for c in org.competencies(track).values()]
        assert table.locator("tbody th[scope=row]").count() == len(names)
        headers = table.locator("thead tr.levels th").all_inner_texts()
        # Every level is a column (grouped by path: a branch's levels follow the shared ones).
        assert sorted(h.split("\n")[0] for h in headers[1:]) == sorted(lv["id"] for lv in org.levels(track))
        page.screenshot(path=str(artifacts / f"rubric-{track}.png"), full_page=True)


def test_rubric_is_readable_on_a_phone(browser, site_url, org, artifacts):
    """On a phone the track page offers its levels one at a time, and a level page shows every
    competency whole; nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    track = next(iter(org.tracks))
    page.goto(site_url + f"rubric/{track}/index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    level = org.levels(track)[-1]
    page.locator(".level-picker a", has_text=level["id"]).first.click()
    assert page.url.endswith(f"rubric/{track}/{level['id']}.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first_cell = page.locator(".descriptor").first.bounding_box()
    assert first_cell["width"] >= 180  # a descriptor is wide enough to read
    page.screenshot(path=str(artifacts / "rubric-phone.png"))
    context.close()


def test_navigation_by_clicking_rubric_level_packets_dashboards(page, site_url, org, artifacts):
    page.goto(site_url + "index.html")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rubric").click()
    assert page.url.endswith("rubric/index.html")
    track = next(iter(org.tracks))
    level = org.levels(track)[-1]
    page.locator(f"#track-{track} h2 a").click()
    assert page.url.endswith(f"rubric/{track}/index.html")
    page.locator(f'table.matrix[data-track="{track}"] thead a', has_text=level["id"]).first.click()
    assert page.url.endswith(f"rubric/{track}/{level['id']}.html")
    assert level["title"] in page.locator("h1").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Packets").click()
    assert page.url.endswith("packets/index.html")
    packets = page.locator(".packet-list a")
    if packets.count():
        packets.first.click()
        assert "/packets/" in page.url and page.locator("h2#h-ready").is_visible()
        evidence = page.locator(".evidence-list a")
        if evidence.count():
            evidence.first.click()
            assert "/evidence/" in page.url
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    assert page.url.endswith("teams/index.html")
    page.locator(".cards a").first.click()
    assert "/teams/" in page.url
    assert page.locator("svg.chart").first.is_visible()
    page.screenshot(path=str(artifacts / "team-dashboard.png"), full_page=True)


def test_a_packet_claim_shows_what_its_evidence_rests_on_and_links_to_the_forge(page, site_url, org, artifacts):
    """Each cited entry says how it is verified, with the commits it rests on; on its page each
    link into a configured repository is a real link to the forge, not code."""
    packet = next((p for p in org.packets.values() if p.visibility == "public"), None)
    if packet is None:
        pytest.skip("no public packet in these records")
    page.goto(site_url + f"packets/{packet.id}.html")
    shown = page.locator(".evidence-list .verification").all_inner_texts()
    assert shown and all(
        text.split(":")[0]
        in {
            "verified author",
            "verified reviewer",
            "verified committer",
            "corroborated by a postmortem record",
            "cited",
            "cited, not verified",
            "self-reported",
        }
        for text in shown
    ), shown
    verified = page.locator(".evidence-list li", has=page.locator(".verification a")).first
    if not verified.count():
        pytest.skip("no verified evidence with a forge address in this packet")
    sha = verified.locator(".verification a").first
    assert re.fullmatch(r"https://\S+/commit/[0-9a-f]{40}", sha.get_attribute("href") or "")
    verified.locator("a").first.click()  # to the evidence page (not the forge: that is outside)
    assert "/evidence/" in page.url
    assert page.locator("dt", has_text="Verification").is_visible()
    # A short form (owner/repo#N, owner/repo@sha) is a real link to its forge page.
    links = page.locator("h2:has-text('Links') + ul li > a")
    forge = [a for a in links.all() if not a.inner_text().startswith("http")]
    assert forge, links.all_inner_texts()
    assert forge[0].get_attribute("rel") == "noopener noreferrer"
    assert re.match(r"https://\S+/(pull|merge_requests|commit)/", forge[0].get_attribute("href") or "")
    page.screenshot(path=str(artifacts / "evidence-verification.png"), full_page=True)


def _descriptor_word(org) -> tuple[str, str, str]:
    """A competency, its track, and the longest word of one of its descriptors."""
    track = next(iter(org.tracks))
    comp = next(iter(org.competencies(track).values()))
    text = " ".join(v for v in comp["descriptors"].values() if isinstance(v, str))
    word = max(re.findall(r"[A-Za-z]{4,}", text), key=len)
    return comp["name"], org.tracks[track].get("name"), word


def test_search_finds_a_competency_by_a_word_of_its_descriptor(page, site_url, org):
    name, track_name, word = _descriptor_word(org)
    page.goto(site_url + "index.html")
    page.get_by_role("search").get_by_role("searchbox").fill(word)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results li a")
    results.first.wait_for()
    assert f"{name} ({track_name})" in results.all_inner_texts()
    page.get_by_role("link", name=f"{name} ({track_name})").click()
    page.wait_for_url("**/rubric/*/index.html#*")
    assert page.locator("tr:target th").inner_text().startswith(name)


def test_search_works_from_the_file_system(page, site, org):
    name, track_name, word = _descriptor_word(org)
    page.goto((site / "search.html").as_uri() + "?q=" + word)
    page.locator("#search-results li a").first.wait_for()
    assert f"{name} ({track_name})" in page.locator("#search-results li a").all_inner_texts()


def test_skip_link_is_the_first_tab_stop_and_moves_to_the_content(page, site_url):
    page.goto(site_url + "rubric/index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def _pages(site) -> list[str]:
    """One page of every template: every top-level page, and the first and last page
    (index pages and item pages) of every folder of the site."""
    wanted = sorted(p.name for p in site.glob("*.html"))
    for folder in sorted(p for p in site.iterdir() if p.is_dir() and p.name != "static"):
        found = sorted(folder.rglob("*.html"))
        index = [p for p in found if p.name == "index.html"]
        items = [p for p in found if p.name != "index.html"]
        for page in index[:1] + items[:1] + items[-1:]:
            wanted.append(page.relative_to(site).as_posix())
    return list(dict.fromkeys(wanted))


@pytest.mark.parametrize(("audience", "scheme"), [("public", "light"), ("public", "dark"), ("internal", "light")])
def test_axe_finds_no_serious_or_critical_violation(browser, sites, axe_script, audience, scheme):
    site, site_url = sites(audience)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    problems = []
    for rel in _pages(site):
        page.goto(site_url + rel)
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append(
                    {
                        "page": rel,
                        "id": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "nodes": [n["target"] for n in v["nodes"][:3]],
                    }
                )
    context.close()
    assert problems == [], json.dumps(problems, indent=1)


def test_serve_reloads_the_open_page_after_a_record_changes(browser, tmp_path):
    import shutil

    from perfdocs.site.serve import Server

    from tests.support.files import FIXTURES, edit

    records = tmp_path / "records"
    shutil.copytree(FIXTURES / "minimal", records)
    server = Server(records, tmp_path / "site", "public", port=0, log=lambda m: None, interval=0.1)
    server.first_build()
    server.start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "rubric/backend/index.html")
        assert "Asks good questions." in page.locator("table.matrix").inner_text()
        edit(records / "matrices/backend.yaml", "Asks good questions.", "Asks sharp questions.")
        page.wait_for_function(
            "document.querySelector('table.matrix').innerText.includes('Asks sharp questions.')", timeout=15000
        )
        context.close()
    finally:
        server.close()
