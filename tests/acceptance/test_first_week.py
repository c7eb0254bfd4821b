"""A real organisation's first week (issue 17): no silent example (`--example` is the way to
it, read-only and dated), `perfdocs rules | head -1` ends quietly, `build -q`/`serve -q`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from perfdocs.cli.options import EXAMPLE_TODAY

from tests.support.files import REPO

PERFDOCS = str(REPO / ".venv/bin/perfdocs") if (REPO / ".venv/bin/perfdocs").exists() else shutil.which("perfdocs")


def no_records(folder: object) -> str:
    return (
        "perfdocs: error: no records found: no --records, no $PERFDOCS_RECORDS, and no org.yaml in "
        f"{folder} or a folder above it (or in a 'records' folder beside them). "
        "Start a records folder with 'perfdocs init DIR', point at one with '--records DIR', "
        "or try the bundled example organisation with '--example'\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("build", "--out", "site"),
        ("packet", "check", "alice/2026-h2-principal"),
        ("kpi", "dora", "--team", "payments"),
    ],
)
def test_an_empty_folder_stops_with_where_it_looked(cli, tmp_path, monkeypatch, args):
    monkeypatch.delenv("PERFDOCS_RECORDS", raising=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    res = cli(*args, cwd=empty)
    assert res.exit_code == 2, res
    assert res.stdout == ""
    assert res.stderr == no_records(empty.resolve())
    assert not (empty / "site").exists()  # the example's site is not built either


def test_example_is_explicit_read_only_and_dated(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("PERFDOCS_RECORDS", raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (("--example", "validate", "--no-links"), ("validate", "--example", "--no-links")):
        res = cli(*args)
        assert res.exit_code == 0, res
        assert "0 errors, 0 warnings (ok)" in res.stderr
    res = cli("validate", "--example", "--records", str(REPO / "records"))
    assert res.exit_code == 2 and "give either --records DIR or --example, not both" in res.stderr, res
    before = sorted(p.relative_to(REPO) for p in (REPO / "records").rglob("*"))
    res = cli("--example", "new", "evidence", "--author", "alice", "--type", "pr", "--title", "A try")
    assert res.exit_code == 2, res
    assert "the bundled example organisation is read-only" in res.stderr
    assert "perfdocs init DIR --example" in res.stderr
    res = cli("--example", "packet", "draft", "alice", "--target", "l5")
    assert res.exit_code == 2 and "read-only" in res.stderr, res
    res = cli("--example", "codeowners")
    assert res.exit_code == 2 and "--example cannot be used to write CODEOWNERS" in res.stderr, res
    assert sorted(p.relative_to(REPO) for p in (REPO / "records").rglob("*")) == before


def run_example(tmp_path, *args, today=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PERFDOCS_TODAY", "PERFDOCS_RECORDS")}
    env["NO_COLOR"] = "1"
    if today:
        env["PERFDOCS_TODAY"] = today
    return subprocess.run(
        [PERFDOCS, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_example_is_warning_free_whatever_the_date(tmp_path):
    """--example runs on the example's own day unless PERFDOCS_TODAY is set: whatever the
    clock says, its 2026 metric reviews are not overdue."""
    res = run_example(tmp_path, "--example", "validate", "--no-links")
    assert res.returncode == 0, res
    assert res.stdout == ""
    assert "0 errors, 0 warnings (ok)" in res.stderr
    # On its own day (what --example pins), nothing the user did not cause is reported.
    res = run_example(tmp_path, "--example", "validate", "--no-links", today=EXAMPLE_TODAY)
    assert "0 errors, 0 warnings (ok)" in res.stderr, res
    # An explicit PERFDOCS_TODAY wins: two years on, the reviews are overdue, and say so.
    res = run_example(tmp_path, "--example", "validate", "--no-links", today="2028-11-24")
    assert "[metric/review-overdue]" in res.stdout, res


def test_rules_into_head_ends_quietly_every_time(tmp_path):
    for _ in range(20):
        res = subprocess.run(  # pipefail: the exit code is perfdocs' own, not only head's
            ["/bin/bash", "-c", f"set -o pipefail; '{PERFDOCS}' rules | head -1"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert res.returncode == 0 and res.stderr == "", res
        assert res.stdout.startswith("file/") and res.stdout.count("\n") == 1, res


def test_a_closed_stdout_ends_quietly_in_process(tmp_path):
    """The error handler turns a broken pipe into exit 0 for every command (a Python child
    whose stdout is a pipe closed before perfdocs writes)."""
    code = (
        "import os, sys\n"
        "r, w = os.pipe(); os.close(r); os.dup2(w, 1)\n"
        "sys.argv = ['perfdocs', 'rules']\n"
        "from perfdocs.cli import main\n"
        "main()\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stderr == "", res


def test_build_and_serve_accept_quiet_like_validate(cli, tmp_path):
    res = cli("build", "-q", "--example", "--out", str(tmp_path / "site"))
    assert res.exit_code == 0, res
    assert res.stderr == ""
    assert (tmp_path / "site" / "index.html").is_file()
    for command in ("build", "serve", "validate"):
        assert "-q, --quiet" in cli(command, "--help").stdout


def test_example_before_init_copies_the_example(cli, tmp_path, isolated_git):
    """`perfdocs --example init DIR` is `perfdocs init DIR --example`, not a silent minimal org."""
    res = cli("--example", "init", "demo", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert (tmp_path / "demo/records/people/alice/person.yaml").is_file()
