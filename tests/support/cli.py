"""The CLI as the tests run it: in process through click's runner (`invoke`, behind the `cli`
fixture), or as a real child process with its time and peak memory measured (`perfdocs`)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from perfdocs.cli import main

from tests.support.files import TODAY


@dataclass
class Result:
    """What `perfdocs ARGS` gave; printed whole when an assertion about it fails."""

    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


def invoke(args: Iterable[object], input: str | None = None) -> Result:
    """Run `perfdocs ARGS` in this process through click's CliRunner; never raises."""
    res = CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
    return Result(res.exit_code, res.stdout, res.stderr)


def one_line(output: str) -> str:
    """`validate`'s text report folded back to one line per problem, its help in parentheses
    before the rule id: `path:line:col: message (help) [rule]`. For the tests that state which
    problems a command reports; the rendering itself (source line, caret, help and note lines)
    is stated whole by tests/acceptance/test_messages.py."""
    out: list[str] = []
    for line in output.splitlines(keepends=True):
        body = line.rstrip("\n")
        if body.startswith(" ") or not body:
            help_ = body.strip().removeprefix("= help: ") if body.strip().startswith("= help: ") else None
            if help_ is not None and out and out[-1].rstrip("\n").endswith("]"):
                head, rule = out[-1].rstrip("\n").rsplit(" [", 1)
                out[-1] = f"{head} ({help_}) [{rule}\n"
            continue
        out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out)


TIME_LIMIT = 30.0
"""Seconds after which a child `perfdocs` counts as a hang (and is killed)."""
_SCRIPT = Path(sys.executable).with_name("perfdocs")
PERFDOCS = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "perfdocs"]
"""The installed `perfdocs` command, as a user runs it."""


@dataclass
class Run:
    """A finished child `perfdocs`: its output, peak resident memory and wall time."""

    exit_code: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float

    def transcript(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


MEASURED = """\
import atexit, os, sys

def report_peak():  # the kernel's high-water mark of this process's own memory since exec
    with open("/proc/self/status") as fh:
        kb = next(line.split()[1] for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["PERFDOCS_TEST_PEAK"], "w") as out:
        out.write(kb)

atexit.register(report_peak)
sys.argv = ["perfdocs", *sys.argv[1:]]
from perfdocs.cli import main
main()
"""
"""`perfdocs` itself, reporting its peak memory at exit. (wait4's ru_maxrss is no use here: a
child started with vfork inherits the parent's high-water mark, so under pytest it would
measure pytest.)"""


def perfdocs(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = TIME_LIMIT) -> Run:
    """Run the real command in a child process; measure its own peak memory."""
    full_env = {**os.environ, "PERFDOCS_TODAY": TODAY, "NO_COLOR": "1", **(env or {})}
    full_env.pop("PERFDOCS_TRACEBACK", None)
    out, err, peak = cwd / ".stdout", cwd / ".stderr", cwd / ".peak"
    measured = Path("/proc/self/status").is_file()
    if measured:
        full_env["PERFDOCS_TEST_PEAK"] = str(peak)
    start = time.monotonic()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen(
            [sys.executable, "-c", MEASURED, *args] if measured else [*PERFDOCS, *args],
            cwd=cwd,
            env=full_env,
            stdout=fo,
            stderr=fe,
            stdin=subprocess.DEVNULL,
        )
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    assert seconds < timeout, f"perfdocs {' '.join(args)} hung: killed after {timeout} s"
    peak_mb = int(peak.read_text()) / 1024 if measured else usage.ru_maxrss / 1024  # else: an upper bound
    run = Run(proc.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"), peak_mb, seconds)
    for path in (out, err, peak):
        path.unlink(missing_ok=True)
    return run
