"""Loading: walk a records folder, parse every file, and give each record its kind and id.

Files are parsed by `perfdocs.records.parse` (in parallel for a large folder), or taken
from `perfdocs.records.cache` when their content is unchanged. Each becomes a
`perfdocs.records.model.Record`, which knows its source file and can point at any of its
keys or values, so every later stage reports problems at an exact `path:line:col`.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import operator
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perfdocs import collector
from perfdocs.diagnostics import Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.records import cache, schemas
from perfdocs.records.model import Document, LeanDocument, Place, lean
from perfdocs.records.model import Record as Record  # re-exported: its importers predate model.py
from perfdocs.records.parse import RECORD_SUFFIXES, load_bytes, load_text, read_file
from perfdocs.records.schemas import KINDS
from perfdocs.text import did_you_mean

PERSON_KINDS = ("evidence", "goal", "review", "packet", "ratings-preview")
"""Kinds that may live in a person's folder, where their id comes from their path."""
IGNORED_NAMES = {"README.md", "CODEOWNERS"}


@dataclass
class LoadResult:
    root: Path
    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    unloaded: set[str] = field(default_factory=set)
    """Ids that files which could not be loaded probably define (guessed from their paths):
    references to them are not reported, since the broken file is the real problem."""


def find_root(start: Path) -> Path:
    """The records root for a path: the nearest folder at or above it holding org.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        if (folder / "org.yaml").is_file():
            return folder
        if (folder / "records" / "org.yaml").is_file():
            return folder / "records"
    raise PerfdocsError(f"{display_path(start)} is not inside a records folder (no org.yaml found above it)")


_NAME = operator.attrgetter("name")


def walk(root: Path) -> Iterator[tuple[Path, str, str, str | None]]:
    """(folder, name, relative path, problem) for every candidate record file, in a stable
    order: the file is `folder / name` (a Path made by the caller only when it needs one: a
    warm run with the record cache needs few of them, and they cost ~3 µs each).

    Symbolic links are followed only when they stay inside the records folder: a link
    that points outside is reported, never read.
    """
    real_root = root.resolve()
    stack = [(root, "")]
    while stack:
        folder, folder_rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=_NAME)
        except FileNotFoundError:
            continue
        except OSError as err:
            yield folder, "", folder_rel or ".", f"cannot read the folder: {err.strerror or err}"
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "_")) or name in IGNORED_NAMES:
                continue
            rel = f"{folder_rel}/{name}" if folder_rel else name
            try:
                is_link = entry.is_symlink()
                if is_link:
                    try:
                        target = (folder / name).resolve(strict=True)
                    except (OSError, RuntimeError) as err:  # Python 3.11 raises RuntimeError on a loop
                        if name.endswith(RECORD_SUFFIXES) or "." not in name:
                            broken = "does not exist" if isinstance(err, FileNotFoundError) else "loops back on itself"
                            yield folder, name, rel, f"a symbolic link to something that {broken}; not read"
                        continue
                    if not target.is_relative_to(real_root):
                        if name.endswith(RECORD_SUFFIXES) or target.is_dir():
                            yield folder, name, rel, "a symbolic link that points outside the records folder; not read"
                        continue
                if entry.is_dir(follow_symlinks=not is_link):
                    subfolders.append((folder / name, rel))  # not Path(entry.path): half the cost
                elif name.endswith(RECORD_SUFFIXES):
                    if entry.is_file():
                        yield folder, name, rel, None
                    elif not is_link:  # reading a FIFO would wait forever
                        yield folder, name, rel, "not a regular file (a pipe, socket or device); not read"
            except OSError as err:
                yield folder, name, rel, f"cannot read: {err.strerror or err}"
        stack.extend(reversed(subfolders))


_KNOWN_KINDS = frozenset(KINDS)


def _identify(doc: Document, rel: str) -> tuple[Record | None, list[Diagnostic]]:
    data = doc.data
    kind = data.get("kind")
    if kind is None:
        return None, [
            Diagnostic(
                doc.display,
                *doc.at(()),
                "schema/missing-kind",
                "the record does not say what it is: add 'kind:'",
                hint=f"one of {', '.join(KINDS)}",
            )
        ]
    if not (kind in _KNOWN_KINDS if kind.__class__ is str else kind in KINDS):  # `kind: []` is not hashable
        return None, [
            Diagnostic(
                doc.display,
                *doc.at(("kind",)),
                "schema/unknown-kind",
                f"unknown kind {kind!r}{did_you_mean(kind, KINDS)}",
                hint=f"one of {', '.join(KINDS)}",
            )
        ]
    parts = rel.split("/")
    owner = None
    problems: list[Diagnostic] = []
    if kind == "person":
        rid = data.get("handle")
        if len(parts) == 3 and parts[0] == "people" and parts[2] in ("person.yaml", "person.yml"):
            owner = parts[1]
            if rid != owner and isinstance(rid, str):
                problems.append(
                    Diagnostic(
                        doc.display,
                        *doc.at(("handle",)),
                        "id/mismatch",
                        f"handle {rid!r} does not match its folder 'people/{owner}/'",
                    )
                )
        else:
            problems.append(
                Diagnostic(doc.display, 1, 1, "id/location", "a person lives in people/<handle>/person.yaml")
            )
    elif len(parts) >= 3 and parts[0] == "people" and kind in PERSON_KINDS:
        owner = sys.intern(parts[1])  # one string for all of a person's records, not one each
        stem = parts[-1].rsplit(".", 1)[0]
        rid = f"{owner}/{stem}"
        if "id" in data:
            problems.append(
                Diagnostic(
                    doc.display,
                    *doc.at(("id",), True),
                    "id/from-path",
                    f"records in a person's folder take their id from the path ({rid}); remove 'id'",
                )
            )
    elif kind in ("evidence", "review", "packet", "ratings-preview"):
        rid = rel.rsplit(".", 1)[0]
        problems.append(
            Diagnostic(
                doc.display,
                1,
                1,
                "id/location",
                f"{kind} records live in people/<handle>/, where their id comes from the path",
            )
        )
    else:
        rid = data.get("id")
        if rid is None:
            problems.append(Diagnostic(doc.display, *doc.at(()), "schema/required", "missing required field 'id'"))
    if not isinstance(rid, str):
        rid = rel.rsplit(".", 1)[0]
    return Record(doc, rel, kind, rid, owner), problems


def identify(doc: Document, rel: str) -> Record | None:
    """The record a parsed document is at `rel` (its kind, id and owner), or None when it is
    not one; for a file's text from elsewhere (a past version of it, from git)."""
    if not isinstance(doc.data, dict):
        return None
    return _identify(doc, rel)[0]


def guess_ids(rel: str, data: object = None) -> set[str]:
    parts = rel.rsplit(".", 1)[0].split("/")
    guesses = {parts[-1]}
    if parts[0] == "people" and len(parts) >= 2:
        guesses.add(parts[1] if len(parts) == 3 and parts[2] == "person" else f"{parts[1]}/{parts[-1]}")
    if isinstance(data, dict):
        guesses.update(v for k in ("id", "handle") if isinstance(v := data.get(k), str))
    return guesses


PARALLEL_MIN_FILES = 2000
"""From this many files on, parsing is spread over the CPU cores (a forked worker costs
~40 ms to start and its results must be sent back, so a small folder is parsed in-process)."""


Found = tuple[cache.Signature, bytes] | None
"""A file's signature and content hash (cache.fingerprint), when the cache wants them."""


def _parse(path: str, display: str, fast: bool, hashing: bool) -> tuple[Document, bool, Found]:
    file = Path(path)
    read = read_file(file, display)
    if isinstance(read, tuple):
        info, raw = read
        # What cache.fingerprint gives for this content, from the bytes parsed: read once, and
        # the cache keeps the hash of what its entry holds, even when the file changes meanwhile.
        found = (cache.signature(info), hashlib.blake2b(raw, digest_size=16).digest()) if hashing else None
        doc = load_bytes(raw, file, display)
    else:
        found, doc = None, read  # not a file that can be read (and cached)
    data = doc.data
    kind = data.get("kind") if data is not None else None
    ok = fast and isinstance(kind, str) and schemas.fast_valid(kind, data)  # 'kind: []' is a record too
    return lean(doc, path, found[0] if found is not None else None), ok, found


Parsed = tuple[bool, Any, int, Any, int, list[Diagnostic], bool, Found]
"""A worker's result for one file: (lean, data or YAML text, line_offset, whether there is a
body or the body, body_line, diagnostics, schema_ok, Found). Lean: the file parsed, and the
parent makes a LeanDocument of its data (no text, and only whether there is a body); else
the parent makes a Document of its text (a file that did not parse has no data)."""


def _parse_chunk(chunk: list[tuple[str, str]], fast: bool, hashing: bool) -> list[Parsed]:
    """A worker's share: what the parent makes each file's Document of (it knows the paths).

    Sent back by pickle, which does not keep which strings the parser interned: the parent
    holds one copy of a repeated value per share, not one in all (see `_share`). Marshal would
    keep them interned, but then every run that reads the record cache interns them all again
    (a third slower to read at 100,000 records)."""
    gc.disable()  # a parse allocates many objects and frees none: collecting finds nothing
    out: list[Parsed] = []
    for path, display in chunk:
        doc, ok, found = _parse(path, display, fast, hashing)
        if isinstance(doc, LeanDocument):
            has_body = doc._body is not None
            out.append((True, doc.data, doc.line_offset, has_body, doc.body_line, doc.diagnostics, ok, found))
        else:
            out.append((False, doc.yaml_text, doc.line_offset, doc.body, doc.body_line, doc.diagnostics, ok, found))
    return out


CHUNK_FILES = 1000
"""Files a worker parses and sends back at a time: small shares keep each worker's memory
and each message small, and the parent only unpickles compact results (it parses nothing
itself, so the parse's short-lived objects never fragment its heap)."""

SHARED_MAX = 200_000
"""Most values `_share` remembers: past that it starts again (a value repeated across shares
is then held twice, not once), so that its dict, at the top of the parent's memory when the
last share comes in, stays small (most of the short values it sees, commit ids, addresses,
times, are unique)."""


def _share(value: object, shared: dict[str, str], depth: int = 0) -> None:
    """One copy of each short word-like value (as perfdocs.records.parse holds them) across
    every worker's share: unpickled, each share has its own, and the record cache, written from
    these objects, would keep every copy (tens of MB at 100,000 records). A plain dict, not
    sys.intern: the cache would then intern them all again on every warm read.

    Each list is replaced by a copy of its size: unpickling one extends it, which leaves room
    for more items (a list of two takes 120 bytes, its copy 72)."""
    if depth > 64:  # the parser refuses deeper data
        return
    if type(value) is dict:
        for key, item in value.items():
            if type(item) is str:
                if len(item) <= 64 and " " not in item:
                    value[key] = shared.setdefault(item, item)
            elif type(item) is list:
                value[key] = item = item[:]
                _share(item, shared, depth + 1)
            elif item is not None:
                _share(item, shared, depth + 1)
    elif type(value) is list:
        for i, item in enumerate(value):
            if type(item) is str:
                if len(item) <= 64 and " " not in item:
                    value[i] = shared.setdefault(item, item)
            elif type(item) is list:
                value[i] = item = item[:]
                _share(item, shared, depth + 1)
            elif item is not None:
                _share(item, shared, depth + 1)


def _can_fork() -> bool:
    import multiprocessing  # here: a small folder (a pre-commit run) never pays for its import

    return "fork" in multiprocessing.get_all_start_methods()


def _parse_all(
    files: list[tuple[str, str]], fast: bool, workers: int | None, hashing: bool = False
) -> Iterator[tuple[Document, bool, Found]]:
    """(Document, schema_ok, Found) of each (path as a string, display), in order: parsed
    here for a small folder, by forked workers for a large one. A loaded record's Document
    keeps its path as the string (see model.LeanDocument)."""
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if workers < 2 or len(files) < PARALLEL_MIN_FILES or threading.active_count() > 1 or not _can_fork():
        # never fork a threaded process (perfdocs serve)
        for path, display in files:
            yield _parse(path, display, fast, hashing)
        return
    if fast:
        schemas._fast_validators()  # compiled once, inherited by the workers
    chunks = [files[i : i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES)]
    work = functools.partial(_parse_chunk, fast=fast, hashing=hashing)
    import multiprocessing

    shared: dict[str, str] = {}
    unread = LeanDocument.UNREAD
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for chunk, results in zip(chunks, pool.imap(work, chunks)):
            if len(shared) > SHARED_MAX:
                shared.clear()
            for (path, display), (parsed, value, offset, body, body_line, problems, ok, found) in zip(chunk, results):
                doc: Document
                if parsed:
                    _share(value, shared)
                    body = unread if body else None
                    sig = found[0] if found is not None else None
                    doc = LeanDocument.of(path, display, value, offset, body, body_line, problems, sig)
                else:
                    doc = Document(Path(path), display, None, value, offset, body, body_line, problems)
                yield doc, ok, found


def displayer(base: Path) -> Callable[[str], str]:
    """display_path(base / rel) as a function of rel, without a path computation per file
    when the folder is below the working folder (rel is plain names joined by '/')."""
    prefix = display_path(base)
    if prefix == ".":
        return lambda rel: rel
    if os.path.isabs(prefix) or prefix.startswith(".."):
        # Outside the working folder every file shows as str(base / rel), unless the working
        # folder is inside `base` (then some files are below it): keep the exact computation.
        cwd, full = os.getcwd(), os.path.abspath(base)
        if prefix != str(base) or prefix.endswith("/") or cwd == full or cwd.startswith(full + "/"):
            return lambda rel: display_path(base / rel)
    return lambda rel: f"{prefix}/{rel}"


def _path(path: str, display: str) -> str:
    """A file's path as a string: its display string when that is the same text (a folder
    shown by its absolute path), so that one string serves both while the files are read
    (and after: see model.LeanDocument.of), not two for each of 100,000 files."""
    return display if path == display else path


def _parsed(
    root: Path,
    displays: list[str],
    rels: list[str],
    fast: bool,
    workers: int | None,
    store: cache.RecordCache | None | bool = True,
) -> list[tuple[Document, bool]]:
    """(Document, schema_ok) of every file (relative path, display), in order: from the cache
    where the content is unchanged (see perfdocs.records.cache), parsed otherwise. Given a
    `store` (some files of a folder), the cache forgets nothing and is not saved: the caller
    does both."""
    given = isinstance(store, cache.RecordCache)
    if isinstance(store, cache.RecordCache):
        cached: cache.RecordCache | None = store
    else:
        cached = cache.RecordCache(root) if store and fast and cache.wanted(len(displays)) else None
    base = f"{root}/"  # each file's path as a string: `root / rel`, as walk made it
    if cached is None:
        files = [(_path(base + rel, display), display) for rel, display in zip(rels, displays)]
        return [(doc, ok) for doc, ok, _ in _parse_all(files, fast, workers)]
    # The string serves the stat and, kept by the Document, makes its Path if one is asked for
    # (cheaper to hold than a Path, or a function making one from the folder and the name).
    out: list[Any] = [
        cached.lookup(rel, where, display, where)
        for rel, display in zip(rels, displays)
        for where in [_path(base + rel, display)]
    ]
    missing = [i for i, hit in enumerate(out) if hit is None]
    files = [(_path(base + rels[i], displays[i]), displays[i]) for i in missing]
    parsed = _parse_all(files, fast, workers, hashing=True)
    for i, (doc, ok, found) in zip(missing, parsed):
        out[i] = (doc, ok)
        if found is not None:
            cached.store(rels[i], found[0], found[1], doc, ok)
    if not given:
        cached.forget_missing(set(rels))
        cached.save()
    return out


def load_records(
    root: Path,
    display_root: Path | None = None,
    fast: bool = True,
    workers: int | None = None,
    source: str | None = None,
) -> LoadResult:
    """Parse every record under `root`. Bad files become Diagnostics, never exceptions.

    With `fast`, each record is also checked by the compiled schema validator
    (`Record.schema_ok`); large folders are parsed by `workers` processes (default: one
    per core). `source` names the records source `root` is (perfdocs.records.sources), kept
    on each record."""
    with collector.paused() as pause:
        result = _load_records(root, display_root, fast, workers)
        if source is not None:
            for record in result.records:
                record.source = source
        # Millions of long-lived objects: frozen, or every full collection during the rules
        # (and the site build) walks them all again, seconds at 100,000 records.
        pause.keep = result.files >= PARALLEL_MIN_FILES
    return result


def _load_records(root: Path, display_root: Path | None, fast: bool, workers: int | None) -> LoadResult:
    if not root.exists():
        raise PerfdocsError(f"records folder {display_path(root)} does not exist")
    if not root.is_dir():
        raise PerfdocsError(f"{display_path(root)} is not a folder")
    if not os.access(root, os.R_OK | os.X_OK):
        raise PerfdocsError(f"records folder {display_path(root)} cannot be read (permission denied)")
    base = display_root if display_root is not None else root
    shown = displayer(base)
    result = LoadResult(root)
    displays: list[str] = []
    rels: list[str] = []
    for _, _, rel, problem in walk(root):
        display = shown(rel)
        if problem:
            result.diagnostics.append(Diagnostic(display, 1, 1, "file/unreadable", problem))
            continue
        displays.append(display)
        rels.append(rel)
    result.files = len(displays)
    _identified(result, rels, _parsed(root, displays, rels, fast, workers), _place(root, base))
    return result


def load_some(root: Path, rels: list[str], store: cache.RecordCache | None) -> LoadResult:
    """The records of some files of a folder (relative paths), from `store` where their content
    is unchanged, parsed here otherwise (every one, without a `store`): for a quick `validate`,
    which knows what changed (perfdocs.records.listing) and loads the few files it re-checks."""
    shown = displayer(root)
    result = LoadResult(root)
    displays = [shown(rel) for rel in rels]
    result.files = len(displays)
    parsed = _parsed(root, displays, rels, True, None, store or False)  # over every core when many
    _identified(result, rels, parsed, _place(root, root))
    return result


def _place(root: Path, base: Path) -> Place:
    """The Place of the files under `root` shown as under `base` (see LeanDocument.placed,
    which keeps it only for the files whose path and display are its prefixes and their `rel`)."""
    prefix = display_path(base)
    return Place(f"{root}/", "" if prefix == "." else f"{prefix}/")


def _identified(
    result: LoadResult, rels: list[str], parsed: list[tuple[Document, bool]], place: Place | None = None
) -> None:
    """Each parsed file's record (or why it is none) into `result`; a LeanDocument in `place`
    keeps its Record's `rel` for its path and display (LeanDocument.placed)."""
    for rel, (doc, ok) in zip(rels, parsed):
        result.diagnostics.extend(doc.diagnostics)
        if doc.data is None:
            result.unloaded |= guess_ids(rel)
            continue
        record, problems = _identify(doc, rel)
        result.diagnostics.extend(problems)
        if record is not None:
            if place is not None and doc.__class__ is LeanDocument:
                doc.placed(place, rel)
            record.schema_ok = ok
            result.records.append(record)
        else:
            result.unloaded |= guess_ids(rel, doc.data)


def from_texts(root: Path, texts: dict[str, str]) -> list[Record]:
    """The records that `texts` (path relative to `root` -> text) would be once written:
    what `perfdocs init` works out its CODEOWNERS from before it writes any file."""
    found = []
    for rel, text in sorted(texts.items()):
        parts = rel.split("/")
        if not rel.endswith(RECORD_SUFFIXES) or parts[-1] in IGNORED_NAMES or any(p[:1] in "._" for p in parts):
            continue
        doc = load_text(text, root / rel)
        if doc.data is not None:
            record, _ = _identify(doc, rel)
            if record is not None:
                found.append(record)
    return found
