"""What the command line prints: notes on stderr, progress bars, reports, and diagnostics.

Only `perfdocs.cli` prints. The commands call these; the global options `--quiet` and
`--verbose` (kept in the root context by `perfdocs.cli.main`) decide what is shown.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

import click

from perfdocs.diagnostics import FORMATS, Diagnostic, format_text, printable

if TYPE_CHECKING:  # the pipeline is imported only by the commands that run it
    from perfdocs.validation import Report

T = TypeVar("T")


def _setting(name: str) -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and isinstance(ctx.find_root().obj, dict) and ctx.find_root().obj.get(name))


def is_quiet() -> bool:
    """`perfdocs --quiet ...`: summaries, notes and progress bars are left out."""
    return _setting("quiet")


def is_verbose() -> bool:
    """`perfdocs --verbose ...`: say more on stderr about what is being done."""
    return _setting("verbose")


def info(message: str) -> None:
    """A note on stderr, unless --quiet."""
    if not is_quiet():
        click.echo(message, err=True)


def print_skipped(report: Report, consequence: str = "") -> None:
    """Name the invalid records a reader left out (perfdocs.validation.skip_invalid), even
    with --quiet: what was not read is part of the result."""
    note = report.skipped_note(consequence)
    if note is not None:
        click.echo(f"perfdocs: warning: {note}", err=True)


def detail(message: str) -> None:
    """A note on stderr, only with --verbose."""
    if is_verbose() and not is_quiet():
        click.echo(message, err=True)


def _tty(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(items: Iterable[T], label: str, length: int | None = None, threshold: int = 100) -> Iterator[Iterable[T]]:
    """A progress bar on stderr for long operations (building, exporting thousands of records):
    only on a terminal, never with --quiet, and only past `threshold` items. Otherwise the
    items unchanged, so the calling code is the same either way:

        with progress(pages, "rendering") as pages:
            for page in pages: ...
    """
    total = length if length is not None else (len(cast(Sized, items)) if hasattr(items, "__len__") else None)
    if is_quiet() or not _tty(sys.stderr) or (total is not None and total < threshold):
        yield items
        return
    with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
        yield bar


_STYLES: dict[str, dict[str, Any]] = {
    "where": {"bold": True},
    "error": {"fg": "red"},
    "warning": {"fg": "yellow"},
    "warning-label": {"fg": "yellow", "bold": True},
    "gutter": {"fg": "blue", "bold": True},
    "help": {"fg": "cyan", "bold": True},
}


def _style(text: str, role: str) -> str:
    return click.style(text, **_STYLES.get(role, {}))


def _coloured(report_diagnostics: list[Diagnostic]) -> str:
    """The text format (perfdocs.diagnostics.format_text) with the position in bold and the
    severity in colour; click.echo removes the colour when stdout is not a terminal or
    NO_COLOR is set."""
    return format_text(report_diagnostics, _style)


def print_report(report: Report, fmt: str = "text", quiet: bool = False) -> None:
    """Diagnostics on stdout; the one-line summary on stderr (text format)."""
    quiet = quiet or is_quiet()
    if fmt == "json":
        click.echo(FORMATS["json"](report.diagnostics, files=report.files), nl=False)
        return
    click.echo(_coloured(report.diagnostics) if fmt == "text" else FORMATS[fmt](report.diagnostics), nl=False)
    if fmt == "text" and not quiet:
        errors, warnings = report.errors, report.warnings
        status = "ok" if not errors else "invalid"
        click.echo(
            f"{report.files} files checked: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} ({status})",
            err=True,
        )


def terminal_safe(text: str) -> str:
    """A report's text with every control character escaped (ESC, BEL, a carriage return
    written as a YAML escape in a record's name): nothing from a record can repaint the
    terminal or hide a line. Line breaks and tabs stay; the site escapes the same text as HTML."""
    if text.isprintable():
        return text
    return "\n".join("\t".join(printable(part) for part in line.split("\t")) for line in text.split("\n"))


def print_text(text: str, nl: bool = True) -> None:
    """A text or Markdown report on stdout, terminal-safe (JSON is printed as it is: its
    strings are escaped by the encoder)."""
    click.echo(terminal_safe(text), nl=nl)


def report_written(root: Path, path: Path) -> None:
    """After a command wrote a record: print its path, then any problem `validate` finds in
    it (a scaffold or draft must be valid), and exit 1 if there are errors."""
    from perfdocs.diagnostics import display_path
    from perfdocs.validation import validate

    click.echo(display_path(path))
    check = validate(root, only=[path])
    # A scaffold or a draft is unfinished by design: its TODO text is what the person fills in,
    # and `validate` reports it (record/placeholder) until they do.
    check.diagnostics = [d for d in check.diagnostics if d.rule != "record/placeholder"]
    if check.diagnostics:
        print_report(check, "text")
        raise SystemExit(1 if check.errors else 0)
