"""A page of the site: where it goes, the template that renders it, its view data and
its search entries. The page families (the modules beside this one) make pages; the
build (perfdocs/site/builder.py) fingerprints, renders and writes them.

A family may make a page's view data lazily (`fill`) and name what it is made from
(`inputs`): a rebuild then takes the previous page when those inputs are unchanged
without making its view data at all (perfdocs/site/reuse.py, `Inputs`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perfdocs.site import search
from perfdocs.site.search import Entry


@dataclass(frozen=True)
class Group:
    """A set of records named in a page's `inputs`."""

    name: str


OTHER_RECORDS = Group("records other than evidence")
"""In a page's `inputs`: every record of the organisation that is not an evidence entry
(people, teams, packets, postmortems, goals, the rubric, org.yaml, ...)."""


@dataclass
class Page:
    path: str
    """Where the page goes, relative to the site root ('/'-separated)."""
    template: str
    title: str
    section: str
    context: dict[str, Any] = field(default_factory=dict)
    search: list[search.Entry] = field(default_factory=list)
    inputs: tuple[object, ...] | None = None
    """Everything the page's context and search entries are made from, besides what every
    page shares (the code, the templates, the build's `base`): records, groups of records
    (OTHER_RECORDS) and plain strings. None: not known, and the page's context is made on
    every build."""
    fill: Callable[[], tuple[dict[str, Any], list[Entry]]] | None = field(default=None, repr=False)
    """Makes `context` and `search` when they are first needed (`load`)."""

    def load(self) -> Page:
        """The page with its context and search entries made."""
        if self.fill is not None:
            self.context, self.search = self.fill()
            self.fill = None
        return self
