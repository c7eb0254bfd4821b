"""Diagnostics: a problem at a place in a file, and the reporters that print them."""

from __future__ import annotations

import json
import os
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


def format_text(diagnostics: list[Diagnostic]) -> str:
    return "".join(d.text() + "\n" for d in diagnostics)


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
        msg = printable(d.message + (f" ({d.hint})" if d.hint else ""))
        out.append(
            f"::{level} file={_gh_escape(d.path, True)},line={d.line},col={d.col},"
            f"title={_gh_escape(d.rule, True)}::{_gh_escape(msg)}\n"
        )
    return "".join(out)


FORMATS: dict[str, Callable[..., str]] = {"text": format_text, "json": format_json, "github": format_github}
