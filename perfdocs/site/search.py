"""Search: the text of every page, searched in the browser with MiniSearch.

The index is a JavaScript file (`static/search-index.js`) loaded with a script tag,
not fetched: that is what makes search work from the file system (file://), where
browsers refuse fetch() and WebAssembly loading. (Pagefind, the usual engine for
static sites, needs both, so a site opened from a folder could not search.) The page
`search.html` loads it with MiniSearch (templates/site/static/vendor/minisearch.js, a
maintained library vendored as a file: prefix and fuzzy matching and ranking are its
job, not ours) and `static/search.js`, which adds an English stemmer, highlighted
snippets and the keyboard.

Only what the pages themselves show goes into the index, and it is built per audience
like the pages: it can never publish more than the pages do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

TEXT_LIMIT = 20_000
"""Characters of text kept per page: the whole of any page a record makes (records are
bounded in size by perfdocs.records.parse), a bound on the index all the same."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    kind: str
    text: str


_SPACE = re.compile(r"\s+")
_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def entry(url: str, title: str, kind: str, *texts: object, limit: int = TEXT_LIMIT) -> Entry:
    words = _SPACE.sub(" ", " ".join(str(t) for t in texts if t)).strip()
    return Entry(url, str(title), kind, words[:limit])


def row(e: Entry) -> str:
    """One entry of the index, as the JSON text `index_script` joins: `[url,title,kind,text]`,
    safe inside any page (a rebuild keeps each reused page's row as text, not as an Entry)."""
    data = _encode([e.url, e.title, e.kind, e.text])
    # ensure_ascii leaves '<' alone; escape it so '</script>' in a title cannot end a tag.
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def index_script(rows: list[str]) -> str:
    """`window.PERFDOCS_SEARCH = [[url, title, kind, text], ...];` from each entry's `row`."""
    return f"window.PERFDOCS_SEARCH=[{','.join(rows)}];\n"
