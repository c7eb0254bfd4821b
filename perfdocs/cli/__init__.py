"""The `perfdocs` command line: parse options, call the library, print, exit.

Exit codes: 0 clean, 1 records invalid, 2 usage or environment error. Each command
family lives in `perfdocs/cli/commands/<name>.py` and only wires library calls to output.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from perfdocs import __version__
from perfdocs.diagnostics import FORMATS, printable
from perfdocs.errors import PerfdocsError
from perfdocs.validation import InvalidRecords, Report

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

records_option = click.option(
    "--records",
    "records",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="The records folder (default: $PERFDOCS_RECORDS, the folder holding org.yaml above the "
    "working folder, or the bundled example organisation).",
)


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


def detail(message: str) -> None:
    """A note on stderr, only with --verbose."""
    if is_verbose() and not is_quiet():
        click.echo(message, err=True)


def _tty(stream) -> bool:
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
    total = length if length is not None else (len(items) if hasattr(items, "__len__") else None)
    if is_quiet() or not _tty(sys.stderr) or (total is not None and total < threshold):
        yield items
        return
    with click.progressbar(items, length=total, label=label, file=sys.stderr) as bar:
        yield bar


_SEVERITY_COLOUR = {"error": "red", "warning": "yellow"}


def _coloured(report_diagnostics) -> str:
    """The text format with the position in bold and the severity in colour; click.echo
    removes the colour when stdout is not a terminal or NO_COLOR is set."""
    out = []
    for d in report_diagnostics:
        colour = _SEVERITY_COLOUR.get(d.severity, "yellow")
        where = click.style(printable(f"{d.path}:{d.line}:{d.col}:"), bold=True)
        prefix = "" if d.severity == "error" else click.style("warning: ", fg=colour, bold=True)
        hint = f" ({d.hint})" if d.hint else ""
        # printable: a key or value may hold a newline or a terminal escape sequence
        out.append(f"{where} {prefix}{printable(d.message + hint)} {click.style(f'[{d.rule}]', fg=colour)}\n")
    return "".join(out)


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


def report_written(root, path) -> None:
    """After a command wrote a record: print its path, then any problem `validate` finds in
    it (a scaffold or draft must be valid), and exit 1 if there are errors."""
    from perfdocs.diagnostics import display_path
    from perfdocs.validation import validate

    click.echo(display_path(path))
    check = validate(root, only=[path])
    if check.diagnostics:
        print_report(check, "text")
        raise SystemExit(1 if check.errors else 0)


class Group(click.Group):
    """Turns library failures into one-line messages and exit codes, never tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PerfdocsError as err:
            click.echo(f"perfdocs: {click.style('error:', fg='red', bold=True)} {printable(str(err))}", err=True)
            ctx.exit(err.exit_code)
        except InvalidRecords as invalid:
            print_report(invalid.report, "text")
            click.echo("perfdocs: stopped: the records have errors (see above)", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("perfdocs: interrupted", err=True)
            ctx.exit(130)
        except Exception as err:  # a bug: say so plainly, and how to see more
            if ctx.obj and ctx.obj.get("traceback"):
                traceback.print_exc()
            else:
                click.echo(
                    f"perfdocs: internal error: {type(err).__name__}: {err} "
                    "(run with --traceback for details, and please report it)",
                    err=True,
                )
            ctx.exit(2)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="perfdocs")
@click.option("--traceback", is_flag=True, hidden=True, help="Show Python tracebacks (debugging).")
@click.option("-q", "--quiet", is_flag=True, help="Only problems and results: no summaries, notes or progress bars.")
@click.option("-v", "--verbose", is_flag=True, help="Say more on stderr about what is being done.")
@click.pass_context
def main(ctx: click.Context, traceback: bool, quiet: bool, verbose: bool) -> None:
    """Performance records as code: validate them, link them to git history,
    check promotion packets, and publish a transparent rubric site.

    Colour is used only on a terminal, and never when NO_COLOR is set.

    \b
    Shell completion, in ~/.bashrc (zsh: zsh_source, fish: fish_source):
      eval "$(_PERFDOCS_COMPLETE=bash_source perfdocs)"

    \b
    Example:
      perfdocs init my-records
      perfdocs validate records/
      perfdocs new evidence --author alice --type pr --title "Retry redesign"
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback or bool(os.environ.get("PERFDOCS_TRACEBACK"))
    ctx.obj["quiet"], ctx.obj["verbose"] = quiet, verbose and not quiet
    if os.environ.get("NO_COLOR"):  # https://no-color.org: present and not empty
        ctx.color = False


def _register() -> None:
    """Every module in perfdocs/cli/commands adds its COMMANDS; the modules import the
    library lazily, inside each command, so `--help` stays fast."""
    import importlib
    import pkgutil

    from perfdocs.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"perfdocs.cli.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
