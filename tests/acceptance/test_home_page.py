"""The home page in the organisation's own words: `intro:` in org.yaml (safe Markdown), its
name and tagline as the brand, "how evaluation works" only for the features it uses, and a
navigation of the sections that have something in them for the audience."""

from __future__ import annotations

import re

from tests.support.files import edit
from tests.support.ladders import big_ladder

INTRO = """\
tagline: careers
intro: |-
  ## How we grow

  - Read **the ladder** on the [rubric](rubric/index.html).
  - <script>alert(1)</script> is text, and so is [this](javascript:alert(1)).
"""


def nav(page: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]*"(?: aria-current="page")?>([^<]+)</a></li>', page.split("</nav>")[0])


def test_a_ladder_alone_gets_a_home_page_without_a_review_process(cli, tmp_path):
    out = tmp_path / "site"
    assert cli("build", "--records", big_ladder(tmp_path / "records"), "--out", out).exit_code == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Big Co</h1>" in home
    assert '<a class="brand" href="index.html">Big Co</a>' in home  # no hard-coded "engineering"
    for process in ("How evaluation works", "h-flow", "h-packets", "h-score"):
        assert process not in home
    assert nav(home) == [
        "Home",
        "Rubric",
        "Who can see what",
        "Search",
    ]  # who can see what: always, it is the privacy promise
    assert (out / "packets/index.html").is_file()  # still built: an old link is never broken


def test_the_intro_is_safe_markdown_with_the_tagline_in_the_brand(cli, tmp_path):
    records = big_ladder(tmp_path / "records")
    (records / "org.yaml").write_text((records / "org.yaml").read_text() + INTRO)
    assert cli("validate", "--records", records).exit_code == 0
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<a class="brand" href="index.html">Big Co <span>careers</span></a>' in home
    assert '<h1>Big Co <span class="tagline">careers</span></h1>' in home
    assert "<h2>How we grow</h2>" in home
    assert '<li>Read <strong>the ladder</strong> on the <a href="rubric/index.html">rubric</a>.</li>' in home
    assert "<script>alert" not in home and 'href="javascript' not in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is text" in home


def test_an_org_record_the_audience_may_not_see_keeps_its_intro_to_itself(cli, tmp_path):
    records = big_ladder(tmp_path / "records")
    (records / "org.yaml").write_text((records / "org.yaml").read_text() + INTRO + "visibility: internal\n")
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    assert "How we grow" not in (out / "index.html").read_text(encoding="utf-8")
    assert cli("build", "--records", records, "--out", tmp_path / "int", "--audience", "internal").exit_code == 0
    assert "How we grow" in (tmp_path / "int/index.html").read_text(encoding="utf-8")


def test_an_org_that_runs_reviews_and_packets_still_explains_them(cli, minimal, tmp_path):
    out = tmp_path / "site"
    assert cli("build", "--records", minimal, "--out", out).exit_code == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>How evaluation works at " in home
    assert 'id="h-flow"' in home and 'id="h-packets"' in home


def test_a_section_with_nothing_for_the_audience_leaves_the_navigation(cli, minimal, tmp_path):
    edit(minimal / "org.yaml", "  default: public", "  default: internal")
    assert cli("build", "--records", minimal, "--out", tmp_path / "pub").exit_code == 0
    assert cli("build", "--records", minimal, "--out", tmp_path / "int", "--audience", "internal").exit_code == 0
    public = nav((tmp_path / "pub/index.html").read_text(encoding="utf-8"))
    internal = nav((tmp_path / "int/index.html").read_text(encoding="utf-8"))
    assert "Rubric" in internal and "Rubric" not in public  # the tracks are internal now
    assert public == [s for s in internal if s in public] and len(public) < len(internal)
    assert public[0] == "Home" and public[-1] == "Search"
