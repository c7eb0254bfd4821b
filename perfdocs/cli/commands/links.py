"""`perfdocs links check|resolve`: evidence links checked against git history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfdocs.cli import print_text, records_option
from perfdocs.cli.options import format_option
from perfdocs.diagnostics import FORMATS

if TYPE_CHECKING:
    from perfdocs.links.check import LinkReport
    from perfdocs.records.organisation import Organisation

_tolerance_option = click.option(
    "--date-tolerance",
    "tolerance",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="Warn when evidence is dated more than DAYS before its linked work merged "
    "(default: org.yaml links.date_tolerance_days, else 14).",
)


@click.group("links")
def links_group() -> None:
    """Resolve evidence links (PRs, commits, postmortems) against git history.

    Repositories are configured in org.yaml under 'repositories' (a local clone's path,
    or an environment variable such as PERFDOCS_REPO_ACME_PAYMENTS in CI).

    \b
    Example:
      perfdocs links check records/
      perfdocs links resolve --write records/people/alice
    """


def _load(records: str | None, paths: tuple[str, ...]) -> tuple[Path, Organisation]:
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records
    from perfdocs.validation import resolve_root

    root = resolve_root(records, paths)
    org, _ = organisation.build(load_records(root).records)
    return root, org


def _summary(report: LinkReport, fmt: str, quiet: bool) -> None:
    from perfdocs.diagnostics import count

    diags = report.diagnostics
    if fmt == "json":
        click.echo(FORMATS["json"](diags, links=report.links, resolved=len(report.resolutions)), nl=False)
        return
    print_text(FORMATS[fmt](diags), nl=False)
    if fmt == "text" and not quiet:
        errors, warnings = count(diags)
        click.echo(
            f"{report.links} link{'s' * (report.links != 1)} checked, {len(report.resolutions)} "
            f"resolved against git: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} ({'ok' if not errors else 'invalid'})",
            err=True,
        )


@links_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@records_option
@format_option
@_tolerance_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def check_command(
    paths: tuple[str, ...], records: str | None, fmt: str, tolerance: int | None, strict: bool, quiet: bool
) -> None:
    """Check that every evidence link resolves and belongs to its author.

    PRs resolve to the commits that merged them on the default branch (merge commits,
    squash merges, GitLab merges, rebased commits with a PR trailer); shas to exactly
    one commit. The evidence's author must have written the work (author, committer
    or Co-authored-by), unless the evidence type does not claim authorship or the
    writer is a listed collaborator. With PATHS, only evidence there is checked.

    \b
    Exit codes: 0 clean, 1 link problems, 2 usage or environment error.

    \b
    Example:
      perfdocs links check
      perfdocs links check records/people/alice --format github
    """
    from perfdocs.links import check as links

    root, org = _load(records, paths)
    report = links.check(org, root, only=paths or None, tolerance_days=tolerance)
    _summary(report, fmt, quiet)
    errors = sum(d.severity == "error" for d in report.diagnostics)
    raise SystemExit(1 if errors or (strict and report.diagnostics) else 0)


@links_group.command("resolve")
@click.argument("paths", nargs=-1, type=click.Path())
@records_option
@format_option
@_tolerance_option
@click.option(
    "--write",
    is_flag=True,
    help="Record each resolution (commits, merge date, files changed) in the evidence's front matter.",
)
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def resolve_command(
    paths: tuple[str, ...], records: str | None, fmt: str, tolerance: int | None, write: bool, quiet: bool
) -> None:
    """Show what each evidence link resolves to; with --write, record it in the evidence.

    --write turns a link such as '- acme/payments#412' into '- ref: acme/payments#412'
    with a 'resolved:' mapping beneath it, editing only those lines (the rest of the
    file is kept byte for byte), atomically, whatever YAML style the links are written
    in. A file whose links cannot be edited that way (an alias of a list written
    elsewhere, say) is left untouched and reported (link/write-refused, exit 1). Links
    whose recorded resolution has not changed are left alone, so running it again
    changes nothing.

    \b
    Example:
      perfdocs links resolve records/people/alice
      perfdocs links resolve --write
    """
    from pathlib import Path

    from perfdocs.diagnostics import display_path
    from perfdocs.links import check as links
    from perfdocs.links import writeback

    if write:  # writers take turns, from the read to the last write (perfdocs/lock.py)
        from perfdocs.lock import records_lock
        from perfdocs.validation import resolve_root

        click.get_current_context().with_resource(records_lock(resolve_root(records, paths)))
    root, org = _load(records, paths)
    report = links.check(org, root, only=paths or None, tolerance_days=tolerance)
    if fmt == "text":
        for (rid, i), res in sorted(report.resolutions.items()):
            record = org.evidence[rid]
            where = ("links", i, "ref") if isinstance(record.get("links")[i], dict) else ("links", i)
            line, col = record.doc.at(where)
            print_text(
                f"{record.display}:{line}:{col}: {res.ref.text} -> {res.style} "
                f"{' '.join(s[:12] for s in res.commits)}, "
                f"{'committed' if res.style == 'commit' else 'merged'} {res.merged_at[:10]}"
            )
    changed = []
    if write:
        for path, resolutions in links.resolutions_for_writing(org, report).items():
            written = writeback.write(Path(path), resolutions)
            if written.changed:
                changed.append(display_path(Path(path)))
            report.diagnostics.extend(written.refused)  # the file was left untouched (link/write-refused)
        report.diagnostics.sort(key=lambda d: (d.path, d.line, d.col, d.rule))
    _summary(report, fmt, quiet)
    if write and not quiet:
        click.echo(
            f"wrote {len(changed)} evidence file{'s' * (len(changed) != 1)}"
            + (": " + ", ".join(changed) if changed else " (all up to date)"),
            err=True,
        )
    errors = sum(d.severity == "error" for d in report.diagnostics)
    raise SystemExit(1 if errors else 0)


COMMANDS = [links_group]
