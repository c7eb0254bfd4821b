"""CLI command families; each module exposes COMMANDS, registered by perfdocs.cli."""
