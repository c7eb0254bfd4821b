"""The garbage collector paused around work that makes many objects and frees few.

Loading 100,000 records, checking them, reading a cache shard or listing a site's pages
allocates millions of objects that all live on: every collection during that work walks
them again and finds nothing to free (seconds at 100,000 records). `paused` turns the
collector off for the work and back on after it, as it was. When what the work made lives
for the rest of the run (`Pause.keep`), it is frozen first (`gc.freeze`: later
collections do not walk it), before collection is enabled again, since the first
allocation after that would otherwise collect every object made while it was off; not in a
process whose threads go on using it (`perfdocs serve` loads the records again on every
change).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Pause:
    keep = False
    """Set by the work: what it made lives on (freeze it when the pause ends)."""


@contextmanager
def paused() -> Iterator[Pause]:
    """The collector off for the `with` block (see the module's docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    pause = Pause()
    try:
        yield pause
        if pause.keep and threading.active_count() == 1:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
