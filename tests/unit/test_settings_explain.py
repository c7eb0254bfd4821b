"""Where each setting in force comes from: the org.yaml key a field's docstring names, and
the line of org.yaml that writes it (perfdocs.settings.explain)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from perfdocs import settings
from perfdocs.records.load import from_texts

DERIVED = {
    "ScoringSettings": {"configured", "weights", "cap_given"},
    "ReadinessSettings": {"configured"},
    "KpiSettings": {"configured"},
    "DoraSettings": {"name", "overridden", "overridden_by"},
    "DoraSetup": set(),
}
"""Fields org.yaml does not write: bookkeeping, and values derived from others (the weights in
force are shown under `scoring.weights`, which `weights_given` reads)."""


def test_every_evaluation_setting_names_its_org_yaml_key_in_its_docstring():
    for attr, section in settings.SECTIONS:
        cls = type(getattr(settings.Settings(), attr))
        docs = settings.field_docs(cls)
        for f in fields(cls):
            if f.name in DERIVED.get(cls.__name__, set()):
                continue
            key = settings.key_of(section, docs.get(f.name, ""))
            assert key is not None and key[0] == section, (cls.__name__, f.name, docs.get(f.name))


def test_key_of_reads_the_key_a_docstring_opens_with():
    assert settings.key_of("readiness", "`readiness.consistency.min_quarters`: distinct quarters") == (
        "readiness",
        "consistency",
        "min_quarters",
    )
    assert settings.key_of("dora", "`deployment`: what a production deployment is") == ("dora", "deployment")
    assert settings.key_of("scoring", "The weight of every dimension") is None


def _org(text: str):
    from perfdocs.records import organisation

    org, _ = organisation.build(from_texts(Path("/records"), {"org.yaml": text}))
    return org


def test_a_written_value_is_labelled_with_its_line_and_the_rest_are_defaults():
    org = _org(
        "kind: org\nid: o\nname: O\ndimensions:\n  - id: delivery\n    name: Delivery\n"
        "readiness:\n  evidence_window_months: 6\n  scope:\n    by_level: {l3: team}\n"
    )
    rows = {s.dotted: s for s in settings.explain(org, "readiness")}
    assert (rows["readiness.evidence_window_months"].value, rows["readiness.evidence_window_months"].source) == (
        6,
        "org.yaml:8",
    )
    assert rows["readiness.scope.by_level.l3"].source == "org.yaml:10"
    assert rows["readiness.min_evidence_per_competency"].source == "default"
    assert rows["readiness.min_evidence_per_competency"].value == 1


def test_a_value_of_the_wrong_type_is_labelled_as_not_used():
    org = _org("kind: org\nid: o\nname: O\nlinks:\n  date_tolerance_days: soon\n")
    (row,) = [s for s in settings.explain(org, "links") if s.attribute == "date_tolerance_days"]
    assert (row.value, row.ignored, row.from_org) == (14, True, False)
    assert row.source == "default (org.yaml:5 is not used: see perfdocs validate)"


def test_a_written_value_equal_to_the_default_is_still_from_org_yaml():
    org = _org("kind: org\nid: o\nname: O\ngovernance:\n  severity: warning\n")
    (row,) = settings.explain(org, "governance")
    assert (row.value, row.source) == ("warning", "org.yaml:5")
