"""One pipeline: what a command refuses, `perfdocs validate` reports first, at its place in org.yaml.

The readiness and scoring settings are checked by rule families like every other rule, so
CI and pre-commit (which run `validate`) never pass an org.yaml that `packet check`,
`score`, `review draft` or `calibrate` then reject.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKET = "people/ann/packets/2026-senior.md"
COMMANDS = {
    "packet check": ("packet", "check", PACKET),
    "score": ("score", "ann", "--records", "."),
    "review draft": ("review", "draft", "ann", "--period", "2026-Q3", "--records", "."),
    "calibrate": ("calibrate", "--records", "."),
}


def _configure(root: Path, yaml: str) -> None:
    with (root / "org.yaml").open("a", encoding="utf-8") as fh:
        fh.write(yaml)


READINESS = "readiness:\n  scope:\n    by_level: {l3: team, l9: org}\n"
READINESS_LINE = (
    "org.yaml:32:26: no track has a level 'l9' [readiness/config]\n"
    "    |\n"
    " 32 |     by_level: {l3: team, l9: org}\n"
    "    |                          ^^\n"
    "\n"
)
SCORING = "scoring:\n  reliability_gate: {cap: 9}\n"
SCORING_LINE = (
    "org.yaml:31:27: the gate's cap 9 is outside the bounds 0-5 [scoring/config]\n"
    "    |\n"
    " 31 |   reliability_gate: {cap: 9}\n"
    "    |                           ^\n"
    "\n"
)


def test_validate_reports_a_readiness_level_no_track_has_at_the_level_in_org_yaml(cli, minimal):
    _configure(minimal, READINESS)
    res = cli("validate", cwd=minimal)
    assert res.exit_code == 1, res
    assert res.stdout == READINESS_LINE
    assert res.stderr == "16 files checked: 1 error, 0 warnings (invalid)\n"


def test_validate_reports_a_gate_cap_outside_the_bounds_at_the_cap_in_org_yaml(cli, minimal):
    _configure(minimal, SCORING)
    res = cli("validate", cwd=minimal)
    assert res.exit_code == 1, res
    assert res.stdout == SCORING_LINE
    assert res.stderr == "16 files checked: 1 error, 0 warnings (invalid)\n"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "config, line", [(READINESS, READINESS_LINE), (SCORING, SCORING_LINE)], ids=["readiness", "scoring"]
)
def test_the_commands_refuse_the_settings_validate_reports(cli, minimal, command, config, line):
    _configure(minimal, config)
    res = cli(*COMMANDS[command], cwd=minimal)
    assert res.exit_code == 1, res
    assert res.stdout == line
    assert res.stderr == (
        "16 files checked: 1 error, 0 warnings (invalid)\nperfdocs: stopped: the records have errors (see above)\n"
    )
    assert not (minimal / "people/ann/reviews/2026-Q3.md").exists()


@pytest.mark.parametrize("command", ["packet check", "score", "calibrate"])  # ann has no 2026-Q3 goals to review
def test_the_same_records_without_the_bad_setting_pass_validate_and_the_commands(cli, minimal, command):
    assert cli("validate", cwd=minimal).exit_code == 0
    res = cli(*COMMANDS[command], cwd=minimal)
    assert res.exit_code == 0, res
