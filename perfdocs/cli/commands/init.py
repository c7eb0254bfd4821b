"""`perfdocs init DIR`: a new records repository, ready to validate, build and review."""

from __future__ import annotations

import click


@click.command("init")
@click.argument("dest", metavar="DIR", type=click.Path(file_okay=False))
@click.option(
    "--example",
    is_flag=True,
    help="Copy the full example organisation (tracks, teams, people, evidence, packets) instead of the minimal one.",
)
@click.option("--org", "org_name", metavar="NAME", help="The organisation's name (default: the folder's name).")
@click.option("--handle", help="Your handle, the first person (default: from git's user.email).")
@click.option("--name", help="Your name (default: git's user.name).")
@click.option("--email", help="Your email, which matches you to your commits (default: git's user.email).")
@click.option(
    "--manager",
    metavar="HANDLE",
    help="Your manager's handle, written as a second person who manages you and the team "
    "(default: a placeholder, 'manager', to fill in).",
)
@click.option(
    "--install-spec",
    "install_spec",
    metavar="SPEC",
    help="Where CI installs perfdocs from: any pip requirement, e.g. a git URL with a tag or "
    "commit, a wheel's path or URL (default: this version's tag in perfdocs' repository).",
)
@click.option(
    "--private-source",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Put people's folders (evidence, goals, reviews, packets) in a second repository in DIR, "
    "which only their readers can clone; org.yaml names it in `sources`.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
def init_command(
    dest: str,
    example: bool,
    org_name: str | None,
    handle: str | None,
    name: str | None,
    email: str | None,
    manager: str | None,
    install_spec: str | None,
    private_source: str | None,
    force: bool,
) -> None:
    """Create a records repository in DIR: a minimal organisation under records/ (an org,
    a track with levels, its competency matrix, a team, you and your manager), the GitHub
    Actions and GitLab CI workflows, a pre-commit configuration, CODEOWNERS, a README, the
    record schemas in .perfdocs/schemas/ and VS Code's settings that use them.

    DIR is made a git repository unless it is already inside one. Existing files are
    never overwritten without --force. With --private-source, people's folders go into
    a repository of their own (visibility only decides what a site shows: anyone who can
    clone a repository can read every record in it).

    \b
    Example:
      perfdocs init my-records
      cd my-records && perfdocs validate && perfdocs build
      perfdocs init demo --example
      perfdocs init my-records --install-spec "git+https://git.example.com/tools/perfdocs@v0.1.0"
      perfdocs init acme-rubric --private-source acme-people
    """
    from pathlib import Path

    from perfdocs.cli import print_report
    from perfdocs.cli.options import example_selected
    from perfdocs.diagnostics import display_path
    from perfdocs.repo import init
    from perfdocs.validation import validate

    example = example or example_selected()  # `perfdocs --example init DIR` means the same
    from perfdocs.repo import local_schemas

    result = init.init(
        Path(dest),
        example=example,
        force=force,
        private_source=Path(private_source) if private_source else None,
        org_name=org_name,
        handle=handle,
        name=name,
        email=email,
        manager=manager,
        install_spec=install_spec,
    )
    shown = display_path(result.dest)
    git = ", a new git repository" if result.git_initialised else ""
    click.echo(f"created {shown}{git}, with {len(result.written)} files:")
    schemas = [rel for rel in result.written if rel.startswith(local_schemas.FOLDER + "/")]
    for rel in result.written:
        if rel not in schemas:
            click.echo(f"  {rel}")
        elif rel == schemas[0]:  # one line for the copies, where the first one was
            click.echo(f"  {local_schemas.FOLDER}/ ({len(schemas)} record schemas, for editors and tools)")
    click.echo(f'CI installs perfdocs with: pip install "{result.install_spec}" (change it with --install-spec)')
    if manager is None and not example:
        click.echo(
            f"note: records/people/{init.MANAGER}/person.yaml is a placeholder for your manager: "
            "fill it in (or use --manager HANDLE)",
            err=True,
        )
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    report = validate(result.dest / init.RECORDS)
    if report.diagnostics:
        print_report(report, "text")
        raise SystemExit(1 if report.errors else 0)
    cd = "" if result.dest.resolve() == Path.cwd().resolve() else f"  cd {shown}\n"
    click.echo(
        "\nnext:\n" + cd + '  perfdocs validate\n  perfdocs build\n  perfdocs new evidence --title "What you did"'
    )


COMMANDS = [init_command]
