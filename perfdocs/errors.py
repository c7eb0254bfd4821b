"""Failures: what stops a command, as one exception family with one exit code each.

Problems *in the records* are never exceptions: they are Diagnostics, collected and
reported together. A `Failure` is what stops the tool from doing its job: the CLI's one
handler (`perfdocs.cli.Group`) prints it and exits with its `exit_code`.

- `PerfdocsError` (exit 2): a usage or environment failure, one line: a missing folder,
  a bad option, git not installed, an output folder that cannot be written.
- `InvalidRecords` (exit 1): a command that needs valid records found errors in them; it
  carries the validation report, whose diagnostics the CLI prints.
"""

from __future__ import annotations

from typing import Any


class Failure(Exception):
    """What stops a command; the CLI exits with `exit_code`."""

    exit_code = 2


class PerfdocsError(Failure):
    """A usage or environment error, reported as one line and exit code 2."""

    exit_code = 2


class InvalidRecords(Failure):
    """The records have errors and the command needs valid ones (raised by
    `perfdocs.validation.load_valid`); the CLI prints the report's diagnostics and exits 1."""

    exit_code = 1

    def __init__(self, report: Any) -> None:
        # A perfdocs.validation.Report, not imported: every layer imports this module.
        super().__init__(f"{report.errors} error(s) in the records")
        self.report = report
