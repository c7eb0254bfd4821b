"""Tolerant accessors: rules run on records that may also have schema errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def items(value: Any) -> Iterator[tuple[int, Any]]:
    """(index, item) of a list; nothing for anything else."""
    if isinstance(value, list):
        yield from enumerate(value)


def dicts(value: Any) -> Iterator[tuple[int, dict]]:
    for i, item in items(value):
        if isinstance(item, dict):
            yield i, item


def strings(value: Any) -> Iterator[tuple[int, str]]:
    for i, item in items(value):
        if isinstance(item, str):
            yield i, item
