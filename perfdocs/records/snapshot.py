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
CODEOWNERS) is not stored per record: a full run runs `perfdocs.rules.whole` on the whole
organisation, and leaves its findings, with the listing (perfdocs.records.listing), for a quick
run (perfdocs.validation), which starts from them when only evidence entries changed.

The snapshot is ignored, and rebuilt, when anything else its findings depend on differs:
its format, perfdocs' code (every file of the package: its modules, the review-language
word lists; the schemas, the scaffold templates), today's date, the records every record
is read against (org.yaml, tracks, matrices, competency sets: their content), the files
that could not be loaded, and the records sources present. A file modified within two
seconds of the run that recorded it is re-checked, as the record cache does (git's 'racy'
case). Correctness never depends on it: a test compares runs with the snapshot against cold
runs on random edit sequences.

Where: beside the record cache (`perfdocs.store.cache_dir`), per records folder a main file
(the context, the listing, what a quick run starts from, which shards hold findings, when each
shard was written, and the overlay: the entries quick runs changed since the shards were
written) and a folder of SHARDS entry files placed as the record cache places its entries, each
read when a record of it is first asked for. A quick run of a thousand changed evidence entries
would read and rewrite nearly every evidence shard for them: it keeps their entries in the
overlay instead (an entry there stands for the shard's), and a run that reads every shard, or
an overlay past OVERLAY_MAX entries, folds it into the shards. Every file is sealed with the local
key like every cache file (a file without the right MAC is never unmarshalled), and a shard
not written when the main file says is not read; used when the record cache is
(`perfdocs.records.cache.wanted`). Safe to delete at any time: the next run checks everything.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import re
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from perfdocs import collector, store
from perfdocs.diagnostics import Diagnostic
from perfdocs.records import cache as record_cache
from perfdocs.records.cache import shard_of
from perfdocs.records.listing import Listing
from perfdocs.records.model import Record
from perfdocs.records.organisation import Organisation
from perfdocs.records.refindex import Key, defines

FORMAT = 6
SHARDS = record_cache.SHARDS
RACY_NS = record_cache.RACY_NS
"""A file modified this close to (or after) the start of the run that checked it is re-checked
next time: a change in the same clock tick would not show in its signature."""

SHARED_KINDS = ("org", "track", "competency-matrix", "competency-set")
"""Records every record is read against: their content is part of the snapshot's context."""

OVERLAY_MAX = 10_000
"""The entries a quick run keeps in the main file's overlay rather than in their shards; past
this many, the run that saves folds them into the shards (reading and writing those)."""

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
    shared = sorted(
        ((r.kind, r.source or "", r.rel, r.data) for r in org.records if r.kind in SHARED_KINDS), key=lambda s: s[:3]
    )
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
    `keep` what checking each other record found, `save`.

    Stored as a main file (the context, the listing, which shards hold findings) and SHARDS
    files of entries, placed as the record cache places its entries (`shard_of`: evidence
    apart from the other kinds). A shard is read the first time one of its entries is asked
    for: a quick run (`perfdocs.validation`) reads the shards of what it re-checks only."""

    def __init__(self, root: Path, started_ns: int, path: Path | None = None) -> None:
        self.path = path if path is not None else location(root)
        self.started_ns = started_ns
        self.secret = store.key() if self.path is not None else None
        self.context = b""
        self.listing: Listing | None = None
        """What the last run listed (perfdocs.records.listing), if it could."""
        self.quick: Any = None
        """What a quick run starts from, when the last run left the folder in a state it can (see
        perfdocs.validation)."""
        self._shards: list[dict[Name, Entry] | None] = [None] * SHARDS
        self._flagged: list[bool] = [True] * SHARDS
        """Whether each shard holds an entry with findings or to re-check always."""
        self._merged: dict[Name, Entry] | None = None
        self._overlay: dict[Name, Entry | None] = {}
        """Entries changed since their shard was written (None: the record went away)."""
        self._written: list[int] = [0] * SHARDS
        """When each shard was written: a shard is read only if the main file says so."""
        self.dirty: set[int] = set()
        self.changed = False
        self.rechecked = 0
        self._sigs: dict[int, record_cache.Signature | None] = {}
        """The signature of each record `plan` stat-ed (not from the record cache), for `keep`."""
        self._found: list[tuple[Record, list[Any]]] = []
        """The records `plan` found stored findings for, and those findings."""
        if self.path is None or self.secret is None:
            return
        stored = store.read_sealed(self.path, self.secret)
        if (
            isinstance(stored, tuple)
            and len(stored) == 7
            and stored[0] == FORMAT
            and isinstance(stored[1], bytes)
            and isinstance(stored[3], list)
            and len(stored[3]) == SHARDS
            and isinstance(stored[5], list)
            and len(stored[5]) == SHARDS
            and isinstance(stored[6], dict)
        ):
            self.context, self._flagged, self.quick, self._written = stored[1], stored[3], stored[4], stored[5]
            self._overlay = stored[6]
            self.listing = Listing.unmarshal(stored[2])
        else:
            self._shards = [{} for _ in range(SHARDS)]  # nothing usable: every shard is empty
            self._flagged = [False] * SHARDS

    def _shard(self, index: int) -> dict[Name, Entry]:
        found = self._shards[index]
        if found is not None:
            return found
        found = {}
        if self.path is not None and self.secret is not None:
            with collector.paused():  # tens of thousands of objects, all kept: collecting finds nothing
                stored = store.read_sealed(_shard_path(self.path, index), self.secret)
            # Sealed with its context and writing time, which the main file names: a shard left
            # by another run (one that stopped before writing the main file) is a miss.
            if (
                isinstance(stored, tuple)
                and len(stored) == 4
                and stored[0] == self.context
                and stored[1] == self._written[index]
                and stored[2] == index
                and isinstance(stored[3], dict)
            ):
                found = stored[3]
        self._shards[index] = found
        return found

    @property
    def entries(self) -> dict[Name, Entry]:
        """Every entry (reads every shard, and folds the overlay into them)."""
        if self._merged is None:
            self._fold()
            merged: dict[Name, Entry] = {}
            for index in range(SHARDS):
                merged.update(self._shard(index))
            self._merged = merged
            if threading.active_count() == 1:
                # Alive for the whole run: later collections need not walk them (as load does).
                gc.freeze()
        return self._merged

    def entry(self, name: Name) -> Entry | None:
        if name in self._overlay:
            return self._overlay[name]
        return self._shard(shard_of(name[1])).get(name)

    def _put(self, name: Name, entry: Entry) -> None:
        self.changed = True
        if self._merged is None:  # a quick run: into the overlay, its shard neither read nor written
            self._overlay[name] = entry
            return
        index = shard_of(name[1])
        self._shard(index)[name] = entry
        self._merged[name] = entry
        self.dirty.add(index)

    def _pop(self, name: Name) -> Entry | None:
        entry = self.entry(name)
        if entry is None:
            return None
        self.changed = True
        if self._merged is None:
            self._overlay[name] = None
            return entry
        index = shard_of(name[1])
        self._shard(index).pop(name, None)
        self._merged.pop(name, None)
        self.dirty.add(index)
        return entry

    def _fold(self) -> None:
        """Move the overlay's entries into their shards (each read, and written at `save`)."""
        for name, entry in self._overlay.items():
            index = shard_of(name[1])
            shard = self._shard(index)
            if entry is None:
                shard.pop(name, None)
            else:
                shard[name] = entry
            self.dirty.add(index)
        if self._overlay:
            self._overlay = {}
            self.changed = True

    def _reset(self) -> None:
        """Forget every entry (the context changed)."""
        self._shards = [{} for _ in range(SHARDS)]
        self._overlay = {}
        self._merged = {}
        self._flagged = [False] * SHARDS
        self.dirty = set(range(SHARDS))
        self.changed = True

    def plan(self, records: list[Record], context: bytes | None) -> set[int]:
        """The records (by `id()`) to check again: every one when the context differs. The
        stored findings of the others are `reused`."""
        if context is None or context != self.context:
            self._reset()
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
                if entries:  # else (a first run) no stored record can name what it defines
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
                popped = self._pop(name)
                if popped is not None:
                    touched.update(popped[1].split("\n"))
        touched.discard("")
        if touched:
            named = _naming(touched)
            for record, entry in zip(records, matched, strict=True):
                if entry is not None and id(record) not in stale and named(entry[2]):
                    stale.add(id(record))
        self._found = found
        return stale

    def reused(self, stale: set[int]) -> list[Diagnostic]:
        """The findings stored for the records `plan` did not ask to check again."""
        return [
            Diagnostic(record.display, *d) for record, found in self._found if id(record) not in stale for d in found
        ]

    # --- quick runs ----------------------------------------------------------------------
    def quick_plan(self, changed: dict[Name, set[Key]], gone: Iterable[Name]) -> tuple[set[Name], set[Name]]:
        """For a quick run, where only the files `changed` (with the keys each defines now) and
        `gone` differ from the last run and each of them defines its own key only (an evidence
        entry): (the records to check again, the flagged records whose stored findings stand).
        Reads the shards of the changed files but evidence entries (which defined their own key
        only, before as now), those of every record that can name them (every shard but the
        evidence shards, which only name their own entry), and the shards holding findings;
        the overlay's entries stand for their shards'."""
        touched: set[str] = set()
        stale: set[Name] = set()
        for name, defined in changed.items():
            stale.add(name)
            touched.update(_keys(defined).split("\n"))
            if evidence_path(name[1]):
                continue  # it defined its own key, taken from its path, before the change too
            entry = self.entry(name)
            if entry is not None:
                touched.update(entry[1].split("\n"))  # what it defined before the change
        for name in gone:
            entry = self._pop(name)
            if entry is not None:
                touched.update(entry[1].split("\n"))
        touched.discard("")
        named = _naming(touched) if touched else None
        reused: set[Name] = set()
        overlay = self._overlay

        def plan(name: Name, entry: Entry) -> None:
            if entry[4] or (named is not None and named(entry[2])):
                stale.add(name)
            elif entry[3]:
                reused.add(name)

        for index in range(SHARDS):
            if index < record_cache.EVIDENCE_SHARDS and not self._flagged[index]:
                continue
            for name, entry in self._shard(index).items():
                if name not in stale and name not in overlay:
                    plan(name, entry)
        for name, got in overlay.items():  # each stands for its shard's entry, read or not
            if got is not None and name not in stale:
                plan(name, got)
        return stale, reused

    def findings(self, name: Name) -> list[Any]:
        """The findings stored for a record (without its path)."""
        entry = self.entry(name)
        return list(entry[3]) if entry is not None else []

    def keep(
        self, record: Record, found: list[Diagnostic], names: Iterable[Key] = (), keys: tuple[str, str] | None = None
    ) -> None:
        """Store what checking `record` found, and the keys it named (or `keys_of` them, worked
        out where it was checked)."""
        self.rechecked += 1
        name = _name(record)
        if any(d.path != record.display for d in found):
            self._pop(name)
            return  # not the record's own: checked every time
        doc = record.doc
        sig = doc.signature if isinstance(doc, record_cache.CachedDocument) else self._sigs.get(id(record))
        if sig is None and not isinstance(doc, record_cache.CachedDocument) and id(record) not in self._sigs:
            sig = record_cache.document_signature(doc)
        if sig is not None and max(sig[1], sig[2]) >= self.started_ns - RACY_NS:
            sig = None  # modified around this run: its next run checks it again
        defined, depends = keys if keys is not None else keys_of(record, names)
        entry = (
            sig,
            defined,
            depends,
            [(d.line, d.col, d.rule, d.message, d.severity, d.hint) for d in found],
            any(d.rule.startswith("ref/") for d in found),  # "did you mean" reads every id of a kind
        )
        if name in self._overlay or self._shards[shard_of(name[1])] is not None:
            if self.entry(name) == entry:
                return  # a record checked every time is written only when it changes
        self._put(name, entry)  # (compared only when at hand: its shard is not read for it)

    def save(self, listing: Listing | None = None, quick: Any = None) -> bool:
        """Write the shards that changed, then the main file; a failure to write is not an error
        (False: the next run will not find what this one left). `listing` is what this run listed
        (None: the next run walks the folder), `quick` what a quick next run starts from (None:
        it cannot be one; plain data, perfdocs.validation's)."""
        if self.path is None or self.secret is None:
            return False
        if not self.changed and quick == self.quick and listing == self.listing:
            return True
        if len(self._overlay) > OVERLAY_MAX:
            self._fold()
        now = time.time_ns()
        written = list(self._written)
        flagged = list(self._flagged)
        try:
            self.path.with_suffix("").mkdir(parents=True, exist_ok=True)
            for index in sorted(self.dirty):
                shard = self._shard(index)
                sealed = store.seal(marshal.dumps((self.context, now, index, shard)), self.secret)
                if sealed is None:
                    return False
                store.write_bytes(_shard_path(self.path, index), sealed)
                written[index] = now
                flagged[index] = any(entry[3] or entry[4] for entry in shard.values())
            main = marshal.dumps(
                (FORMAT, self.context, listing.marshal() if listing else None, flagged, quick, written, self._overlay)  # type: ignore[arg-type]
            )
            sealed = store.seal(main, self.secret)
            if sealed is None:
                return False
            store.write_bytes(self.path, sealed)
        except (OSError, ValueError):  # ValueError: a value marshal cannot write
            return False
        self._written, self._flagged, self.quick = written, flagged, quick
        self.changed = False
        self.dirty = set()
        return True


def keys_of(record: Record, names: Iterable[Key]) -> tuple[str, str]:
    """The keys a record defines and the keys its findings depend on (those it named, and its
    own: a duplicate of it changes what it is), as the snapshot stores them."""
    return _keys(defines(record)), _keys({Key(record.kind, "", record.id), *names})


def _naming(touched: set[str]) -> Callable[[str], bool]:
    """A test of an entry's named keys (one string, a key a line) for any of `touched`."""
    # A record names a touched key only if its keys hold it as text: one search, in C,
    # leaves the few to split (for a handful of keys, the common case).
    search = re.compile("|".join(map(re.escape, touched))).search if len(touched) <= 100 else None

    def named(keys: str) -> bool:
        if search is not None and search(keys) is None:
            return False
        return not touched.isdisjoint(keys.split("\n"))

    return named


def evidence_path(rel: str) -> bool:
    """Whether a file is an evidence entry by its place (people/<handle>/evidence/<file>)."""
    parts = rel.split("/")
    return len(parts) == 4 and parts[0] == "people" and parts[2] == "evidence"


def _shard_path(path: Path, index: int) -> Path:
    return path.with_suffix("") / f"{index:03d}.marshal"
