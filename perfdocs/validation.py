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
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from perfdocs import rules, settings
from perfdocs.diagnostics import ERROR, Diagnostic, count, display_path, sort_key
from perfdocs.errors import InvalidRecords, PerfdocsError
from perfdocs.people import rating_changes
from perfdocs.records import cache, organisation, schemas, snapshot, sources
from perfdocs.records.load import LoadResult, Record, find_root, identify, load_records
from perfdocs.records.organisation import Organisation
from perfdocs.records.parse import load_text
from perfdocs.records.refindex import Key, Reference, defines
from perfdocs.records.snapshot import Snapshot
from perfdocs.rules import codeowners as codeowners_rule
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
) -> Report:
    """Every problem in the records under `root`; with `only`, just those in these paths
    (cross-references are still resolved against the whole folder). With `changes`, also
    the problems they cause in other records (`caused`). With `links`, evidence
    links are checked too, against the repositories whose clones are present. `fast=False`
    sends every record through jsonschema and parses in one process (the reference path
    the fast one is tested against)."""
    workers = None if fast else 1
    started = time.time_ns()  # before any file is read: see Snapshot's racy files
    loaded = load_records(root, fast=fast, workers=workers)
    present, source_problems = sources.load(root, loaded, _sources(loaded, root), fast, workers)
    kept = Snapshot(root, started) if fast and cache.wanted(loaded.files) else None
    org, found = _diagnose(root, loaded.records, loaded.unloaded, present, kept)
    diagnostics = list(loaded.diagnostics) + source_problems + found
    diagnostics += rating_changes.diagnostics(org)  # git: only for periods with a calibration meeting
    notes = _check_links(org, root, diagnostics) if links and org.org is not None else []
    if only is not None:
        selected = [Path(p).resolve() for p in only]
        elsewhere = caused(org, root, diagnostics, changes) if changes is not None else []
        diagnostics = [d for d in diagnostics if _selected(d, selected)] + elsewhere
    diagnostics = sorted(set(diagnostics), key=sort_key)
    return Report(root, org, diagnostics, loaded.files, notes)


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
) -> tuple[Organisation, list[Diagnostic]]:
    """The organisation of `records` (from the records folder and the `present` sources) and
    its diagnostics: ids, the rules that look across records, then each record's schema and
    rules, taken from the snapshot `kept` for the records it says are unchanged (see
    perfdocs.records.snapshot), which is then saved."""
    org, diagnostics = organisation.build(records, unloaded)
    org.sources = list(present)
    diagnostics.extend(rules.whole(org, rules.Inputs(root, _codeowners(org))))
    for committed in _source_codeowners(org):  # each records source's repository routes its own folders
        diagnostics.extend(codeowners_rule.check(org, committed))
    context = rules.Context.of(org)
    stale = kept.plan(records, snapshot.context(org, context.today)) if kept is not None else None
    if kept is not None and stale is not None:
        diagnostics.extend(kept.reused(stale))
    for record in records:
        if stale is not None and id(record) not in stale:
            continue
        found = schema_diagnostics(record, context.compensation)
        names: list[Key] = []
        for item in rules.of_record(record, org, context):
            if isinstance(item, Reference):
                names.extend(item.keys())
            else:
                found.append(item)
        if kept is not None:
            kept.keep(record, found, names)
        diagnostics.extend(found)
    if kept is not None:
        kept.save()
    return org, diagnostics


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
    "refuse_errors",
    "resolve_root",
    "skip_invalid",
    "validate",
]
