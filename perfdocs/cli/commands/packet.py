"""`perfdocs packet draft` and `perfdocs packet check`."""

from __future__ import annotations

import json

import click

from perfdocs.cli import records_option

TOLERATED = {"packet/foreign-evidence"}
"""Validation errors in the checked packet that the readiness report shows as
disqualifying findings instead of refusing to run."""


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
    from perfdocs.people import readiness
    from perfdocs.people.score import checked
    from perfdocs.validation import load_valid, resolve_root

    root = resolve_root(records)
    click.get_current_context().with_resource(records_lock(root))  # writers take turns (perfdocs/lock.py)
    org = checked(load_valid(root))
    path = readiness.write_draft(org, root, person, target, slug, sponsor)
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
def check(packet_ref: str, fmt: str, records: str | None) -> None:
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
    from perfdocs.people import readiness
    from perfdocs.people.score import checked
    from perfdocs.validation import InvalidRecords, validate

    root, record = _locate(packet_ref, records)
    report = validate(root)
    org = report.org
    record = record(org)
    blocking = [
        d
        for d in report.diagnostics
        if d.severity == "error"
        and not (d.rule in TOLERATED and record is not None and _same(d.path, root, record.rel))
    ]
    if blocking:
        report.diagnostics = blocking + [d for d in report.diagnostics if d.severity != "error"]
        raise InvalidRecords(report)
    checked(report)
    result = readiness.check(org, record)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(readiness.render_markdown(result), nl=False)
    else:
        click.echo(readiness.render_text(result), nl=False)


def _same(diag_path: str, root, rel: str) -> bool:
    from pathlib import Path

    return Path(diag_path).resolve() == (Path(root) / rel).resolve()


def _locate(ref: str, records: str | None):
    """(records root, function org -> packet record) for a path or an id."""
    from pathlib import Path

    from perfdocs.errors import PerfdocsError
    from perfdocs.validation import resolve_root

    path = Path(ref)
    if path.suffix == ".md" or path.exists():
        if not path.is_file():
            raise PerfdocsError(f"{ref} does not exist")
        root = resolve_root(records, [path])
        rel = path.resolve().relative_to(root.resolve()).as_posix()

        def by_path(org):
            found = next((r for r in org.packets.values() if r.rel == rel), None)
            if found is None:
                raise PerfdocsError(f"{ref} is not a packet record (kind: packet)")
            return found

        return root, by_path
    root = resolve_root(records)

    def by_id(org):
        if ref not in org.packets:
            from perfdocs.text import did_you_mean

            raise PerfdocsError(f"unknown packet '{ref}'{did_you_mean(ref, list(org.packets))}")
        return org.packets[ref]

    return root, by_id


COMMANDS = [packet]
