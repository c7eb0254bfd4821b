"""Published rules are effective rules: `perfdocs config show` says where every evaluation
setting comes from, `init` writes the defaults into org.yaml with their sentences, and the
site of a fresh organisation publishes exactly what `packet check` and `score` apply."""

from __future__ import annotations

import json
import re
from html import unescape

from perfdocs import settings
from perfdocs.people.readiness import ReadinessRules
from perfdocs.validation import load_org

from tests.support.files import edit


def _published(page: str) -> dict[str, object]:
    """Every setting the home page lists, by org.yaml key, as the JSON value it carries."""
    return {
        key: json.loads(unescape(value))
        for key, value in re.findall(r'<td data-setting="([^"]+)" data-value="([^"]*)">', page)
    }


def _sources(page: str) -> set[str]:
    return set(re.findall(r'data-value="[^"]*">[^<]*</td><td>([^<]+)</td>', page))


def test_the_site_of_a_fresh_org_publishes_the_readiness_rules_and_weights_packet_check_and_score_apply(
    cli, tmp_path, isolated_git
):
    assert cli("init", "r", "--handle", "ann", cwd=tmp_path).exit_code == 0
    root = tmp_path / "r/records"
    res = cli("build", "--records", root, "--out", tmp_path / "site")
    assert res.exit_code == 0, res
    page = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    published = _published(page)

    org = load_org(root).org
    rules = ReadinessRules.of(org)  # what `packet check` applies
    scoring = settings.of(org).scoring  # what `score` applies
    assert {k: v for k, v in published.items() if k.startswith("readiness.")} == {
        "readiness.evidence_window_months": rules.evidence_window_months,
        "readiness.min_evidence_per_competency": rules.min_evidence_per_competency,
        "readiness.consistency.min_quarters": rules.min_quarters,
        "readiness.scope.by_level": dict(rules.scope_by_level),
        "readiness.scope.min_evidence": rules.min_scope_evidence,
        "readiness.complexity.evidence_types": list(rules.complexity_types),
        "readiness.complexity.min_evidence": rules.min_complexity_evidence,
        "readiness.require_verified_links": rules.require_verified_links,
    }
    assert published["scoring.bounds.min"] == scoring.low
    assert published["scoring.bounds.max"] == scoring.high
    assert {k.removeprefix("scoring.weights."): v for k, v in published.items() if ".weights." in k} == dict(
        scoring.weights
    )
    assert {k.split(".")[-1]: v for k, v in published.items() if ".reliability_gate." in k} == {
        "enabled": scoring.gate_enabled,
        "min_harm": scoring.min_harm,
        "lookback_quarters": scoring.lookback_quarters,
        "cap": scoring.cap,
        "harm_statuses": list(scoring.harm_statuses),
    }
    assert _sources(page) == {"org.yaml"}  # init wrote every one of them
    # ... and they are perfdocs' defaults, written out
    assert (rules.min_evidence_per_competency, scoring.high, scoring.cap) == (1, 5.0, 2.5)
    assert dict(scoring.weights) == {"delivery": 1.0, "reliability": 1.0, "collaboration": 1.0, "scope": 1.0}


def test_the_home_page_labels_a_value_org_yaml_does_not_write_as_the_default(cli, minimal, tmp_path):
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("readiness:\n  min_evidence_per_competency: 2\nscoring:\n  full_marks_evidence: 4\n")
    assert cli("build", "--records", minimal, "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<td data-setting="([^"]+)" data-value="[^"]*">[^<]*</td><td>([^<]+)</td>', page))
    assert rows["readiness.min_evidence_per_competency"] == "org.yaml"
    assert rows["readiness.evidence_window_months"] == "default"
    assert rows["scoring.full_marks_evidence"] == "org.yaml"
    assert rows["scoring.bounds.max"] == "default"
    assert _published(page)["scoring.full_marks_evidence"] == 4


def test_init_writes_every_default_with_its_sentence_and_the_org_validates_clean_with_the_same_settings(
    cli, tmp_path, isolated_git
):
    assert cli("init", "r", "--handle", "ann", cwd=tmp_path).exit_code == 0
    root = tmp_path / "r/records"
    text = (root / "org.yaml").read_text(encoding="utf-8")
    assert "  # Counted evidence entries every competency of the target level needs.\n" in text
    assert "  min_evidence_per_competency: 1\n" in text
    assert "  reliability_gate:\n    # Repeated harm caps the score.\n    enabled: true\n" in text
    check = cli("validate", cwd=tmp_path / "r")
    assert (check.exit_code, check.stdout) == (0, "")
    assert check.stderr.endswith(": 0 errors, 0 warnings (ok)\n")

    org = load_org(root).org
    written, defaults = settings.of(org), settings.parse({}, org.dimensions)
    bookkeeping = {"configured", "weights_given", "cap_given"}  # what org.yaml says, not what is in force
    for section in ("readiness", "scoring"):
        for name, value in vars(getattr(defaults, section)).items():
            if name not in bookkeeping:
                assert getattr(getattr(written, section), name) == value, (section, name)
    # every key the settings document is written (a field added to them is written too)
    shown = settings.explain(org, "scoring") + settings.explain(org, "readiness")
    assert [s.dotted for s in shown if not s.from_org] == ["scoring.description", "readiness.description"]


def test_config_show_labels_each_value_with_its_org_yaml_line_or_default(cli, minimal):
    edit(
        minimal / "org.yaml",
        "visibility_defaults:",
        "readiness:\n  min_evidence_per_competency: 2\n  consistency:\n    min_quarters: many\nvisibility_defaults:",
    )
    lines = (minimal / "org.yaml").read_text(encoding="utf-8").splitlines()
    at = lines.index("  min_evidence_per_competency: 2") + 1
    bad = lines.index("    min_quarters: many") + 1
    res = cli("config", "show", "--section", "readiness", "--records", minimal)
    assert res.exit_code == 0, res
    assert res.stdout == (
        "readiness:\n"
        "  description                  null                                      default\n"
        "  evidence_window_months       12                                        default\n"
        f"  min_evidence_per_competency  2                                         org.yaml:{at}\n"
        "  consistency.min_quarters     2                                         "
        f"default (org.yaml:{bad} is not used: see perfdocs validate)\n"
        "  scope.by_level               {}                                        default\n"
        "  scope.min_evidence           2                                         default\n"
        '  complexity.evidence_types    ["rfc", "design-doc", "incident", "postmortem"]  default\n'
        "  complexity.min_evidence      1                                         default\n"
        "  require_verified_links       false                                     default\n"
    )


def test_config_show_json_gives_value_default_source_and_line(cli, minimal):
    edit(minimal / "org.yaml", "visibility_defaults:", "scoring:\n  weights: {delivery: 2}\nvisibility_defaults:")
    line = (minimal / "org.yaml").read_text(encoding="utf-8").splitlines().index("  weights: {delivery: 2}") + 1
    res = cli("config", "show", "--json", "--records", minimal)
    assert res.exit_code == 0, res
    doc = json.loads(res.stdout)
    assert list(doc) == ["readiness", "scoring", "placeholders", "governance", "kpi_rules", "links", "dora"]
    weights = {
        row["key"]: (row["value"], row["source"], row["line"]) for row in doc["scoring"] if ".weights." in row["key"]
    }
    assert weights == {
        "scoring.weights.delivery": (2, "org.yaml", line),
        "scoring.weights.reliability": (0.0, "default", None),
        "scoring.weights.collaboration": (0.0, "default", None),
        "scoring.weights.scope": (0.0, "default", None),
    }
    window = next(row for row in doc["readiness"] if row["key"] == "readiness.evidence_window_months")
    assert window == {
        "key": "readiness.evidence_window_months",
        "value": 12,
        "default": 12,
        "source": "default",
        "line": None,
        "ignored": False,
        "doc": "evidence older than this many months before the window's end does not count.",
    }


def test_config_show_refuses_an_unknown_section_with_a_suggestion(cli, minimal):
    res = cli("config", "show", "--section", "readines", "--records", minimal)
    assert res.exit_code == 2
    assert "--section 'readines' is not a section perfdocs explains; did you mean 'readiness'?" in res.stderr
