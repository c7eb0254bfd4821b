"""Readers run on what is valid (issue 17, item 5): one person's broken record does not stop
`packet check`, `score`, `build` or `export` for everyone else; they leave it out, name it,
and publish nothing of it; --strict restores all-or-nothing for CI; an error in what every
record is read against (org.yaml, tracks, matrices) still stops them."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs.validation import load_org, skip_invalid

from tests.support.files import build_tree, edit

PACKET = "records/people/ann/packets/2026-senior.md"
"""Ann's packet, as a path from the folder the tests run in (beside the records)."""

SKIPPED = (
    "perfdocs: warning: skipped 1 invalid record{what}: records/people/cat/person.yaml: "
    "run 'perfdocs validate' (--strict stops on them instead)\n"
)


@pytest.fixture
def broken(minimal: Path) -> Path:
    """The minimal org with a third person, Cat, whose record names a track that does not exist."""
    build_tree(
        minimal,
        {
            "people/cat/person.yaml": """\
                kind: person
                handle: cat
                name: Cat Example
                emails: [cat@tiny.example]
                track: backnd
                level: l1
                team: core
                manager: bob
                start_date: 2025-01-06
                visibility: public
            """,
        },
    )
    return minimal


def test_one_broken_person_record_does_not_stop_packet_check_for_another(cli, broken):
    res = cli("packet", "check", PACKET, "--records", broken, cwd=broken.parent)
    assert res.exit_code == 0, res
    assert res.stderr == SKIPPED.format(what="")
    edit(broken / "people/cat/person.yaml", "track: backnd", "track: backend")
    alone = cli("packet", "check", PACKET, "--records", broken, cwd=broken.parent)
    assert alone.exit_code == 0, alone
    assert res.stdout == alone.stdout  # the same check as without the broken record
    assert alone.stderr == ""


def test_strict_stops_on_any_invalid_record(cli, broken):
    expected = cli("validate", "--records", broken, cwd=broken.parent)
    for args in (("packet", "check", PACKET), ("score", "ann"), ("build", "--out", broken.parent / "site")):
        res = cli(*args, "--records", broken, "--strict", cwd=broken.parent)
        assert res.exit_code == 1, (args, res)
        assert res.stdout == expected.stdout
        assert "records/people/cat/person.yaml:5:8: unknown track 'backnd'" in res.stdout
        assert res.stderr.endswith("perfdocs: stopped: the records have errors (see above)\n")
    assert not (broken.parent / "site").exists()


def test_build_publishes_nothing_of_an_invalid_record_and_says_so(cli, broken):
    out = broken.parent / "site"
    res = cli("build", "--records", broken, "--out", out, cwd=broken.parent)
    assert res.exit_code == 0, res
    assert res.stderr.endswith(SKIPPED.format(what=" (not published)"))
    site = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert "Cat Example" not in site
    assert (out / "packets/index.html").is_file()


def test_score_and_export_skip_it_too(cli, broken):
    res = cli("score", "ann", "--records", broken, cwd=broken.parent)
    assert res.exit_code == 0, res
    assert res.stderr == SKIPPED.format(what="")
    res = cli("export", "--records", broken, "--format", "json", cwd=broken.parent)
    assert res.exit_code == 0, res
    assert res.stderr == SKIPPED.format(what=" (not exported)")
    assert "Cat Example" not in res.stdout


def test_the_packet_asked_about_still_stops_when_it_is_itself_invalid(cli, broken):
    edit(broken.parent / PACKET, "target_level: l3", "target_level: l9")
    res = cli("packet", "check", PACKET, "--records", broken, cwd=broken.parent)
    assert res.exit_code == 1, res
    assert "records/people/ann/packets/2026-senior.md" in res.stdout
    assert res.stderr.endswith("perfdocs: stopped: the records have errors (see above)\n")


def test_only_the_invalid_records_are_left_out_not_what_refers_to_them(broken):
    """Ann's retry entry, broken, is left out; Ann's packet citing it and Cat's manager Bob
    stay: a reference to a left-out record is not an error of the record making it."""
    edit(broken / "people/ann/evidence/2026-03-01-retry-redesign.md", "type: ", "type: nonsense-")
    report = skip_invalid(load_org(broken))
    names = sorted(Path(p).resolve().relative_to(broken.resolve()).as_posix() for p in report.skipped)
    assert names == ["people/ann/evidence/2026-03-01-retry-redesign.md", "people/cat/person.yaml"]
    assert report.errors == 0
    assert "ann/2026-03-01-retry-redesign" not in report.org.evidence
    assert "ann/2026-senior" in report.org.packets and "bob" in report.org.people


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("org.yaml", "review_cadence_quarters: 1", "review_cadence_quarters: many"),
        ("matrices/backend.yaml", "kind:", "kind: ["),
    ],
)
def test_an_error_in_what_every_record_is_read_against_still_stops_readers(cli, broken, rel, old, new):
    edit(broken / rel, old, new)
    res = cli("packet", "check", PACKET, "--records", broken, cwd=broken.parent)
    assert res.exit_code == 1, res
    assert res.stderr.endswith("perfdocs: stopped: the records have errors (see above)\n")


def test_serve_rebuilds_from_the_valid_records_and_names_the_invalid_ones(minimal, tmp_path):
    from perfdocs.site.serve import Server

    logs: list[str] = []
    server = Server(minimal, tmp_path / "site", "public", port=0, log=logs.append, strict=False)
    try:
        server.first_build()
        edit(minimal / "people/ann/person.yaml", "track: backend", "track: backnd")
        assert server.rebuild()
        assert server.error is None and server.build_id == 2
        assert logs[-1] == (
            f"perfdocs: warning: skipped 1 invalid record (not published): {minimal}/people/ann/person.yaml: "
            "run 'perfdocs validate' (--strict stops on them instead)"
        )
    finally:
        server.close()
