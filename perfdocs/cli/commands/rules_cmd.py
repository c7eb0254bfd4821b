"""`perfdocs rules`: the catalogue of rule ids."""

from __future__ import annotations

import click


@click.command("rules")
def rules_command() -> None:
    """List every rule id perfdocs reports, with what it means.

    \b
    Example:
      perfdocs rules | grep ref/
    """
    from perfdocs.rules import RULES

    width = max(map(len, RULES))
    for rule, meaning in RULES.items():
        click.echo(f"{rule:<{width}}  {meaning}")


COMMANDS = [rules_command]
