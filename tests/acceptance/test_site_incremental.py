"""Incremental `perfdocs build`: a rebuild renders only the pages whose inputs changed,
and its output folder is byte for byte what a cold build writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfdocs.site import build, reuse
from perfdocs.site.render import template_dir
from perfdocs.site.reuse import MANIFEST

from tests.support.files import REPO, edit
from tests.support.orgs import MARKERS, plant_markers

CHEN_EV = "people/chen/evidence/2026-08-12-checkout-a11y-fixes.md"


@pytest.fixture(autouse=True)
def _own_key(monkeypatch, tmp_path):
    """The local secret that signs manifests lives in the test's folder, not the user's."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a folder (the manifest and marker included) and its bytes."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def counts(res) -> tuple[int, int, int]:
    """(pages, rendered, reused) from the build's summary line."""
    assert res.exit_code == 0, res
    found = re.fullmatch(
        r"built (\d+) pages \((\d+) rendered, (\d+) unchanged and reused; \d+ files\) "
        r"for the \w+ audience in .*/ in \d+\.\ds\n",
        res.stderr,
    )
    assert found, res.stderr
    pages, rendered, reused = map(int, found.groups())
    assert rendered + reused == pages
    return pages, rendered, reused


def assert_same_tree(incremental: Path, cold: Path) -> None:
    a, b = tree(incremental), tree(cold)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_a_rebuild_with_nothing_changed_renders_no_page_and_changes_no_byte(cli, example, tmp_path):
    site = tmp_path / "site"
    pages, rendered, _ = counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    assert rendered == pages > 50
    before = tree(site)
    assert counts(cli("build", "--records", example, "--out", site, "--audience", "internal")) == (pages, 0, pages)
    assert tree(site) == before


def _evidence_title(records: Path) -> None:
    edit(records / CHEN_EV, "title: Fixed 28 accessibility", "title: Fixed 29 accessibility")


def _evidence_body(records: Path) -> None:
    path = records / CHEN_EV
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")


def _person_name(records: Path) -> None:
    edit(records / "people/chen/person.yaml", "name: Chen Wei", "name: Chen Wu")


def _descriptor(records: Path) -> None:
    edit(records / "matrices/frontend.yaml", "asks before adding a new dependency", "asks before adding any dependency")


def _kpi_value(records: Path) -> None:
    edit(records / "kpis/web/web-change-lead-time.yaml", "value: 68.12", "value: 67.5")


def _made_private(records: Path) -> None:
    edit(records / CHEN_EV, "visibility: public", "visibility: private")


SMALL_EDITS = {
    "an evidence entry's title": _evidence_title,
    "an evidence entry's body": _evidence_body,
    "a person's name": _person_name,
    "a competency descriptor": _descriptor,
    "a KPI value": _kpi_value,
    "a public record made private": _made_private,
}


@pytest.mark.parametrize("audience", ["public", "internal"])
@pytest.mark.parametrize("change", SMALL_EDITS)
def test_after_a_small_edit_a_rebuild_renders_a_few_pages_and_equals_a_cold_build(
    cli, example, tmp_path, change, audience
):
    site, cold = tmp_path / "site", tmp_path / "cold"
    counts(cli("build", "--records", example, "--out", site, "--audience", audience))
    SMALL_EDITS[change](example)
    after, rendered, _ = counts(cli("build", "--records", example, "--out", site, "--audience", audience))
    assert counts(cli("build", "--records", example, "--out", cold, "--audience", audience))[1] == after
    assert_same_tree(site, cold)
    assert rendered < after / 2, (rendered, after)
    # The web team's KPIs are not public: the public site does not change at all.
    assert rendered > 0 or (audience, change) == ("public", "a KPI value")


def test_editing_one_evidence_entry_renders_only_the_pages_that_show_it(cli, example, tmp_path):
    site = tmp_path / "site"
    counts(cli("build", "--records", example, "--out", site))
    inodes = {p: (site / p).stat().st_ino for p in tree(site) if p.endswith(".html")}
    _evidence_title(example)
    _, rendered, _ = counts(cli("build", "--records", example, "--out", site))
    # A reused page is the previous file, hard-linked: a rendered one is a new file.
    new = sorted(p for p, ino in inodes.items() if (site / p).stat().st_ino != ino)
    own = "evidence/" + CHEN_EV.split("/", 1)[1].replace("/evidence/", "/").removesuffix(".md") + ".html"
    # Its own page (not its author's other entries: their pages show only the author's
    # name); the author's page, which lists its title; the packet that cites it. Not the
    # evidence index: it shows each author's name and count of entries, which did not change.
    assert new == sorted(["evidence/chen.html", "packets/chen/2026-h2-l3.html", own])
    assert rendered == len(new) == 3


def test_a_changed_day_renders_every_page_again(cli, example, tmp_path, monkeypatch):
    site, cold = tmp_path / "site", tmp_path / "cold"
    counts(cli("build", "--records", example, "--out", site))
    monkeypatch.setenv("PERFDOCS_TODAY", "2026-12-01")
    pages, rendered, _ = counts(cli("build", "--records", example, "--out", site))
    assert rendered == pages
    counts(cli("build", "--records", example, "--out", cold))
    assert_same_tree(site, cold)


def test_switching_the_audience_over_the_same_folder_equals_a_cold_build(cli, example, tmp_path):
    site, cold = tmp_path / "site", tmp_path / "cold"
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    pages, rendered, _ = counts(cli("build", "--records", example, "--out", site))
    assert rendered == pages  # the audience is printed on every page
    counts(cli("build", "--records", example, "--out", cold))
    assert_same_tree(site, cold)


def test_a_changed_template_renders_again_and_equals_a_cold_build(example, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(template_dir(), templates)
    site, cold = tmp_path / "site", tmp_path / "cold"
    first = build(example, site, "public", templates)
    assert (first.rendered, first.reused) == (first.pages, 0)
    edit(templates / "evidence.html.j2", "<h2>Links</h2>", "<h2>See also</h2>")
    again = build(example, site, "public", templates)
    assert again.rendered == again.pages
    build(example, cold, "public", templates)
    assert_same_tree(site, cold)
    assert b"<h2>See also</h2>" in (site / "evidence/chen/2026-08-12-checkout-a11y-fixes.html").read_bytes()
    assert build(example, site, "public", templates).rendered == 0


def test_a_page_edited_in_the_published_folder_is_rendered_again(cli, example, tmp_path):
    site, cold = tmp_path / "site", tmp_path / "cold"
    pages, _, _ = counts(cli("build", "--records", example, "--out", site))
    page = site / "evidence/chen/2026-08-12-checkout-a11y-fixes.html"
    page.write_bytes(page.read_bytes().replace(b"accessibility", b"DEFACED"))
    (site / "index.html").unlink()
    (site / "goals/index.html").unlink()
    (site / "goals/index.html").symlink_to(site / "search.html")  # the right bytes, but a link
    assert counts(cli("build", "--records", example, "--out", site)) == (pages, 3, pages - 3)
    counts(cli("build", "--records", example, "--out", cold))
    assert_same_tree(site, cold)
    assert not (site / "goals/index.html").is_symlink()


def test_a_manifest_that_was_not_signed_here_is_never_trusted(cli, example, tmp_path, monkeypatch):
    site = tmp_path / "site"
    pages, _, _ = counts(cli("build", "--records", example, "--out", site))
    manifest = site / MANIFEST
    mac, body = manifest.read_bytes().split(b"\n", 1)
    manifest.write_bytes(mac + b"\n" + body.replace(b" ", b"  ", 1))  # one byte more, its MAC the same
    assert counts(cli("build", "--records", example, "--out", site))[1] == pages
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "another-machine"))  # another key
    assert counts(cli("build", "--records", example, "--out", site))[1] == pages


@pytest.mark.parametrize("org", ["minimal", "example"])
def test_no_internal_or_private_record_reaches_a_public_rebuild_over_an_internal_site(cli, request, org, tmp_path):
    records = request.getfixturevalue(org)
    plant_markers(records)
    site, cold = tmp_path / "site", tmp_path / "cold"
    counts(cli("build", "--records", records, "--out", site, "--audience", "internal"))
    internal = b"".join(tree(site).values())
    assert MARKERS["internal"].encode() in internal and MARKERS["private"].encode() not in internal
    counts(cli("build", "--records", records, "--out", site))
    public = b"".join(tree(site).values())
    assert MARKERS["internal"].encode() not in public and b"zz-internal" not in public
    assert MARKERS["private"].encode() not in public
    counts(cli("build", "--records", records, "--out", cold))
    assert_same_tree(site, cold)


def _rebuilds(records: str, folder: str) -> dict:
    """Builds over 2 processes and over 1, cold then after an edit: what each rendered."""
    import threading

    import perfdocs.site.builder as site

    assert threading.active_count() == 1  # else the build would not fork, and this compares nothing
    root, out = Path(records), Path(folder)
    site.PARALLEL_MIN_PAGES = 1
    done = {}
    for step in ("cold", "edited"):
        if step == "edited":
            _evidence_title(root)
        for workers in (2, 1):
            site._workers = lambda n=workers: n
            result = build(root, out / f"site-{workers}", "internal")
            done[f"{step} {workers}"] = [result.pages, result.rendered, result.reused]
    build(root, out / "cold", "internal")
    return done


def test_parallel_and_single_process_rebuilds_reuse_the_same_pages_and_write_the_same_bytes(example, tmp_path):
    code = (
        "import json, sys, tests.acceptance.test_site_incremental as t; print(json.dumps(t._rebuilds(*sys.argv[1:])))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(example), str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    done = json.loads(run.stdout)
    pages = done["cold 1"][0]
    assert done["cold 2"] == done["cold 1"] == [pages, pages, 0]
    assert done["edited 2"] == done["edited 1"]
    assert 0 < done["edited 1"][1] < pages / 2
    assert_same_tree(tmp_path / "site-2", tmp_path / "cold")
    assert_same_tree(tmp_path / "site-1", tmp_path / "cold")


def test_a_rebuild_reading_records_from_the_record_cache_reuses_every_page(cli, example, tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "1")  # the first build parses and fills it, the second reads it
    site = tmp_path / "site"
    pages, _, _ = counts(cli("build", "--records", example, "--out", site))
    assert counts(cli("build", "--records", example, "--out", site)) == (pages, 0, pages)


ALICE_EV = "people/alice/evidence/2026-02-10-ledger-refactor-reviews.md"


@pytest.mark.parametrize("trust_stat", [False, True], ids=["bytes checked", "stat trusted"])
def test_rebuilds_after_an_entry_org_yaml_a_visibility_and_a_template_change_equal_cold_builds(
    example, tmp_path, monkeypatch, trust_stat
):
    if trust_stat:  # every reused page is then taken on its stat identity, none read back
        monkeypatch.setenv("PERFDOCS_CACHE", "1")
        monkeypatch.setattr(reuse, "RACY_NS", -(1 << 62))
    templates = tmp_path / "templates"
    shutil.copytree(template_dir(), templates)
    site = tmp_path / "site"
    first = build(example, site, "public", templates)
    assert (first.rendered, first.reused) == (first.pages, 0)
    shown = site / "evidence/alice/2026-02-10-ledger-refactor-reviews.html"
    assert shown.is_file()
    steps = {
        "an entry": lambda: edit(example / CHEN_EV, "title: Fixed 28 accessibility", "title: Fixed 29 accessibility"),
        "org.yaml": lambda: edit(example / "org.yaml", "tagline: engineering", "tagline: engineering, rebuilt"),
        "a visibility": lambda: edit(example / ALICE_EV, "visibility: public", "visibility: private"),
        "a template": lambda: edit(templates / "evidence.html.j2", "<h2>Links</h2>", "<h2>See also</h2>"),
    }
    for n, (name, change) in enumerate(steps.items()):
        change()
        again = build(example, site, "public", templates)
        cold = build(example, tmp_path / f"cold-{n}", "public", templates)
        assert again.pages == cold.pages, name
        assert 0 < again.rendered, name
        assert_same_tree(site, tmp_path / f"cold-{n}")
    # The entry made private left the public site, and nothing of it is on any page.
    assert not shown.exists()
    assert b"ledger double-entry refactor" not in b"".join(tree(site).values())
    assert build(example, site, "public", templates).rendered == 0


def test_a_page_edited_in_place_is_rendered_again_even_when_stats_are_trusted(example, tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    monkeypatch.setattr(reuse, "RACY_NS", -(1 << 62))
    site, cold = tmp_path / "site", tmp_path / "cold"
    first = build(example, site, "public")
    page = site / "evidence/chen/2026-08-12-checkout-a11y-fixes.html"
    data = page.read_bytes()
    with open(page, "r+b") as fh:  # the same inode and size; a new modification time
        fh.write(data.replace(b"accessibility", b"ACCESSIBILITY"))
    again = build(example, site, "public")
    assert (again.rendered, again.reused) == (1, first.pages - 1)
    build(example, cold, "public")
    assert_same_tree(site, cold)


def test_a_rebuild_from_another_working_folder_renders_no_page(cli, example, tmp_path):
    """A page's fingerprint holds nothing that depends on the working folder (a record's
    display path does): building from elsewhere reuses every page."""
    site = tmp_path / "site"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pages, _, _ = counts(cli("build", "--records", example, "--out", site, cwd=example))
    assert counts(cli("build", "--records", example.resolve(), "--out", site.resolve(), cwd=elsewhere)) == (
        pages,
        0,
        pages,
    )
    assert counts(cli("build", "--records", "records", "--out", "site", cwd=tmp_path)) == (pages, 0, pages)


@pytest.fixture
def trusted(monkeypatch):
    """Record files and page files are taken on their stat identity however recently they
    changed (RACY_NS is otherwise 2 s, and a test edits within it): entries' pages are then
    reused on the identity of their inputs, without making their context."""
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    monkeypatch.setattr(reuse, "RACY_NS", -(1 << 62))


class _Made:
    """Counts the evidence entries whose page context a build makes."""

    def __init__(self, monkeypatch) -> None:
        from perfdocs.site.pages import evidence

        self.entries: list[str] = []
        made = evidence._entry

        def counted(view, cited_by, handle, ev):
            self.entries.append(ev.id)
            return made(view, cited_by, handle, ev)

        monkeypatch.setattr(evidence, "_entry", counted)

    def take(self) -> list[str]:
        done, self.entries = sorted(self.entries), []
        return done


BORA_EV = "people/bora/evidence/2026-05-27-runbook-refresh.md"


def test_unchanged_entries_are_taken_without_making_their_pages_and_every_rebuild_equals_a_cold_one(
    example, tmp_path, monkeypatch, trusted
):
    made = _Made(monkeypatch)
    site = tmp_path / "site"
    first = build(example, site, "internal")
    entries = len(made.take())
    assert entries > 30 and first.rendered == first.pages
    again = build(example, site, "internal")
    assert (again.rendered, made.take()) == (0, [])  # not one entry's view data was made

    def step(name: str, change) -> tuple[int, list[str]]:
        change()
        result = build(example, site, "internal")
        ids = made.take()
        build(example, tmp_path / f"cold-{name}", "internal")
        made.take()
        assert_same_tree(site, tmp_path / f"cold-{name}")
        return result.rendered, ids

    # Five entries changed: their pages, their authors' pages and the packet citing one.
    plain = [p for p in sorted((example / "people").glob("*/evidence/*.md")) if "title: '" not in p.read_text()]
    five = plain[::7][:5]
    assert len(five) == 5

    def retitle() -> None:
        for path in five:
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"^(title: .*)$", r"\1 r1", text, count=1, flags=re.M), encoding="utf-8")

    # (A private entry has no page on the internal site: nothing of it is made.)
    shown = sorted(
        f"{p.parent.parent.name}/{p.stem}"
        for p in five
        if (site / f"evidence/{p.parent.parent.name}/{p.stem}.html").exists()
    )
    assert len(shown) >= 3
    rendered, ids = step("five", retitle)
    assert ids == shown
    authors = {e.split("/")[0] for e in shown}
    assert len(shown) + len(authors) <= rendered <= len(shown) + len(authors) + 2

    # A person's name is on their entries' pages: every entry's page is made again (another
    # record than an entry changed), and only the pages showing the name are rendered.
    rendered, ids = step("person", lambda: _person_name(example))
    assert len(ids) == entries
    chen = len(list((example / "people/chen/evidence").glob("*.md")))
    assert chen < rendered < entries

    # An entry removed: its page is gone, its author's page and the index no longer list it.
    gone = example / BORA_EV
    shown = site / "evidence/bora/2026-05-27-runbook-refresh.html"
    assert shown.is_file()
    rendered, ids = step("deleted", gone.unlink)
    assert ids == [] and not shown.exists()
    assert b"runbook-refresh" not in (site / "evidence/bora.html").read_bytes()
    assert b"Walked through and updated" not in (site / "static/search-index.js").read_bytes()

    # A public entry made private leaves the internal site too: nothing of it is made.
    rendered, ids = step("private", lambda: _made_private(example))
    assert ids == [] and rendered > 0
    assert not (site / "evidence/chen/2026-08-12-checkout-a11y-fixes.html").exists()


def test_an_entry_page_reused_over_an_internal_site_never_carries_a_private_record_to_a_public_one(
    request, tmp_path, monkeypatch, trusted
):
    records = request.getfixturevalue("example")
    plant_markers(records)
    made = _Made(monkeypatch)
    site, cold = tmp_path / "site", tmp_path / "cold"
    build(records, site, "internal")
    made.take()
    public = build(records, site, "public")
    assert public.rendered == public.pages  # the audience is on every page: nothing is reused
    everything = b"".join(tree(site).values())
    assert MARKERS["internal"].encode() not in everything and MARKERS["private"].encode() not in everything
    build(records, cold, "public")
    assert_same_tree(site, cold)
    assert made.take()
    assert build(records, site, "public").rendered == 0
    assert made.take() == []


def test_a_competency_renamed_renders_again_the_entries_that_show_it(example, tmp_path, monkeypatch, trusted):
    site = tmp_path / "site"
    build(example, site, "public")
    # Track frontend's matrix takes code-quality from the engineering set (backend's has its own).
    edit(example / "competency-sets/engineering.yaml", "name: Code quality", "name: Code craft")
    again = build(example, site, "public")
    build(example, tmp_path / "cold", "public")
    assert_same_tree(site, tmp_path / "cold")
    assert again.rendered > 0
    page = site / "evidence/chen/2026-08-12-checkout-a11y-fixes.html"
    assert b"Code craft" in page.read_bytes()
    backend = site / "evidence/alice/2026-01-20-idempotency-rfc.html"
    assert b"Code craft" not in backend.read_bytes()


def _inputs(org, started_ns: int):
    from perfdocs.site.reuse import Inputs

    return Inputs(b"k" * 32, b"prefix", org, started_ns)


def _page_of(record, *more):
    from perfdocs.site.pages import Page
    from perfdocs.site.pages.page import OTHER_RECORDS

    return Page("evidence/x.html", "evidence.html.j2", "T", "evidence", inputs=(record, *more, OTHER_RECORDS))


def test_a_page_s_inputs_have_an_identity_only_when_every_record_it_reads_is_out_of_the_racy_window(
    tmp_path, monkeypatch
):
    """The identity of a page's inputs is their files' signatures: trusted for files last
    changed more than RACY_NS before the build started, never for one changed since, and
    never depending on the working folder."""
    import os
    import time

    from perfdocs.site import reuse
    from perfdocs.validation import load_org

    from tests.support.orgs import evidence, person, team, tiny_org

    root = tiny_org(
        tmp_path / "records",
        competencies=[("design", "delivery", {"l1": "Designs.", "l2": "Designs more."})],
        teams={"core": team("core", "bo", ["ana", "bo"])},
        people={"ana": person("ana", "core", "l1", "bo"), "bo": person("bo", "core", "l2")},
        files={
            "people/ana/evidence/2026-01-05-a.md": evidence("ana", "2026-01-05", ["design"]),
            "people/ana/evidence/2026-01-06-b.md": evidence("ana", "2026-01-06", ["design"]),
        },
    )
    org = load_org(root).org
    a, b = (org.evidence[i] for i in ("ana/2026-01-05-a", "ana/2026-01-06-b"))
    now = time.time_ns()
    assert _inputs(org, now).page(_page_of(a)) is None  # every file was just written
    later = now + 2 * reuse.RACY_NS
    first = _inputs(org, later).page(_page_of(a))
    assert first is not None and first != _inputs(org, later).page(_page_of(b))
    assert _inputs(org, later).page(_page_of(a, "ana")) not in (first, None)
    monkeypatch.chdir(tmp_path)  # display paths change with the working folder; the identity does not
    assert _inputs(load_org(root.relative_to(tmp_path)).org, later).page(_page_of(a)) == first
    a.visibility = "private" if a.visibility != "private" else "public"
    assert _inputs(org, later).page(_page_of(a)) not in (first, None)
    # A record of another kind, changed: every page reading the other records has another identity.
    before = _inputs(org, later).page(_page_of(b))
    os.utime(root / "people/bo/person.yaml", ns=(now - 10**9, now - 10**9))
    again = load_org(root).org
    assert _inputs(again, later).page(_page_of(again.evidence[b.id])) not in (before, None)


ALICE_EV_PAGE = "evidence/alice/2026-01-20-idempotency-rfc.html"
CHEN_EV_PAGE = "evidence/chen/2026-08-12-checkout-a11y-fixes.html"


def test_a_rebuild_updates_a_site_of_ours_in_place_and_keeps_only_what_a_cold_build_writes(cli, example, tmp_path):
    site, cold = tmp_path / "site", tmp_path / "cold"
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    folder, unchanged = site.stat().st_ino, (site / ALICE_EV_PAGE).stat().st_ino
    (site / "evidence/stray.html").write_text("not written by perfdocs", encoding="utf-8")
    (site / "old-section").mkdir()
    (site / "old-section/page.html").write_text("a page of an older build", encoding="utf-8")
    _evidence_title(example)
    pages, rendered, _ = counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    assert 0 < rendered < pages / 2
    # The same folder, its unchanged pages the same files: updated in place, not swapped.
    assert (site.stat().st_ino, (site / ALICE_EV_PAGE).stat().st_ino) == (folder, unchanged)
    assert b"Fixed 29 accessibility" in (site / CHEN_EV_PAGE).read_bytes()
    counts(cli("build", "--records", example, "--out", cold, "--audience", "internal"))
    assert_same_tree(site, cold)
    assert not (site / "old-section").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.building-")] == []


def test_a_site_holding_a_symbolic_link_is_swapped_whole_and_nothing_it_leads_to_is_touched(cli, example, tmp_path):
    site, cold, outside = tmp_path / "site", tmp_path / "cold", tmp_path / "outside"
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    folder = site.stat().st_ino
    # An author's folder of pages moved elsewhere and linked back: a rebuild must neither
    # write a page there nor remove one from there.
    shutil.move(site / "evidence/chen", outside)
    (site / "evidence/chen").symlink_to(outside, target_is_directory=True)
    (outside / "mine.html").write_text("someone's own file", encoding="utf-8")
    before = tree(outside)
    _evidence_title(example)
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    assert site.stat().st_ino != folder  # swapped as a cold build is
    assert tree(outside) == before
    counts(cli("build", "--records", example, "--out", cold, "--audience", "internal"))
    assert_same_tree(site, cold)


def test_an_in_place_update_killed_half_way_is_finished_by_the_next_build(cli, example, tmp_path):
    """What a build killed while updating a site in place leaves beside it: its folder of
    new files, with the journal naming the files to remove. The next build (under the
    output folder's lock) finishes it first; a journal's path that is not a plain relative
    one is never followed, and a folder without a journal (killed before its build
    succeeded) is only removed."""
    from perfdocs.site.writer import JOURNAL, recover

    site = tmp_path / "site"
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    (tmp_path / "outside.html").write_text("someone's own file", encoding="utf-8")
    killed = tmp_path / ".site.building-k2x9a1"
    (killed / "evidence/chen").mkdir(parents=True)
    (killed / CHEN_EV_PAGE).write_bytes(b"the new page")
    (killed / "evidence/new.html").write_bytes(b"a new page")
    (killed / JOURNAL).write_text(
        json.dumps(["evidence/bora/2026-05-27-runbook-refresh.html", "../outside.html", "/etc/hostname", "a/./b"]),
        encoding="utf-8",
    )
    unfinished = tmp_path / ".site.building-z9y8x7"  # killed before it succeeded: no journal
    (unfinished / "evidence").mkdir(parents=True)
    (unfinished / "evidence/new.html").write_bytes(b"never published")
    before = tree(site)
    recover(site)
    after = tree(site)
    assert after.pop(CHEN_EV_PAGE) == b"the new page" and after.pop("evidence/new.html") == b"a new page"
    assert before.pop("evidence/bora/2026-05-27-runbook-refresh.html") and before.pop(CHEN_EV_PAGE)
    assert after == before
    assert (tmp_path / "outside.html").read_text(encoding="utf-8") == "someone's own file"
    assert not killed.exists() and not unfinished.exists()
    # A build over what the update left is a cold build's site.
    counts(cli("build", "--records", example, "--out", site, "--audience", "internal"))
    counts(cli("build", "--records", example, "--out", tmp_path / "cold", "--audience", "internal"))
    assert_same_tree(site, tmp_path / "cold")


def test_reused_pages_take_their_search_entries_from_the_previous_index_only_while_it_is_the_one_written(
    example, tmp_path, monkeypatch, trusted
):
    made = _Made(monkeypatch)
    site = tmp_path / "site"
    build(example, site, "internal")
    entries = len(made.take())
    index = site / "static/search-index.js"
    written = index.stat().st_ino
    assert build(example, site, "internal").rendered == 0
    assert (made.take(), index.stat().st_ino) == ([], written)  # nothing changed: the index stays as it is
    _evidence_title(example)
    build(example, site, "internal")
    assert made.take() == ["chen/2026-08-12-checkout-a11y-fixes"]
    build(example, tmp_path / "cold", "internal")
    made.take()
    assert_same_tree(site, tmp_path / "cold")
    assert b"Fixed 29 accessibility" in index.read_bytes()
    # The index edited in the published folder (same size): its places are not trusted, and
    # every entry's page is made again for its search entries.
    data = index.read_bytes()
    index.write_bytes(data.replace(b"accessibility", b"ACCESSIBILITY"))
    assert build(example, site, "internal").rendered == 0
    assert len(made.take()) == entries
    assert_same_tree(site, tmp_path / "cold")


def test_a_rebuild_killed_at_any_moment_leaves_the_old_site_whole_or_an_update_the_next_build_finishes(
    example, tmp_path
):
    """A rebuild over a site of ours updates it in place; killed (SIGKILL) before its journal
    is written, the old site is whole; killed after, the next build finishes the update
    before anything else, and the site is the new one, whole."""
    import os
    import signal
    import subprocess
    import time

    from perfdocs.site.writer import JOURNAL

    from tests.support.cli import PERFDOCS

    env = {**os.environ, "PERFDOCS_TODAY": "2026-11-24", "PERFDOCS_CACHE_DIR": str(tmp_path / "cache")}
    command = [*PERFDOCS, "build", "--records", str(example), "--out", str(tmp_path / "site"), "--audience", "internal"]
    titles = ["title: Fixed 28 accessibility", "title: Fixed 29 accessibility"]
    expected = []
    for i, title in enumerate(titles):
        if i:
            edit(example / CHEN_EV, titles[0], title)
        subprocess.run([*command[:-3], str(tmp_path / f"cold-{i}"), "--audience", "internal"], env=env, check=True)
        expected.append(tree(tmp_path / f"cold-{i}"))
    subprocess.run(command, env=env, check=True)
    site = tmp_path / "site"
    assert tree(site) == expected[1]
    outcomes = set()
    for n, delay in enumerate((0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2)):
        target = n % 2
        edit(example / CHEN_EV, titles[1 - target], titles[target])
        old = tree(site)
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        left = sorted(tmp_path.glob(".site.building-*"))
        if any((folder / JOURNAL).exists() for folder in left):
            outcomes.add("killed while updating")
        else:
            now = tree(site)
            assert now in (old, expected[target]), f"killed after {delay} s: a mix of two builds"
            outcomes.add("old site" if now == old and now != expected[target] else "new site")
        subprocess.run(command, env=env, check=True)  # finishes what the killed build left, and builds
        assert tree(site) == expected[target], f"killed after {delay} s"
        assert sorted(tmp_path.glob(".site.building-*")) == []
    assert "old site" in outcomes, outcomes
