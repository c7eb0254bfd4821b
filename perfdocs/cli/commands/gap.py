"""`perfdocs gap`: a person's evidence against the next level, and a development plan from it."""

from __future__ import annotations

import json

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option


@click.command()
@click.argument("person")
@click.option("--target", metavar="LEVEL", help="The level to look towards; default: the next one on PERSON's ladder.")
@click.option("--json", "as_json", is_flag=True, help="The view as JSON.")
@click.option(
    "--plan",
    is_flag=True,
    help="Write development-plan items for the thin and empty competencies into PERSON's next review draft.",
)
@click.option("--period", metavar="QUARTER", help="With --plan: the review's period; default: PERSON's next review.")
@records_option
@strict_option
def gap(
    person: str,
    target: str | None,
    as_json: bool,
    plan: bool,
    period: str | None,
    records: str | None,
    strict: bool,
) -> None:
    """What PERSON's evidence shows against the next level, competency by competency.

    For every competency the target level describes: its descriptor and what is new in it
    against PERSON's current level, PERSON's own evidence in the readiness window that names
    it (verified or not; placeholder evidence never counts), and a state: covered, thin or
    none. Signals for a conversation with a manager, not a checklist.

    With --plan, the thin and empty competencies become development-plan items (skill,
    resources, timeline, success measures) in the review draft of the next period, written
    like `perfdocs review draft` does; an existing review is never replaced.

    \b
    Example:
      perfdocs gap chen
      perfdocs gap dana --target m5 --json
      perfdocs gap chen --plan --period 2026-Q4
    """
    from perfdocs.cli.options import refuse_example
    from perfdocs.cli.output import print_skipped, report_written
    from perfdocs.errors import PerfdocsError
    from perfdocs.links.recheck import recheck_for
    from perfdocs.people import drafts
    from perfdocs.people import gap as gaps
    from perfdocs.validation import load_valid, resolve_root

    if period is not None and not plan:
        raise PerfdocsError("--period goes with --plan (the review the plan is written into)")
    if plan:
        refuse_example("write a review draft")
    root = resolve_root(records)
    if plan:
        from perfdocs.lock import records_lock

        click.get_current_context().with_resource(records_lock(root))  # writers take turns (perfdocs/lock.py)
    report = load_valid(root, strict or plan, lambda org: [org.people.get(person)])
    print_skipped(report)
    org = report.org
    found = gaps.gap(org, person, target, recheck_for(org, root))
    if plan:
        when = period or gaps.next_period(org, person)
        reviewer = org.people[person].get("manager")
        items = gaps.plan_items(found, when, reviewer if isinstance(reviewer, str) else None)
        if not items:
            raise PerfdocsError(
                f"every competency of {found.target_level} is covered by {person}'s evidence: no plan items to write"
            )
        report_written(root, drafts.write_review(org, root, person, when, plan=items))
        return
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2, ensure_ascii=False))
    else:
        print_text(gaps.text(found), nl=False)


COMMANDS = [gap]
