"""`perfdocs import matrix`: a ladder kept in a spreadsheet, as a track's competency matrix."""

from __future__ import annotations

import click

from perfdocs.cli import records_option


@click.group("import")
def import_group() -> None:
    """Bring records in from other formats.

    \b
    Example:
      perfdocs import matrix ladder.csv --track backend
    """


@import_group.command("matrix")
@click.argument("file", type=click.Path(dir_okay=False))
@records_option
@click.option("--track", required=True, help="The track the matrix is for; created from the header when new.")
@click.option("--name", help="The new track's name (default: its id).")
@click.option("--sheet", help="The XLSX sheet to read (default: the first).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None, help="Default: from the file's extension."
)
@click.option("--force", is_flag=True, help="Replace the track's existing matrix (keeping what a grid cannot show).")
def import_matrix(
    file: str, records: str | None, track: str, name: str | None, sheet: str | None, fmt: str | None, force: bool
) -> None:
    """Import a competency matrix from a CSV or XLSX grid.

    The first row names the columns: competency, optional id, dimension and summary, then one
    column per level, headed by the level's id or title. One row per competency; each cell is
    Markdown; an empty cell means nothing is expected at that level.

    \b
    Example:
      perfdocs import matrix ladder.xlsx --track backend --name "Backend engineering"
    """
    from pathlib import Path

    from perfdocs.cli import info, print_report
    from perfdocs.cli.output import _coloured
    from perfdocs.diagnostics import Diagnostic, display_path
    from perfdocs.lock import records_lock
    from perfdocs.repo import grid, matrix_grid
    from perfdocs.validation import load_valid, resolve_root, validate

    root = resolve_root(records)
    source = Path(file)
    with records_lock(root):  # read, check and write as one step (perfdocs/lock.py)
        report = load_valid(root)
        table: grid.Grid | None
        problems: list[Diagnostic] = []
        try:
            table = grid.read(source, sheet=sheet, fmt=fmt)
        except grid.FormulaCell as formula:
            at = formula.position
            table = None
            problems = [
                Diagnostic(
                    display_path(source),
                    at.row,
                    at.col,
                    "grid/formula",
                    f"the cell holds a formula ({at.reference})",
                    hint="paste it as values: perfdocs reads what the cell says, not what a formula computes",
                )
            ]
        plan = matrix_grid.Plan()
        if table is not None:
            plan = matrix_grid.plan_import(report.org, root, table, track, force=force, name=name)
            problems = plan.problems
        if problems:
            click.echo(_coloured(problems), nl=False)
            n = len(problems)
            click.echo(f"{display_path(source)}: {n} problem{'s' * (n != 1)}; nothing written", err=True)
            raise SystemExit(1)
        written = matrix_grid.write(plan)
    for note in plan.notes:
        info(note)
    for path in written:
        click.echo(display_path(path))
    check = validate(root, only=written)  # what was written must be valid: say so if it is not
    if check.diagnostics:
        print_report(check, "text")
        raise SystemExit(1 if check.errors else 0)


COMMANDS = [import_group]
