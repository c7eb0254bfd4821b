"""The calibration page is on the internal site and never on the public one."""

from __future__ import annotations

from pathlib import Path

from tests.support.files import REPO


def all_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")))


PACK = [
    "Rating distribution",
    "Ratings against the rubric",
    "Ratings previews",
    "fewer than 3",
    "is the mentoring carrying the rating",  # gustavo's ratings preview (private)
    "paused the work for two weeks",  # farah's calibration note (private)
    "lisbon",  # a person attribute calibration groups by
    "Cramér",
]
"""Text only the calibration pack of the example shows."""


def test_the_internal_site_has_the_calibration_page_and_the_public_site_does_not(cli, tmp_path):
    records = REPO / "records"
    internal = cli("build", "--records", records, "--out", tmp_path / "internal", "--audience", "internal")
    assert internal.exit_code == 0, internal
    page = (tmp_path / "internal/calibration/index.html").read_text(encoding="utf-8")
    assert "<h1>Calibration 2026-Q3</h1>" in page
    assert "never part of the public site" in page
    assert "<h2>Process health</h2>" in page

    public = cli("build", "--records", records, "--out", tmp_path / "public")
    assert public.exit_code == 0, public
    assert not (tmp_path / "public/calibration").exists()
    text = all_text(tmp_path / "public")
    assert "Calibration 2026-Q3" not in text
    assert "calibration/index.html" not in text


def test_the_internal_calibration_page_uses_no_private_review(cli, tmp_path):
    # The example's reviews are private (visibility_defaults: review: private), so the internal
    # page counts none of them, while `perfdocs calibrate` (all records) counts both.
    records = REPO / "records"
    assert cli("build", "--records", records, "--out", tmp_path / "internal", "--audience", "internal").exit_code == 0
    page = (tmp_path / "internal/calibration/index.html").read_text(encoding="utf-8")
    assert "<p>0 reviews in 2026-Q3." in page
    full = cli("calibrate", "--period", "2026-Q3", "--records", records)
    assert full.stdout.splitlines()[2].startswith("7 reviews in 2026-Q3.")


def test_nothing_of_the_pack_reaches_the_public_site_or_its_search_index(cli, tmp_path):
    records = REPO / "records"
    full = cli("calibrate", "--period", "2026-Q3", "--records", records)
    assert all(marker in full.stdout for marker in PACK), full.stdout  # the markers are the pack's
    assert cli("build", "--records", records, "--out", tmp_path / "public").exit_code == 0
    files = [
        p
        for p in sorted((tmp_path / "public").rglob("*"))
        if p.is_file() and p.suffix in (".html", ".js", ".json", ".xml", ".txt")
    ]
    index = (tmp_path / "public/static/search-index.js").read_text(encoding="utf-8")
    assert index in [p.read_text(encoding="utf-8") for p in files]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not [m for m in PACK if m in text], path
    # The internal site's page uses no private record: no preview, no calibration note, no attribute.
    assert cli("build", "--records", records, "--out", tmp_path / "internal", "--audience", "internal").exit_code == 0
    page = (tmp_path / "internal/calibration/index.html").read_text(encoding="utf-8")
    assert "Rating distribution" in page
    assert not [m for m in PACK[4:7] if m in all_text(tmp_path / "internal")]
    assert "lisbon" not in (tmp_path / "internal/static/search-index.js").read_text(encoding="utf-8")


def test_the_attributes_calibration_groups_by_are_never_exported(cli):
    # alice's person record is public, and records her location for calibration.
    records = REPO / "records"
    assert "location: lisbon" in (records / "people/alice/person.yaml").read_text(encoding="utf-8")
    for audience in ("public", "internal"):
        res = cli("export", "--records", records, "--audience", audience, "--kind", "person", "--format", "json")
        assert res.exit_code == 0, res
        assert '"alice"' in res.stdout  # her record is exported, without its attributes
        assert "lisbon" not in res.stdout and "attributes" not in res.stdout
