"""Tolerant accessors: rules run on records that may also have schema errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs.records.organisation import Organisation
from perfdocs.records.schemas import schema_documents

KeyPath = tuple[Any, ...]
"""Keys and indexes from a record's top to one of its values (what Record.diag points at)."""


def items(value: Any) -> Iterator[tuple[int, Any]]:
    """(index, item) of a list; nothing for anything else."""
    if isinstance(value, list):
        yield from enumerate(value)


def dicts(value: Any) -> Iterator[tuple[int, dict[Any, Any]]]:
    for i, item in items(value):
        if isinstance(item, dict):
            yield i, item


def strings(value: Any) -> Iterator[tuple[int, str]]:
    for i, item in items(value):
        if isinstance(item, str):
            yield i, item


def section(org: Organisation, name: str) -> dict[str, Any]:
    """An org.yaml section as written (empty if it is absent or not a mapping), for the rules
    that check settings where they are written; everything else reads perfdocs.settings."""
    value = org.org.get(name) if org.org is not None else None
    return value if isinstance(value, dict) else {}


def evidence_types() -> list[str]:
    """The evidence types the evidence schema allows."""
    return [str(t) for t in schema_documents()["evidence.schema.json"]["properties"]["type"]["enum"]]
