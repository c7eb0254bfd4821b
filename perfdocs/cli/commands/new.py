"""`perfdocs new KIND`."""

from __future__ import annotations

from typing import Any

import click

from perfdocs.cli import records_option, report_written

# The kinds `new` writes: perfdocs.repo.scaffold.NEW_KINDS (a test holds the two equal), not
# imported from there because every `perfdocs --help` imports this module, and the scaffold
# loads Jinja and the schemas.
NEW_KINDS = ("evidence", "goal", "person", "postmortem", "metric", "team", "track", "matrix")


@click.command()
@click.argument("kind", type=click.Choice(NEW_KINDS))
@records_option
@click.option(
    "--author",
    help="The person (handle); default: the person whose email is git's user.email "
    "(for a goal too, unless --team or --company).",
)
@click.option("--title", help="Title (evidence, postmortem), objective (goal) or name (person, metric, team).")
@click.option("--type", "--kind", "etype", help="Evidence type: pr, commit, mentoring, on-call, ...")
@click.option(
    "--competency",
    "competencies",
    multiple=True,
    help="A competency the evidence shows (repeatable); for a matrix, a competency's name.",
)
@click.option("--link", "links", multiple=True, help="A link: owner/repo#123, owner/repo@sha, postmortem:<id>, URL.")
@click.option("--date", help="Date (YYYY-MM-DD); default: today.")
@click.option("--period", help="Goal period, e.g. 2026-Q4; default: the date's quarter.")
@click.option("--team", help="Team (person, team goal).")
@click.option("--track", help="Track (person, matrix).")
@click.option("--level", multiple=True, help="Level (person); for a track, a level's title, lowest first (repeatable).")
@click.option("--dimension", help="Dimension of a new matrix's competencies (default: the first).")
@click.option("--email", help="Email (person).")
@click.option("--parent", help="Parent goal id (goal).")
@click.option("--company", is_flag=True, default=None, help="A company goal (goal), not yours or a team's.")
@click.option("--id", "rid", help="Id (person handle, postmortem, metric, team, track).")
@click.option("--slug", help="Name after the date or period (evidence, goal, postmortem); default: the title's.")
@click.option("--scope", type=click.Choice(["team", "individual"]), help="Metric scope.")
@click.option("--visibility", type=click.Choice(["public", "internal", "private"]), help="Visibility.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def new(kind: str, records: str | None, force: bool, rid: str | None, etype: str | None, **opts: Any) -> None:
    """Scaffold a valid record of KIND in the right place.

    \b
    Example:
      perfdocs new evidence --author alice --type pr --title "Retry redesign" \\
          --competency system-design --link acme/payments#412
      perfdocs new goal --author alice --title "Cut checkout p99 latency"
      perfdocs new goal --company --title "Reliable payments"
      perfdocs new person --id ines --title "Ines Duarte" --team payments
      perfdocs new track --id data --title "Data engineering" --level "Data Engineer I" --level "Data Engineer II"
      perfdocs new matrix --track data --competency "Data modelling" --competency "Pipelines"

    A new person joins their team's members, and a CODEOWNERS file perfdocs generated
    is brought up to date.
    """
    from perfdocs.diagnostics import display_path
    from perfdocs.lock import records_lock
    from perfdocs.repo import scaffold
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    with records_lock(root):  # read, check and write as one step (perfdocs/lock.py)
        report = load_valid(root)
        written = scaffold.write(kind, report.org, root, {**opts, "id": rid, "type": etype}, force=force)
    for path in written.updated:
        click.echo(f"updated {display_path(path)}", err=True)
    report_written(root, written.path)


COMMANDS = [new]
