"""Search: a compact index of every page, searched in the browser by a small script.

The index is a JavaScript file (`static/search-index.js`) loaded with a script tag,
not fetched: that is what makes search work from the file system (file://), where
browsers refuse fetch() and WebAssembly loading. (Pagefind, the usual engine for
static sites, needs both, so a site opened from a folder could not search.)

Only what the pages themselves show goes into the index, so the index can never
publish more than the pages do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

SNIPPET = 300
"""Characters of body text kept per page: enough to match on, small at 100,000 pages."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    kind: str
    text: str


_SPACE = re.compile(r"\s+")


def entry(url: str, title: str, kind: str, *texts: object, limit: int = SNIPPET) -> Entry:
    words = _SPACE.sub(" ", " ".join(str(t) for t in texts if t)).strip()
    return Entry(url, str(title), kind, words[:limit])


def index_script(entries: list[Entry]) -> str:
    """`window.PERFDOCS_SEARCH = [[url, title, kind, text], ...];` safe inside any page."""
    rows = [[e.url, e.title, e.kind, e.text] for e in entries]
    data = json.dumps(rows, ensure_ascii=True, separators=(",", ":"))
    # ensure_ascii leaves '<' alone; escape it so '</script>' in a title cannot end a tag.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.PERFDOCS_SEARCH={data};\n"
