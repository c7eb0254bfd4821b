"""org.yaml's settings: typed once, defaults filled in, a wrong type never raises."""

from __future__ import annotations

from perfdocs import settings
from perfdocs.settings import DoraSettings, KpiSettings, LinksSettings, ReadinessSettings, ScoringSettings, Settings
from perfdocs.validation import validate

DIMENSIONS = [{"id": "delivery"}, {"id": "reliability"}]


def test_an_org_yaml_without_settings_gets_every_default():
    found = settings.parse({}, DIMENSIONS)
    assert found == Settings(scoring=ScoringSettings(weights={"delivery": 1.0, "reliability": 1.0, "scope": 1.0}))
    assert found.readiness.evidence_window_months == 12
    assert found.scoring.cap == 2.5
    assert found.kpi_rules == KpiSettings()
    assert found.governance.severity == "warning"
    assert found.dora == DoraSettings()
    assert found.links.date_tolerance_days == 14


def test_given_settings_are_read_and_the_rest_keep_their_defaults():
    found = settings.parse(
        {
            "readiness": {"min_evidence_per_competency": 2, "scope": {"by_level": {"l3": "team"}}},
            "scoring": {"weights": {"delivery": 3}, "reliability_gate": {"cap": 3}},
            "kpi_rules": {"core_kpis": {"min": 1, "max": 3}},
            "governance": {"severity": "error"},
            "dora": {"deploy_tag_pattern": "v*"},
            "links": {"date_tolerance_days": 30, "authorship_types": []},
            "visibility_defaults": {"evidence": "internal"},
            "compensation_fields": ["perks"],
            "rating_scale": [{"id": "meets", "min_completion": 80}, "exceeds"],
        },
        DIMENSIONS,
    )
    assert found.readiness == ReadinessSettings(
        configured=True, min_evidence_per_competency=2, scope_by_level={"l3": "team"}
    )
    assert found.scoring.weights == {"delivery": 3.0, "reliability": 0.0, "scope": 0.0}
    assert (found.scoring.cap, found.scoring.cap_given, found.scoring.high) == (3.0, True, 5.0)
    assert found.kpi_rules == KpiSettings(configured=True, core_min=1, core_max=3)
    assert found.governance.severity == "error"
    assert found.dora == DoraSettings(deploy_tag_pattern="v*")
    assert found.links == LinksSettings(date_tolerance_days=30, authorship_types=frozenset())  # none must be own work
    assert found.visibility_defaults == {"evidence": "internal"}
    assert found.compensation_fields == ("perks",)
    assert found.rating_scale == ({"id": "meets", "min_completion": 80},)


def test_a_value_of_the_wrong_type_keeps_its_default_and_never_raises():
    found = settings.parse(
        {
            "readiness": {"evidence_window_months": "twelve", "complexity": {"evidence_types": ["rfc", 3]}},
            "scoring": ["not", "a", "mapping"],
            "kpi_rules": {"sustained_trend_periods": 4, "core_kpis": {"min": "one"}},
            "dora": {"hotfix_message_pattern": "(unclosed", "failure_window_hours": "two days"},
            "visibility_defaults": {"evidence": "everyone"},
            "compensation_fields": "salary",
        },
        DIMENSIONS,
    )
    assert found.readiness.evidence_window_months == 12
    assert found.readiness.complexity_types == ReadinessSettings().complexity_types
    assert found.scoring.configured is False
    # One wrong KPI value and the three keep their defaults together.
    assert found.kpi_rules == KpiSettings(configured=True)
    assert found.dora == DoraSettings()
    assert found.visibility_defaults == {"evidence": "private"}  # never wider than asked
    assert found.compensation_fields == ()


def test_an_organisation_parses_its_settings_once(minimal):
    org = validate(minimal).org
    assert settings.of(org) is settings.of(org)
    assert settings.of(org).visibility_defaults == {"default": "public"}


def test_a_repositorys_branches_are_its_strings_and_default_to_none():
    found = settings.parse(
        {
            "repositories": {
                "acme/api": {"path": "../api", "branches": ["release/*", 3, "", "*.x"]},
                "acme/web": {"path": "../web", "branches": "release/*"},  # not a list: the default
                "acme/ops": {"path": "../ops"},
            }
        },
        DIMENSIONS,
    )
    assert found.repositories["acme/api"].branches == ("release/*", "*.x")
    assert found.repositories["acme/web"].branches == ()
    assert found.repositories["acme/ops"].branches == ()
