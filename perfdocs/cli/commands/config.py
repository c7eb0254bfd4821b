"""`perfdocs config show`: the evaluation settings in force and where each comes from."""

from __future__ import annotations

import json
from typing import Any

import click

from perfdocs.cli import print_text, records_option


@click.group()
def config() -> None:
    """The configuration perfdocs applies (org.yaml's settings, defaults included).

    \b
    Example:
      perfdocs config show
    """


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per section: key, value, default, source, line.")
@click.option("--section", metavar="NAME", help="Only this org.yaml section (readiness, scoring, links, ...).")
@records_option
def show(as_json: bool, section: str | None, records: str | None) -> None:
    """Every evaluation setting in force, with where its value comes from:
    `org.yaml:LINE` when org.yaml writes it, `default` otherwise.

    These are the values `packet check`, `score`, `calibrate`, `validate`, `links` and
    `kpi` apply, and the ones the site's "how evaluation works" publishes. A value of the
    wrong type falls back to its default (`perfdocs validate` reports it) and is labelled so.

    \b
    Example:
      perfdocs config show --section readiness
      perfdocs config show --json
    """
    from perfdocs import settings
    from perfdocs.errors import PerfdocsError
    from perfdocs.text import did_you_mean
    from perfdocs.validation import load_org, resolve_root

    names = list(dict.fromkeys(name for _, name in settings.SECTIONS))
    if section is not None and section not in names:
        raise PerfdocsError(
            f"--section {section!r} is not a section perfdocs explains{did_you_mean(section, names)} "
            f"(one of: {', '.join(names)})"
        )
    org = load_org(resolve_root(records)).org
    found = settings.explain(org, section)
    if as_json:
        doc: dict[str, list[dict[str, Any]]] = {}
        for s in found:
            doc.setdefault(s.section, []).append(s.to_json())
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    print_text(_text(found), nl=False)


def _text(found: list[Any]) -> str:
    """Sections, then one line a setting: key, value, source."""
    lines: list[str] = []
    width = max((len(s.dotted) - len(s.section) - 1 for s in found), default=0)
    # A long value (an org's own description) is cut here; --json has it whole.
    values = {s.dotted: _cut(json.dumps(s.value, ensure_ascii=False)) for s in found}
    value_width = min(max((len(v) for v in values.values()), default=0), 40)
    section = None
    for s in found:
        if s.section != section:
            if section is not None:
                lines.append("")
            section = s.section
            lines.append(f"{section}:")
        key = s.dotted[len(s.section) + 1 :]
        lines.append(f"  {key:<{width}}  {values[s.dotted]:<{value_width}}  {s.source}".rstrip())
    return "\n".join(lines) + "\n"


def _cut(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


COMMANDS = [config]
