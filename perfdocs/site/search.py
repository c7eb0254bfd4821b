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
from collections.abc import Callable
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


_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode


def entry(url: str, title: str, kind: str, *texts: object, limit: int = TEXT_LIMIT) -> Entry:
    # split() splits on what `\s` matches in a str pattern (str.isspace), and drops the ends.
    words = " ".join(" ".join(str(t) for t in texts if t).split())
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


HEAD = b"window.PERFDOCS_SEARCH=["
TAIL = b"];\n"
Span = tuple[int, int]
"""Where a page's rows are in an index file (`index_file`): from, to (bytes; (0, 0): none)."""
NO_ROWS: Span = (0, 0)


def index_file(
    parts: list[list[str] | Span], old: Callable[[], bytes] | None, old_size: int = 0
) -> tuple[list[bytes | memoryview] | None, list[Span], bool]:
    """The bytes of `index_script`'s file for the pages' rows, in page order: each page's
    rows (search.row), or where they are in the old index file (a rebuild keeps a reused
    page's rows there, not as text; `old` reads that file's bytes, `old_size` long). Returns
    the bytes (as pieces to write one after the other: rows taken in a row from the old file
    are one slice of it, never copied), where each page's rows are in them, and whether they
    are the old file's (then None: the old file is not even read)."""
    pieces: list[bytes | Span] = []
    spans: list[Span] = []
    pos = len(HEAD)
    run: Span | None = None  # the slice of the old file being extended
    for part in parts:
        if isinstance(part, tuple):
            start, end = part
            if start == end:
                spans.append(NO_ROWS)
                continue
            if pieces or run is not None:
                pos += 1
            spans.append((pos, pos + end - start))
            pos += end - start
            if run is not None and start == run[1] + 1:
                run = (run[0], end)  # the comma between them is the old file's
                continue
            if run is not None:
                pieces.append(run)
            run = part
        else:
            if not part:
                spans.append(NO_ROWS)
                continue
            data = ",".join(part).encode("ascii")  # rows are ASCII (ensure_ascii)
            if pieces or run is not None:
                pos += 1
            spans.append((pos, pos + len(data)))
            pos += len(data)
            if run is not None:
                pieces.append(run)
                run = None
            pieces.append(data)
    if run is not None:
        if not pieces and run == (len(HEAD), old_size - len(TAIL)):
            return None, spans, True
        pieces.append(run)
    view = memoryview(old()) if old is not None and any(isinstance(piece, tuple) for piece in pieces) else None
    chunks: list[bytes | memoryview] = [HEAD]
    for i, piece in enumerate(pieces):
        if i:
            chunks.append(b",")
        chunks.append(piece if isinstance(piece, bytes) else _slice(view, piece))
    chunks.append(TAIL)
    return chunks, spans, False


def _slice(view: memoryview | None, span: Span) -> memoryview:
    if view is None or span[1] > len(view):
        raise ValueError("a page's search entries are not in the old index")
    return view[span[0] : span[1]]
