"""`perfdocs export`: records an audience may see, as JSON or CSV."""

from __future__ import annotations

import click

from perfdocs.cli import records_option
from perfdocs.cli.options import strict_option


@click.command("export")
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
def export_command(
    records: str | None, fmt: str, audience: str, kinds: tuple[str, ...], output: str | None, strict: bool
) -> None:
    """Export records for a spreadsheet or another system.

    Each record is exported with its kind, id, path, visibility, fields and Markdown
    body. Compensation fields never appear. Invalid records stop the export with the
    same messages as `perfdocs validate`.

    \b
    Example:
      perfdocs export --format csv --kind evidence -o evidence.csv
      perfdocs export --audience public --format json
    """
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


COMMANDS = [export_command]
