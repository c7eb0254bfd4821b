"""A page of the site: where it goes, the template that renders it, its view data and
its search entries. The page families (the modules beside this one) make pages; the
build (perfdocs/site/builder.py) fingerprints, renders and writes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from perfdocs.site import search


@dataclass
class Page:
    path: str
    """Where the page goes, relative to the site root ('/'-separated)."""
    template: str
    title: str
    section: str
    context: dict[str, Any] = field(default_factory=dict)
    search: list[search.Entry] = field(default_factory=list)
