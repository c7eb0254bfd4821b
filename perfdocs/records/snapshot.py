"""The snapshot: what the last run found at each record, so the next run re-checks only what changed.

Most of a warm `validate` on a large records folder is the rules reading every record
again (its id and name, placeholders, dates, pay fields, references and, for a review or
packet, its language), although between two runs a few files change. The snapshot keeps,
for every record, what those per-record families (`perfdocs.rules.of_record`) and its
schema found at it, and what those findings depend on:

- the file's identity: size, modification and change times, inode (a changed file is re-checked);
- the keys it defines (`perfdocs.records.refindex.defines`) and the keys it names (each
  `Reference` the reference rules made, and its own key, for a duplicate);
- its diagnostics, without the path (which depends on how the folder was named): positions
  are stored, so a reused record's YAML is never composed again.

A run re-checks a record when its file changed, when a key it names is defined by a file
that changed, appeared or went away (a renamed person, a deleted evidence entry, a person
who changed track re-checks their evidence and the reviews of them), or when it has a
`ref/` finding (whose "did you mean" reads every id of its kind). What depends on the
whole organisation (duplicate ids, collisions, management loops, the rubric, governance,
CODEOWNERS) is never stored: `perfdocs.rules.whole` runs every time, on the whole organisation.

The snapshot is ignored, and rebuilt, when anything else its findings depend on differs:
its format, perfdocs' code (every file of the package: its modules, the review-language
word lists; the schemas, the scaffold templates), today's date, the records every record
is read against (org.yaml, tracks, matrices, competency sets: their content), the files
that could not be loaded, and the records sources present. A file modified within two
seconds of the run that recorded it is re-checked, as the record cache does (git's 'racy'
case). Correctness never depends on it: a test compares runs with the snapshot against cold
runs on random edit sequences.

Where: beside the record cache (`perfdocs.store.cache_dir`), one file per records folder,
sealed with the local key like every cache file (a file without the right MAC is never
unmarshalled); used when the record cache is (`perfdocs.records.cache.wanted`). Safe to
delete at any time: the next run checks everything.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import re
import threading
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from perfdocs import store
from perfdocs.diagnostics import Diagnostic
from perfdocs.records import cache as record_cache
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.refindex import Key, defines

FORMAT = 2
RACY_NS = record_cache.RACY_NS
"""A file modified this close to (or after) the start of the run that checked it is re-checked
next time: a change in the same clock tick would not show in its signature."""

SHARED_KINDS = ("org", "track", "competency-matrix", "competency-set")
"""Records every record is read against: their content is part of the snapshot's context."""

Name = tuple[str, str]
"""A record's place: (records source or '', path relative to its folder)."""
Entry = tuple[Any, ...]
"""(signature or None, keys defined, keys named (each a line of text, see `_keys`),
diagnostics, always re-check)."""


def location(root: Path) -> Path | None:
    """The snapshot file for a records folder (None: caching is off)."""
    folder = store.cache_dir(root)
    if folder is None:
        return None
    slug = hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()
    return folder / f"snapshot-{slug}.marshal"


@cache
def code_key() -> bytes:
    """What every stored finding depends on besides the records: perfdocs' code (every file of
    the package: the rules, the parser, the settings they read, the word lists the language
    rules match), its schemas and its scaffold templates. Not the installed version: every file
    is hashed, and reading the package's metadata costs more than hashing them."""
    from perfdocs.resources import data_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".pyo")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    h.update(record_cache._code_key())  # the schemas, as the record cache sees them
    scaffold = data_dir("templates") / "scaffold"
    for path in sorted(scaffold.rglob("*")) if scaffold.is_dir() else ():
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.digest()


def context(org: Organisation, today: object) -> bytes:
    """The key of everything a record's findings depend on besides itself and the keys it names."""
    shared = [(r.kind, r.source or "", r.rel, r.data) for r in org.records if r.kind in SHARED_KINDS]
    present = [(s.name, str(s.folder), s.present, s.kinds) for s in org.sources]
    # repr, not marshal: marshal's bytes for equal data differ with how its strings are shared.
    blob = repr((str(today), shared, sorted(org.unloaded), present)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(code_key() + blob, digest_size=16).digest()


def _name(record: Record) -> Name:
    return record.source or "", record.rel


def _keys(keys: Iterable[Key]) -> str:
    """Keys as one string, a line each (one object to store and load instead of four a key)."""
    return "\n".join(sorted({f"{k.kind}\0{k.scope}\0{k.name}" for k in keys}))


class Snapshot:
    """One records folder's snapshot: load it, `plan` a run, take the findings it `reused`,
    `keep` what checking each other record found, `save`."""

    def __init__(self, root: Path, started_ns: int, path: Path | None = None) -> None:
        self.path = path if path is not None else location(root)
        self.started_ns = started_ns
        self.secret = store.key() if self.path is not None else None
        self.context = b""
        self.entries: dict[Name, Entry] = {}
        self.changed = False
        self.rechecked = 0
        self._sigs: dict[int, record_cache.Signature | None] = {}
        """The signature of each record `plan` stat-ed (not from the record cache), for `keep`."""
        self._found: list[tuple[Record, list[Any]]] = []
        """The records `plan` found stored findings for, and those findings."""
        if self.path is None or self.secret is None:
            return
        enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of objects, all kept: collecting finds nothing
        try:
            stored = store.read_sealed(self.path, self.secret)
            if stored is not None and threading.active_count() == 1:
                # Alive for the whole run: later collections need not walk them (as load does);
                # frozen before collection is on again, or the next allocation walks them all.
                gc.freeze()
        finally:
            if enabled:
                gc.enable()
        if isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[2], dict):
            self.context, self.entries = stored[0], stored[2]

    def plan(self, records: list[Record], context: bytes | None) -> set[int]:
        """The records (by `id()`) to check again: every one when the context differs. The
        stored findings of the others are `reused`."""
        if context is None or context != self.context:
            self.entries, self.changed = {}, True
        self.context = context or b""
        entries, sigs = self.entries, self._sigs
        get = entries.get
        stale: set[int] = set()
        touched: set[str] = set()
        matched: list[Entry | None] = []  # each record's entry, in order
        found: list[tuple[Record, list[Any]]] = []
        for record in records:  # once per record: what is done here is done 100,000 times
            entry = get((record.source or "", record.rel))  # _name, inlined
            matched.append(entry)
            doc = record.doc
            if isinstance(doc, record_cache.CachedDocument):
                sig: record_cache.Signature | None = doc.signature  # see record_cache.document_signature
            else:
                sig = sigs[id(record)] = record_cache.document_signature(record.doc)
            if entry is None or entry[0] is None or sig is None or tuple(entry[0]) != sig:
                stale.add(id(record))
                touched.update(_keys(defines(record)).split("\n"))
                if entry is not None:
                    touched.update(entry[1].split("\n"))  # what it defined before the change
            elif entry[4]:
                stale.add(id(record))
            elif entry[3]:
                found.append((record, entry[3]))
        # Each record has its own name: when as many entries matched as are stored, none went away.
        if sum(entry is not None for entry in matched) < len(entries):
            current = {_name(r) for r in records}
            for name in [name for name in entries if name not in current]:
                touched.update(entries.pop(name)[1].split("\n"))
                self.changed = True
        touched.discard("")
        if touched:
            # A record names a touched key only if its keys hold it as text: one search, in C,
            # leaves the few to split (for a handful of keys, the common case).
            search = re.compile("|".join(map(re.escape, touched))).search if len(touched) <= 100 else None
            for record, entry in zip(records, matched, strict=True):
                if entry is None or id(record) in stale or (search is not None and search(entry[2]) is None):
                    continue
                if not touched.isdisjoint(entry[2].split("\n")):
                    stale.add(id(record))
        self._found = found
        return stale

    def reused(self, stale: set[int]) -> list[Diagnostic]:
        """The findings stored for the records `plan` did not ask to check again."""
        return [
            Diagnostic(record.display, *d) for record, found in self._found if id(record) not in stale for d in found
        ]

    def keep(self, record: Record, found: list[Diagnostic], names: Iterable[Key]) -> None:
        """Store what checking `record` found, and the keys it named."""
        self.rechecked += 1
        name = _name(record)
        if any(d.path != record.display for d in found):
            self.changed = self.entries.pop(name, None) is not None or self.changed
            return  # not the record's own: checked every time
        doc = record.doc
        sig = doc.signature if isinstance(doc, record_cache.CachedDocument) else self._sigs.get(id(record))
        if sig is not None and max(sig[1], sig[2]) >= self.started_ns - RACY_NS:
            sig = None  # modified around this run: its next run checks it again
        depends = {Key(record.kind, "", record.id), *names}  # a duplicate of it changes what it is
        entry = (
            sig,
            _keys(defines(record)),
            _keys(depends),
            [(d.line, d.col, d.rule, d.message, d.severity, d.hint) for d in found],
            any(d.rule.startswith("ref/") for d in found),  # "did you mean" reads every id of a kind
        )
        if self.entries.get(name) != entry:  # a record checked every time is written only when it changes
            self.entries[name] = entry
            self.changed = True

    def save(self) -> None:
        """Write the snapshot if anything changed; a failure to write is not an error."""
        if not self.changed or self.path is None or self.secret is None:
            return
        try:
            blob = marshal.dumps((self.context, time.time_ns(), self.entries))
        except ValueError:
            return
        sealed = store.seal(blob, self.secret)
        if sealed is None:
            return
        try:
            store.write_bytes(self.path, sealed)
        except OSError:
            return
        self.changed = False
