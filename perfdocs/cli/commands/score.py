"""`perfdocs score`."""

from __future__ import annotations

import json

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option


@click.command()
@click.argument("person")
@click.option("--period", metavar="QUARTER", help="e.g. 2026-Q3; default: the latest quarter with PERSON's records.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@records_option
@strict_option
def score(person: str, period: str | None, fmt: str, records: str | None, strict: bool) -> None:
    """An advisory composite score (within the org's bounds, e.g. 0-5) for PERSON.

    It measures substance, not volume: each distinct piece of work counts once, however
    many entries describe it, weighed by its scope against PERSON's level, what it rests on
    (verified, corroborated, self-reported) and its type, with diminishing returns within a
    competency; placeholders never count. It prints every entry with why it counted or
    not, and the kinds of evidence that would change it. Reliability can act as a gate:
    repeated harm (overdue postmortem action items the person owns) caps the score however
    much else they shipped. Team-level metrics such as DORA never feed it, and it never
    maps to a rating. Every weight is in org.yaml `scoring:`.

    \b
    Example:
      perfdocs score alice --period 2026-Q3
    """
    from perfdocs.cli.output import print_skipped
    from perfdocs.links.recheck import recheck_for
    from perfdocs.people import reports
    from perfdocs.people import score as scoring
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    report = load_valid(root, strict)
    print_skipped(report)
    org = report.org
    # With the clones present, recorded resolutions are checked against git again (as packet check does).
    result = scoring.score(org, person, period, recheck=recheck_for(org, root))
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print_text(reports.score_text(result), nl=False)


COMMANDS = [score]
