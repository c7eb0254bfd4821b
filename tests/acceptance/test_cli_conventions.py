"""CLI conventions: help with examples, --version, python -m, completion, colour, quiet/verbose,
progress bars, and `perfdocs schema export`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from perfdocs import __version__
from perfdocs.cli import main

from tests.support.files import REPO, edit

PERFDOCS = str(REPO / ".venv/bin/perfdocs")


def all_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = click.Context(group)  # the group's own lookup: the top level loads its commands lazily
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append(prefix + (name,))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, prefix + (name,)))
    return found


@pytest.mark.parametrize("path", [()] + all_commands(), ids=lambda p: " ".join(("perfdocs",) + p))
def test_every_command_help_shows_an_example(cli, path):
    res = cli(*path, "--help")
    assert res.exit_code == 0, res
    assert re.search(r"^ +Examples?:$", res.stdout, re.M), (
        f"`perfdocs {' '.join(path)} --help` has no 'Example:' section"
    )


def test_version_is_the_packages_single_sourced_version(cli):
    from importlib.metadata import version

    res = cli("--version")
    assert (res.exit_code, res.stdout) == (0, f"perfdocs, version {__version__}\n")
    assert __version__ == version("perfdocs")
    assert f'version = "{__version__}"' in (REPO / "pyproject.toml").read_text()


def test_python_dash_m_perfdocs_is_the_same_cli(tmp_path):
    out = subprocess.run([sys.executable, "-m", "perfdocs", "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, f"perfdocs, version {__version__}\n")


def test_bash_completion_completes_command_names(tmp_path):
    env = {**os.environ, "_PERFDOCS_COMPLETE": "bash_complete", "COMP_WORDS": "perfdocs val", "COMP_CWORD": "1"}
    out = subprocess.run([PERFDOCS], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, "plain,validate\n")
    env = {**os.environ, "_PERFDOCS_COMPLETE": "bash_source"}
    script = subprocess.run([PERFDOCS], cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    assert "_perfdocs_completion()" in script and "complete -o nosort -F _perfdocs_completion perfdocs" in script


@pytest.fixture
def broken(minimal):
    edit(minimal / "people/ann/evidence/2026-03-01-retry-redesign.md", "  - design\n", "  - desing\n")
    return minimal


def invoke(args, color: bool, monkeypatch, no_color: str | None):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    return CliRunner().invoke(main, [str(a) for a in args], color=color)


def test_diagnostics_are_coloured_on_a_terminal(broken, monkeypatch):
    res = invoke(["validate", broken], True, monkeypatch, None)
    assert res.exit_code == 1
    assert res.stdout == (
        f"\x1b[1m{broken}/people/ann/evidence/2026-03-01-retry-redesign.md:10:5:\x1b[0m unknown competency "
        "'desing' for track backend; did you mean 'design'? \x1b[31m[ref/unknown-competency]\x1b[0m\n"
        "    \x1b[34m\x1b[1m|\x1b[0m\n"
        " \x1b[34m\x1b[1m10\x1b[0m \x1b[34m\x1b[1m|\x1b[0m   - desing\n"
        "    \x1b[34m\x1b[1m|\x1b[0m     \x1b[31m^^^^^^\x1b[0m\n"
        "\n"
    )


def test_no_color_turns_colour_off_even_on_a_terminal(broken, monkeypatch):
    res = invoke(["validate", broken], True, monkeypatch, "1")
    assert res.exit_code == 1
    assert "\x1b[" not in res.stdout + res.stderr
    assert res.stdout.endswith("[ref/unknown-competency]\n    |\n 10 |   - desing\n    |     ^^^^^^\n\n")


def test_no_colour_when_the_output_is_not_a_terminal(broken, monkeypatch):
    res = invoke(["validate", broken], False, monkeypatch, None)
    assert "\x1b[" not in res.stdout + res.stderr


def test_quiet_leaves_out_the_summary_and_verbose_says_where_the_records_are(cli, minimal, tmp_path):
    loud = cli("validate", "records", cwd=tmp_path)
    assert loud.stderr == "16 files checked: 0 errors, 0 warnings (ok)\n"
    quiet = cli("--quiet", "validate", "records", cwd=tmp_path)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    verbose = cli("--verbose", "validate", "records", cwd=tmp_path)
    assert verbose.stderr == "records folder: records\n16 files checked: 0 errors, 0 warnings (ok)\n"


PROGRESS_SCRIPT = """
import click
from perfdocs.cli import progress

@click.command()
def run():
    total = 0
    with progress(range(300), "checking") as items:
        for i in items:
            total += i
    click.echo(total)

run()
"""


def test_progress_bars_appear_on_a_terminal_only(tmp_path):
    import pty

    leader, follower = pty.openpty()
    on_tty = subprocess.run(
        [sys.executable, "-c", PROGRESS_SCRIPT], stdout=subprocess.PIPE, stderr=follower, text=True, cwd=tmp_path
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert on_tty.stdout == f"{sum(range(300))}\n"
    assert b"checking" in seen and b"100%" in seen
    piped = subprocess.run([sys.executable, "-c", PROGRESS_SCRIPT], capture_output=True, text=True, cwd=tmp_path)
    assert (piped.stdout, piped.stderr) == (f"{sum(range(300))}\n", "")


def test_schema_export_writes_every_schema_as_a_local_copy_naming_its_stable_id(cli, tmp_path):
    res = cli("schema", "export", tmp_path / "schemas", cwd=tmp_path)
    sources = sorted((REPO / "schemas").glob("*.schema.json"))
    assert (res.exit_code, res.stdout) == (0, "")
    assert res.stderr == f"wrote {len(sources)} schemas to schemas\n"
    for source in sources:
        written = tmp_path / "schemas" / source.name
        stable = f"https://perfdocs.dev/schemas/v1/{source.name}"
        original, copy = json.loads(source.read_text()), json.loads(written.read_text())
        assert original["$id"] == stable and "$id" not in copy  # so that its $refs resolve from the folder
        assert copy["$comment"] == (
            f"a local copy of {stable}, without its $id so that its $refs resolve from this folder"
        )
        assert {k: v for k, v in copy.items() if k != "$comment"} == {k: v for k, v in original.items() if k != "$id"}
        # line for line the bundled file but for the $id line
        changed = [(a, b) for a, b in zip(source.read_text().splitlines(), written.read_text().splitlines()) if a != b]
        assert [a for a, _ in changed] == [f'  "$id": "{stable}",']
    again = cli("schema", "export", tmp_path / "schemas", cwd=tmp_path)
    assert again.exit_code == 0


def test_exported_schemas_validate_records_on_their_own(cli, tmp_path, minimal):
    """An editor or another tool can use the exported folder alone: the $refs between the
    schemas resolve from the files' own names (their folder), not from a web address."""
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    assert cli("schema", "export", tmp_path / "out").exit_code == 0
    out = tmp_path / "out"
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()))) for p in out.glob("*.json")
    )
    person = json.loads((out / "person.schema.json").read_text())
    validator = Draft202012Validator(person, registry=registry)
    # dates as the text they are in the file (perfdocs' loader keeps them as text too)
    data = json.loads(json.dumps(yaml.safe_load((minimal / "people/ann/person.yaml").read_text()), default=str))
    assert list(validator.iter_errors(data)) == []
    data["level"] = "level two"
    assert [e.message for e in validator.iter_errors(data)] == [
        "'level two' does not match '^[A-Za-z0-9][A-Za-z0-9._-]*$'"
    ]
