"""Page reuse between builds: a page whose inputs are unchanged is not rendered again.

Every page gets an input fingerprint before it is rendered: a keyed BLAKE2b hash of
everything its rendering can read. That is the code (perfdocs' own source, the Python
and rendering libraries' versions), every file of the template folder, the `base`
context every page shares (audience, org name, today's date, ...), and the page itself:
path, template, title, section, search entries and its whole context. The context is
serialised exactly (plain data by marshal, the rest by repr): text, numbers, dates,
Markup, lists, tuples, dicts (in their order, which a template may show), sets,
perfdocs' dataclasses by their fields, a record by what a page can read of it (its
place in the records, kind, id, owner, visibility, data and body; hashed once per
build: never its file's path nor its display path, which depend on where the records
are and on the working folder), and perfdocs' module-level functions by name (their
code is in the hash). A page whose context holds anything else cannot be fingerprinted
and is simply always rendered.

Making a page's context costs more than rendering most pages saves (an evidence entry's
verification, its body read back for the search index). So a page family may name what
a page is made from (`Page.inputs`: records, by their file's signature) and make its
context lazily: a page whose inputs have the identity recorded for it last time
(`Inputs`) is taken, with the search entries recorded beside it, without making its
context; only the others are made, fingerprinted, and reused or rendered as above.

The previous build left a manifest (`MANIFEST`) in the output folder: for each page,
its input fingerprint and the hash of the bytes written. A page whose fingerprint is
unchanged takes the previous file (left where it is when the site is updated in place,
else hard-linked into the new folder: perfdocs/site/writer.py) once its bytes are
checked against that hash, so a page edited in the published folder is rendered again.
Beside the record cache (never in the site: the site's bytes are a cold build's), a sealed
stat file keeps each page file's stat identity (size, modification time, inode): a page
file that still has it, out of the racy window, is the file that was written and checked,
and is taken without reading it back (an edit in place changes its modification time; a
replaced file has another inode). The same file keeps each page's inputs identity and
where its search entries are in the search index the build wrote (the index's own hash and
stat identity beside them): they hold this machine's signatures, and are used only with it.
A page reused on its inputs takes its search entries from that file (perfdocs/site/search.py
`index_file`: runs of unchanged pages are one slice; with no change the file stays as it is),
once the file is shown to be the one written (its stat identity out of the racy window, else
its hash).

The stat file also keeps the build's `basis`: a keyed hash of what the whole site was made
from, when that can be told without reading the records: the listing the build's quick
`validate` left (perfdocs.records.listing: every record file's identity, git's HEAD and index),
the code and templates (`code_key`), the records folder, audience, viewer and date. A later
build whose quick run starts from that same listing and finds no file changed since has the
same inputs for every page: it takes the previous site as it is (`read_unchanged`), each file
still shown to be the one written (stat identity or hash), without loading the records or
listing the pages. A site that reads anything else (a team's DORA figures from its
repositories' clones) has no basis.
Rendering being a function of those inputs, the result is the cold build's, byte for byte.

The manifest carries an HMAC, and the fingerprints are keyed, under the local key that
also seals the record cache (perfdocs/store.py): a manifest committed with a site
folder, or crafted, is never trusted (the build is then cold), and a published
fingerprint tells nothing about the records. Without that key nothing is reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import marshal
import os
import stat
import sys
import time
import types
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePath
from typing import Any, NamedTuple

from markupsafe import Markup

from perfdocs.errors import PerfdocsError
from perfdocs.records import cache as record_cache
from perfdocs.records.listing import Listing
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import Document
from perfdocs.site.pages.page import OTHER_RECORDS, Group, Page
from perfdocs.site.search import Span
from perfdocs.site.writer import read_regular

MANIFEST = ".perfdocs-pages"
"""The manifest's file name at the top of a built site (beside writer.MARKER)."""
FORMAT = 2
STATS_FORMAT = 5
STATS_MIN_PAGES = 2000
"""With PERFDOCS_CACHE unset, smaller sites keep no stat file (as the record cache's AUTO_MIN_FILES)."""
RACY_NS = record_cache.RACY_NS
"""A page file modified this close to (or after) the writing of the manifest has its bytes checked
next time (as the record cache does: git's 'racy' case)."""
MAX_MANIFEST_BYTES = 1 << 30
_LIBRARIES = ("Jinja2", "MarkupSafe", "markdown-it-py", "mdurl", "PyYAML")


def secret() -> bytes | None:
    """The local key (perfdocs.store, shared with the record cache), or None when none can be had."""
    from perfdocs import store

    return store.key()


def code_key(templates: Path) -> bytes:
    """What every page's rendering depends on besides its context: perfdocs' source, the
    libraries that render, and every file of the template folder (names and bytes)."""
    import perfdocs

    h = hashlib.blake2b(digest_size=32)
    h.update(f"{FORMAT}\0{perfdocs.__version__}\0{sys.version}\0".encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name}=?\0".encode())
    package = Path(perfdocs.__file__).parent
    for folder, pattern in ((package, "*.py"), (templates, "*")):
        h.update(b"\0folder\0")
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
                data = path.read_bytes()
                h.update(f"{len(data)}\0".encode())
                h.update(data)
    return h.digest()


def output_digest(*data: bytes | memoryview) -> bytes:
    """The hash of a file's bytes (given whole, or as pieces one after the other)."""
    h = hashlib.blake2b(digest_size=16)
    for piece in data:
        h.update(piece)
    return h.digest()


class Opaque(Exception):
    """A context value that cannot be fingerprinted exactly."""


class Fingerprints:
    """Input fingerprints of pages, for one build (records are hashed once each)."""

    def __init__(self, key: bytes, code: bytes, base: dict[str, Any]) -> None:
        self._key = key
        self._memo: dict[int, tuple[object, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        out: list[str] = []
        try:
            self._encode(base, out)
            self._prefix: bytes | None = code + "\0".join(out).encode("utf-8", "surrogatepass") + b"\0page\0"
            self._start = hashlib.blake2b(self._prefix, digest_size=16, key=key)  # copied for each page
        except Opaque:
            self._prefix = None  # nothing can be reused

    @property
    def shared(self) -> str | None:
        """A keyed digest of what every page's fingerprint starts from (the code key and the
        shared `base`): a site built from another one has no page this build can reuse."""
        if self._prefix is None:
            return None
        return hashlib.blake2b(self._prefix, digest_size=16, key=self._key).hexdigest()

    @property
    def prefix(self) -> bytes | None:
        """What every page's fingerprint starts from (the code key and the shared `base`), or
        None when nothing can be reused."""
        return self._prefix

    def page(self, page: Any) -> bytes | None:
        """The page's input fingerprint, or None when it cannot have one."""
        if self._prefix is None:
            return None
        out: list[str] = []
        try:
            # What the page renders from (never its `inputs` or `fill`: their values are in
            # the context they make).
            self._encode((page.path, page.template, page.title, page.section, page.context, page.search), out)
        except (Opaque, RecursionError):
            return None
        h = self._start.copy()
        h.update("\0".join(out).encode("utf-8", "surrogatepass"))
        return h.digest()

    def _encode(self, v: Any, out: list[str]) -> None:
        # Every token is a repr (quoted, escaped: never holds a NUL), a bracket, a text
        # after its length ('s12:'), or the hex of marshal's version 2 format (no
        # references: the same value, the same bytes; exact types only, every other object
        # refused) after a 'B'. Tokens are joined with NULs, so the serialisation reads
        # back one way only.
        t = type(v)
        encode = _ENCODERS.get(t)
        if encode is not None:
            encode(self, v, out)
        elif isinstance(v, PurePath) and t.__module__ == "pathlib":
            out.append(f"P{t.__name__}" + repr(str(v)))
        elif hasattr(t, "__dataclass_fields__"):
            self._dataclass(v, t, out)
        elif t is types.FunctionType:
            self._function(v, out)
        else:
            raise Opaque(t.__qualname__)

    def _plain(self, v: Any, out: list[str]) -> None:
        out.append(repr(v))

    def _str(self, v: str, out: list[str]) -> None:
        # Long texts (bodies) as they are, after their length: repr would escape them.
        out.append(f"s{len(v)}:{v}" if len(v) > 40 else repr(v))

    def _dict(self, v: dict[Any, Any], out: list[str]) -> None:
        try:  # plain data all through (a record's, most of a page's): written in C
            out.append("B" + marshal.dumps(v, 2).hex())
            return
        except ValueError:
            pass
        out.append("{")
        encode = self._encode
        for k, x in v.items():
            if type(k) is str:  # the common case, without a call
                out.append(repr(k))
            else:
                encode(k, out)
            t = type(x)
            if t is str or t is int or x is None:
                out.append(repr(x))
            else:
                encode(x, out)
        out.append("}")

    def _list(self, v: list[Any], out: list[str]) -> None:
        try:
            out.append("B" + marshal.dumps(v, 2).hex())
            return
        except ValueError:
            pass
        out.append("[")
        encode, memo = self._encode, self._memo
        for x in v:
            t = type(x)
            if t is Record:  # long lists of records (an author's entries) are common
                seen = memo.get(id(x))
                if seen is not None and seen[0] is x:
                    out.append(seen[1])
                    continue
            elif t is str:
                out.append(repr(x))
                continue
            encode(x, out)
        out.append("]")

    def _tuple(self, v: tuple[Any, ...], out: list[str]) -> None:
        out.append("(")
        for x in v:
            self._encode(x, out)
        out.append(")")

    def _markup(self, v: Markup, out: list[str]) -> None:
        out.append("M" + str.__repr__(v))

    def _set(self, v: set[Any] | frozenset[Any], out: list[str]) -> None:
        items = []
        for x in v:
            one: list[str] = []
            self._encode(x, one)
            items.append("\0".join(one))
        out.append("S{" if type(v) is set else "F{")
        out.extend(sorted(items))
        out.append("}")

    def _record(self, v: Record, out: list[str]) -> None:
        memo = self._memo.get(id(v))
        if memo is not None and memo[0] is v:
            out.append(memo[1])
            return
        # Shared by many pages and alive for the whole build: hashed once. What a page can
        # read of a record: never its file's path or display path, which depend on where the
        # records are and on the working folder (a page shows `rel`), nor its YAML text.
        inner: list[str] = []
        for x in (v.source, v.rel, v.kind, v.id, v.owner, v.visibility, v.schema_ok, v.doc.data, v.doc.body):
            self._encode(x, inner)
        token = "R" + hashlib.blake2b("\0".join(inner).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self._memo[id(v)] = (v, token)
        out.append(token)

    def _dataclass(self, v: Any, t: type, out: list[str]) -> None:
        # A record's document reads the same whether parsed now or taken from the record
        # cache (whose documents read their text back lazily): both are Documents.
        cls = Document if isinstance(v, Document) else t
        if not cls.__module__.startswith("perfdocs.") or isinstance(v, type):
            raise Opaque(cls.__qualname__)
        names = self._fields.get(cls)
        if names is None:
            names = self._fields[cls] = tuple(f.name for f in dataclasses.fields(cls))
        out.append(f"C{cls.__module__}.{cls.__qualname__}")
        for name in names:
            self._encode(getattr(v, name), out)
        out.append(")")

    def _function(self, fn: types.FunctionType, out: list[str]) -> None:
        """A perfdocs module-level function: its code is part of the code key."""
        module = sys.modules.get(fn.__module__ or "")
        if (
            module is None
            or not fn.__module__.startswith("perfdocs.")
            or "<" in fn.__qualname__
            or getattr(module, fn.__qualname__, None) is not fn
        ):
            raise Opaque(repr(fn))
        out.append(f"f{fn.__module__}:{fn.__qualname__}")
        self._encode(fn.__defaults__, out)  # the only state a function carries with it
        self._encode(fn.__kwdefaults__, out)


class Inputs:
    """Cheap identities of what pages are made from (`Page.inputs`), for one build: a page
    whose inputs' identity is the one recorded for the page in the site being replaced is
    taken from it without making its context (nor reading its records' bodies back).

    A record's identity is its place (source, rel), kind, id, owner, effective visibility,
    and its file's signature (perfdocs.records.cache.signature: size, modification and
    change times, inode): the one the record cache matched the content it holds with, else a
    stat. A signature is trusted only for a file last changed more than RACY_NS before the
    build started (a change in the same clock tick would not show in it, git's 'racy' case);
    a page reading a record changed since has no identity here, and is made and
    fingerprinted (`Fingerprints`) as before. Nothing in it depends on the working folder.
    """

    def __init__(self, key: bytes, prefix: bytes, org: Organisation, started_ns: int) -> None:
        self._start = hashlib.blake2b(prefix, digest_size=16, key=key)  # copied for each page
        self._start.update(b"\0inputs\0")
        self._org = org
        self._before = started_ns - RACY_NS
        self._tokens: dict[int, tuple[Record, bytes | None]] = {}
        self._groups: dict[str, bytes | None] = {}

    def record(self, r: Record) -> bytes | None:
        known = self._tokens.get(id(r))
        if known is not None and known[0] is r:
            return known[1]
        sig = record_cache.document_signature(r.doc)
        token = None
        if sig is not None and max(sig[1], sig[2]) < self._before:
            token = hashlib.blake2b(
                repr((r.source, r.rel, r.kind, r.id, r.owner, r.visibility, r.schema_ok, tuple(sig))).encode(
                    "utf-8", "surrogateescape"
                ),
                digest_size=16,
            ).digest()
        self._tokens[id(r)] = (r, token)
        return token

    def group(self, group: Group) -> bytes | None:
        if group.name in self._groups:
            return self._groups[group.name]
        if group != OTHER_RECORDS:
            raise ValueError(f"unknown group of inputs {group.name!r}")
        h = hashlib.blake2b(digest_size=16)
        token: bytes | None = None
        tokens = []
        for r in self._org.records:
            if r.kind == "evidence":
                continue
            one = self.record(r)
            if one is None:
                break
            tokens.append(one)
        else:
            for one in sorted(tokens):
                h.update(one)
            h.update(repr(sorted(self._org.unloaded)).encode("utf-8", "surrogateescape"))
            token = h.digest()
        self._groups[group.name] = token
        return token

    def page(self, page: Page) -> bytes | None:
        """The identity of the page's inputs, or None when it has none (not known, or a record
        it reads changed too recently to be told by its signature)."""
        inputs = page.inputs
        if inputs is None:
            return None
        parts = [repr((page.path, page.template, page.title, page.section)).encode("utf-8", "surrogateescape")]
        # Each input after a tag: 'r' or 'g' and 16 bytes, or 's' and a repr (quoted, escaped):
        # the sequence reads back one way only. (Hashed at once: a rebuild does this for
        # 100,000 pages, most of whose records are known already.)
        tokens = self._tokens
        for item in inputs:
            if type(item) is Record:
                known = tokens.get(id(item))
                one = known[1] if known is not None and known[0] is item else self.record(item)
                tag = b"r"
            elif type(item) is Group:
                one = self.group(item)
                tag = b"g"
            elif type(item) is str:
                one = repr(item).encode("utf-8", "surrogateescape")
                tag = b"s"
            else:
                return None
            if one is None:
                return None
            parts.append(tag)
            parts.append(one)
        h = self._start.copy()
        h.update(b"".join(parts))
        return h.digest()


_ENCODERS: dict[type, Any] = {
    str: Fingerprints._str,
    int: Fingerprints._plain,
    float: Fingerprints._plain,
    bool: Fingerprints._plain,
    type(None): Fingerprints._plain,
    dt.date: Fingerprints._plain,
    dt.datetime: Fingerprints._plain,
    dt.timedelta: Fingerprints._plain,
    dict: Fingerprints._dict,
    list: Fingerprints._list,
    tuple: Fingerprints._tuple,
    Markup: Fingerprints._markup,
    set: Fingerprints._set,
    frozenset: Fingerprints._set,
    Record: Fingerprints._record,
}
"""Exact types (never subclasses, whose repr or behaviour may differ) and how each is written."""

Stat = tuple[int, int, int]
"""A page file's stat identity: (size, modification time in ns, inode) (writer.identity)."""
SearchRows = list[str]
"""A page's search entries, each as its row of the search index (search.row)."""
INDEX = "static/search-index.js"
"""The search index's file in the site (perfdocs/site/search.py)."""


class Entry(NamedTuple):
    """What the site being replaced holds of a page (a tuple: a rebuild reads 100,000 of them)."""

    fingerprint: bytes
    digest: bytes
    """The hash of the page's bytes."""
    stat: Stat | None = None
    """The file's stat identity, when it can be trusted: recorded for those bytes, out of the racy window."""
    inputs: bytes | None = None
    """The identity of the page's inputs (`Inputs`) when it was made, if it had one."""
    search: Span | None = None
    """Where the page's search entries are in the previous search index (`Previous.search_index`);
    None: not known."""


Made = tuple[bytes | None, bytes, bool, Stat]
"""What a build made of a page: (its input fingerprint if it has one, the hash of its
bytes, whether it was rendered rather than reused, its file's stat identity)."""
Kept = tuple[bytes, Stat, bytes | None, Span | None]
"""What `save_stats` records of a page: (hash of its bytes, stat identity, identity of its
inputs, where its search entries are in the search index written)."""
IndexFile = tuple[bytes, Stat]
"""The search index file a build wrote: (hash of its bytes, its stat identity)."""


class SearchIndex:
    """The previous build's search index file, shown to be the one written (its stat
    identity, out of the racy window, or its hash): read only when a slice of it is needed."""

    def __init__(self, path: Path, st: Stat, data: bytes | None = None) -> None:
        self.path = path
        self.stat = st
        self._data = data

    @property
    def size(self) -> int:
        return self.stat[0]

    def read(self) -> bytes:
        """Its bytes; PerfdocsError if the file is no longer the one shown (changed during the build)."""
        if self._data is None:
            read = read_regular(self.path)
            if read is None or (read[1].st_size, read[1].st_mtime_ns, read[1].st_ino) != self.stat:
                raise PerfdocsError(f"{self.path} changed during the build; build again")
            self._data = read[0]
        return self._data


class Previous(NamedTuple):
    """What a rebuild can take from the site it replaces."""

    pages: dict[str, Entry]
    search_index: SearchIndex | None = None
    """Its search index, when it is the one written (the pages' `search` spans point into
    it); None: every page's `search` is None."""
    search_file: IndexFile | None = None
    """The search index file's hash and stat identity, as recorded."""
    basis: bytes | None = None
    """The `basis` recorded by the build that made it (`save_stats`), if any."""
    manifest: bytes | None = None
    """The hash of the manifest that build wrote, as recorded."""


def manifest_bytes(pages: dict[str, tuple[bytes, bytes]], key: bytes, shared: str | None) -> bytes:
    """The manifest: its HMAC, a line naming the format and `shared`, then a line per page:
    its fingerprint, the hash of its bytes (both in hex) and its path (a JSON string when it
    holds a quote, a backslash or a line break, so that a line reads back one way only)."""
    lines = [f"perfdocs-pages {FORMAT} {shared}\n"]
    lines += [f"{f.hex()} {o.hex()} {_manifest_path(p)}\n" for p, (f, o) in pages.items()]
    body = "".join(lines).encode("utf-8", "surrogateescape")
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body


def _manifest_path(path: str) -> str:
    if '"' in path or "\\" in path or "\n" in path or "\r" in path:
        return json.dumps(path, ensure_ascii=True)
    return path


def read_manifest(site: Path, key: bytes, records: Path, shared: str) -> Previous:
    """The previous build's pages, or none when the manifest is missing, damaged, not ours,
    or made from what the pages of another build share (`Fingerprints.shared`: another day,
    audience, template or perfdocs, none of whose pages can be reused: a rebuild then costs
    what a cold build does, not a fingerprint of every page first); with each file's stat
    identity when the stat file (`save_stats`) vouches for it, and its search entries' place
    in the previous search index when that file is the one written."""
    try:
        with open(site / MANIFEST, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
    except OSError:
        return Previous({})
    mac, _, body = raw.partition(b"\n")
    if len(raw) > MAX_MANIFEST_BYTES or not hmac.compare_digest(
        mac, hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    ):
        return Previous({})
    lines = body.decode("utf-8", "surrogateescape").split("\n")
    if lines[0] != f"perfdocs-pages {FORMAT} {shared}" or lines[-1] != "":
        return Previous({})
    written_ns, index_file, stats, basis_was, manifest_was = _read_stats(site, key, records)
    index = _read_index(site, index_file, written_ns) if index_file is not None else None
    before = written_ns - RACY_NS
    fromhex = bytes.fromhex
    entries: dict[str, Entry] = {}
    try:
        # One pass over the manifest, each page's stat record looked up as it is read (a
        # rebuild reads 100,000 of them).
        for line in lines[1:-1]:
            fp, digest, path = line.split(" ", 2)
            if path.startswith('"'):
                path = json.loads(path)
            o = fromhex(digest)
            known = stats.get(path)
            if known is not None and known[0] == o:
                st = known[1]
                entries[path] = Entry(
                    fromhex(fp),
                    o,
                    (st[0], st[1], st[2]) if st[1] < before else None,
                    known[2],
                    known[3] if index is not None else None,
                )
            else:
                entries[path] = Entry(fromhex(fp), o)
    except (ValueError, TypeError, IndexError):
        return Previous({})
    return Previous(entries, index, index_file if index is not None else None, basis_was, manifest_was)


def _read_index(site: Path, recorded: IndexFile, written_ns: int) -> SearchIndex | None:
    """The previous search index if it is the one recorded: the file has the stat identity
    recorded, out of the racy window (then it is not read now), or else the hash recorded."""
    path = site / INDEX
    try:
        info = os.lstat(path)
    except OSError:
        return None
    st = (info.st_size, info.st_mtime_ns, info.st_ino)
    if stat.S_ISREG(info.st_mode) and st == recorded[1] and info.st_mtime_ns < written_ns - RACY_NS:
        return SearchIndex(path, st)
    read = read_regular(path)
    if read is None or output_digest(read[0]) != recorded[0]:
        return None
    return SearchIndex(path, (read[1].st_size, read[1].st_mtime_ns, read[1].st_ino), read[0])


def stats_location(site: Path, records: Path) -> Path | None:
    """The stat file of an output folder: in the records' cache folder (perfdocs.store), never
    in the site (a file's inode and times are this machine's, and the site's bytes must be a
    cold build's); None when caching is off."""
    from perfdocs import store

    folder = store.cache_dir(records)
    if folder is None:
        return None
    slug = hashlib.blake2b(str(site.resolve()).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return folder / f"site-{slug}.marshal"


def save_stats(
    site: Path,
    key: bytes,
    records: Path,
    previous: Previous,
    index: IndexFile,
    pages: dict[str, Kept],
    basis: bytes | None = None,
    manifest: bytes | None = None,
) -> None:
    """Record, once the build is in place, each page's (hash of its bytes, stat identity,
    identity of its inputs, where its search entries are in the search index), that
    index's hash and stat identity, the build's `basis` and the hash of the manifest it
    wrote. Like the record cache, only for large sites unless PERFDOCS_CACHE=1 (a small
    site reads its pages back in a blink). Best effort: without it the next build reads
    every reused page back and makes every page's context. Nothing is written when every
    page and the index are as `previous` (read_manifest) had them, trusted."""
    from perfdocs import store

    if store.setting() == "auto" and len(pages) < STATS_MIN_PAGES:
        forget_stats(site, records)  # a stat file of this folder's larger past must not speak for it
        return
    before = previous.pages
    if (
        previous.search_file == index
        and previous.basis == basis
        and previous.manifest == manifest
        and len(before) == len(pages)
        and all(
            (old := before.get(p)) is not None
            and old.stat is not None
            and (old.digest, old.stat, old.inputs, old.search) == kept
            for p, kept in pages.items()
        )
    ):
        return
    _write_stats(site, key, records, index, pages, basis, manifest)


def _write_stats(
    site: Path,
    key: bytes,
    records: Path,
    index: IndexFile,
    pages: dict[str, Kept],
    basis: bytes | None,
    manifest: bytes | None,
) -> None:
    from perfdocs import store

    path = stats_location(site, records)
    if path is None:
        return
    try:
        # The time is taken after the files were last written: anything newer than it
        # minus RACY_NS is checked byte by byte next time.
        blob = marshal.dumps((STATS_FORMAT, time.time_ns(), index, pages, basis, manifest), 2)
        sealed = store.seal(blob, key)
        if sealed is None:
            raise ValueError("cannot seal")
        path.parent.mkdir(parents=True, exist_ok=True)
        store.write_bytes(path, sealed)
    except (OSError, ValueError):
        # Never leave an older record in its place: its basis would speak for another site.
        forget_stats(site, records)


def forget_stats(site: Path, records: Path) -> None:
    """Remove the stat file of an output folder, if any (best effort)."""
    path = stats_location(site, records)
    if path is not None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


_Stats = tuple[int, IndexFile | None, dict[str, Kept], bytes | None, bytes | None]


def _read_stats(site: Path, key: bytes, records: Path) -> _Stats:
    """What `save_stats` recorded (for this folder, under the local key): when, the search
    index file's hash and stat identity, per page the hash of its bytes, its stat
    identity, its inputs' identity and where its search entries are in the index, the
    build's basis and the hash of its manifest. A page
    file's stat identity is trusted (by `read_manifest`) only when it was modified more than
    RACY_NS before the record was written: a file changed in the same clock tick as it was
    written could keep its size and time; git's 'racy' case."""
    from perfdocs import store

    nothing: _Stats = (0, None, {}, None, None)
    path = stats_location(site, records)
    if path is None:
        return nothing
    stored = store.read_sealed(path, key)
    if not (isinstance(stored, tuple) and len(stored) == 6):
        return nothing
    fmt, written_ns, index, pages, basis, manifest = stored
    try:
        if fmt != STATS_FORMAT or not isinstance(pages, dict) or not isinstance(written_ns, int):
            return nothing
        index_file = (index[0], (index[1][0], index[1][1], index[1][2])) if index is not None else None
        if not (isinstance(basis, bytes) and isinstance(manifest, bytes)):
            basis = manifest = None
        return written_ns, index_file, pages, basis, manifest
    except (EOFError, ValueError, TypeError, IndexError):
        return nothing


def basis(
    key: bytes, code: bytes, records: Path, audience: str, viewer: str | None, today: dt.date, since: Listing
) -> bytes | None:
    """What a whole site is made from, when the records are those `since` lists (the listing a
    quick `validate` left: perfdocs.records.listing): a keyed hash of that listing, the code
    key (`code_key`), the records folder, audience, viewer and date. None when it cannot be had."""
    try:
        listed = marshal.dumps(since.marshal(), 2)  # type: ignore[arg-type]
    except ValueError:
        return None
    h = hashlib.blake2b(digest_size=32, key=key)
    h.update(code)
    h.update(
        repr((STATS_FORMAT, str(records.resolve()), audience, viewer, today.isoformat())).encode(
            "utf-8", "surrogateescape"
        )
    )
    h.update(b"\0listing\0")
    h.update(listed)
    return h.digest()


class Unchanged(NamedTuple):
    """What the last build into a folder recorded, for a build with its very inputs (`read_unchanged`)."""

    written_ns: int
    """When the record was written: a file's stat identity is trusted only if older than this minus RACY_NS."""
    search_index: IndexFile
    pages: dict[str, Kept]
    """Every page, in the site's order."""
    manifest: bytes
    """The hash of the manifest it wrote."""
    basis: bytes


def read_unchanged(site: Path, key: bytes, records: Path, basis: bytes) -> Unchanged | None:
    """What the last build into `site` recorded, if it was made from `basis` (`basis`); else None."""
    written_ns, index, pages, was, manifest = _read_stats(site, key, records)
    if was is None or manifest is None or index is None or not pages or not hmac.compare_digest(was, basis):
        return None
    return Unchanged(written_ns, index, pages, manifest, was)


def save_unchanged(
    site: Path, key: bytes, records: Path, kept: Unchanged, taken: dict[str, Stat], basis: bytes, read: int
) -> None:
    """After a build that took the whole site as `kept` had it (`taken`: each file's stat
    identity; `read`: how many of them were read back, their stat identity not trusted):
    record it again only when something differs (another basis, a stat identity to trust)."""
    if not read and basis == kept.basis:
        return
    pages = {p: (k[0], taken[p], k[2], k[3]) for p, k in kept.pages.items()}
    _write_stats(site, key, records, (kept.search_index[0], taken[INDEX]), pages, basis, kept.manifest)
