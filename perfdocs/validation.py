"""Validation: the one pipeline every command reads records through.

The stages, in order:
1. load: files -> records (perfdocs.records.load: file/* and yaml/* diagnostics), from the
   records folder and every records source org.yaml names that is present (perfdocs.records.sources).
2. organisation: records indexed by kind and id (id/duplicate).
3. schemas: each record against its kind's schema (schema/*, policy/compensation for fields).
4. rules: every rule family on the organisation (perfdocs.rules: references, rubric,
   dates, policy, governance, readiness and scoring settings, CODEOWNERS, ...): those that
   look across records on the whole organisation every time, those that look at one record
   (and the keys it names) only at the records the snapshot (perfdocs.records.snapshot)
   says changed or depend on a change, for a large folder; the others' findings come from it.
5. rating changes after a calibration meeting, from the review files' git history, for the
   periods org.yaml gives a meeting day (perfdocs.people.rating_changes).
6. links (only when asked): evidence links against the clones that are present.
7. with `changes` (validate PATHS, --changed-since): the breakage the changed files cause in
   records they did not touch, found through the reverse-reference index
   (perfdocs.records.refindex) and marked `caused_by`.

The entry points: `validate` (the Report, for `perfdocs validate`), `load_valid` (the
Report of records without errors, or InvalidRecords: what `build`, `packet`, `score`,
`review`, `calibrate` and the rest work from) and `load_org` (the organisation with
all its diagnostics and nothing raised, for commands that must work on a broken
organisation: `metrics review`, `packet check` with its tolerated errors).

Readers run on what is valid: `load_valid(root, strict=False)` (and `skip_invalid`) leaves
out each record with an error, and each record that then fails without it (a packet
citing a left-out evidence entry), and names them in `Report.skipped`, so one person's broken record does not stop everyone's
`packet check`, `score` or site. The rubric and the settings (org.yaml, tracks, matrices)
are read by every record: an error there still stops everything. Writers, and readers
given --strict (CI), keep all-or-nothing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from perfdocs import collector, rules, settings
from perfdocs.diagnostics import ERROR, Diagnostic, count, display_path, sort_key
from perfdocs.errors import InvalidRecords, PerfdocsError
from perfdocs.git import worktree
from perfdocs.people import rating_changes
from perfdocs.records import cache, listing, organisation, schemas, snapshot, sources
from perfdocs.records.load import (
    PARALLEL_MIN_FILES,
    LoadResult,
    Record,
    displayer,
    find_root,
    identify,
    load_records,
    load_some,
)
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text
from perfdocs.records.refindex import Key, Reference, defines
from perfdocs.records.snapshot import Snapshot
from perfdocs.rules import codeowners as codeowners_rule
from perfdocs.rules import identity
from perfdocs.rules.codeowners import CodeownersFile, locate, prefix
from perfdocs.rules.policy import normalise
from perfdocs.text import plural

StrPath = str | os.PathLike[str]


@dataclass
class Report:
    root: Path
    org: Organisation
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    notes: list[str] = field(default_factory=list)
    """What was checked against git, and what was not and why (e.g. evidence links without
    the clones), for stderr."""
    skipped: list[str] = field(default_factory=list)
    """Files left out because they are invalid or rest on an invalid record (`skip_invalid`),
    as diagnostics show their paths: for the command to name."""
    changed: frozenset[str] | None = None
    """After a quick run (`validate(quick=True)` that started from what the last run left), the
    files (relative to the records folder) added, modified or deleted since the listing that run
    left; then `org` is partial (see `validate`). None after a full run."""
    listings: tuple[listing.Listing | None, listing.Listing] | None = None
    """The listing the run started from (None after a full run) and the one it left for the
    next run (None when it left none): for a build, which knows from them whether the last run
    was its own last build's."""

    @property
    def errors(self) -> int:
        return count(self.diagnostics)[0]

    @property
    def warnings(self) -> int:
        return count(self.diagnostics)[1]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def skipped_note(self, consequence: str = "") -> str | None:
        """What a reader left out, in one line, or None."""
        return skipped_note(self.skipped, consequence)


def skipped_note(skipped: list[str], consequence: str = "") -> str | None:
    """The records a reader left out, in one line (the first few paths), or None."""
    n = len(skipped)
    if not n:
        return None
    shown = ", ".join(skipped[:SHOW_SKIPPED]) + (f" and {n - SHOW_SKIPPED} more" if n > SHOW_SKIPPED else "")
    return (
        f"skipped {plural(n, 'invalid record')}{consequence}: {shown}: "
        "run 'perfdocs validate' (--strict stops on them instead)"
    )


SHOW_SKIPPED = 5
"""Paths named in the note of skipped records; `perfdocs validate` names them all."""


def schema_diagnostics(record: Record, comp_fields: frozenset[str]) -> list[Diagnostic]:
    if record.schema_ok:  # the compiled validator passed it: jsonschema would find nothing
        return []
    found = []
    for rule, path, at_key, message, hint in schemas.check(record.kind, record.data):
        if rule == "schema/unknown-field" and normalise(str(path[-1])) in comp_fields:
            continue  # reported once, as policy/compensation
        found.append((rule, path, at_key, message, hint))
    # 'titel' reported as unknown with "did you mean 'title'" already explains the missing 'title'.
    suggested = {
        (path[:-1], message.rsplit("'", 2)[-2])
        for rule, path, _, message, _ in found
        if rule == "schema/unknown-field" and "did you mean" in message
    }
    return [
        record.diag(rule, message, path, key=at_key, hint=hint)
        for rule, path, at_key, message, hint in found
        if not (rule == "schema/required" and (path, message.rsplit("'", 2)[-2]) in suggested)
    ]


def resolve_root(records: StrPath | None = None, paths: Iterable[StrPath] = ()) -> Path:
    """Where the records are: --records (the CLI's --example gives the bundled example
    organisation's folder here), $PERFDOCS_RECORDS, the paths given, or the working folder.
    Never the example implicitly: a CI job started in the wrong folder must fail, not go
    green checking perfdocs' own example."""
    if records is None:
        records = os.environ.get("PERFDOCS_RECORDS") or None
    if records is not None:
        root = Path(records)
        if not root.is_dir():
            raise PerfdocsError(f"records folder {display_path(root)} does not exist")
        if not (root / "org.yaml").is_file():
            raise PerfdocsError(f"{display_path(root)} is not a records folder: it has no org.yaml")
        return root
    given = [Path(p) for p in paths]
    for p in given:
        if not p.exists():
            raise PerfdocsError(f"{display_path(p)} does not exist")
    if given:
        roots = {find_root(p) for p in given}
        for p in given:  # find_root also looks in a 'records' folder beside; a path must be inside it
            if not any(p.resolve().is_relative_to(r) for r in roots):
                raise PerfdocsError(f"{display_path(p)} is not inside a records folder (no org.yaml found above it)")
        if len(roots) > 1:
            raise PerfdocsError(
                "the paths belong to different records folders: " + ", ".join(sorted(display_path(r) for r in roots))
            )
        root = roots.pop()
    else:
        try:
            root = find_root(Path.cwd())
        except PerfdocsError:
            raise PerfdocsError(no_records_message(Path.cwd())) from None
    # Show paths the way the person typed them when the root is below the working folder.
    rel = display_path(root)
    return Path(rel) if not os.path.isabs(rel) else root


def no_records_message(cwd: Path) -> str:
    """Where perfdocs looked for records, and the three ways on."""
    return (
        f"no records found: no --records, no $PERFDOCS_RECORDS, and no org.yaml in {cwd.resolve()} "
        "or a folder above it (or in a 'records' folder beside them). "
        "Start a records folder with 'perfdocs init DIR', point at one with '--records DIR', "
        "or try the bundled example organisation with '--example'"
    )


def _selected(diag: Diagnostic, only: list[Path]) -> bool:
    # The folder is resolved, not the file: a diagnostic about a symbolic link (pointing
    # outside, or looping) belongs where the link is, not where it points.
    path = Path(diag.path)
    target = Path(os.path.realpath(path.parent)) / path.name
    return any(target == p or target.is_relative_to(p) for p in only)


def _nothing() -> Mapping[Path, str]:
    return {}


@dataclass
class Changes:
    """What a change touched, for the breakage it causes elsewhere: files and folders (some
    files may be deleted), and what each changed file held before, where git knows it."""

    paths: list[Path]
    before: Callable[[], Mapping[Path, str]] = _nothing
    """Resolved path -> the file's text before the change (at HEAD, or at the merge base):
    asked only when a problem outside the changed files may be theirs (git is not run for
    a change that breaks nothing elsewhere, the common case)."""


CAUSED_RULES = ("ref/", "packet/", "team/")
"""The families whose diagnostics a change to another record can cause (the reference rules)."""


def caused(org: Organisation, root: Path, diagnostics: Iterable[Diagnostic], changes: Changes) -> list[Diagnostic]:
    """The diagnostics of records outside `changes.paths` that the changed files cause: each
    one at a reference (perfdocs.rules.references) to a key a changed file defines, defined
    before the change (a renamed competency, a deleted person), or owns the namespace of
    (a competency its matrix lacks), marked with the file whose change caused it."""
    from perfdocs.rules.references import index

    changed = [p.resolve() for p in changes.paths]
    real_root = root.resolve()
    if any(real_root.is_relative_to(c) for c in changed):
        return []  # every record changed: there is no elsewhere
    # Only problems a reference rule found outside the changed files can be caused by them:
    # without one (the common case), nothing more is done.
    diagnostics = [d for d in diagnostics if d.rule.startswith(CAUSED_RULES) and not _selected(d, changed)]
    broken = {d.path for d in diagnostics}
    if not broken:
        return []
    rels = [c.relative_to(real_root).as_posix() for c in changed if c.is_relative_to(real_root)]
    cause: dict[Key, str] = {}
    for record in org.records:
        if any(record.rel == r or record.rel.startswith(r + "/") for r in rels):
            for key in defines(record):
                cause.setdefault(key, record.display)
    for path, text in sorted(changes.before().items()):
        if not path.is_relative_to(real_root):
            continue
        rel = path.relative_to(real_root).as_posix()
        shown = display_path(path)
        old = identify(load_text(text, path, shown), rel)
        if old is not None:
            for key in defines(old):
                cause.setdefault(key, shown)
    if not cause:
        return []
    where: dict[tuple[str, int, int], str] = {}
    for ref in index(org).references_to(cause):
        if ref.record.display not in broken:
            continue  # nothing to report there (or a changed file): its positions are not worth composing
        by = next(cause[k] for k in ref.keys() if k in cause)
        where.setdefault((ref.record.display, *ref.record.doc.at(ref.path)), by)
    return [
        replace(d, caused_by=where[(d.path, d.line, d.col)]) for d in diagnostics if (d.path, d.line, d.col) in where
    ]


def validate(
    root: Path,
    only: Iterable[StrPath] | None = None,
    links: bool = False,
    fast: bool = True,
    changes: Changes | None = None,
    quick: bool = False,
) -> Report:
    """Every problem in the records under `root`; with `only`, just those in these paths
    (cross-references are still resolved against the whole folder). With `changes`, also
    the problems they cause in other records (`caused`). With `links`, evidence
    links are checked too, against the repositories whose clones are present. `fast=False`
    sends every record through jsonschema and parses in one process (the reference path
    the fast one is tested against).

    `quick` lets the run start from what the last run left (`_quick`) when only evidence
    entries changed since: the diagnostics are the same, but the Report's organisation then
    holds the other records and only the evidence entries the run read (for `perfdocs
    validate`, which prints the diagnostics; every reader of the organisation leaves it off)."""
    workers = None if fast else 1
    started = time.time_ns()  # before any file is read: see Snapshot's racy files
    if quick and fast:
        try:
            with collector.paused():  # what a quick run reads it keeps: collecting would walk it again and again
                report = _quick(root, started, links, only, changes)
        except organisation.Unavailable:
            report = None  # a record changed under the run: a full run reads everything again
        if report is not None:
            return report
    start = _listing_start(root, started) if fast else None
    loaded = load_records(root, fast=fast, workers=workers)
    present, source_problems = sources.load(root, loaded, _sources(loaded, root), fast, workers)
    kept = Snapshot(root, started) if fast and cache.wanted(loaded.files) else None
    whole: list[Diagnostic] = []
    org, found = _diagnose(root, loaded.records, loaded.unloaded, present, kept, whole, workers)
    left = None
    if kept is not None:
        ok = start is not None and not loaded.diagnostics and not source_problems and _quick_ready(org, found)
        if start is not None and ok:
            made = _listing(start, org.records)
            left = made if kept.save(made, _quick_start(root, org, whole)) else None
        else:
            kept.save()
    diagnostics = list(loaded.diagnostics) + source_problems + found
    diagnostics += rating_changes.diagnostics(org)  # git: only for periods with a calibration meeting
    notes = _check_links(org, root, diagnostics) if links and org.org is not None else []
    if only is not None:
        selected = [Path(p).resolve() for p in only]
        elsewhere = caused(org, root, diagnostics, changes) if changes is not None else []
        diagnostics = [d for d in diagnostics if _selected(d, selected)] + elsewhere
    diagnostics = sorted(set(diagnostics), key=sort_key)
    return Report(root, org, diagnostics, loaded.files, notes, listings=(None, left) if left is not None else None)


# --- quick runs -------------------------------------------------------------------------
#
# A warm `validate` of a large folder where a few evidence entries changed (the common pull
# request, and the pre-commit hook) starts from what the last run left instead of walking
# and loading every file: the listing (perfdocs.records.listing) and git's index say which
# files changed; the records of every kind but evidence are loaded (a tenth of a large
# folder, from the record cache), evidence entries only when changed or asked for; the
# rules that look across records run on that organisation, and the collisions a changed
# file could make are checked in its folder; the snapshot re-checks the changed entries and
# the records that name them, and gives the stored findings of the rest. A run that cannot
# (another kind changed, a folder appeared, the settings or the date changed, git is not
# there) is a full run, which leaves the listing for the next one.

QUICK_MAX_CHANGED = 0.05
"""The share of the files above which a changed folder is checked by a full run (which parses
over every core and reads the record cache whole); at least 200 files are always quick."""

QUICK_CHANGED = ("review", "packet", "ratings-preview")
"""Besides evidence entries, the kinds whose changed files (not added or deleted ones) a quick
run checks: no evidence entry names them, and no rule that looks across records reads them, so
the stored findings across records stand and only the records naming them are checked again."""

QUICK_EAGER = ("org", "track", "competency-matrix", "competency-set")
"""The kinds a quick run loads whole (every record is read against them); the others are
loaded when a rule asks for one."""


@dataclass
class _Start:
    """What a run lists before it reads any file: the next run's listing."""

    folders: dict[str, listing.Folder]
    tree: worktree.Worktree
    started: int


def _listing_start(root: Path, started: int) -> _Start | None:
    """The folders and git's index, taken before the walk (a change during the run shows next
    time), for a folder the record cache is used for; None otherwise."""
    if not cache.enabled():
        return None
    folders = listing.scan(root, started)
    if folders is None or not cache.wanted(listing.Listing(folders).count()):
        return None
    tree = worktree.state(root)
    if tree is None or tree.unsupported:
        return None
    return _Start(folders, tree, started)


def _evidence_folder(folder: str) -> bool:
    parts = folder.split("/")
    return len(parts) == 3 and parts[0] == "people" and parts[2] == "evidence"


def _evidence_id(rel: str) -> str:
    parts = rel.split("/")
    return f"{parts[1]}/{parts[3].rsplit('.', 1)[0]}"


def _quick_ready(org: Organisation, found: Iterable[Diagnostic]) -> bool:
    """Whether a quick run can start from this organisation: no records source, no duplicate
    or colliding ids, and evidence entries exactly in people/<handle>/evidence/ (so a changed
    evidence file defines one evidence entry, taken from its path)."""
    if org.sources or org.unloaded or settings.sources(org.org.data if org.org else {}):
        return False
    if any(d.rule in ("id/duplicate", "id/collision") for d in found):
        return False
    return all((r.kind == "evidence") == snapshot.evidence_path(r.rel) for r in org.records)


def _quick_key(root: Path, org: Organisation) -> bytes:
    """What the stored findings of the rules that look across records depend on besides the
    records: the CODEOWNERS they read (where and what it says)."""
    import hashlib

    committed = _codeowners(org)
    about = (str(committed.path.resolve()), committed.text) if committed else None
    return hashlib.blake2b(repr(about).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _quick_start(root: Path, org: Organisation, whole: list[Diagnostic]) -> tuple[object, ...]:
    """What a quick next run starts from: the key of the rules' findings across records, every
    record but the evidence entries by kind and id (in the organisation's order), those findings
    (each at its path relative to the records folder, or absolute when outside it: shown again
    as the next run names the folder, from wherever it runs)."""
    index = [(r.kind, r.id, r.rel) for r in org.records if r.kind != "evidence"]
    base = os.path.abspath(root)
    found = []
    for d in whole:
        where = os.path.abspath(d.path)
        rel = os.path.relpath(where, base)
        place = ("", rel.replace(os.sep, "/")) if not rel.startswith("..") else ("/", where)
        found.append((place, d.line, d.col, d.rule, d.message, d.severity, d.hint))
    return _quick_key(root, org), index, found


def _shown_again(root: Path, found: list[Any]) -> list[Diagnostic]:
    """The stored findings across records (`_quick_start`), at the paths this run shows."""
    display = displayer(root)
    out = []
    for (kind, where), *rest in found:
        path = display(where) if kind == "" else display_path(Path(where))
        out.append(Diagnostic(path, *rest))
    return out


def _listing(start: _Start, records: Iterable[Record], untracked: frozenset[str] | None = None) -> listing.Listing:
    """The listing a run leaves: its folders and git's index, and the stat signature of each
    file git does not vouch for (untracked, or differing from the index)."""
    made = listing.Listing(start.folders, start.tree.head, start.tree.staged)
    if untracked is None:
        tracked = start.tree.paths()
        untracked = frozenset(rel for rel in made.files() if rel not in tracked)
    made.untracked = untracked
    wanted = untracked | {rel for rel in start.tree.dirty if made.holds(rel)}
    if wanted:
        docs = {r.rel: r.doc for r in records if r.rel in wanted}
        for rel in wanted:
            doc = docs.get(rel)
            sig = cache.document_signature(doc) if doc is not None else None
            made.stat[rel] = None if sig is None or max(sig[1], sig[2]) >= start.started - cache.RACY_NS else sig
    return made


def _quick(
    root: Path, started: int, links: bool, only: Iterable[StrPath] | None, changes: Changes | None
) -> Report | None:
    """The report of a quick run (see above), or None when this run must be a full one."""
    where = snapshot.location(root) if cache.enabled() else None
    if where is None or not where.is_file():
        return None  # no snapshot yet (or caching is off): nothing is created here
    asked = worktree.start(root)  # git works while the snapshot is read and the folders stat-ed
    if asked is None:
        return None
    kept = Snapshot(root, started, where)
    before, start = kept.listing, kept.quick
    if before is None or before.head is None or not (isinstance(start, tuple) and len(start) == 3):
        asked.cancel()
        return None
    asked.compare(before.head)  # which index entries differ from the ones the last run saw
    folders = listing.folder_changes(root, before, started)
    if folders is None:
        asked.cancel()
        return None
    key, index, whole = start
    tree = asked.result()
    if tree is None or tree.unsupported or tree.head is None:
        return None
    moved = tree.moved(before.staged)
    found = listing.changes(root, before, tree.dirty, moved, started, folders)
    if found is None:
        return None
    now = listing.Listing(found.folders, tree.head, tree.staged)
    modified = {rel for rel in found.modified if now.holds(rel)}
    touched = modified | found.added | found.deleted
    kinds = {rel: (kind, rid) for kind, rid, rel in index}
    if len(touched) > max(200, QUICK_MAX_CHANGED * before.count()) or not all(
        snapshot.evidence_path(rel) or (rel in modified and kinds.get(rel, ("",))[0] in QUICK_CHANGED)
        for rel in touched
    ):
        return None
    if found.added and identity.clash(list(found.folders)):
        return None  # two folders that fold together (p00000, р00000): an added file may collide
    for folder in {rel.rpartition("/")[0] for rel in found.added}:
        if identity.folder_clash([n for n in listing.names(found.folders[folder]) if n[-1] != "/"]):
            return None  # a duplicate or colliding id: the full run reports it
    # The records every record is read against, and the changed evidence entries.
    eager = [rel for kind, _, rel in index if kind in QUICK_EAGER]
    fresh = sorted(modified | found.added)
    store = cache.RecordCache(root)
    loaded = load_some(root, eager, store)
    # The changed files are parsed, not looked up (their content is new), and not stored:
    # storing them would read and rewrite the cache's shards they fall in (a third of the
    # cache for a hundred files); a full run or a build stores them when it reads them.
    changed_files = load_some(root, fresh, None)
    loaded.records += changed_files.records
    loaded.diagnostics += changed_files.diagnostics
    loaded.unloaded |= changed_files.unloaded
    records = loaded.records
    if loaded.diagnostics or loaded.unloaded or len(records) != len(eager) + len(fresh):
        return None  # a file that does not load: the full run reports it
    if any(r.kind not in QUICK_EAGER for r in records[: len(eager)]) or any(
        r.kind != (kinds[r.rel][0] if r.rel in kinds else "evidence") for r in records[len(eager) :]
    ):
        return None  # a changed file of another kind than it was
    org, problems = organisation.build(records)
    if problems or org.org is None or settings.sources(org.org.data) or (links and settings.of(org).repositories):
        return None
    if _quick_key(root, org) != key:
        return None

    def load_many(kind: str, rels: dict[str, str], rids: list[str]) -> list[Record] | None:
        """The records `rids` of a kind, read together (one cache lookup pass, each shard read
        once); None if one is not there as listed."""
        wanted = [rels.get(rid) if kind != "evidence" else _evidence_rel(found.folders, rid) for rid in rids]
        files = [rel for rel in wanted if rel is not None]
        if len(files) != len(rids):
            return None
        got = load_some(root, files, store).records
        if len(got) != len(rids) or any(r.kind != kind or r.id != rid for r, rid in zip(got, rids)):
            return None
        organisation.assign_visibility(got, org)
        return got

    def loader(kind: str, rels: dict[str, str]) -> Callable[[str], Record | None]:
        def load(rid: str) -> Record | None:
            got = load_many(kind, rels, [rid])
            return got[0] if got else None

        return load

    by_kind: dict[str, dict[str, str]] = {}
    for kind, rid, rel in index:
        if kind not in QUICK_EAGER:
            by_kind.setdefault(kind, {})[rid] = rel

    def evidence_ids() -> list[str]:
        return [
            f"{folder.split('/')[1]}/{name.rsplit('.', 1)[0]}"
            for folder, entry in found.folders.items()
            if _evidence_folder(folder)
            for name in listing.names(entry)
        ]

    def has_evidence(rid: str) -> bool:
        return _evidence_rel(found.folders, rid) is not None

    org.set_index(
        "evidence", organisation.LazyRecords(org.evidence, evidence_ids, has_evidence, loader("evidence", {}))
    )
    for kind, rels in by_kind.items():
        lazy = organisation.LazyRecords(org.of_kind(kind), rels.keys, rels.__contains__, loader(kind, rels))
        org.set_index(kind, lazy)
    context = rules.Context.of(org)
    if snapshot.context(org, context.today) != kept.context:
        return None
    diagnostics = _shown_again(root, whole)
    changed = {("", r.rel): defines(r) for r in records[len(eager) :]}
    changed_rels = {r.rel for r in records}
    stale, reused = kept.quick_plan(changed, [("", rel) for rel in found.deleted])
    # The people whose entries are checked again, read together rather than one by one as each
    # entry's rules ask for its owner (a thousand lookups for a thousand changed entries).
    people = by_kind.get("person", {})
    owners = sorted({rel.split("/")[1] for _, rel in stale if snapshot.evidence_path(rel)} & people.keys())
    ahead = load_many("person", people, owners) if len(owners) > 1 else None
    if ahead is not None:
        dict.update(org.people, {r.id: r for r in ahead})  # what LazyRecords would load one by one
    for _, rel in sorted(stale):
        kind, rid = kinds.get(rel) or ("evidence", _evidence_id(rel))
        record = org.of_kind(kind).get(rid) if kind != "evidence" or snapshot.evidence_path(rel) else None
        if record is None or record.rel != rel:
            return None  # the snapshot names a record that is not here: start afresh
        checked, names = _check_record(record, org, context)
        kept.keep(record, checked, names)
        diagnostics.extend(checked)
        if record.rel not in changed_rels:
            org.records.append(record)  # the references it makes, for `caused`
    display = displayer(root)
    for _, rel in reused:
        diagnostics.extend(Diagnostic(display(rel), *d) for d in kept.findings(("", rel)))
    diagnostics += rating_changes.diagnostics(org)
    # A file is tracked now as it was unless it is new, or its index entry changed.
    maybe = {rel for rel in before.untracked | found.added | moved if now.holds(rel)}
    untracked = frozenset(maybe - tree.tracks(maybe))
    made = _listing(_Start(found.folders, tree, started), records[len(eager) :], untracked)
    for rel in made.stat.keys() - {r.rel for r in records[len(eager) :]}:
        made.stat[rel] = found.stats.get(rel)
    kept.save(made, start)
    store.forget(found.deleted)
    store.save()
    if only is not None:
        selected = [Path(p).resolve() for p in only]
        elsewhere = caused(org, root, diagnostics, changes) if changes is not None else []
        diagnostics = [d for d in diagnostics if _selected(d, selected)] + elsewhere
    return Report(
        root, org, sorted(set(diagnostics), key=sort_key), now.count(), [], [], frozenset(touched), (before, made)
    )


def _evidence_rel(folders: dict[str, listing.Folder], rid: str) -> str | None:
    """The file of evidence entry `rid` (<handle>/<stem>), if the listing holds one."""
    handle, _, stem = rid.partition("/")
    folder = f"people/{handle}/evidence"
    entry = folders.get(folder)
    names = listing.names(entry) if entry is not None else []
    return next((f"{folder}/{n}" for n in names if n.rsplit(".", 1)[0] == stem), None)


def _sources(loaded: LoadResult, root: Path) -> list[sources.Source]:
    """org.yaml `sources`, read from the org record before the organisation is built: they
    say where the rest of its records are."""
    org = next((r for r in loaded.records if r.kind == "org" and r.rel in ("org.yaml", "org.yml")), None)
    configs = settings.sources(org.data) if org is not None else {}
    return [config.source(root) for config in configs.values()]


def _diagnose(
    root: Path,
    records: list[Record],
    unloaded: Iterable[str],
    present: Iterable[sources.Source] = (),
    kept: Snapshot | None = None,
    whole: list[Diagnostic] | None = None,
    workers: int | None = None,
) -> tuple[Organisation, list[Diagnostic]]:
    """The organisation of `records` (from the records folder and the `present` sources) and
    its diagnostics: ids, the rules that look across records (also added to `whole`), then
    each record's schema and rules, taken from the snapshot `kept` for the records it says
    are unchanged (see perfdocs.records.snapshot), over `workers` processes for many
    (`_checked`; 1: in this one).

    Without the garbage collector, as loading does (perfdocs.records.load): checking makes
    millions of objects, and what it keeps (findings, the snapshot's entries) every collection
    would walk again, a third of the checks' time at 100,000 records; frozen after, for the
    same reason, unless a server's threads go on using the process."""
    with collector.paused() as pause:
        pause.keep = len(records) >= PARALLEL_MIN_FILES
        return _diagnosed(root, records, unloaded, present, kept, whole, workers)


def _diagnosed(
    root: Path,
    records: list[Record],
    unloaded: Iterable[str],
    present: Iterable[sources.Source],
    kept: Snapshot | None,
    whole: list[Diagnostic] | None,
    workers: int | None,
) -> tuple[Organisation, list[Diagnostic]]:
    org, diagnostics = organisation.build(records, unloaded)
    org.sources = list(present)
    across = rules.whole(org, rules.Inputs(root, _codeowners(org)))
    for committed in _source_codeowners(org):  # each records source's repository routes its own folders
        across.extend(codeowners_rule.check(org, committed))
    diagnostics.extend(across)
    if whole is not None:
        whole.extend(across)
    context = rules.Context.of(org)
    stale = kept.plan(records, snapshot.context(org, context.today)) if kept is not None else None
    if kept is not None and stale is not None:
        diagnostics.extend(kept.reused(stale))
    todo = records if stale is None else [record for record in records if id(record) in stale]
    for record, (found, keys) in zip(todo, _checked(todo, org, context, workers), strict=True):
        if kept is not None:
            kept.keep(record, found, keys=keys)
        diagnostics.extend(found)
    return org, diagnostics


CHECK_CHUNK = 500
"""Records a forked worker checks and sends back at a time (`_checked`)."""

_SHARED: tuple[list[Record], Organisation, rules.Context] | None = None
"""What the forked check workers read: inherited when they are forked, never sent to them."""


def _checked(
    todo: list[Record], org: Organisation, context: rules.Context, workers: int | None
) -> Iterator[tuple[list[Diagnostic], tuple[str, str]]]:
    """Each record's findings and the snapshot's keys for it (snapshot.keys_of), in order:
    checked here for a few records, shared among forked workers for many (a cold run of a
    large folder, where the checks are a third of the wall time on one core). The first share
    is checked here before forking, so that what the rules work out once (word lists, patterns,
    indexes of the organisation) is worked out once and inherited."""
    global _SHARED
    if workers is None:
        workers = _cpus()
    # Never fork a threaded process (perfdocs serve).
    parallel = workers >= 2 and len(todo) >= PARALLEL_MIN_FILES and threading.active_count() == 1
    if parallel:
        import multiprocessing  # here: a small folder never pays for its import

        parallel = "fork" in multiprocessing.get_all_start_methods()
    first = CHECK_CHUNK if parallel else len(todo)
    for record in todo[:first]:
        found, names = _check_record(record, org, context)
        yield found, snapshot.keys_of(record, names)
    if not parallel:
        return
    _SHARED = todo, org, context
    try:
        bounds = [(i, min(i + CHECK_CHUNK, len(todo))) for i in range(first, len(todo), CHECK_CHUNK)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for share in pool.imap(_check_share, bounds):
                yield from share
    finally:
        _SHARED = None


def _cpus() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _check_share(bounds: tuple[int, int]) -> list[tuple[list[Diagnostic], tuple[str, str]]]:
    """In a forked worker: `_checked` for the records todo[start:end]."""
    assert _SHARED is not None
    todo, org, context = _SHARED
    out = []
    for record in todo[bounds[0] : bounds[1]]:
        found, names = _check_record(record, org, context)
        out.append((found, snapshot.keys_of(record, names)))
    return out


def _check_record(record: Record, org: Organisation, context: rules.Context) -> tuple[list[Diagnostic], list[Key]]:
    """One record's schema and per-record rule findings, and the keys it names (for the snapshot)."""
    found = schema_diagnostics(record, context.compensation)
    names: list[Key] = []
    for item in rules.of_record(record, org, context):
        if isinstance(item, Reference):
            names.extend(item.keys())
        else:
            found.append(item)
    return found, names


def _codeowners(org: Organisation) -> CodeownersFile | None:
    """The committed CODEOWNERS of the repository around the org record's folder, for the
    codeowners/stale rule; None without an org.yaml at the top, or a readable file."""
    if org.org is None or org.org.rel not in ("org.yaml", "org.yml"):
        return None
    root = org.org.doc.path.parent
    path = locate(root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return CodeownersFile(path, text, prefix(root))


def _source_codeowners(org: Organisation) -> list[CodeownersFile]:
    """The committed CODEOWNERS of each records source present here, for codeowners/stale."""
    found = []
    for source in org.sources:
        if source.present and source.folder is not None:
            path = locate(source.folder)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            found.append(CodeownersFile(path, text, prefix(source.folder), source.name))
    return found


def _check_links(org: Organisation, root: Path, diagnostics: list[Diagnostic]) -> list[str]:
    """Link checks for `validate`: only when org.yaml configures repositories, and only
    against the clones that are present; the others are named in a note."""
    from perfdocs.links import check as links

    if not links.repositories(org):
        return []
    try:
        report = links.check(org, root, strict_clones=False)
    except PerfdocsError as err:
        return [f"evidence links not checked against git: {err}"]
    diagnostics.extend(report.diagnostics)
    notes = [
        f"evidence links into {name} not checked: {why} (run 'perfdocs links check' once it is cloned)"
        for name, why in sorted(report.skipped.items())
    ]
    if len(report.skipped) < len(report.repositories) or not report.skipped:
        notes.insert(
            0,
            f"{report.verified} evidence links verified against git "
            f"(of {report.links} links; web addresses and postmortems are not git links)",
        )
    return notes


def load_org(root: Path) -> Report:
    """The organisation with every diagnostic, nothing raised: for commands that must work
    on a broken organisation (and decide themselves, with `refuse_errors`, what stops them)."""
    return validate(root)


def load_valid(
    root: Path, strict: bool = True, needed: Callable[[Organisation], Iterable[Record | None]] | None = None
) -> Report:
    """The organisation, for commands that must not work from invalid records: raises
    InvalidRecords (every diagnostic, for the CLI to print) when there is an error. With
    `strict=False` (read-only commands without --strict), the valid records only, and the
    invalid ones named in `skipped` (see `skip_invalid`); `needed` names the records the
    command was asked about, which must not be among them."""
    report = load_org(root)
    if strict:
        return refuse_errors(report)
    wanted = [r for r in needed(report.org) if r is not None] if needed is not None else []
    return skip_invalid(report, needed=wanted)


def load_valid_quick(root: Path, strict: bool = True) -> Report:
    """`load_valid` from a quick run, when there can be one (`validate(quick=True)`): if the run
    was quick and found no error, its report as it is, with a partial organisation (its
    `changed` says so: the caller reads the files that changed and the listings, and calls
    `load_valid` when it needs the whole organisation); else `load_valid`'s report, from the
    same run when it was a full one."""
    report = validate(root, quick=True)
    if report.changed is None:
        return refuse_errors(report) if strict else skip_invalid(report)
    if report.ok:
        return report
    return load_valid(root, strict)  # the whole organisation, to refuse or leave out what is invalid


SHARED_KINDS = frozenset({"org", "track", "competency-matrix"})
"""Records every other record is read against (settings, tracks, the rubric): never
skipped, since nothing could be read correctly without them."""


def skip_invalid(
    report: Report, tolerated: Callable[[Diagnostic], bool] | None = None, needed: Iterable[Record] = ()
) -> Report:
    """The report of the valid records: each record with an error (other than `tolerated`
    ones) is left out, the organisation is checked again without it (references to it
    are not errors, as for a file that could not be loaded), and so on until what is left
    is valid: a record that fails without a left-out one (a packet whose cited evidence
    is gone) is left out too. The files left out are in `skipped`, the remaining
    diagnostics are the warnings (and tolerated errors).

    Raises InvalidRecords, as `refuse_errors` does, when an error is in org.yaml, a track
    or a matrix (SHARED_KINDS): nothing can be read right without them; nor without the
    `needed` records (what the command was asked about and reads), should one be left out."""

    def blocking(d: Diagnostic) -> bool:
        return d.severity == ERROR and not (tolerated is not None and tolerated(d))

    if not any(blocking(d) for d in report.diagnostics):
        return report
    root = report.root.resolve()
    records = list(report.org.records)
    org, diagnostics = report.org, report.diagnostics
    skipped: dict[str, None] = {}
    gone = set(report.org.unloaded)
    while True:
        bad = {_resolved(d.path): d.path for d in diagnostics if blocking(d)}
        shared = [r for r in records if r.kind in SHARED_KINDS and _resolved(r.doc.path) in bad]
        if shared or any(_shared_file(path, root) for path in bad):
            refuse_errors(report, tolerated)  # raises: the first report, with every diagnostic
        skipped.update(dict.fromkeys(bad.values()))
        left = [r for r in records if _resolved(r.doc.path) not in bad]
        if len(left) == len(records):  # the errors left are in files that are not records
            break
        # A reference to a left-out record is not an error of the record that makes it (as for
        # a file that could not be loaded): one broken person record must not take their
        # team, its KPIs and everyone's evidence naming them along. An error of another kind
        # (a packet whose cited evidence is gone fails its readiness rules) leaves it out too.
        gone |= {r.id for r in records if r not in left}
        records = left
        org, found = _diagnose(report.root, records, gone, report.org.sources)
        diagnostics = sorted(set(found), key=sort_key)
    if any(r not in records for r in needed):
        refuse_errors(report, tolerated)
    kept = [d for d in diagnostics if not blocking(d)]
    return Report(report.root, org, kept, report.files, report.notes, sorted(skipped))


def _resolved(path: StrPath) -> Path:
    # As `_selected`: the folder is resolved, not the file (a link is where it is).
    p = Path(path)
    return Path(os.path.realpath(p.parent)) / p.name


def _shared_file(path: Path, root: Path) -> bool:
    """Is this (unloadable) file where org.yaml, a track or a matrix would be?"""
    if not path.is_relative_to(root):
        return False
    parts = path.relative_to(root).parts
    return parts in (("org.yaml",), ("org.yml",)) or (
        len(parts) > 1 and parts[0] in ("tracks", "matrices", "competency-sets")
    )


def refuse_errors(report: Report, tolerated: Callable[[Diagnostic], bool] | None = None) -> Report:
    """The report, unless it has errors (other than `tolerated` ones): then InvalidRecords,
    with every diagnostic, or with `tolerated`, the errors that stop the command, then the warnings."""
    if tolerated is None:
        if report.errors:
            raise InvalidRecords(report)
        return report
    blocking = [d for d in report.diagnostics if d.severity == ERROR and not tolerated(d)]
    if blocking:
        report.diagnostics = blocking + [d for d in report.diagnostics if d.severity != ERROR]
        raise InvalidRecords(report)
    return report


__all__ = [
    "ERROR",
    "Changes",
    "InvalidRecords",
    "Report",
    "load_org",
    "load_valid",
    "load_valid_quick",
    "refuse_errors",
    "resolve_root",
    "skip_invalid",
    "validate",
]
