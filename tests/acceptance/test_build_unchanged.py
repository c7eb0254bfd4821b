"""A rebuild whose inputs are those of the last build into its folder (perfdocs/site/builder.py
`_unchanged`): the build's quick `validate` finds no record changed since the listing that build
left, the code, templates, audience and day are the same, and the site is taken as it is, each
file still shown to be the one written. Whatever happened in between (edits, adds, deletes,
renames, commits, a `validate` run, a template or day change, a page edited in the output
folder), every build's output equals a cold build's, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfdocs.records import cache, listing, snapshot
from perfdocs.site import build, builder, reuse
from perfdocs.site.render import template_dir

from tests.acceptance.test_snapshot import _evidence, _rewrite, corpus
from tests.support.cli import invoke
from tests.support.git import GitRepo


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    """Cache files in the test's own folder, kept for small folders too; files edited a moment
    ago are trusted (nothing edits them while a run reads them here)."""
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PERFDOCS_CACHE", "1")
    monkeypatch.setenv("PERFDOCS_TODAY", "2026-11-24")
    for module in (snapshot, listing, cache, reuse):
        monkeypatch.setattr(module, "RACY_NS", 0)


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _repo(root: Path, size: int = 40) -> GitRepo:
    corpus.organisation(root, size)
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "records")
    return repo


def _cold(root: Path, tmp_path: Path, templates: Path | None = None) -> dict[str, bytes]:
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    result = build(root, cold, "internal", templates)
    assert result.rendered == result.pages and not result.unchanged
    return tree(cold)


def _settled(root: Path, site: Path, templates: Path | None = None) -> builder.BuildResult:
    """Build until the site is taken whole (the first build after a change records its basis)."""
    for _ in range(3):
        result = build(root, site, "internal", templates)
        if result.unchanged:
            return result
    raise AssertionError("the site was never taken whole")


def test_a_rebuild_with_nothing_changed_takes_the_site_whole_and_it_is_a_cold_build(tmp_path):
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    first = build(root, site, "internal")
    again = build(root, site, "internal")  # the first build's full run left the listing and the basis
    assert again.unchanged
    assert (again.pages, again.rendered, again.reused) == (first.pages, 0, first.pages)
    assert again.files == first.files
    assert tree(site) == _cold(root, tmp_path)
    # The summary line says what it did, as for any rebuild.
    res = invoke(["build", "--records", root, "--out", site, "--audience", "internal"])
    assert res.exit_code == 0, res
    assert f"built {first.pages} pages (0 rendered, {first.pages} unchanged and reused;" in res.stderr


def _title(root: Path) -> None:
    _rewrite(_evidence(root)[3], "title: ", "title: Changed ")


def _five_titles(root: Path) -> None:
    for path in _evidence(root)[:5]:
        _rewrite(path, "title: ", "title: Again ")


def _added(root: Path) -> None:
    source = _evidence(root)[1]
    source.with_name(source.stem + "-added.md").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


def _deleted(root: Path) -> None:
    _evidence(root)[2].unlink()


def _renamed(root: Path) -> None:
    path = _evidence(root)[4]
    path.rename(path.with_name(path.stem + "-renamed.md"))


def _person(root: Path) -> None:
    _rewrite(_evidence(root)[0].parents[1] / "person.yaml", "name: ", "name: Renamed ")


EDITS = {
    "an entry's title": _title,
    "five entries' titles": _five_titles,
    "an entry added": _added,
    "an entry deleted": _deleted,
    "an entry renamed": _renamed,
    "a person's name": _person,
}


@pytest.mark.parametrize("git", ["left", "committed"])
@pytest.mark.parametrize("edit", EDITS)
def test_after_an_edit_the_rebuild_is_a_cold_build_and_the_next_one_takes_it_whole(tmp_path, edit, git):
    root, site = tmp_path / "records", tmp_path / "site"
    repo = _repo(root)
    _settled(root, site)
    EDITS[edit](root)
    if git == "committed":
        repo.git("add", "-A")
        repo.git("commit", "-q", "-m", "edit")
    changed = build(root, site, "internal")
    # (The corpus's person records are not shown on the site: their change renders nothing.)
    assert not changed.unchanged and (changed.rendered > 0 or edit == "a person's name")
    cold = _cold(root, tmp_path)
    assert tree(site) == cold
    _settled(root, site)
    assert tree(site) == cold


def test_a_validate_between_two_builds_never_hides_an_edit_from_the_second(tmp_path):
    """The edit is no longer a change for the build's quick run (validate listed it): the
    listing it starts from is not the one the last build left, so the site is not taken whole."""
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    _settled(root, site)
    _title(root)
    assert invoke(["validate", root]).exit_code == 0
    after = build(root, site, "internal")
    assert not after.unchanged and after.rendered > 0
    assert tree(site) == _cold(root, tmp_path)


def test_a_page_edited_or_a_file_added_in_the_output_folder_is_put_right(tmp_path):
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    _settled(root, site)
    page = next(p for p in sorted(site.rglob("*.html")) if "/evidence/" in p.as_posix())
    page.write_text(page.read_text(encoding="utf-8").replace("<", "&lt;", 1), encoding="utf-8")
    again = build(root, site, "internal")
    assert not again.unchanged and again.rendered == 1
    cold = _cold(root, tmp_path)
    assert tree(site) == cold
    (site / "stray.html").write_text("not ours", encoding="utf-8")
    assert _settled(root, site).unchanged
    assert tree(site) == cold  # what a cold build does not write is gone


def test_a_template_change_or_another_day_is_never_taken_whole(tmp_path, monkeypatch):
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    _settled(root, site)
    templates = tmp_path / "templates"
    shutil.copytree(template_dir(), templates)
    base = templates / "base.html.j2"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- ours --></body>"), encoding="utf-8")
    changed = build(root, site, "internal", templates)
    assert not changed.unchanged and changed.rendered == changed.pages
    assert tree(site) == _cold(root, tmp_path, templates)
    _settled(root, site, templates)
    monkeypatch.setenv("PERFDOCS_TODAY", "2026-11-25")
    later = build(root, site, "internal", templates)
    assert not later.unchanged and later.rendered > 0
    assert tree(site) == _cold(root, tmp_path, templates)


def test_another_audience_over_the_same_folder_is_never_taken_whole(tmp_path):
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    _settled(root, site)
    public = build(root, site, "public")
    assert not public.unchanged
    cold = tmp_path / "cold"
    build(root, cold, "public")
    assert tree(site) == tree(cold)


def test_a_site_reading_a_team_s_repositories_is_never_taken_whole(tmp_path):
    """A team's DORA figures come from its repositories' clones, which move on without any
    record changing: such a site is made again on every build."""
    root, site = tmp_path / "records", tmp_path / "site"
    repo = _repo(root)
    team = sorted(root.glob("teams/*.yaml"))[0]
    team.write_text(team.read_text(encoding="utf-8") + "repositories: [tiny/api]\n", encoding="utf-8")
    org = root / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "repositories:\n  tiny/api:\n    path: ../api\n", encoding="utf-8")
    repo.git("commit", "-qam", "a team with a repository")
    results = [build(root, site, "internal") for _ in range(3)]
    assert not any(r.unchanged for r in results)


def test_a_site_holding_a_symbolic_link_is_never_taken_whole(tmp_path):
    """Nothing is kept through a link: the build swaps the whole folder, as any rebuild does."""
    root, site = tmp_path / "records", tmp_path / "site"
    _repo(root)
    _settled(root, site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the site's", encoding="utf-8")
    (site / "evidence" / "linked").symlink_to(elsewhere)
    again = build(root, site, "internal")
    assert not again.unchanged
    assert tree(site) == _cold(root, tmp_path)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "not the site's"
