"""Options that several commands share, declared once so that they read the same everywhere.

`--records DIR` and `--example` choose the records folder. `--example` (accepted on the
group, `perfdocs --example validate`, and on every command that reads records,
`perfdocs validate --example`) is the only way to the example organisation bundled with
perfdocs: without records, commands stop (perfdocs.validation.resolve_root) instead of
quietly working on the example. The bundled records live inside the installed package,
so the commands that write records refuse them (perfdocs.lock.forbid_writes).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from perfdocs.diagnostics import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

EXAMPLE_KEY = "perfdocs.example"
"""ctx.meta key (meta is shared by a context and its subcommands' contexts): --example was given."""

EXAMPLE_HELP = (
    "Use the example organisation bundled with perfdocs (read-only; dated 2026-11-24 unless "
    "PERFDOCS_TODAY is set), instead of your records."
)
READ_ONLY = (
    "the bundled example organisation is read-only (it lives inside the installed perfdocs): "
    "copy it with 'perfdocs init DIR --example' and use '--records DIR'"
)


EXAMPLE_TODAY = "2026-11-24"
"""The day the bundled example organisation describes (its history runs 2026-01 to 2026-10, and
the test suite validates it on this day): --example runs on it unless PERFDOCS_TODAY says
otherwise, so that the example stays warning-free whatever today's date (metric reviews of
2026 are not overdue in the example's own time)."""


def _pin_today() -> Callable[[], None]:
    os.environ["PERFDOCS_TODAY"] = EXAMPLE_TODAY

    def unpin() -> None:
        os.environ.pop("PERFDOCS_TODAY", None)

    return unpin


def select_example(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[EXAMPLE_KEY] = True


def example_selected() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(EXAMPLE_KEY))


def refuse_example(what: str) -> None:
    """Stop a command that would write `what` into the bundled example's folder."""
    if example_selected():
        raise click.UsageError(f"--example cannot be used to {what}: {READ_ONLY}")


def _records(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if not ctx.meta.get(EXAMPLE_KEY):
        return value
    if value is not None:
        raise click.UsageError("give either --records DIR or --example, not both")
    from perfdocs import lock, resources

    example = resources.data_dir("records")
    ctx.call_on_close(lock.forbid_writes(example, READ_ONLY))
    if not os.environ.get("PERFDOCS_TODAY"):
        ctx.call_on_close(_pin_today())
    return str(example)


example_option = click.option(
    "--example",
    is_flag=True,
    is_eager=True,  # before --records, whose callback reads it
    expose_value=False,
    callback=select_example,
    help=EXAMPLE_HELP,
)


def records_option(command: F) -> F:
    """--records DIR and --example: the records folder a command reads."""
    command = click.option(
        "--records",
        "records",
        type=click.Path(file_okay=False),
        default=None,
        metavar="DIR",
        callback=_records,
        help="The records folder (default: $PERFDOCS_RECORDS, or the folder holding org.yaml at or above "
        "the working folder).",
    )(command)
    return example_option(command)


def _quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # the same setting as the group's `perfdocs -q`, which perfdocs.cli.output reads
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj["quiet"] = True


quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_quiet,
    help="Only problems and results: no summaries, notes or progress bars (as 'perfdocs -q').",
)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for pull-request annotations.",
)
"""--format of commands that report diagnostics (validate, links check)."""


strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Stop on any invalid record (exit 1, all or nothing, as CI wants) instead of skipping the invalid "
    "records and naming them.",
)
"""--strict of the commands that read records (perfdocs.validation.skip_invalid): without it they
run on the valid records and name what they skipped."""
