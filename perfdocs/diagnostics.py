"""Diagnostics: a problem at a place in a file, and the reporters that print them.

The text report teaches, in the manner of rustc and ruff: each problem's first line is
`path:line:col: message [rule-id]` (what editors, CI logs and scripts read), then the
offending source line with carets under the value, then `= help:` (the diagnostic's hint:
how to fix the common mistakes) and `= note:` (for breakage caused by a change to another
file). JSON carries the same as fields (`hint`, `caused_by`); the GitHub format keeps one
line per problem.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: str = ERROR
    hint: str | None = None
    caused_by: str | None = None
    """The changed file whose change broke this record, which was not itself changed
    (`validate PATHS` and `--changed-since` report the breakage a change causes elsewhere)."""

    def text(self) -> str:
        prefix = "" if self.severity == ERROR else "warning: "
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}{hint} [{self.rule}]")


def printable(text: str) -> str:
    """Text with control and invisible characters escaped (a key may hold a newline, or a
    terminal escape sequence): a diagnostic stays one line and cannot repaint a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.path, d.line, d.col, d.rule, d.message)


def count(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    errors = warnings = 0
    for d in diagnostics:
        if d.severity == ERROR:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


Style = Callable[[str, str], str]
"""(text, role) -> text styled for a terminal; roles: where (the position), error and warning
(the rule id and carets), warning-label, gutter, help."""


def _plain(text: str, role: str) -> str:
    return text


NO_SNIPPET = frozenset({"file/binary", "file/too-large", "file/unreadable", "file/encoding", "yaml/empty"})
"""Rules about a whole file (or bytes that are not text): no source line to show."""
MAX_SOURCE_BYTES = 10_000_000
SNIPPET_WIDTH = 100
"""Longest source line shown whole; a longer one is cut around the column."""
_TOKEN_END = re.compile(r":(?:\s|$)|\s#|[,\]}]")


def source_lines(path: str) -> list[str] | None:
    """A file's lines as the parser numbers them (any line break counts as one), or None
    when it cannot be shown (missing, too large, binary)."""
    try:
        # As the parser reads: never wait on a FIFO, never read a device or a folder.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            raw = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_SOURCE_BYTES or b"\x00" in raw[:8192]:
        return None
    text = raw.decode("utf-8-sig", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _span(line: str, col: int) -> tuple[str, str]:
    """(text before the column, the token at it): a quoted string to its closing quote, a
    flow list to its ']', a key to its ':', a plain value to the end of the line or a
    comment; a space, a ':' or a control character alone."""
    before, rest = line[: col - 1], line[col - 1 :]
    if not rest or rest[0].isspace() or rest[0] == ":" or not rest[0].isprintable():
        return before, rest[:1] or " "
    if rest[0] in "\"'":
        end = rest.find(rest[0], 1)
        return before, rest[: end + 1] if end > 0 else rest
    if rest[0] in "[{":  # a flow list or mapping: to its closing bracket on this line
        depth = 0
        for i, char in enumerate(rest):
            depth += (char in "[{") - (char in "]}")
            if depth == 0:
                return before, rest[: i + 1]
        return before, rest.rstrip()
    cut = _TOKEN_END.search(rest, 1)
    token = (rest[: cut.start()] if cut else rest).rstrip()
    return before, token or rest[:1]


PROSE_RULES = ("language/",)
"""Rules about words in prose: the carets go under the words the message quotes first (or the
word at the column), not under the whole YAML value."""


def snippet(line_text: str, line: int, col: int, style: Style = _plain, words: str | None = None) -> list[str]:
    """The source line and a caret line under the column (under `words` when the line holds
    them there), with a gutter of the line number."""
    before, token = _span(line_text, col)
    if words is not None:
        rest = line_text[col - 1 :]
        word = re.match(r"[\w'-]+", rest)
        if words and rest.casefold().startswith(words.casefold()):
            token = rest[: len(words)]
        elif word:  # the words are folded over two lines: the first one
            token = word.group(0)
    before, token, after = printable(before), printable(token), printable(line_text[len(before) + len(token) :])
    shown, offset = before + token + after, len(before)
    if len(shown) > SNIPPET_WIDTH:  # a long line: the part around the column
        start = max(0, offset - SNIPPET_WIDTH // 3)
        shown = ("…" if start else "") + shown[start : start + SNIPPET_WIDTH] + "…"
        offset = offset - start + (1 if start else 0)
        token = token[: SNIPPET_WIDTH - (offset - (1 if start else 0))]
    number = str(line)
    pad = " " * (len(number) + 1)
    bar = style("|", "gutter")
    # Every line after a problem's first is indented: `grep -v '^ '` leaves the one-line form.
    return [
        f"{pad} {bar}",
        f" {style(number, 'gutter')} {bar} {shown.rstrip()}",
        f"{pad} {bar} {' ' * offset}{style('^' * max(1, len(token)), 'caret')}",
    ]


def _quoted(message: str) -> str:
    found = re.search(r"'([^']+)'", message)
    return found.group(1) if found else ""


def render(d: Diagnostic, lines: list[str] | None = None, style: Style = _plain) -> str:
    """One diagnostic as text: the one-line form, then (when `lines`, the file's source, is
    given) the offending line with carets, then its help and note lines."""
    severity = "error" if d.severity == ERROR else "warning"
    prefix = "" if d.severity == ERROR else style("warning: ", "warning-label")
    out = [
        f"{style(printable(f'{d.path}:{d.line}:{d.col}:'), 'where')} {prefix}{printable(d.message)} "
        f"{style(f'[{d.rule}]', severity)}"
    ]
    if lines is not None and d.rule not in NO_SNIPPET and 0 < d.line <= len(lines):
        out.extend(
            snippet(
                lines[d.line - 1],
                d.line,
                d.col,
                lambda t, r: style(t, severity if r == "caret" else r),
                words=_quoted(d.message) if d.rule.startswith(PROSE_RULES) else None,
            )
        )
    pad = " " * (len(str(d.line)) + 1 if len(out) > 1 else 1)
    if d.hint:
        out.append(f"{pad} = {style('help', 'help')}: {printable(d.hint)}")
    if d.caused_by:
        out.append(f"{pad} = {style('note', 'help')}: caused by your change to {printable(d.caused_by)}")
    return "\n".join(out) + ("\n\n" if len(out) > 1 else "\n")


def format_text(diagnostics: list[Diagnostic], style: Style = _plain, source: bool = True) -> str:
    """The text report; `source`: show each problem's source line (read from its path)."""
    files: dict[str, list[str] | None] = {}
    out = []
    for d in diagnostics:
        if source and d.path not in files:
            files[d.path] = source_lines(d.path)
        out.append(render(d, files.get(d.path), style))
    return "".join(out)


def format_json(diagnostics: list[Diagnostic], **summary: object) -> str:
    errors, warnings = count(diagnostics)
    doc = {
        "diagnostics": [asdict(d) for d in diagnostics],
        "summary": {"errors": errors, "warnings": warnings, **summary},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which become annotations on the pull request."""
    out = []
    for d in diagnostics:
        level = "error" if d.severity == ERROR else "warning"
        cause = f" (caused by your change to {d.caused_by})" if d.caused_by else ""
        msg = printable(d.message + (f" ({d.hint})" if d.hint else "") + cause)
        out.append(
            f"::{level} file={_gh_escape(d.path, True)},line={d.line},col={d.col},"
            f"title={_gh_escape(d.rule, True)}::{_gh_escape(msg)}\n"
        )
    return "".join(out)


FORMATS: dict[str, Callable[..., str]] = {"text": format_text, "json": format_json, "github": format_github}
