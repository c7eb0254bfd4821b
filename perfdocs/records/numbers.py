"""Numbers a record may hold: finite, and no larger than a measurement can sensibly be.

YAML reads `.inf`, `-.inf` and `.nan` as floats and a 400-digit integer as an integer, and
all of them are numbers to JSON Schema's `type`. The schema stage refuses them wherever a
number is expected (`schema/number`, perfdocs.records.schemas); and every consumer that
reads a number from a record reads it through `measure`, which treats them as missing, so
that a record that reached it without validation (a library caller, a tolerated error)
never crashes a report or puts `nan` into one.
"""

from __future__ import annotations

import math
from typing import Any

LIMIT = 10**15
"""The largest magnitude accepted (a quadrillion: more than any count, duration, amount
or percentage perfdocs records, and exact as a float)."""
RANGE = f"-{LIMIT:.0e} to {LIMIT:.0e}".replace("e+", "e")
"""The accepted range as messages show it: '-1e15 to 1e15'."""


def is_number(value: Any) -> bool:
    """An int or a float (a YAML `true` is a bool, never a number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def out_of_range(value: Any) -> bool:
    """A number that no record may hold: not finite, or beyond LIMIT either side."""
    if not is_number(value):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return True
    return bool(abs(value) > LIMIT)


def measure(value: Any) -> float | None:
    """The value as a float if it is a number a record may hold; None otherwise (text,
    a boolean, a non-finite or absurdly large number: all read as missing)."""
    if not is_number(value) or out_of_range(value):
        return None
    return float(value)


def shown(value: Any) -> str:
    """A refused number as a message quotes it: as YAML writes it, or by its size."""
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, int) and abs(value) > 10**20:
        return f"a {len(str(abs(value))):,}-digit number"
    return str(value)
