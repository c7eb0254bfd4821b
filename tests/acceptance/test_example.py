"""The example organisation in records/ is complete, realistic in shape, and valid."""

from __future__ import annotations

from collections import Counter

import pytest

from perfdocs.records import schemas
from perfdocs.validation import validate

from tests.support.files import REPO

RECORDS = REPO / "records"


@pytest.fixture(scope="module")
def report():
    return validate(RECORDS)


def test_the_example_has_no_errors(report):
    errors = [d.text() for d in report.diagnostics if d.severity == "error"]
    assert errors == []


def test_every_kind_is_represented_and_validates(report):
    kinds = Counter(r.kind for r in report.org.records)
    assert set(kinds) == set(schemas.KINDS)


def test_the_example_is_as_complete_as_the_foundation_asks(report):
    org = report.org
    assert len(org.tracks) >= 3
    for track in org.tracks:
        levels = [lv for lv in org.levels(track) if lv.get("path", "individual-contributor") != "manager"]
        assert len(levels) >= 5, track
        comps = org.competencies(track)
        assert len(comps) >= 9, track
        assert {c["dimension"] for c in comps.values()} == {"delivery", "reliability", "collaboration"}
    assert any(lv.get("follows") for t in org.tracks for lv in org.levels(t)), "a branching ladder"
    assert any(
        isinstance(v, dict) and v.get("unchanged")
        for t in org.tracks
        for c in org.competencies(t).values()
        for v in c["descriptors"].values()
    )
    assert len(org.teams) >= 3
    assert len(org.people) >= 8
    assert len({(p.get("track"), p.get("level")) for p in org.people.values()}) >= 5
    periods = {g.get("period") for g in org.goals.values()}
    assert len(periods) >= 2
    assert {g.get("level") for g in org.goals.values()} >= {"company", "individual"}
    assert len(org.evidence) >= 60
    types = {e.get("type") for e in org.evidence.values()}
    assert types == set(schemas.properties("evidence")["type"]["enum"])
    assert len(org.postmortems) >= 3
    assert len(org.reviews) >= 2 and all(r.get("development_plan") for r in org.reviews.values())
    assert len(org.packets) >= 2
    dora = {m.get("dora") for m in org.metrics.values()} - {None}
    assert dora == {
        "change-lead-time",
        "deployment-frequency",
        "failed-deployment-recovery-time",
        "change-fail-rate",
        "deployment-rework-rate",
    }
    assert len([m for m in org.metrics.values() if not m.get("dora")]) >= 3
