"""A personal view (issue 17, item 3): `perfdocs serve --as HANDLE` and `perfdocs build --as HANDLE`
show what that person may see, their own private records and their reports', marked as a
preview, kept out of the folders a deploy publishes, and refused in CI; the sites built for
an audience explain, by counts alone, what they leave out."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from perfdocs.site.preview import PREVIEW

from tests.support.cli import PERFDOCS
from tests.support.files import TODAY
from tests.support.orgs import MARKERS, plant_markers

PACKET = "packets/ann/2026-senior.html"
"""Ann's packet in the minimal org: private (people's records are), Ann reports to Bob."""
BANNER = "Personal preview for"


def all_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """These tests are about previews on a person's machine; the CI refusal sets CI itself."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))


def test_build_as_a_person_shows_their_private_packet_and_no_audience_build_does(cli, minimal, tmp_path):
    res = cli("build", "--records", minimal, "--as", "ann", "--out", tmp_path / "ann")
    assert res.exit_code == 0, res
    assert "for a personal preview for ann (private records)" in res.stderr
    packet = (tmp_path / "ann" / PACKET).read_text(encoding="utf-8")
    assert "Ann Example: l2 to l3" in packet
    assert (tmp_path / "ann" / PREVIEW).is_file()
    author = (tmp_path / "ann/evidence/ann.html").read_text(encoding="utf-8")
    assert 'href="ann/2026-05-10-mentoring.html"' in author  # linked from the author page's folder
    assert (tmp_path / "ann/evidence/ann/2026-05-10-mentoring.html").is_file()
    for audience in ("public", "internal"):
        out = tmp_path / audience
        assert cli("build", "--records", minimal, "--audience", audience, "--out", out).exit_code == 0
        assert not (out / PACKET).exists()
        assert not (out / "evidence/ann").exists()
        assert not (out / PREVIEW).exists()
        assert BANNER not in all_text(out)


def test_a_manager_sees_their_reports_records_and_a_report_does_not_see_their_managers(cli, minimal, tmp_path):
    assert cli("build", "--records", minimal, "--as", "bob", "--out", tmp_path / "bob").exit_code == 0
    assert (tmp_path / "bob" / PACKET).is_file()  # Ann reports to Bob
    assert (tmp_path / "bob/evidence/bob/2026-04-02-rotation.html").is_file()
    assert cli("build", "--records", minimal, "--as", "ann", "--out", tmp_path / "ann").exit_code == 0
    assert not (tmp_path / "ann/evidence/bob").exists()
    page = (tmp_path / "ann/evidence/index.html").read_text(encoding="utf-8")
    assert "1 private entry of other people is not part of your preview." in page


def test_every_page_of_a_preview_carries_the_banner(cli, minimal, tmp_path):
    assert cli("build", "--records", minimal, "--as", "bob", "--out", tmp_path / "bob").exit_code == 0
    pages = sorted((tmp_path / "bob").rglob("*.html"))
    assert pages
    banner = (
        "<strong>Personal preview for Bob Example</strong>: it includes private records, Bob Example's own "
        "and those of the 1 person reporting to them. It is never published; do not share it."
    )
    assert [p.name for p in pages if banner not in p.read_text(encoding="utf-8")] == []


def test_the_private_text_reaches_only_the_preview_its_search_index_included(cli, minimal, tmp_path):
    plant_markers(minimal)  # a private entry of the first person (ann)
    assert cli("build", "--records", minimal, "--as", "ann", "--out", tmp_path / "ann").exit_code == 0
    assert MARKERS["private"] in (tmp_path / "ann/static/search-index.js").read_text(encoding="utf-8")
    for audience in ("public", "internal"):
        assert cli("build", "--records", minimal, "--audience", audience, "--out", tmp_path / audience).exit_code == 0
        assert MARKERS["private"] not in all_text(tmp_path / audience)
    res = cli("export", "--records", minimal, "--audience", "internal", "--output", tmp_path / "export.json")
    assert res.exit_code == 0, res
    assert MARKERS["private"] not in (tmp_path / "export.json").read_text(encoding="utf-8")


def test_without_out_a_preview_goes_under_the_cache_folder_never_into_site(cli, minimal, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    res = cli("build", "--records", minimal, "--as", "ann", cwd=work)
    assert res.exit_code == 0, res
    assert not (work / "site").exists()
    [folder] = (tmp_path / "cache/preview").iterdir()
    assert folder.name.startswith("ann-")
    assert (folder / PACKET).is_file()


@pytest.mark.parametrize("folder", ["site", "public"])
def test_a_preview_refuses_a_folder_a_deploy_publishes(cli, minimal, tmp_path, folder):
    res = cli("build", "--records", minimal, "--as", "ann", "--out", folder, cwd=tmp_path)
    assert res.exit_code == 2
    assert res.stderr == (
        f"perfdocs: error: a personal preview holds private records and must not go into {folder}, a folder a deploy "
        "publishes; leave out --out (it goes under the cache folder) or give another folder\n"
    )
    assert not (tmp_path / folder).exists()


def test_a_preview_refuses_a_folder_holding_a_site_built_for_an_audience(cli, minimal, tmp_path):
    assert cli("build", "--records", minimal, "--out", tmp_path / "pages").exit_code == 0
    res = cli("build", "--records", minimal, "--as", "ann", "--out", tmp_path / "pages")
    assert res.exit_code == 2
    assert "must not go into" in res.stderr
    assert not (tmp_path / "pages" / PACKET).exists()


def test_an_unknown_handle_is_a_usage_error_with_a_suggestion(cli, minimal, tmp_path):
    res = cli("build", "--records", minimal, "--as", "an", "--out", tmp_path / "x")
    assert res.exit_code == 2
    assert res.stderr == "perfdocs: error: --as an: no person has that handle; did you mean 'ann'?\n"


@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_preview_is_refused_in_ci_unless_allowed(cli, minimal, tmp_path, monkeypatch, command):
    monkeypatch.setenv("CI", "true")
    res = cli(command, "--records", minimal, "--as", "ann", "--out", tmp_path / "ann")
    assert res.exit_code == 2
    assert res.stderr == (
        "perfdocs: error: refusing a personal preview in CI (the CI variable is set): it holds private records, "
        "and a CI job's folders are often uploaded; add --allow-ci to mean it\n"
    )
    assert not (tmp_path / "ann").exists()
    if command == "build":
        res = cli(command, "--records", minimal, "--as", "ann", "--out", tmp_path / "ann", "--allow-ci")
        assert res.exit_code == 0, res
        assert (tmp_path / "ann" / PACKET).is_file()
    assert cli("build", "--records", minimal, "--out", tmp_path / "public").exit_code == 0  # not a preview


def test_audience_sites_count_what_they_leave_out_and_quote_none_of_it(cli, minimal, tmp_path):
    plant_markers(minimal)
    assert cli("build", "--records", minimal, "--out", tmp_path / "pub").exit_code == 0
    evidence = (tmp_path / "pub/evidence/index.html").read_text(encoding="utf-8")
    assert (
        "4 private entries are not part of the public site; preview them with "
        "<code>perfdocs serve --as HANDLE</code>." in evidence
    )
    packets = (tmp_path / "pub/packets/index.html").read_text(encoding="utf-8")
    assert "1 private packet is not part of the public site; preview it with" in packets
    assert MARKERS["private"] not in evidence


def serve(minimal: Path, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """A real `perfdocs serve` on a free port, started in tmp_path with its cache folder there."""
    env = {**os.environ, "PERFDOCS_TODAY": TODAY, "NO_COLOR": "1", "PERFDOCS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CI", None)
    return subprocess.Popen(
        [*PERFDOCS, "serve", "--records", str(minimal), *args, "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def served_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("serving http://"):
            return line.split()[1]
    raise AssertionError(f"perfdocs serve ended without serving: {lines}")


def test_serve_writes_under_the_cache_folder_never_into_site(minimal, tmp_path):
    proc = serve(minimal, tmp_path)
    try:
        url = served_url(proc)
        with urllib.request.urlopen(url + "index.html", timeout=10) as resp:
            assert resp.status == 200
        assert not (tmp_path / "site").exists()
        [folder] = (tmp_path / "cache/preview").iterdir()
        assert folder.name.startswith("public-") and (folder / "index.html").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_as_a_person_serves_their_private_packet_from_the_cache_folder(minimal, tmp_path):
    proc = serve(minimal, tmp_path, "--as", "bob")
    try:
        url = served_url(proc)
        assert url.startswith("http://127.0.0.1:"), url
        with urllib.request.urlopen(url + PACKET, timeout=10) as resp:
            page = resp.read().decode("utf-8")
        assert "Ann Example: l2 to l3" in page
        assert "<strong>Personal preview for Bob Example</strong>" in page
        assert not (tmp_path / "site").exists()
        assert [p.name.split("-")[0] for p in (tmp_path / "cache/preview").iterdir()] == ["bob"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
