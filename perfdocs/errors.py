"""The one exception for usage and environment failures (exit code 2).

Problems *in the records* are never exceptions: they are Diagnostics. This is for
what stops the tool from doing its job at all: a missing folder, a bad option, git
not installed, an output folder that cannot be written.
"""

from __future__ import annotations


class PerfdocsError(Exception):
    """A usage or environment error, reported as one line and exit code 2."""

    exit_code = 2
