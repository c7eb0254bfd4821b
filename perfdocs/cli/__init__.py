"""The `perfdocs` command line: the click group, its global options, and the one error handler.

Exit codes: 0 clean, 1 records invalid, 2 usage or environment error. Each command
family lives in `perfdocs/cli/commands/<name>.py` and only wires library calls to output
(`perfdocs.cli.output`). The commands import the library inside their functions and this
module imports none of it, so `perfdocs --help` and `--version` load neither Jinja nor
the schemas (tests/acceptance/test_fast_help.py holds this). A command's module is itself
imported only when that command runs (or `--help` lists it): `perfdocs validate` does not
load the other sixteen, and `--version` none of them.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any, NoReturn

import click

from perfdocs.cli.options import example_option, records_option
from perfdocs.cli.output import (
    _coloured,
    detail,
    info,
    is_quiet,
    is_verbose,
    print_report,
    print_text,
    progress,
    report_written,
)
from perfdocs.diagnostics import printable
from perfdocs.errors import Failure, InvalidRecords

__all__ = [  # the output helpers are re-exported: the commands import them from perfdocs.cli
    "CONTEXT",
    "Group",
    "_coloured",
    "detail",
    "info",
    "is_quiet",
    "is_verbose",
    "main",
    "print_report",
    "progress",
    "records_option",
    "print_text",
    "report_written",
    "run",
]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


LAZY = {
    "build": "site",
    "calibrate": "calibrate",
    "codeowners": "codeowners",
    "config": "config",
    "examples": "examples",
    "export": "export",
    "gap": "gap",
    "import": "import_cmd",
    "init": "init",
    "kpi": "kpi",
    "links": "links",
    "metrics": "metrics",
    "new": "new",
    "packet": "packet",
    "review": "review",
    "rules": "rules_cmd",
    "schema": "schema",
    "score": "score",
    "serve": "site",
    "validate": "validate",
}
"""Each command's name and the module of perfdocs/cli/commands that defines it (in its
COMMANDS), so that a run imports only the module of the command it runs (click's "Lazily
Loading Subcommands"). A module missing from this table is still found, by importing it
whenever commands are looked up; tests/acceptance/test_fast_help.py keeps the table whole."""


class Group(click.Group):
    """Turns library failures into one-line messages and exit codes, never tracebacks; loads
    each command's module when the command is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY, *_unlisted()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        known = super().get_command(ctx, cmd_name)
        if known is not None:
            return known
        modules = [LAZY[cmd_name]] if cmd_name in LAZY else []
        for module in [*modules, *_unlisted_modules()]:
            for command in _commands_of(module):
                if command.name not in self.commands:
                    self.add_command(command)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as err:  # suggest among every command, loaded or not
            raise click.exceptions.NoSuchCommand(
                err.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # a reader that went away is noticed here, not at interpreter exit
            return result
        except BrokenPipeError:  # `perfdocs rules | head -1`: the reader has all it wanted
            _silence_stdout()
            ctx.exit(0)
        except InvalidRecords as invalid:
            print_report(invalid.report, "text")
            click.echo("perfdocs: stopped: the records have errors (see above)", err=True)
            ctx.exit(invalid.exit_code)
        except Failure as err:  # PerfdocsError and its kind (GitError): one line
            click.echo(f"perfdocs: {click.style('error:', fg='red', bold=True)} {printable(str(err))}", err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("perfdocs: interrupted", err=True)
            ctx.exit(130)
        except OSError as err:
            # A full disk, a read-only mount, a refused permission, a failing device: the
            # machine's state, told as one line with what to do (the writers name their file).
            from perfdocs.fsutil import fault

            found = fault(err, doing="use")
            if found is None:
                _internal(ctx, err)
            click.echo(f"perfdocs: {click.style('error:', fg='red', bold=True)} {printable(str(found))}", err=True)
            ctx.exit(found.exit_code)
        except Exception as err:
            _internal(ctx, err)


def _internal(ctx: click.Context, err: Exception) -> NoReturn:
    """A bug: say so plainly, and how to see more; exit 2."""
    if ctx.obj and ctx.obj.get("traceback"):
        traceback.print_exc()
    else:
        click.echo(
            f"perfdocs: internal error: {type(err).__name__}: {err} "
            "(run with --traceback for details, and please report it)",
            err=True,
        )
    ctx.exit(2)


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's last flush at exit (of what is still
    buffered for the closed pipe) neither fails nor prints 'Exception ignored'."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's capture)
        pass


@click.group(cls=Group, context_settings=CONTEXT)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _version(ctx, value),
    help="Show the version and exit.",
)
@click.option("--traceback", is_flag=True, hidden=True, help="Show Python tracebacks (debugging).")
@click.option("-q", "--quiet", is_flag=True, help="Only problems and results: no summaries, notes or progress bars.")
@click.option("-v", "--verbose", is_flag=True, help="Say more on stderr about what is being done.")
@example_option
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


def _version(ctx: click.Context, value: bool) -> None:
    """`--version`, as click's version_option prints it; the version (read from the installed
    package's metadata, which costs a third of the start-up) is looked up only here."""
    if not value or ctx.resilient_parsing:
        return
    import perfdocs

    click.echo(f"perfdocs, version {perfdocs.__version__}", color=ctx.color)
    ctx.exit()


def _commands_of(module: str) -> list[click.Command]:
    """The COMMANDS a module of perfdocs/cli/commands defines."""
    import importlib

    found: list[click.Command] = list(
        getattr(importlib.import_module(f"perfdocs.cli.commands.{module}"), "COMMANDS", ())
    )
    return found


def _unlisted_modules() -> list[str]:
    """The modules of perfdocs/cli/commands that LAZY does not name (none, while it is whole)."""
    import pkgutil

    from perfdocs.cli import commands

    listed = set(LAZY.values())
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if m.name not in listed)


def _unlisted() -> list[str]:
    """The names of the commands the modules LAZY does not name define."""
    return [command.name for module in _unlisted_modules() for command in _commands_of(module) if command.name]


def run() -> NoReturn:
    """The `perfdocs` console command: `main`, then a hard exit once it has finished.

    A run over 100,000 records leaves millions of objects behind, and an ordinary exit frees
    them one by one (~0.5 s) only for the process to end. So once the command is done (every
    file it wrote closed: the writers use `with`), the atexit handlers run and stdout and stderr
    are flushed as an ordinary exit would, and the process leaves with os._exit and the same
    code (mypy's `hard_exit`). If the flush fails (a reader that went away), the ordinary exit
    takes over and behaves as it always did. Only here: tests call `main` in process through
    click's CliRunner, which must never end the test run."""
    try:
        main.main(prog_name="perfdocs")
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's standalone mode always ends with SystemExit
        code = 0
    if code is not None and not isinstance(code, int):
        sys.exit(code)  # a message: printed by the ordinary exit, as sys.exit(text) does
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
