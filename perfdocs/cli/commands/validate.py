"""`perfdocs validate`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfdocs.cli import detail, print_report, records_option
from perfdocs.cli.options import format_option

if TYPE_CHECKING:
    from perfdocs.validation import Changes


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@records_option
@format_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@click.option(
    "--no-links",
    "no_links",
    is_flag=True,
    help="Do not check evidence links against the git clones configured in org.yaml.",
)
@click.option(
    "--changed-since",
    "changed_since",
    metavar="REF",
    help="Report only record files changed since the git ref REF (committed since the branch "
    "forked from it, plus uncommitted and untracked ones), e.g. origin/main in CI.",
)
def validate(
    paths: tuple[str, ...],
    records: str | None,
    fmt: str,
    strict: bool,
    quiet: bool,
    no_links: bool,
    changed_since: str | None,
) -> None:
    """Check records: schemas, cross-references, rubric lint and policy rules.

    With PATHS (files or folders), only problems in those are reported, while
    references are still resolved against the whole records folder, plus the problems
    the PATHS cause in other records (a renamed competency, a removed person), marked
    "caused by your change to PATH". In git, what the PATHS held at HEAD tells what they
    used to define. --changed-since does the same for the files changed since REF.

    \b
    Every problem starts with one line:  path:line:col: message [rule-id]
    then (indented) the source line with carets, and help on the common mistakes.
    Exit codes: 0 clean, 1 records invalid, 2 usage or environment error.

    \b
    Example:
      perfdocs validate records/
      perfdocs validate records/people/alice --format github
      perfdocs validate --changed-since origin/main --format github
    """
    from perfdocs.validation import resolve_root
    from perfdocs.validation import validate as run

    root = resolve_root(records, paths)
    detail(f"records folder: {root}")
    only: list[str | os.PathLike[str]] | None = list(paths) or None
    changes = _changes(root, paths) if paths else None
    if changed_since is not None:
        from perfdocs.git import changed
        from perfdocs.records.parse import RECORD_SUFFIXES
        from perfdocs.validation import Changes

        within = [Path(p).resolve() for p in paths]
        files = [
            p
            for p in changed.changed_since(root, changed_since, RECORD_SUFFIXES)
            if not within or any(p == w or p.is_relative_to(w) for w in within)
        ]
        only = list(files)
        fork = changed.base(root, changed_since)
        changes = Changes(files, lambda: changed.texts_at(root, fork, files) if fork else {})
        if not quiet:
            click.echo(
                f"note: reporting the {len(only)} record file{'s' * (len(only) != 1)} changed since {changed_since}",
                err=True,
            )
    report = run(root, only=only, links=not no_links, changes=changes, quick=True)
    print_report(report, fmt, quiet)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    failed = report.errors or (strict and report.warnings)
    raise SystemExit(1 if failed else 0)


def _changes(root: Path, paths: tuple[str, ...]) -> Changes:
    """The PATHS as a change: in git, with what their files held at HEAD (deleted files under
    a folder included), so that references to what they used to define are checked too."""
    from perfdocs.validation import Changes

    given = [Path(p) for p in paths]

    def before() -> Mapping[Path, str]:
        from perfdocs.git import changed
        from perfdocs.git.run import GitError
        from perfdocs.records.parse import RECORD_SUFFIXES

        try:
            touched = changed.uncommitted(root, given, RECORD_SUFFIXES)
            return changed.texts_at(root, "HEAD", touched) if touched else {}
        except GitError:  # no git: the PATHS' past is unknown, their present still counts
            return {}

    return Changes(given, before)


COMMANDS = [validate]
