"""Visibility: the one place that decides what an audience may see.

Every record is public, internal or private. A record without a `visibility` takes
the org's default for its kind; records in a person's folder are private unless the
org names a default for their kind. Private records are never published. Anything
unknown is treated as private: the rules fail closed.

A personal preview (`perfdocs serve --as HANDLE`) is the one view that shows private
records: those in the folders of the person it is for, and of the people who report to
them (directly or through other managers, by the `manager` of each person record). It is
never published: perfdocs.site.preview keeps it out of the folders a deploy reads.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def folders_seen_by(handle: str, managers: Mapping[str, object]) -> frozenset[str]:
    """The people whose own records `handle` may see: themselves, and everyone whose chain of
    managers (`managers`: handle -> the `manager` of their person record) reaches them. A
    loop in the chain ends the walk; it never widens it."""
    seen = {handle}
    for person in managers:
        chain: set[str] = set()
        boss = managers.get(person)
        while isinstance(boss, str) and boss not in chain:
            if boss == handle:
                seen.add(person)
                break
            chain.add(boss)
            boss = managers.get(boss)
    return frozenset(seen)


def visible_to(record: Record, audience: str, folders: frozenset[str] = frozenset()) -> bool:
    """May this record be shown in a view for `audience` extended to the people `folders` names
    (a personal preview): its level allows it, or it lies in one of those people's folders."""
    return visible(record.visibility, audience) or (record.owner is not None and record.owner in folders)
