"""Small text helpers shared by messages and reports: suggestions for misspelt names,
counted nouns, and user text made safe inside Markdown (md_escape, md_code)."""

from __future__ import annotations

import difflib
import re
from typing import Any


def did_you_mean(word: str, choices: Any) -> str:
    """ "; did you mean 'x'?" for the closest of `choices`, or "" when none is close."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 entry', '2 entries': a count with its noun (`many` when adding an s is wrong)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


_MD_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_PUNCTUATION = re.compile(r"([\\`*_\[\]~|])")
_MD_AUTOLINK = re.compile(r"(?i)(://|\bwww(?=\.))")
ZWSP = "&#8203;"
"""A zero-width space, as an entity (ASCII, so terminal-safe): it breaks what GitHub would
otherwise turn into a notification or a link, and shows nothing."""


def md_escape(text: object) -> str:
    """Record text inside Markdown (a pull-request comment, a table cell), shown as written and
    never read as markup: on one line (a line break would end a table row or start a heading,
    list or quote); `&`, `<` and `>` as entities (no HTML); the punctuation of links, images,
    emphasis, code, strikethrough and table cells backslash-escaped; and a zero-width space
    after every `@` and inside `://` and `www.`, so that a name cannot mention (notify) anyone and
    an address is not made a link (GitHub autolinks bare addresses)."""
    out = _MD_BREAKS.sub(" ", str(text))
    out = "".join(_MD_HTML.get(ch, ch) for ch in out) if any(ch in out for ch in "&<>") else out
    out = _MD_PUNCTUATION.sub(r"\\\1", out)
    out = out.replace("@", "@" + ZWSP)
    return _MD_AUTOLINK.sub(lambda m: ":" + ZWSP + "//" if m.group(1) == "://" else m.group(1) + ZWSP, out)


def md_code(text: object) -> str:
    """Record text as inline code in Markdown: a backtick fence longer than any run of backticks
    in it (so it cannot close early), on one line. Inside code nothing is markup, links,
    mentions or HTML; only a table's `|` would still split a cell, and is never given here."""
    out = _MD_BREAKS.sub(" ", str(text))
    longest = max((len(run) for run in re.findall(r"`+", out)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if out.startswith("`") or out.endswith("`") else ""
    return f"{fence}{pad}{out}{pad}{fence}"
