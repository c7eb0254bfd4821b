"""`perfdocs validate` and `perfdocs new` as a user runs them: formats, exit codes, scaffolds."""

from __future__ import annotations

import json

import pytest

from tests.support.files import edit

EV = "people/ann/evidence/2026-03-01-retry-redesign.md"


def test_json_format_lists_every_diagnostic_with_its_position(cli, minimal, tmp_path):
    edit(minimal / EV, "type: pr", "type: prr")
    res = cli("validate", "records", "--format", "json", cwd=tmp_path)
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["summary"] == {"errors": 1, "warnings": 0, "files": 16}
    [diag] = doc["diagnostics"]
    assert (diag["path"], diag["line"], diag["col"], diag["rule"], diag["severity"]) == (
        f"records/{EV}",
        5,
        7,
        "schema/enum",
        "error",
    )


def test_github_format_is_workflow_annotations(cli, minimal, tmp_path):
    edit(minimal / "people/ann/person.yaml", "manager: bob", "manager: bobb")
    res = cli("validate", "records", "--format", "github", cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout == (
        "::error file=records/people/ann/person.yaml,line=9,col=10,title=ref/unknown-person::"
        "unknown person 'bobb'; did you mean 'bob'?\n"
    )


def test_paths_limit_the_report_but_references_still_resolve(cli, minimal, tmp_path):
    edit(minimal / "people/bob/person.yaml", "level: m3", "level: m9")
    res = cli("validate", f"records/{EV}", cwd=tmp_path)
    assert res.exit_code == 0, res
    res = cli("validate", "records/people/bob", cwd=tmp_path)
    assert res.exit_code == 1 and "[ref/unknown-level]" in res.stdout


def test_warnings_pass_unless_strict(cli, minimal, tmp_path):
    edit(minimal / "teams/core.yaml", "  - ann\n", "")
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0
    assert cli("validate", "records", "--strict", cwd=tmp_path).exit_code == 1


def test_a_missing_records_folder_is_a_usage_error(cli, tmp_path):
    res = cli("validate", "--records", tmp_path / "nowhere", cwd=tmp_path)
    assert res.exit_code == 2
    assert res.stderr == "perfdocs: error: records folder nowhere does not exist\n"


def test_a_path_outside_any_records_folder_is_a_usage_error(cli, tmp_path):
    (tmp_path / "loose.yaml").write_text("kind: team\n")
    res = cli("validate", "loose.yaml", cwd=tmp_path)
    assert res.exit_code == 2
    assert res.stderr == "perfdocs: error: loose.yaml is not inside a records folder (no org.yaml found above it)\n"


def test_new_evidence_is_valid_and_lands_in_the_authors_folder(cli, minimal, tmp_path):
    res = cli(
        "new",
        "evidence",
        "--records",
        "records",
        "--author",
        "ann",
        "--kind",
        "pr",
        "--title",
        "Cut p99: 'retries' & more",
        "--competency",
        "design",
        "--link",
        "tiny/api#99",
        "--date",
        "2026-06-01",
        cwd=tmp_path,
    )
    assert res.exit_code == 0, res
    assert res.stdout == "records/people/ann/evidence/2026-06-01-cut-p99-retries-more.md\n"
    text = (minimal / "people/ann/evidence/2026-06-01-cut-p99-retries-more.md").read_text()
    assert "title: \"Cut p99: 'retries' & more\"" in text
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0


@pytest.mark.parametrize("kind", ["evidence", "postmortem"])
def test_new_refuses_a_future_date_before_writing_anything(cli, minimal, tmp_path, kind):
    before = sorted(p.relative_to(minimal).as_posix() for p in minimal.rglob("*"))
    res = cli(
        "new", kind, "--records", "records", "--author", "ann", "--title", "Later", "--date", "2026-12-01", cwd=tmp_path
    )
    assert (res.exit_code, res.stdout) == (2, ""), res
    assert res.stderr == (
        f"perfdocs: error: --date 2026-12-01 is after today (2026-11-24): {kind} records what already happened\n"
    )
    assert sorted(p.relative_to(minimal).as_posix() for p in minimal.rglob("*")) == before


def test_new_never_overwrites_without_force(cli, minimal, tmp_path):
    args = ("new", "evidence", "--records", "records", "--author", "ann", "--title", "Same", "--date", "2026-06-01")
    assert cli(*args, cwd=tmp_path).exit_code == 0
    res = cli(*args, cwd=tmp_path)
    assert res.exit_code == 2
    assert "already exists; not overwriting it" in res.stderr
    assert cli(*args, "--force", cwd=tmp_path).exit_code == 0


def test_new_takes_the_author_from_git_config(cli, minimal, tmp_path, git_repo):
    repo = git_repo("records")  # the records folder itself becomes a git repository
    repo.git("config", "user.email", "ann@tiny.example")
    res = cli("new", "evidence", "--title", "From git", "--date", "2026-06-02", cwd=minimal)
    assert res.exit_code == 0, res
    assert res.stdout == (
        "people/ann/evidence/2026-06-02-from-git.md\n"
        "people/ann/evidence/2026-06-02-from-git.md:9:15: warning: this evidence names no competency, "
        "so no claim can cite it [evidence/no-competency]\n"
        "   |\n"
        " 9 | competencies: []\n"
        "   |               ^^\n"
        "\n"
    )


def test_new_goal_and_postmortem_validate(cli, minimal, tmp_path):
    assert (
        cli(
            "new",
            "goal",
            "--records",
            "records",
            "--author",
            "ann",
            "--title",
            "Ship it",
            "--period",
            "2026-Q3",
            cwd=tmp_path,
        ).exit_code
        == 0
    )
    assert (
        cli(
            "new",
            "postmortem",
            "--records",
            "records",
            "--author",
            "ann",
            "--title",
            "Outage",
            "--date",
            "2026-07-01",
            cwd=tmp_path,
        ).exit_code
        == 0
    )
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
