"""`perfdocs packet draft` and `perfdocs packet check`."""

from __future__ import annotations

import json

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import strict_option


@click.group()
def packet() -> None:
    """Promotion packets: draft one from a person's evidence, check its readiness.

    \b
    Example:
      perfdocs packet draft alice --target l5
      perfdocs packet check records/people/alice/packets/2026-h2-principal.md --format markdown
    """


@packet.command()
@click.argument("person")
@click.option("--target", required=True, metavar="LEVEL", help="The level the packet argues for.")
@click.option("--slug", help="File name (without .md) under people/PERSON/packets/; default: <year>-<level>.")
@click.option("--sponsor", metavar="HANDLE", help="The sponsor; default: the person's manager.")
@records_option
def draft(person: str, target: str, slug: str | None, sponsor: str | None, records: str | None) -> None:
    """Write a draft packet for PERSON at LEVEL from their evidence.

    For every competency of the target level (grouped by dimension): the descriptor to
    meet and the person's evidence in the window that names it; competencies without
    evidence stay visible as gaps. Never overwrites a file.

    \b
    Example:
      perfdocs packet draft alice --target l5 --slug 2027-principal
    """
    from perfdocs.cli import report_written
    from perfdocs.lock import records_lock
    from perfdocs.people import drafts
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    click.get_current_context().with_resource(records_lock(root))  # writers take turns (perfdocs/lock.py)
    org = load_valid(root).org
    path = drafts.write_packet(org, root, person, target, slug, sponsor)
    report_written(root, path)


@packet.command()
@click.argument("packet_ref", metavar="PACKET")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown for a pull-request comment, json for tools.",
)
@records_option
@strict_option
def check(packet_ref: str, fmt: str, records: str | None, strict: bool) -> None:
    """Promotion readiness of PACKET (a packet file, or an id like alice/2026-h2-principal).

    For each competency of the target level: the claims, the evidence each cites and
    whether it is the candidate's own, inside the window and verified; scope,
    complexity and consistency across the packet; disqualifying findings; and a
    summary, ready or not yet with the missing pieces. The thresholds are the org's
    `readiness:` settings.

    \b
    Exit codes: 0 the check ran (ready or not yet; the verdict is in the report),
    1 the records are invalid, 2 usage or environment error.

    \b
    Example:
      perfdocs packet check records/people/alice/packets/2026-h2-principal.md --format markdown
    """
    from perfdocs import diagnostics
    from perfdocs.cli.output import print_skipped
    from perfdocs.links.recheck import recheck_for
    from perfdocs.people import readiness, reports
    from perfdocs.validation import load_org, refuse_errors, resolve_root, skip_invalid

    file = readiness.packet_file(packet_ref)
    root = resolve_root(records, [file] if file is not None else [])
    report = load_org(root)
    record = readiness.find_packet(report.org, root, packet_ref)

    def tolerated(diagnostic: diagnostics.Diagnostic) -> bool:
        return readiness.tolerated(diagnostic, record, root)

    if strict:
        refuse_errors(report, tolerated)
    else:
        # What the check reads: the packet, its candidate and the evidence it cites.
        cited = [c.get("evidence") for c in record.get("claims") or [] if isinstance(c, dict)]
        reads = [
            report.org.evidence.get(e) for ids in cited if isinstance(ids, list) for e in ids if isinstance(e, str)
        ]
        reads.append(report.org.people.get(record.get("candidate")))
        valid = skip_invalid(report, tolerated, [record, *(r for r in reads if r is not None)])
        print_skipped(valid)
        report = valid
    # With the clones present, recorded resolutions are checked against git again.
    result = readiness.check(report.org, record, recheck_for(report.org, root))
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        print_text(reports.readiness_markdown(result), nl=False)
    else:
        print_text(reports.readiness_text(result), nl=False)


COMMANDS = [packet]
