"""The record cache: parse results kept between runs, keyed by each file's content.

Parsing is most of the cost of `validate` on a large records folder, and between two
runs few files change. The cache keeps, for every file, what parsing and the compiled
schema check produced: the record's data, the parse problems (without the path, which
depends on how the folder was named), and whether the schema passed it. A file whose
content hash is unchanged is not parsed again. What depends on other records is not
kept here: the snapshot (perfdocs.records.snapshot) keeps each record's rule findings with
the keys they depend on, and the rules that look across records run every time, so a
cached run reports exactly what a cold run reports.

The lookup key is the content hash (BLAKE2b of the bytes), so a fresh clone or a branch
switch that rewrites modification times still hits. The file's size, modification and
change times and inode are a shortcut: when they match what was recorded, the file is not even read,
unless it was modified within two seconds of the cache being written (a second change
in the same clock tick would look unchanged: git calls this the 'racy' case).

Text (the YAML, the Markdown body) is not stored: a cached Document reads it back from
its file if something asks, e.g. for the position of a problem.

Where: the folder `perfdocs.store.cache_dir` names (`$PERFDOCS_CACHE_DIR`, else
`.perfdocs-cache/` beside the records folder), one folder per records folder
(`records-<hash>/`) of SHARDS files: each file's entry lives in the shard that a hash of
its relative path's first two parts (a person's folder) picks, evidence apart from the other
kinds; a run reads a shard only when it looks up one of its files, and writes only the
shards whose entries changed (5 files changed among 100,000 rewrite ~1 MB, not the whole
~60 MB). It is safe to delete at any time; the next run is cold. It is only used for large
folders (see `wanted`).

A cache file is data that decides what `validate` reports, so it is never trusted just
because it is there: a pull request could commit a crafted one. Each shard carries an
HMAC of its contents under a key kept outside the checkout (`$PERFDOCS_CACHE_DIR/key`,
else in the user's cache folder), and its own index inside them; a shard without the right
MAC, of another format or code, or in another shard's place is ignored (its files are
parsed again), never unmarshalled or trusted. The racy check uses each shard's own writing time.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from perfdocs import store
from perfdocs.diagnostics import Diagnostic
from perfdocs.records.model import Document, LeanDocument
from perfdocs.records.parse import MAX_FILE_BYTES, decode, load_file, split_front_matter

FORMAT = 6
MAC_BYTES = store.MAC_BYTES
SHARDS = 320
EVIDENCE_SHARDS = 256
"""Shards 0..255 hold evidence entries, 256..319 every other record's (see `shard_of`): at
100,000 entries an evidence shard is ~0.25 MB, what a quick run reads for one changed entry."""
"""Files the cache of one records folder is split into (by `shard_of` each file's relative
path): a run that changed a few files rewrites the few shards holding them (~0.25 MB each at
100,000 files), not the whole cache."""
RACY_NS = 2_000_000_000
AUTO_MIN_FILES = 2000
"""With PERFDOCS_CACHE unset (auto), folders with fewer files are not cached: they parse
in a fraction of a second anyway."""

Signature = tuple[int, int, int, int]


def wanted(files: int) -> bool:
    """Whether to use the cache: PERFDOCS_CACHE=0 never, =1 always, unset (auto) for large
    folders (the same variable turns the links index cache off)."""
    setting = store.setting()
    return setting == "on" or (setting == "auto" and files >= AUTO_MIN_FILES)


def enabled() -> bool:
    """Whether caching may be used at all (PERFDOCS_CACHE is not 0)."""
    return store.setting() != "off"


def signature(info: os.stat_result) -> Signature:
    # ctime too: a tool can set a file's modification time back, never its change time. One
    # int for both when they are equal (a file written once, as a checkout writes it): each of
    # 100,000 records keeps its signature, and an int of this size costs 36 bytes.
    mtime, ctime = info.st_mtime_ns, info.st_ctime_ns
    return info.st_size, mtime, mtime if ctime == mtime else ctime, info.st_ino


def document_signature(doc: Document) -> Signature | None:
    """A loaded record's file identity: the one this cache matched its content with, when it came
    from here (the identity of the content checked, and no second stat), else a stat (None: gone)."""
    if isinstance(doc, CachedDocument):
        return doc.signature
    if isinstance(doc, LeanDocument) and doc.signature is not None:  # parsed this run, read to be cached
        return doc.signature
    try:
        return signature(os.stat(doc.path))
    except OSError:
        return None


def fingerprint(path: Path) -> tuple[Signature, bytes] | None:
    """(signature, content hash) of a regular file, or None if it cannot be read as one.
    The signature is taken before the read: a change racing the read then shows as a
    changed signature next time, never as an unchanged one."""
    try:
        # O_NONBLOCK: a file swapped for a FIFO must not hang the read (as in parse.load_file).
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            raw = fh.read(min(info.st_size, MAX_FILE_BYTES) + 1)
    except OSError:
        return None
    return signature(info), hashlib.blake2b(raw, digest_size=16).digest()


def _code_key() -> bytes:
    """What cached results depend on besides the file: the code that reads a file into a cached
    entry (every module of perfdocs.records: the parser, the model, this cache) and the schemas.
    Not the installed version: the files are hashed, and reading the package's metadata (an
    editable install keeps one version across every change) costs more than hashing them."""
    from perfdocs.records import schemas

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for name, doc in sorted(schemas.schema_documents().items()):
        h.update(name.encode())
        h.update(repr(doc).encode())
    return h.digest()


def location(root: Path) -> Path | None:
    """The cache folder of a records folder, holding its SHARDS files (None: caching is off)."""
    folder = store.cache_dir(root)
    if folder is None:
        return None
    slug = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return folder / f"records-{slug}"


def shard_of(rel: str) -> int:
    """The shard a file's entry is kept in: a stable hash of the first two parts of its
    relative path, so that a person's records (people/<handle>/...) share a shard, and with
    it one copy of the values they repeat (their handle, their ids). Evidence entries
    (people/<handle>/evidence/...) are kept apart from every other record, in the first
    EVIDENCE_SHARDS shards: a run that reads the other records and a few evidence entries
    (perfdocs.records.snapshot's quick runs) reads the few shards that hold them."""
    parts = rel.split("/", 3)
    crc = zlib.crc32("/".join(parts[:2]).encode())
    if len(parts) == 4 and parts[2] == "evidence":
        return crc % EVIDENCE_SHARDS
    return EVIDENCE_SHARDS + crc % (SHARDS - EVIDENCE_SHARDS)


def shard_path(folder: Path, index: int) -> Path:
    return folder / f"{index:03d}.marshal"


class CachedDocument(Document):
    """A Document rebuilt from the cache: its YAML text and body are read back from the
    file when first asked for (the file's content is the one the cache recorded)."""

    _UNREAD: Any = object()
    _yaml_text: str
    _body: str | None
    signature: Signature
    """The file's signature when the cache matched it: the snapshot's identity of the file
    (perfdocs.records.snapshot), so the file is not stat-ed twice, and the identity of the
    content this Document holds (a later stat could see a change made after the lookup)."""

    _path: Path | str | Callable[[], Path]

    @classmethod
    def of(
        cls, path: Path | str | Callable[[], Path], display: str, entry: tuple[Any, ...], sig: Signature
    ) -> CachedDocument:
        """The Document of a cache entry, built without the dataclass' __init__ (a warm run
        builds one per file: at 100,000 files its argument handling alone is noticeable).
        `path` may be the path as a string or a function that makes it: most records' paths
        are never asked for, and a Path costs more than either."""
        _, _, data, offset, body_line, problems, _ = entry
        doc = cls.__new__(cls)
        # One by one, always in this order, not vars(doc).update(...): Python then keeps them in
        # a small array that instances share the names of, where `vars(doc)` would make each one
        # a dict of its own (see model.LeanDocument.of).
        doc._path = path
        doc.display = display
        doc.data = data
        doc._yaml_text = cls._UNREAD
        doc.line_offset = offset
        doc._body = cls._UNREAD if data is not None else None
        doc.body_line = body_line
        doc.diagnostics = [Diagnostic(display, *p) for p in problems] if problems else []
        doc.signature = sig
        return doc

    @property  # a field of Document, a property here (as yaml_text and body)
    def path(self) -> Path:
        if isinstance(self._path, str):
            self._path = Path(self._path)
        elif not isinstance(self._path, Path):
            self._path = self._path()
        return self._path

    @path.setter
    def path(self, value: Path) -> None:
        self._path = value

    @property
    def yaml_text(self) -> str:
        if self._yaml_text is self._UNREAD:
            self._read_back()
        return self._yaml_text

    @yaml_text.setter
    def yaml_text(self, value: Any) -> None:
        self._yaml_text = value

    @property
    def body(self) -> str | None:
        if self._body is self._UNREAD:
            self._read_back()
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        self._body = value

    def _read_back(self) -> None:
        """The text as load_text splits it (no YAML parsing: the data is already here)."""
        try:
            with open(self.path, "rb") as fh:
                text = decode(fh.read(), self.display)
        except OSError:
            text = None
        if isinstance(text, str):
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if self.path.suffix != ".md":
                self._yaml_text, self._body = text, None
                return
            split = split_front_matter(text, self.display)
            if not isinstance(split, Diagnostic):
                self._yaml_text, self._body = split[0], split[2]
                return
        fresh = load_file(self.path, self.display)  # changed under us: whatever it now holds
        self._yaml_text, self._body = fresh.yaml_text, fresh.body


class RecordCache:
    """One records folder's cache: look files up (each shard is read the first time one of its
    files is asked for), record new results, save the shards that changed."""

    def __init__(self, root: Path, path: Path | None = None) -> None:
        self.path = path if path is not None else location(root)
        self.key = _code_key()
        self.secret = store.key() if self.path is not None else None
        self._shards: list[dict[str, tuple[Any, ...]] | None] = [None] * SHARDS
        """Each shard's entries by relative path, once read (None: not read yet)."""
        self.written: list[int] = [0] * SHARDS
        """When each shard was written (ns): a file modified within RACY_NS of it is read again."""
        self.dirty: set[int] = set()
        """The shards that changed since they were read."""
        self.hits = 0

    def _shard(self, index: int) -> dict[str, tuple[Any, ...]]:
        """Shard `index`'s entries, read (and its MAC checked) the first time they are asked for."""
        found = self._shards[index]
        if found is not None:
            return found
        found = {}
        if self.path is not None and self.secret is not None:
            stored = store.read_sealed(shard_path(self.path, index), self.secret)
            # The shard's own index is sealed in it: a shard copied into another's place is a miss.
            if (
                isinstance(stored, tuple)
                and len(stored) == 4
                and stored[0] == self.key
                and stored[2] == index
                and isinstance(stored[3], dict)
            ):
                self.written[index], found = stored[1], stored[3]
        self._shards[index] = found
        return found

    @property
    def shards(self) -> list[dict[str, tuple[Any, ...]]]:
        """Every shard's entries (reads them all)."""
        return [self._shard(index) for index in range(SHARDS)]

    @property
    def entries(self) -> dict[str, tuple[Any, ...]]:
        """Every entry by relative path (reads every shard)."""
        merged: dict[str, tuple[Any, ...]] = {}
        for shard in self.shards:
            merged.update(shard)
        return merged

    @property
    def changed(self) -> bool:
        return bool(self.dirty)

    def lookup(
        self, rel: str, path: Path | str | Callable[[], Path], display: str, name: str | None = None
    ) -> tuple[Document, bool] | None:
        """The cached (Document, schema_ok) for a file whose content is unchanged, else None.
        `path` may be the path as a string or a function that makes the Path (made only if it
        is asked for); `name` is the path as a string, when the caller has it: a Path's first
        str() costs more than the stat, and a warm run stats every file. One of them is needed."""
        index = shard_of(rel)
        shard = self._shards[index]
        entry = (shard if shard is not None else self._shard(index)).get(rel)
        if entry is None:
            return None
        where = name if name is not None else path if isinstance(path, (Path, str)) else path()
        try:
            info = os.stat(where)
        except OSError:
            return None
        sig = info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino  # signature(info), inlined
        # Racy: modified within RACY_NS of its shard's writing.
        if sig != entry[0] or info.st_mtime_ns >= self.written[index] - RACY_NS:
            found = fingerprint(Path(where))
            if found is None or found[1] != entry[1]:
                return None
            sig = found[0]
            if sig != entry[0]:
                self._put(rel, (sig, *entry[1:]))
        else:
            sig = entry[0]  # the equal one the entry holds: a warm run keeps one per file, not two
        self.hits += 1
        return CachedDocument.of(path, display, entry, sig), entry[6]

    def store(self, rel: str, sig: Signature, content: bytes, doc: Document, ok: bool) -> None:
        if any(d.rule == "file/unreadable" for d in doc.diagnostics):
            return  # an I/O failure is not a property of the content
        # A tuple: Python's one empty tuple for a file without problems (most), where an empty
        # list each would be held until the shards are written.
        problems = tuple((d.line, d.col, d.rule, d.message, d.severity, d.hint) for d in doc.diagnostics)
        self._put(rel, (sig, content, doc.data, doc.line_offset, doc.body_line, problems, ok))

    def _put(self, rel: str, entry: tuple[Any, ...]) -> None:
        index = shard_of(rel)
        self._shard(index)[rel] = entry
        self.dirty.add(index)

    def forget_missing(self, present: set[str]) -> None:
        """Drop the entries of every file not in `present` (reads every shard)."""
        for index in range(SHARDS):
            shard = self._shard(index)
            gone = [rel for rel in shard if rel not in present]
            for rel in gone:
                del shard[rel]
            if gone:
                self.dirty.add(index)

    def forget(self, rels: Iterable[str]) -> None:
        """Drop the entries of these files (deleted ones)."""
        for rel in rels:
            index = shard_of(rel)
            if self._shard(index).pop(rel, None) is not None:
                self.dirty.add(index)

    def save(self) -> None:
        """Write the shards that changed; a failure to write (read-only folder) is not an
        error, the next run just parses those files again. Each shard is written whole and
        atomically (store.write_bytes), so a reader never sees half of one."""
        if not self.dirty or self.path is None or self.secret is None:
            return
        with contextlib.suppress(OSError):  # the whole-cache file of format 3 and before
            self.path.with_name(f"{self.path.name}.marshal").unlink(missing_ok=True)
        now = time.time_ns()
        for index in sorted(self.dirty):
            try:
                blob = marshal.dumps((self.key, now, index, self._shard(index)))
            except ValueError:  # a value marshal cannot write; do without this shard
                continue
            sealed = store.seal(blob, self.secret)
            if sealed is None:
                return
            try:
                store.write_bytes(shard_path(self.path, index), sealed)
            except OSError:
                return
            self.written[index] = now
            self.dirty.discard(index)
