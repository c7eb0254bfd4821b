"""The reverse-reference index (perfdocs.records.refindex, filled by perfdocs.rules.references):
what each record defines, and who names each key, on the minimal organisation."""

from __future__ import annotations

import shutil

import pytest

from perfdocs.records import organisation
from perfdocs.records.load import load_records
from perfdocs.records.refindex import ANY, Key, defines
from perfdocs.rules import references

from tests.support.files import FIXTURES


@pytest.fixture
def org(tmp_path):
    shutil.copytree(FIXTURES / "minimal", tmp_path / "records")
    loaded = load_records(tmp_path / "records")
    built, problems = organisation.build(loaded.records, loaded.unloaded)
    assert not problems
    return built


def test_a_matrix_defines_its_tracks_competencies_and_owns_their_namespace(org):
    assert defines(org.matrices["backend"]) == {
        Key("competency-matrix", "", "backend"),
        Key("competency", "backend", ANY),
        Key("competency", "backend", "design"),
        Key("competency", "backend", "operations"),
        Key("competency", "backend", "mentoring"),
    }


def test_a_track_defines_its_levels_and_the_org_its_lists(org):
    assert defines(org.tracks["backend"]) == {
        Key("track", "", "backend"),
        Key("level", "backend", ANY),
        *(Key("level", "backend", lv) for lv in ("l1", "l2", "l3", "m3")),
    }
    org_keys = defines(org.org)
    assert {Key("rating", "", "meets"), Key("dimension", "", "delivery"), Key("rating", "", ANY)} <= org_keys


def test_the_index_finds_every_record_that_names_a_competency_through_its_namespace(org):
    index = references.index(org)
    naming = {(ref.record.rel, ref.path) for ref in index.references_to([Key("competency", "backend", ANY)])}
    assert naming == {
        ("people/ann/evidence/2026-03-01-retry-redesign.md", ("competencies", 0)),
        ("people/ann/evidence/2026-05-10-mentoring.md", ("competencies", 0)),
        ("people/bob/evidence/2026-04-02-rotation.md", ("competencies", 0)),
        ("people/ann/packets/2026-senior.md", ("claims", 0, "competency")),
        ("people/ann/packets/2026-senior.md", ("claims", 1, "competency")),
        ("people/ann/reviews/2026-Q1.md", ("development_plan", 0, "competency")),
    }
    assert index.definers[Key("competency", "backend", "design")] == [org.matrices["backend"]]


def test_a_competency_reference_depends_on_the_authors_track_through_the_author(org):
    index = references.index(org)
    via_ann = {ref.record.rel for ref in index.references_to([Key("person", "", "ann")]) if ref.via is not None}
    assert "people/ann/evidence/2026-03-01-retry-redesign.md" in via_ann
    assert "people/ann/packets/2026-senior.md" in via_ann


def test_the_checks_report_exactly_what_they_reported_before_the_index(org):
    """references.check keeps only diagnostics: on a valid organisation, none."""
    assert list(references.check(org)) == []
