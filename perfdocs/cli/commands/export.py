"""`perfdocs export`: records an audience may see, as JSON or CSV; `export matrix`: a track's
competency matrix as a spreadsheet grid (CSV or XLSX) that `perfdocs import matrix` reads back."""

from __future__ import annotations

import click

from perfdocs.cli import records_option
from perfdocs.cli.options import strict_option


@click.group("export", invoke_without_command=True)
@records_option
@strict_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json keeps nested fields; csv has one row per record and a column per field.",
)
@click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default="internal",
    show_default=True,
    help="public: only public records; internal: public and internal ones. Private records are never exported.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Only records of KIND (repeatable), e.g. --kind evidence --kind goal.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write FILE (atomically) instead of printing.",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    records: str | None,
    fmt: str,
    audience: str,
    kinds: tuple[str, ...],
    output: str | None,
    strict: bool,
) -> None:
    """Export records for a spreadsheet or another system.

    Each record is exported with its kind, id, path, visibility, fields and Markdown
    body. Compensation fields never appear. An invalid record is left out and named on
    stderr; with --strict, invalid records stop the export with the same messages as
    `perfdocs validate`.

    \b
    Example:
      perfdocs export --format csv --kind evidence -o evidence.csv
      perfdocs export --audience public --format json
      perfdocs export matrix backend --format xlsx -o backend.xlsx
    """
    if ctx.invoked_subcommand is not None:
        return
    from pathlib import Path

    from perfdocs.cli.output import print_skipped
    from perfdocs.diagnostics import display_path
    from perfdocs.errors import PerfdocsError
    from perfdocs.fsutil import atomic_write
    from perfdocs.records.schemas import KINDS
    from perfdocs.repo import export
    from perfdocs.text import did_you_mean
    from perfdocs.validation import load_valid, resolve_root

    for kind in kinds:
        if kind not in KINDS:
            raise PerfdocsError(f"unknown kind '{kind}'{did_you_mean(kind, KINDS)}")
    root = resolve_root(records)
    if output is not None and Path(output).resolve().is_relative_to(root.resolve()):
        # an export is a copy for elsewhere: written over a record it would replace it silently
        raise PerfdocsError(
            f"-o {display_path(Path(output))} is inside the records folder {display_path(root)}; "
            "write the export outside it"
        )
    report = load_valid(root, strict)
    print_skipped(report, " (not exported)")
    text = export.FORMATS[fmt](report.org, audience, kinds)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(Path(output), text, overwrite=True)
    count = len(export.selected(report.org, audience, kinds))
    click.echo(f"wrote {count} record{'s' * (count != 1)} to {display_path(Path(output))}", err=True)


def _outside(root: object, output: str) -> None:
    from pathlib import Path

    from perfdocs.diagnostics import display_path
    from perfdocs.errors import PerfdocsError

    assert isinstance(root, Path)
    if Path(output).resolve().is_relative_to(root.resolve()):
        # an export is a copy for elsewhere: written over a record it would replace it silently
        raise PerfdocsError(
            f"-o {display_path(Path(output))} is inside the records folder {display_path(root)}; "
            "write the export outside it"
        )


@export_command.command("matrix")
@click.argument("track")
@records_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx"]),
    default=None,
    help="Default: from the -o file's extension, else csv.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write FILE (atomically); needed for xlsx. Default: CSV on stdout.",
)
def export_matrix(track: str, records: str | None, fmt: str | None, output: str | None) -> None:
    """Export TRACK's competency matrix as a spreadsheet grid.

    One row per competency (competency, id, dimension, summary), one column per level; an
    empty cell means not expected. `perfdocs import matrix FILE --track TRACK --force` reads
    it back: cells not edited keep their form, even those the grid shows only as text.

    \b
    Example:
      perfdocs export matrix backend -o backend.csv
    """
    from pathlib import Path

    from perfdocs.cli import info
    from perfdocs.diagnostics import display_path
    from perfdocs.errors import PerfdocsError
    from perfdocs.fsutil import atomic_write
    from perfdocs.repo import grid, matrix_grid
    from perfdocs.store import write_bytes
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    kind = fmt or (grid.format_of(Path(output)) if output else "csv")
    if output is not None:
        _outside(root, output)
    elif kind == "xlsx":
        raise PerfdocsError("--format xlsx needs -o FILE: a workbook is not text for a terminal")
    report = load_valid(root)
    data, lossy = matrix_grid.export(report.org, track, kind)
    if lossy:
        info(
            f"note: {lossy} cell{'s' * (lossy != 1)} of {track} {'are' if lossy != 1 else 'is'} more than "
            "Markdown (structured, unchanged, or with a note) and shown as text; "
            "`import matrix --force` keeps them as they are unless edited"
        )
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    if kind == "csv":
        atomic_write(Path(output), data.decode("utf-8"), overwrite=True)
    else:
        try:
            write_bytes(Path(output), data)
        except OSError as err:
            raise PerfdocsError(f"cannot write {display_path(Path(output))}: {err.strerror or err}") from None
    rows = len(report.org.competencies(track))
    click.echo(
        f"wrote {rows} competenc{'ies' if rows != 1 else 'y'} of {track} to {display_path(Path(output))}", err=True
    )


COMMANDS = [export_command]
