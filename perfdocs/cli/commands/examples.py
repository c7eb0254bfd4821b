"""`perfdocs examples repos`: the example organisation's git repositories."""

from __future__ import annotations

import click

from perfdocs.cli.options import records_option, refuse_example


@click.group("examples")
def examples_group() -> None:
    """Material for trying perfdocs on the example organisation.

    \b
    Example:
      perfdocs examples repos
    """


@examples_group.command("repos")
@records_option
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Where to create acme/payments, acme/platform and acme/web "
    "(default: example-repos/ beside the records folder, where org.yaml expects them).",
)
@click.option(
    "--pin-evidence",
    is_flag=True,
    help="Rewrite the example evidence's 'repo@sha' links to the generated commits "
    "(done once when the history changes; the shas are reproducible).",
)
def repos_command(records: str | None, out: str | None, pin_evidence: bool) -> None:
    """Create the example organisation's repositories: real git history (2026-01 to
    2026-10) in which every pull request and commit the example evidence cites is
    merged by its author, with deploy tags, reverts and hotfixes for DORA metrics.

    The same commits (and shas) come out on every run; regenerating replaces only
    repositories that perfdocs generated.

    \b
    Example:
      perfdocs examples repos
      perfdocs links check records
    """
    from pathlib import Path

    from perfdocs.diagnostics import display_path
    from perfdocs.example import repos
    from perfdocs.validation import resolve_root

    if out is None:
        refuse_example("create the example repositories inside the installed perfdocs (give --out DIR)")
    if pin_evidence:
        refuse_example("rewrite the example evidence")
    root = resolve_root(records)
    target = Path(out) if out else Path(display_path(root.resolve().parent / "example-repos"))
    pinned = repos.generate(target)
    for name, repo in ((r.name, target / r.name) for r in repos.REPOS):
        click.echo(f"created {display_path(repo)} ({name})")
    if pin_evidence:
        for path in repos.pin_evidence(root, pinned):
            click.echo(f"pinned commit links in {display_path(path)}")


COMMANDS = [examples_group]
