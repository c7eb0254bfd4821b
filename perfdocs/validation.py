"""Validation: the one pipeline every command reads records through.

The stages, in order:
1. load: files -> records (perfdocs.records.load: file/* and yaml/* diagnostics).
2. organisation: records indexed by kind and id (id/duplicate).
3. schemas: each record against its kind's schema (schema/*, policy/compensation for fields).
4. rules: every rule family on the organisation (perfdocs.rules.run: references, rubric,
   dates, policy, governance, readiness and scoring settings, CODEOWNERS, ...).
5. links (only when asked): evidence links against the clones that are present.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from perfdocs import rules
from perfdocs.diagnostics import ERROR, Diagnostic, count, display_path, sort_key
from perfdocs.errors import InvalidRecords, PerfdocsError
from perfdocs.records import organisation, schemas
from perfdocs.records.load import Record, find_root, load_records
from perfdocs.records.organisation import Organisation
from perfdocs.rules.codeowners import CodeownersFile, locate, prefix
from perfdocs.rules.policy import compensation_fields, normalise
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


def validate(root: Path, only: Iterable[StrPath] | None = None, links: bool = False, fast: bool = True) -> Report:
    """Every problem in the records under `root`; with `only`, just those in these paths
    (cross-references are still resolved against the whole folder). With `links`, evidence
    links are checked too, against the repositories whose clones are present. `fast=False`
    sends every record through jsonschema and parses in one process (the reference path
    the fast one is tested against)."""
    loaded = load_records(root, fast=fast, workers=None if fast else 1)
    org, found = _diagnose(root, loaded.records, loaded.unloaded)
    diagnostics = list(loaded.diagnostics) + found
    notes = _check_links(org, root, diagnostics) if links and org.org is not None else []
    if only is not None:
        selected = [Path(p).resolve() for p in only]
        diagnostics = [d for d in diagnostics if _selected(d, selected)]
    diagnostics = sorted(set(diagnostics), key=sort_key)
    return Report(root, org, diagnostics, loaded.files, notes)


def _diagnose(root: Path, records: list[Record], unloaded: Iterable[str]) -> tuple[Organisation, list[Diagnostic]]:
    """The organisation of `records` and its diagnostics: ids, schemas, then every rule."""
    org, diagnostics = organisation.build(records, unloaded)
    comp = compensation_fields(org)
    for record in records:
        diagnostics.extend(schema_diagnostics(record, comp))
    diagnostics.extend(rules.run(org, rules.Inputs(root, _codeowners(org))))
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
            f"{len(report.resolutions)} evidence links verified against git "
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
        org, found = _diagnose(report.root, records, gone)
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
    return parts in (("org.yaml",), ("org.yml",)) or (len(parts) > 1 and parts[0] in ("tracks", "matrices"))


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
    "InvalidRecords",
    "Report",
    "load_org",
    "load_valid",
    "refuse_errors",
    "resolve_root",
    "skip_invalid",
    "validate",
]
