"""The `perfdocs` command line: parse options, call the library, print, exit.

Exit codes: 0 clean, 1 records invalid, 2 usage or environment error. Each command
family lives in `perfdocs/commands/<name>.py` and only wires library calls to output.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from perfdocs import __version__
from perfdocs.diagnostics import FORMATS
from perfdocs.errors import PerfdocsError
from perfdocs.validation import InvalidRecords, Report

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

records_option = click.option(
    "--records", "records", type=click.Path(file_okay=False), default=None, metavar="DIR",
    help="The records folder (default: $PERFDOCS_RECORDS, the folder holding org.yaml above the "
         "working folder, or the bundled example organisation).")


def print_report(report: Report, fmt: str = "text", quiet: bool = False) -> None:
    """Diagnostics on stdout; the one-line summary on stderr (text format)."""
    if fmt == "json":
        click.echo(FORMATS["json"](report.diagnostics, files=report.files), nl=False)
        return
    click.echo(FORMATS[fmt](report.diagnostics), nl=False)
    if fmt == "text" and not quiet:
        errors, warnings = report.errors, report.warnings
        status = "ok" if not errors else "invalid"
        click.echo(f"{report.files} files checked: {errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)} ({status})", err=True)


class Group(click.Group):
    """Turns library failures into one-line messages and exit codes, never tracebacks."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PerfdocsError as err:
            click.echo(f"perfdocs: error: {err}", err=True)
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
                click.echo(f"perfdocs: internal error: {type(err).__name__}: {err} "
                           "(run with --traceback for details, and please report it)", err=True)
            ctx.exit(2)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="perfdocs")
@click.option("--traceback", is_flag=True, hidden=True, help="Show Python tracebacks (debugging).")
@click.pass_context
def main(ctx: click.Context, traceback: bool) -> None:
    """Performance records as code: validate them, link them to git history,
    check promotion packets, and publish a transparent rubric site.

    \b
    Example:
      perfdocs validate records/
      perfdocs new evidence --author alice --type pr --title "Retry redesign"
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback or bool(os.environ.get("PERFDOCS_TRACEBACK"))


def _register() -> None:
    """Every module in perfdocs/commands adds its COMMANDS; the modules import the
    library lazily, inside each command, so `--help` stays fast."""
    import importlib
    import pkgutil

    from perfdocs import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"perfdocs.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
