"""Messages that teach: for the commonest mistakes `validate` shows the offending line with
carets under the value and a `help:` line that says what to write instead (and JSON carries
the same help as `hint`), while each problem's first line stays `path:line:col: message [rule]`."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from perfdocs.cli import main

from tests.support.files import edit

EV = "people/ann/evidence/2026-03-01-retry-redesign.md"
SHOWN = f"records/{EV}"
SUMMARY = "16 files checked: 1 error, 0 warnings (invalid)\n"


def _validate(cli, tmp_path):
    text = cli("validate", "records", cwd=tmp_path)
    assert text.exit_code == 1, text
    assert text.stderr == SUMMARY, text
    as_json = cli("validate", "records", "--format", "json", cwd=tmp_path)
    assert as_json.exit_code == 1, as_json
    [diag] = json.loads(as_json.stdout)["diagnostics"]
    return text.stdout, diag


def test_an_unquoted_colon_says_to_quote_the_value_and_shows_how(cli, minimal, tmp_path):
    edit(minimal / EV, "title: Redesigned payment retries", "title: Retry: safer")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        f"{SHOWN}:6:13: invalid YAML: ': ' inside an unquoted value starts a new mapping [yaml/syntax]\n"
        "   |\n"
        " 6 | title: Retry: safer\n"
        "   |             ^\n"
        '   = help: quote the value: title: "Retry: safer"\n'
        "\n"
    )
    assert diag["hint"] == 'quote the value: title: "Retry: safer"'


def test_the_quoted_value_in_the_help_escapes_what_double_quotes_need(cli, minimal, tmp_path):
    edit(minimal / EV, "title: Redesigned payment retries", 'title: Retry: the "safe" way \\ again')
    _, diag = _validate(cli, tmp_path)
    assert diag["hint"] == 'quote the value: title: "Retry: the \\"safe\\" way \\\\ again"'


def test_a_tab_in_the_indentation_says_use_spaces(cli, minimal, tmp_path):
    edit(minimal / EV, "  - design\n", "\t- design\n")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        f"{SHOWN}:10:1: invalid YAML: a tab character in the indentation [yaml/syntax]\n"
        "    |\n"
        " 10 | \\t- design\n"
        "    | ^^\n"
        "    = help: use spaces, not tabs: YAML indents with spaces only\n"
        "\n"
    )
    assert diag["hint"] == "use spaces, not tabs: YAML indents with spaces only"


def test_a_date_without_leading_zeros_is_one_error_that_shows_the_right_form(cli, minimal, tmp_path):
    edit(minimal / EV, "date: 2026-03-01", "date: 2026-3-1")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        f"{SHOWN}:3:7: '2026-3-1' is not a valid date for 'date' [schema/format]\n"
        "   |\n"
        " 3 | date: 2026-3-1\n"
        "   |       ^^^^^^^^\n"
        "   = help: write dates as YYYY-MM-DD, e.g. 2026-03-01\n"
        "\n"
    )
    assert diag["hint"] == "write dates as YYYY-MM-DD, e.g. 2026-03-01"
    assert "\\d" not in text  # no regular expression in the message


def test_a_day_that_does_not_exist_says_so(cli, minimal, tmp_path):
    edit(minimal / "people/ann/person.yaml", "start_date: 2024-01-15", "start_date: 2024-02-30")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        "records/people/ann/person.yaml:10:13: '2024-02-30' is not a valid date for 'start_date' [schema/format]\n"
        "    |\n"
        " 10 | start_date: 2024-02-30\n"
        "    |             ^^^^^^^^^^\n"
        "    = help: there is no such day in the calendar: check the month and the day (YYYY-MM-DD)\n"
        "\n"
    )
    assert diag["hint"] == "there is no such day in the calendar: check the month and the day (YYYY-MM-DD)"


TYPES = (
    "pr, commit, postmortem, rfc, design-doc, incident, code-review, mentoring, talk, certification, "
    "documentation, on-call, feedback, tooling, interviewing, onboarding, other"
)


def test_a_missing_type_lists_the_allowed_values(cli, minimal, tmp_path):
    edit(minimal / EV, "type: pr\n", "")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        f"{SHOWN}:2:1: missing required field 'type' [schema/required]\n"
        "   |\n"
        " 2 | kind: evidence\n"
        "   | ^^^^\n"
        f"   = help: add 'type:' with one of: {TYPES}\n"
        "\n"
    )
    assert diag["hint"] == f"add 'type:' with one of: {TYPES}"


def test_a_wrong_type_suggests_the_nearest_and_lists_the_allowed_values(cli, minimal, tmp_path):
    edit(minimal / EV, "type: pr", "type: prr")
    text, diag = _validate(cli, tmp_path)
    quoted = ", ".join(f"'{t}'" for t in TYPES.split(", "))
    assert text == (
        f"{SHOWN}:5:7: 'prr' is not allowed for 'type'; did you mean 'pr'? [schema/enum]\n"
        "   |\n"
        " 5 | type: prr\n"
        "   |       ^^^\n"
        f"   = help: expected one of: {quoted}\n"
        "\n"
    )
    assert diag["hint"] == f"expected one of: {quoted}"


def test_a_missing_required_field_says_what_to_add(cli, minimal, tmp_path):
    edit(minimal / EV, "date: 2026-03-01\n", "")
    text, diag = _validate(cli, tmp_path)
    assert text == (
        f"{SHOWN}:2:1: missing required field 'date' [schema/required]\n"
        "   |\n"
        " 2 | kind: evidence\n"
        "   | ^^^^\n"
        "   = help: add 'date:' with a date, e.g. date: 2026-11-04\n"
        "\n"
    )
    assert diag["hint"] == "add 'date:' with a date, e.g. date: 2026-11-04"


def test_a_missing_kind_lists_the_kinds(cli, minimal, tmp_path):
    edit(minimal / "teams/core.yaml", "kind: team\n", "")
    text, diag = _validate(cli, tmp_path)
    kinds = "org, track, competency-matrix, competency-set, team, person, goal, evidence, postmortem, review, packet, ratings-preview, metric, kpi"
    assert text == (
        "records/teams/core.yaml:1:1: the record does not say what it is: add 'kind:' [schema/missing-kind]\n"
        "   |\n"
        " 1 | id: core\n"
        "   | ^^\n"
        f"   = help: one of {kinds}\n"
        "\n"
    )
    assert diag["hint"] == f"one of {kinds}"


def test_the_first_line_of_each_problem_is_the_one_line_format(cli, minimal, tmp_path):
    """Tools that read `path:line:col: message [rule]` lines keep working: every other line
    of the report is indented."""
    edit(minimal / EV, "type: pr", "type: prr")
    edit(minimal / "people/ann/person.yaml", "level: l2", "level: l9")
    res = cli("validate", "records", cwd=tmp_path)
    firsts = [line for line in res.stdout.splitlines() if line and not line.startswith(" ")]
    assert firsts == [
        f"{SHOWN}:5:7: 'prr' is not allowed for 'type'; did you mean 'pr'? [schema/enum]",
        "records/people/ann/person.yaml:7:8: level 'l9' is not in track backend [ref/unknown-level]",
    ]
    assert len(firsts) == 2 and all(
        line == "" or line.startswith(" ") for line in res.stdout.splitlines()[1:] if line not in firsts
    )


def test_colour_only_on_a_terminal(cli, minimal, tmp_path, monkeypatch):
    edit(minimal / EV, "type: pr", "type: prr")
    plain = cli("validate", "records", cwd=tmp_path).stdout
    assert "\x1b[" not in plain
    # On a terminal (click's color=True), the same text with the position, rule, gutter,
    # carets and help styled.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR")  # the suite sets it
    coloured = CliRunner().invoke(main, ["validate", "records"], color=True).stdout
    assert "\x1b[31m[schema/enum]\x1b[0m" in coloured
    assert "\x1b[36m\x1b[1mhelp\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
