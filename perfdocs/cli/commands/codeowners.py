"""`perfdocs codeowners`: route each person's folder to their manager for review."""

from __future__ import annotations

import click

from perfdocs.cli import records_option


@click.command("codeowners")
@records_option
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 when the committed file differs from what would be generated."
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the file instead of writing it.")
def codeowners_command(records: str | None, check: bool, to_stdout: bool) -> None:
    """Generate CODEOWNERS so that each records/people/<handle>/ folder is owned by the
    person's manager and by the person, and pull requests adding evidence, reviews or
    packets ask the right reviewer.

    The file is the repository's .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS
    (whichever exists; CODEOWNERS otherwise). Lines above the perfdocs marker are yours
    and are kept. Usernames are the person's `github` field, else their handle.

    \b
    Example:
      perfdocs codeowners
      perfdocs codeowners --check
    """
    from perfdocs.diagnostics import display_path
    from perfdocs.fsutil import atomic_write
    from perfdocs.repo import codeowners
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    report = load_valid(root)
    path = codeowners.locate(root)
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    text = codeowners.render(report.org, root, existing)
    shown = display_path(path)
    if to_stdout:
        click.echo(text, nl=False)
        return
    if check:
        if existing == text:
            click.echo(f"{shown} is up to date", err=True)
            return
        click.echo(
            f"{shown} is {'missing' if existing is None else 'out of date'}: run 'perfdocs codeowners' and commit it",
            err=True,
        )
        raise SystemExit(1)
    if existing == text:
        click.echo(f"{shown} is up to date", err=True)
        return
    atomic_write(path, text, overwrite=True)
    click.echo(f"wrote {shown} ({len(codeowners.rules(report.org, root))} people)", err=True)


COMMANDS = [codeowners_command]
