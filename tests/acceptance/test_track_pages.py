"""The rubric at real size, as built files: one page per track, current tracks listed before
legacy ones, levels grouped by path and aligned by grade, and old links into the one-page
rubric still leading to the competency."""

from __future__ import annotations

import json
import re

from tests.support.files import build_tree
from tests.support.ladders import big_ladder

LEGACY = """\
kind: track
id: classic
name: Classic engineering ladder
status: legacy
levels:
  - {id: o1, title: Junior}
  - {id: o2, title: Senior}
"""


def built(cli, tmp_path):
    records = big_ladder(tmp_path / "records")
    build_tree(records, {"tracks/classic.yaml": LEGACY})
    result = cli("validate", "--records", records)
    # `status: legacy` is valid; the only note is that the legacy track keeps no matrix.
    assert result.exit_code == 0 and "0 errors, 1 warning" in result.stderr, result
    assert "track 'classic' has no competency matrix [ref/missing-matrix]" in result.stdout
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    return out


def test_the_rubric_index_lists_current_tracks_then_legacy_ones_each_with_its_page(cli, tmp_path):
    out = built(cli, tmp_path)
    index = (out / "rubric/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<h2 id="h-track-(\w+)"><a href="([^"]+)">', index) == [
        ("eng", "../rubric/eng/index.html"),
        ("classic", "../rubric/classic/index.html"),
    ]
    assert '<span class="state state-legacy">legacy</span>' in index.split('id="track-classic"')[1]
    assert "state-legacy" not in index.split('id="track-eng"')[1].split("<section")[0]
    assert "8 levels on 2 paths, 9 competencies" in index
    assert (out / "rubric/eng/index.html").is_file() and (out / "rubric/classic/index.html").is_file()


def test_old_links_to_a_competency_on_the_one_page_rubric_lead_to_its_track_page(cli, tmp_path):
    out = built(cli, tmp_path)
    index = (out / "rubric/index.html").read_text(encoding="utf-8")
    moved = json.loads(re.search(r"var moved = (\{.*?\});", index).group(1))
    assert moved["eng-leadership"] == "eng/index.html#eng-leadership"
    assert len(moved) == 9
    track = (out / "rubric/eng/index.html").read_text(encoding="utf-8")
    assert all(f'<tr id="{anchor}">' in track for anchor in moved)


def test_the_matrix_groups_levels_by_path_and_the_ladder_aligns_equal_grades(cli, tmp_path):
    out = built(cli, tmp_path)
    page = (out / "rubric/eng/index.html").read_text(encoding="utf-8")
    paths = re.findall(r'<th scope="colgroup" colspan="(\d)" class="path-\d">([^<]+)</th>', page)
    assert paths == [("4", "All paths"), ("2", "Individual contributor"), ("2", "Manager")]
    assert re.findall(r'data-level="(\w+)"', page) == ["e1", "e2", "e3", "e4", "e5", "e6", "m5", "m6"]
    # Levels by path and grade: m5 follows e4, so it stands in the grade-5 column, under e5.
    ladder = page.split('<table class="ladder">')[1].split("</table>")[0]
    rows = {
        re.search(r'<th scope="row">([^<]+)</th>', tr).group(1): [
            re.findall(r">(\w+)</a>", td) for td in re.findall(r"<td>(.*?)</td>", tr)
        ]
        for tr in re.findall(r"<tr><th scope=\"row\">.*?</tr>", ladder)
    }
    assert rows == {
        "All paths": [["e1"], ["e2"], ["e3"], ["e4"], [], []],
        "Individual contributor": [[], [], [], [], ["e5"], ["e6"]],
        "Manager": [[], [], [], [], ["m5"], ["m6"]],
    }
    m5 = (out / "rubric/eng/m5.html").read_text(encoding="utf-8")
    assert "manager path · grade 5 · follows" in m5
    assert '<li><a href="../../rubric/eng/index.html">Engineering</a></li>' in m5  # breadcrumb to the track


def test_a_level_named_like_a_track_page_does_not_replace_it(cli, tmp_path):
    records = big_ladder(tmp_path / "records")
    build_tree(records, {"tracks/classic.yaml": LEGACY.replace("o2", "index")})
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    assert "Classic engineering ladder" in (out / "rubric/classic/index.html").read_text(encoding="utf-8")
    assert "<h1>Senior" in (out / "rubric/classic/_index.html").read_text(encoding="utf-8")


SMALL = {
    "org.yaml": "kind: org\nid: small\nname: Small\nreview_cadence_quarters: 1\nvisibility_defaults:\n  default: public\n",
    "tracks/eng.yaml": """\
kind: track
id: eng
name: Engineering
levels:
  - {id: a, title: Engineer}
  - {id: b, title: Senior Engineer, path: ic}
  - {id: m, title: Manager, path: manager, follows: a}
""",
    "matrices/eng.yaml": """\
kind: competency-matrix
id: eng
track: eng
dimensions:
  - {id: craft, name: Craft}
competencies:
  - id: lists
    name: Lists
    dimension: craft
    descriptors:
      a: |-
        - Writes tests.
        - Reviews code.
      b: |-
        - Writes tests.
        - Reviews code.
        - Designs services.
      m: {unchanged: true, note: Managers keep this bar.}
  - id: sentence
    name: Sentence
    dimension: craft
    descriptors:
      a: Writes small tested changes to one service of the team.
      b: Writes small tested changes to several services of the team.
      m: Hires and grows the people of the team, and runs its rituals.
  - id: lead
    name: Lead
    dimension: craft
    descriptors:
      a: {not_expected: true}
      b: Leads projects.
      m: Leads people.
  - id: code
    name: Code
    dimension: craft
    descriptors:
      a: Writes code.
      b: Writes code others build on.
      m: {not_expected: true, note: Managers write no production code.}
""",
}


def compared(out, first: str, second: str) -> tuple[dict[str, str], str]:
    """The page comparing two levels: each competency's state, and the page."""
    page = (out / f"rubric/eng/compare/{first}/{second}.html").read_text(encoding="utf-8")
    found = re.findall(r'<li class="descriptor cell-(\w+)" id="c-(\w+)">', page)
    return {competency: state for state, competency in found}, page


def test_every_pair_of_levels_has_a_static_page_with_what_differs(cli, tmp_path):
    """No JavaScript is needed to compare two levels: every pair has its own page, compared
    from the lower grade (a before b and m; b before m, as the matrix shows them), and the
    compare page links to every one."""
    records = build_tree(tmp_path / "records", SMALL)
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    pairs = sorted(p.relative_to(out / "rubric/eng/compare").as_posix() for p in out.glob("rubric/eng/compare/*/*"))
    assert pairs == ["a/b.html", "a/m.html", "b/m.html"]
    # a -> b: one criterion added, a small change as a word diff, a new expectation.
    states, page = compared(out, "a", "b")
    assert states == {"lists": "changed", "sentence": "changed", "lead": "new", "code": "changed"}
    lists = page.split('id="c-lists"')[1].split("</li>\n")[0]
    assert re.findall(r'<li class="criterion-new"><ins><p>(.*?)</p>', lists) == ["Designs services."]
    assert "<p>Writes small tested changes to <ins>several services</ins> of the team.</p>" in page
    assert "From a to b: 1 new, 3 changed, 0 the same, 0 not expected." in page
    # b -> m, across paths: a rewritten sentence is shown whole, with b's text under it.
    states, page = compared(out, "b", "m")
    sentence = page.split('id="c-sentence"')[1].split("</li>\n")[0]
    assert '<span class="state state-changed">rewritten</span>' in sentence
    assert '<ins class="rewritten"><p>Hires and grows' in sentence
    assert "<summary>At b</summary><p>Writes small tested changes to several services" in sentence
    # a -> m: m keeps a's list (unchanged on purpose), leading is new, code is not expected, with its note.
    states, page = compared(out, "a", "m")
    assert states == {"lists": "same", "sentence": "changed", "lead": "new", "code": "not_expected"}
    code = page.split('id="c-code"')[1].split("</li>\n")[0]
    assert '<p class="muted">Not expected at m.</p>' in code and "Managers write no production code." in code
    assert '<span class="state state-unchanged">same</span>' in page.split('id="c-lists"')[1].split("</li>")[0]
    # The competencies are under their dimension, by name (the matrix's own dimension).
    assert re.findall(r"<h3>(\w+)</h3>", page) == ["Craft"]
    # The compare page reaches every pair with plain links: steps, across paths, every pair.
    index = (out / "rubric/eng/compare.html").read_text(encoding="utf-8")
    steps = index.split('id="h-steps"')[1].split("</section>")[0]
    assert re.findall(r'<a href="../../rubric/eng/compare/(\w+)/(\w+).html">', steps) == [("a", "b"), ("a", "m")]
    across = index.split('id="h-across"')[1].split("</section>")[0]
    assert re.findall(r'<a href="../../rubric/eng/compare/(\w+)/(\w+).html">', across) == [("b", "m")]
    every = index.split('id="h-every"')[1].split("</section>")[0]
    assert re.findall(r'href="../../rubric/eng/compare/(\w+)/(\w+).html"', every) == [
        ("a", "b"),
        ("a", "m"),
        ("b", "m"),
    ]
    # The picker (shown by the script) knows the order pages are compared in.
    assert '<script type="application/json" id="compare-order">["a", "b", "m"]</script>' in index
    assert 'href="../../rubric/eng/compare.html"' in (out / "rubric/eng/index.html").read_text(encoding="utf-8")
