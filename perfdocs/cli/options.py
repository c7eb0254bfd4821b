"""Options that several commands share, declared once so that they read the same everywhere."""

from __future__ import annotations

import click

records_option = click.option(
    "--records",
    "records",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="The records folder (default: $PERFDOCS_RECORDS, the folder holding org.yaml above the "
    "working folder, or the bundled example organisation).",
)
