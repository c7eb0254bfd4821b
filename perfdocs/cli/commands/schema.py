"""`perfdocs schema export DIR`: the record schemas, for editors and other tools."""

from __future__ import annotations

import click


@click.group("schema")
def schema_group() -> None:
    """The JSON Schemas of the record kinds (draft 2020-12, with stable $ids).

    \b
    Example:
      perfdocs schema export .perfdocs/schemas
    """


@schema_group.command("export")
@click.argument("dest", metavar="DIR", type=click.Path(file_okay=False))
def export_command(dest: str) -> None:
    """Write every schema into DIR as <kind>.schema.json, ready to use offline: each copy
    leaves out its $id (https://perfdocs.dev/schemas/v1/<kind>.schema.json, which a
    `$comment` still names), so the $refs between them resolve from DIR itself, for
    editors and for tools such as check-jsonschema. Files already there are replaced.

    `perfdocs init` writes them into .perfdocs/schemas/, where its records' first lines
    and .vscode/settings.json ("yaml.schemas") point; run this after upgrading perfdocs.

    \b
    Example:
      perfdocs schema export .perfdocs/schemas
      check-jsonschema --schemafile .perfdocs/schemas/person.schema.json records/people/*/person.yaml
    """
    from pathlib import Path

    from perfdocs.diagnostics import display_path
    from perfdocs.fsutil import atomic_write
    from perfdocs.repo import local_schemas

    folder = Path(dest)
    copies = local_schemas.copies()
    for name, text in copies.items():
        atomic_write(folder / name, text, overwrite=True)
    click.echo(f"wrote {len(copies)} schemas to {display_path(folder)}", err=True)


COMMANDS = [schema_group]
