"""`perfdocs codeowners`: route each person's folder to their manager for review."""

from __future__ import annotations

import click

from perfdocs.cli.options import records_option, refuse_example


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
    and are kept. Usernames are the person's `github` field, else their handle. With
    records sources (org.yaml `sources`), each one present gets its own file too, for the
    people's folders its repository holds.

    \b
    Example:
      perfdocs codeowners
      perfdocs codeowners --check
    """
    from perfdocs.diagnostics import display_path
    from perfdocs.repo import codeowners
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    updates = codeowners.plans(load_valid(root).org, root)
    if to_stdout:
        for update in updates:
            if len(updates) > 1:  # one file per repository: say which is which
                click.echo(f"# ==> {display_path(update.path)} <==")
            click.echo(update.text, nl=False)
        return
    stale = False
    for update in updates:
        shown = display_path(update.path)
        if update.current:
            click.echo(f"{shown} is up to date", err=True)
        elif check:
            state = "missing" if update.existing is None else "out of date"
            click.echo(f"{shown} is {state}: run 'perfdocs codeowners' and commit it", err=True)
            stale = True
        else:
            refuse_example("write CODEOWNERS")
            codeowners.write(update)
            click.echo(f"wrote {shown} ({update.people} people)", err=True)
    if stale:
        raise SystemExit(1)


COMMANDS = [codeowners_command]
