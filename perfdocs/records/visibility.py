"""Visibility: the one place that decides what an audience may see.

Every record is public, internal or private. A record without a `visibility` takes
the org's default for its kind; records in a person's folder are private unless the
org names a default for their kind. Private records are never published. Anything
unknown is treated as private: the rules fail closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from perfdocs.records.load import Record

LEVELS = ("public", "internal", "private")
AUDIENCES = ("public", "internal")


def defaults(value: object) -> dict[str, str]:
    """org.yaml `visibility_defaults` (by kind, 'default' for any other kind); a value that is
    not a visibility level counts as private (the schema reports it), never wider."""
    if not isinstance(value, dict):
        return {}
    return {str(kind): level if level in LEVELS else "private" for kind, level in value.items()}


def effective(record: Record, defaults: dict[str, str]) -> str:
    return of(record.data.get("visibility"), record.kind, record.owner, defaults)


def default(record: Record, defaults: dict[str, str]) -> str:
    """The visibility `record` has when it declares none."""
    return of(None, record.kind, record.owner, defaults)


def of(declared: object, kind: str | None, owner: str | None, defaults: dict[str, str]) -> str:
    """The visibility of a record that declares `declared` (None: nothing), of `kind`, in the
    folder of `owner` (None: outside people/). Also asked of past versions of a file (the
    rubric history), which are no Record; a kind that is not known counts as private."""
    if isinstance(declared, str) and declared in LEVELS:
        return declared
    if declared is not None or kind is None:
        return "private"  # an invalid value never widens access
    if kind in defaults:
        return defaults[kind]
    if owner is not None:
        return "private"
    return defaults.get("default", "internal")


def visible(visibility: str, audience: str) -> bool:
    """May `audience` (public or internal) see a record of this visibility?"""
    if audience == "public":
        return visibility == "public"
    if audience == "internal":
        return visibility in ("public", "internal")
    return False
