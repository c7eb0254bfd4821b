"""The installed `perfdocs` command ends with a hard exit (perfdocs.cli.run): the same exit
codes and the same output, to the last byte, as the command with an ordinary exit (`main`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.cases import MUTATIONS
from tests.support.cli import PERFDOCS

ORDINARY = "import sys; sys.argv[0] = 'perfdocs'; from perfdocs.cli import main; main()"
"""`perfdocs` as it was started before the hard exit: `main`, and Python's own exit."""


def _installed(*args: str, cwd, extra: dict[str, str] | None = None, ordinary: bool = False) -> tuple[int, str, str]:
    env = {**os.environ, "NO_COLOR": "1", **(extra or {})}
    env.pop("PERFDOCS_TRACEBACK", None)
    command = [sys.executable, "-c", ORDINARY] if ordinary else PERFDOCS
    done = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("validate", "records"), 0),
        (("validate", "records", "--format", "json"), 0),
        (("validate", "no-such-folder"), 2),
        (("no-such-command",), 2),
        (("validate", "--no-such-option"), 2),
        (("rules",), 0),
    ],
)
def test_exit_codes_and_output_are_the_ordinary_exit_s(args, code, minimal, tmp_path):
    got = _installed(*args, cwd=tmp_path)
    assert got == _installed(*args, cwd=tmp_path, ordinary=True)
    assert got[0] == code


def test_invalid_records_exit_1_with_the_whole_report(minimal, tmp_path, cli):
    MUTATIONS["schema-type"](minimal)
    got = _installed("validate", "records", cwd=tmp_path)
    assert got == _installed("validate", "records", cwd=tmp_path, ordinary=True)
    res = cli("validate", "records", cwd=tmp_path)
    assert got == (1, res.stdout, res.stderr)
    assert "[schema/" in got[1]


def test_a_large_cached_run_exits_with_its_caches_written(minimal, tmp_path):
    """The hard exit comes after every file the command writes is closed: the next run reads them."""
    env = {"PERFDOCS_CACHE": "1", "PERFDOCS_CACHE_DIR": str(tmp_path / "cache")}
    first = _installed("validate", "records", cwd=tmp_path, extra=env)
    shards = sorted((tmp_path / "cache").glob("records-*/*.marshal"))
    assert first[0] == 0 and shards
    assert _installed("validate", "records", cwd=tmp_path, extra=env) == first
    assert sorted((tmp_path / "cache").glob("records-*/*.marshal")) == shards
