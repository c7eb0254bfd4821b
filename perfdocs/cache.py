"""The record cache: parse results kept between runs, keyed by each file's content.

Parsing is most of the cost of `validate` on a large records folder, and between two
runs few files change. The cache keeps, for every file, what parsing and the compiled
schema check produced: the record's data, the parse problems (without the path, which
depends on how the folder was named), and whether the schema passed it. A file whose
content hash is unchanged is not parsed again. What depends on the whole organisation
(references, identity, rubric, policy) is never cached: those rules run on every record
every time, so a cached run reports exactly what a cold run reports.

The lookup key is the content hash (BLAKE2b of the bytes), so a fresh clone or a branch
switch that rewrites modification times still hits. The file's size, modification and
change times and inode are a shortcut: when they match what was recorded, the file is not even read,
unless it was modified within two seconds of the cache being written (a second change
in the same clock tick would look unchanged: git calls this the 'racy' case).

Text (the YAML, the Markdown body) is not stored: a cached Document reads it back from
its file if something asks, e.g. for the position of a problem.

The folder (`.perfdocs-cache/` inside the records folder, which the loader never reads
as records) is safe to delete at any time; it is rebuilt on the next run. It is only
written for large folders (see `wanted`), so small records folders stay untouched.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from perfdocs.diagnostics import Diagnostic
from perfdocs.source import MAX_FILE_BYTES, Document, load_file

FOLDER = ".perfdocs-cache"
FILE = "records.marshal"
FORMAT = 2
RACY_NS = 2_000_000_000
AUTO_MIN_FILES = 2000
"""With PERFDOCS_CACHE unset (auto), folders with fewer files are not cached: they parse
in a fraction of a second anyway."""

Signature = tuple[int, int, int, int]


def wanted(files: int) -> bool:
    """Whether to use the cache: PERFDOCS_CACHE=0 never, =1 always, unset (auto) for large folders."""
    setting = os.environ.get("PERFDOCS_CACHE", "auto").strip().lower()
    if setting in ("0", "off", "no", "false"):
        return False
    if setting in ("1", "on", "yes", "true"):
        return True
    return files >= AUTO_MIN_FILES


def signature(info: os.stat_result) -> Signature:
    # ctime too: a tool can set a file's modification time back, never its change time.
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def fingerprint(path: Path) -> tuple[Signature, bytes] | None:
    """(signature, content hash) of a regular file, or None if it cannot be read as one.
    The signature is taken before the read: a change racing the read then shows as a
    changed signature next time, never as an unchanged one."""
    try:
        # O_NONBLOCK: a file swapped for a FIFO must not hang the read (as in source.load_file).
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            raw = fh.read(min(info.st_size, MAX_FILE_BYTES) + 1)
    except OSError:
        return None
    return signature(info), hashlib.blake2b(raw, digest_size=16).digest()


def _code_key() -> bytes:
    """What cached results depend on besides the file: perfdocs' parser and its schemas."""
    from perfdocs import __version__, schemas, source

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{__version__}".encode())
    for module in (source, schemas):
        h.update(Path(module.__file__).read_bytes())
    for name, doc in sorted(schemas.schema_documents().items()):
        h.update(name.encode())
        h.update(repr(doc).encode())
    return h.digest()


class CachedDocument(Document):
    """A Document rebuilt from the cache: its YAML text and body are read back from the
    file when first asked for (the file's content is the one the cache recorded)."""

    _UNREAD = object()

    @property  # type: ignore[override]
    def yaml_text(self) -> str:
        if self._yaml_text is self._UNREAD:
            self._read_back()
        return self._yaml_text

    @yaml_text.setter
    def yaml_text(self, value: Any) -> None:
        self._yaml_text = value

    @property  # type: ignore[override]
    def body(self) -> str | None:
        if self._body is self._UNREAD:
            self._read_back()
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        self._body = value

    def _read_back(self) -> None:
        fresh = load_file(self.path, self.display)
        self._yaml_text, self._body = fresh.yaml_text, fresh.body


class RecordCache:
    """One records folder's cache: load it, look files up, record new results, save."""

    def __init__(self, root: Path) -> None:
        self.folder = root / FOLDER
        self.path = self.folder / FILE
        self.key = _code_key()
        self.entries: dict[str, tuple] = {}
        self.written_ns = 0
        self.changed = False
        self.hits = 0
        try:
            stored = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(stored, tuple) and len(stored) == 3 and stored[0] == self.key:
            self.written_ns, self.entries = stored[1], stored[2]

    def lookup(self, rel: str, path: Path, display: str) -> tuple[Document, bool] | None:
        """The cached (Document, schema_ok) for a file whose content is unchanged, else None."""
        entry = self.entries.get(rel)
        if entry is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        sig = signature(info)
        if sig != entry[0] or info.st_mtime_ns >= self.written_ns - RACY_NS:
            found = fingerprint(path)
            if found is None or found[1] != entry[1]:
                return None
            sig = found[0]
            if sig != entry[0]:
                self.entries[rel] = (sig, *entry[1:])
                self.changed = True
        self.hits += 1
        _, _, data, offset, body_line, problems, ok = entry
        doc = CachedDocument(path, display, data, CachedDocument._UNREAD, offset,
                             CachedDocument._UNREAD if data is not None else None, body_line,
                             [Diagnostic(display, *p) for p in problems])
        return doc, ok

    def store(self, rel: str, sig: Signature, content: bytes, doc: Document, ok: bool) -> None:
        if any(d.rule == "file/unreadable" for d in doc.diagnostics):
            return  # an I/O failure is not a property of the content
        problems = [(d.line, d.col, d.rule, d.message, d.severity, d.hint) for d in doc.diagnostics]
        self.entries[rel] = (sig, content, doc.data, doc.line_offset, doc.body_line, problems, ok)
        self.changed = True

    def forget_missing(self, present: set[str]) -> None:
        gone = [rel for rel in self.entries if rel not in present]
        for rel in gone:
            del self.entries[rel]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the cache if anything changed; a failure to write (read-only folder) is not
        an error, the next run is just cold again."""
        if not self.changed:
            return
        try:
            blob = marshal.dumps((self.key, time.time_ns(), self.entries))
        except ValueError:  # a value marshal cannot write; do without the cache
            return
        try:
            self.folder.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{FILE}.", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            return
        self.changed = False
