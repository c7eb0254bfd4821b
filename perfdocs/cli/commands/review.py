"""`perfdocs review draft`."""

from __future__ import annotations

import click

from perfdocs.cli import records_option


@click.group()
def review() -> None:
    """Performance reviews.

    \b
    Example:
      perfdocs review draft alice --period 2026-Q3
    """


@review.command()
@click.argument("person")
@click.option("--period", required=True, metavar="QUARTER", help="The review period, e.g. 2026-Q3.")
@click.option("--reviewer", metavar="HANDLE", help="The reviewer; default: the person's manager.")
@records_option
def draft(person: str, period: str, reviewer: str | None, records: str | None) -> None:
    """Write a pre-filled review of PERSON for a period.

    Key-result completion from the person's goals, the rating the org's published
    rules give for it, the period's evidence by dimension, feedback slots (each must
    cite evidence) and a development plan aimed at the next level's thinnest
    competencies. Written to people/PERSON/reviews/<period>.md; never overwrites.

    \b
    Example:
      perfdocs review draft chen --period 2026-Q3 --reviewer emeka
    """
    from perfdocs.cli import report_written
    from perfdocs.lock import records_lock
    from perfdocs.people import drafts
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    click.get_current_context().with_resource(records_lock(root))  # writers take turns (perfdocs/lock.py)
    org = load_valid(root).org
    path = drafts.write_review(org, root, person, period, reviewer)
    report_written(root, path)


COMMANDS = [review]
