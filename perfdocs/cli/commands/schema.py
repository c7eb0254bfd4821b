"""`perfdocs schema export DIR`: the record schemas, for editors and other tools."""

from __future__ import annotations

import click


@click.group("schema")
def schema_group() -> None:
    """The JSON Schemas of the record kinds (draft 2020-12, with stable $ids).

    \b
    Example:
      perfdocs schema export .schemas
    """


@schema_group.command("export")
@click.argument("dest", metavar="DIR", type=click.Path(file_okay=False))
def export_command(dest: str) -> None:
    """Write every schema into DIR as <kind>.schema.json, named as in its $id
    (https://perfdocs.dev/schemas/v1/<kind>.schema.json), so the $refs between them
    resolve from the folder too. Files already there are replaced.

    Point an editor at them, e.g. VS Code's YAML extension in .vscode/settings.json:
    "yaml.schemas": {".schemas/person.schema.json": "records/people/*/person.yaml"}.

    \b
    Example:
      perfdocs schema export .schemas
    """
    from pathlib import Path

    from perfdocs import resources
    from perfdocs.diagnostics import display_path
    from perfdocs.fsutil import atomic_write

    folder = Path(dest)
    sources = sorted(resources.data_dir("schemas").glob("*.schema.json"))
    for source in sources:  # byte for byte: the files are what the $ids name
        atomic_write(folder / source.name, source.read_text(encoding="utf-8"), overwrite=True)
    click.echo(f"wrote {len(sources)} schemas to {display_path(folder)}", err=True)


COMMANDS = [schema_group]
