"""Small text helpers shared by messages and reports: suggestions for misspelt names."""

from __future__ import annotations

import difflib
from typing import Any


def did_you_mean(word: str, choices: Any) -> str:
    """ "; did you mean 'x'?" for the closest of `choices`, or "" when none is close."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""
