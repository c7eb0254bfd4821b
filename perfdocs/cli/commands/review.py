"""`perfdocs review draft` and `perfdocs review lint`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfdocs.cli import records_option

if TYPE_CHECKING:
    from perfdocs.records.load import Record
    from perfdocs.records.organisation import Organisation


@click.group()
def review() -> None:
    """Performance reviews.

    \b
    Example:
      perfdocs review draft alice --period 2026-Q3
      perfdocs review lint --period 2026-Q3
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


@review.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--period", metavar="QUARTER", help="Only the reviews of this period, e.g. 2026-Q3.")
@click.option("--json", "as_json", is_flag=True, help="JSON for tools instead of text.")
@records_option
def lint(paths: tuple[str, ...], period: str | None, as_json: bool, records: str | None) -> None:
    """Advisory check of the language of reviews and packets.

    Feedback about personality rather than work, effort words standing in for
    accomplishments, unnecessarily gendered terms, doubt raisers and hedges, vague
    phrases, impact claims that cite no evidence, and a rating the narrative does not
    match: each a warning at file:line:col with what to write instead. The word lists,
    and the studies they come from, are in perfdocs/rules/wordlists/; org.yaml
    `language:` extends them or declares terms neutral, for everyone or per track.
    `validate` reports the same warnings (and `validate --strict` fails on them).

    \b
    PATHS: review or packet files, or folders holding them (default: all of them).
    Exit codes: 0 (the findings are advice), 2 usage or environment error.

    \b
    Example:
      perfdocs review lint --period 2026-Q3
      perfdocs review lint records/people/chen/reviews/2026-q3.md --json
    """
    from perfdocs.cli import print_report
    from perfdocs.rules.language import review_findings
    from perfdocs.validation import Report, load_org, resolve_root

    root = resolve_root(records, paths)
    org = load_org(root).org
    chosen = _lintable(org, [Path(p) for p in paths], period)
    found = [d for record in chosen for d in review_findings(org, record)]
    print_report(Report(root, org, found, len(chosen)), "json" if as_json else "text")


def _lintable(org: Organisation, paths: list[Path], period: str | None) -> list[Record]:
    """The reviews and packets inside PATHS (all without), of the period if one is given."""
    from perfdocs.errors import PerfdocsError
    from perfdocs.rules.language import KINDS

    wanted = [p.resolve() for p in paths]
    chosen = [
        r
        for kind in KINDS
        for r in org.of_kind(kind).values()
        if (not wanted or any(r.doc.path.resolve().is_relative_to(w) for w in wanted))
        and (period is None or (r.kind == "review" and str(r.get("period")) == period))
    ]
    for path, resolved in zip(paths, wanted, strict=True):
        if not resolved.exists():
            raise PerfdocsError(f"{path} does not exist")
        if resolved.is_file() and not any(r.doc.path.resolve() == resolved for r in chosen) and period is None:
            raise PerfdocsError(f"{path} is not a review or a packet")
    return sorted(chosen, key=lambda r: r.display)


COMMANDS = [review]
