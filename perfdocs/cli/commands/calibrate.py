"""`perfdocs calibrate`."""

from __future__ import annotations

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option


@click.command()
@click.option("--period", metavar="QUARTER", help="e.g. 2026-Q3; default: the latest period with reviews.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True)
@click.option(
    "--audience",
    type=click.Choice(["internal"]),
    help="Use only the records this audience may see (as the internal site does); default: all.",
)
@records_option
@strict_option
def calibrate(period: str | None, fmt: str, audience: str | None, records: str | None, strict: bool) -> None:
    """The calibration pack of a period, across teams, managers and attributes.

    Rating distribution per team, manager, track, level and the person attributes
    org.yaml `calibration.attributes` names, each group tested against the rest of
    the organisation (chi-square, Cramér's V), and groups under `calibration.min_group`
    not shown; each person's evidence against their level's competencies, with the
    ratings that depart from it as questions; ratings that depart from the published
    completion rules; ratings previews; rating changes in and after calibration (from
    git) and the rubric commit of each review; packet claims without evidence; people
    with no invisible work recorded; and process health. The internal site carries the
    same page, from the records it may see; the public site never does.

    \b
    Example:
      perfdocs calibrate --period 2026-Q3
      perfdocs calibrate --period 2026-Q3 --format html > calibration.html
    """
    from perfdocs.cli.output import print_skipped
    from perfdocs.people import calibration
    from perfdocs.validation import load_valid, resolve_root

    report = load_valid(resolve_root(records), strict)
    print_skipped(report)
    org = report.org
    if fmt == "html":
        click.echo(calibration.render_html(org, period, audience, standalone=True), nl=False)
    else:
        print_text(calibration.render_markdown(org, period, audience), nl=False)


COMMANDS = [calibrate]
