"""Small text helpers shared by messages and reports: suggestions for misspelt names,
counted nouns, and user text made safe inside Markdown."""

from __future__ import annotations

import difflib
from typing import Any


def did_you_mean(word: str, choices: Any) -> str:
    """ "; did you mean 'x'?" for the closest of `choices`, or "" when none is close."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 entry', '2 entries': a count with its noun (`many` when adding an s is wrong)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def md_escape(text: object) -> str:
    """User text inside Markdown: no raw HTML, no table breaks."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
