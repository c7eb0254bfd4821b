"""Records sources: further records folders, named in org.yaml `sources`, loaded with the
records folder that holds org.yaml into one organisation.

`visibility` decides what a site or an export shows; it cannot stop anyone who can clone
a repository from reading every file in it. Records that only some people may read
(reviews and packets, say) therefore live in a source only those people can clone: one
private repository per team, or one for all people's folders. perfdocs loads every
source that is present on this machine (its folder, from `path` or an environment
variable, exists), resolves references across all of them, and says which sources are
absent: a reference it cannot resolve, to a kind an absent source may hold, is a warning
(`ref/absent-source`), not an error, since the record may well be there.

A source has the layout of a records folder (`people/<handle>/...`, `teams/...`) without
org.yaml; each record keeps the source it came from (`Record.source`) and is shown at
its own path, so a diagnostic points at the file in the clone the user has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from perfdocs.diagnostics import WARNING, Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import inside
from perfdocs.records.load import LoadResult, load_records
from perfdocs.records.model import Record


@dataclass(frozen=True)
class Source:
    """One entry of org.yaml `sources`, and whether it is present here."""

    name: str
    folder: Path | None
    """Its records folder on this machine (None: neither `path` nor the variable give one)."""
    how: str
    """What gave the folder, for messages: 'org.yaml' or '$PERFDOCS_SOURCE_<NAME>'."""
    env_var: str
    kinds: tuple[str, ...] = ()
    """The kinds of record it holds; empty for any kind but org."""
    present: bool = False

    def holds(self, kind: str) -> bool:
        return kind != "org" and (not self.kinds or kind in self.kinds)

    @property
    def absent_because(self) -> str:
        if self.folder is None:
            return f"org.yaml gives it no 'path' and ${self.env_var} is not set"
        return f"there is no folder {display_path(self.folder)} ({self.how})"


def load(
    root: Path, main: LoadResult, wanted: Iterable[Source], fast: bool = True, workers: int | None = None
) -> tuple[list[Source], list[Diagnostic]]:
    """Load every present source in `wanted` into `main` (its records, diagnostics, file
    count and unloaded ids): the sources with `present` set, and what is wrong with them
    (reported at their entry in org.yaml)."""
    org = next((r for r in main.records if r.kind == "org" and r.rel in ("org.yaml", "org.yml")), None)
    taken = [root.resolve()]
    found: list[Source] = []
    problems: list[Diagnostic] = []

    def at(source: Source, rule: str, message: str, severity: str = "error") -> None:
        if org is not None:
            problems.append(org.diag(rule, message, ("sources", source.name), key=True, severity=severity))

    for source in wanted:
        folder = source.folder
        if folder is None or not folder.is_dir():
            at(
                source,
                "source/absent",
                f"records source '{source.name}' is not present here: {source.absent_because}; "
                "its records are not checked, and references into it are warnings",
                WARNING,
            )
            found.append(source)
            continue
        real = folder.resolve()
        if any(real == t or real.is_relative_to(t) or t.is_relative_to(real) for t in taken):
            at(
                source,
                "source/overlap",
                f"records source '{source.name}' at {display_path(folder)} overlaps the records folder or "
                "another source; a source is a folder of its own, beside them",
            )
            found.append(source)
            continue
        taken.append(real)
        loaded = load_records(folder, fast=fast, workers=workers, source=source.name)
        main.diagnostics.extend(loaded.diagnostics)
        main.files += loaded.files
        main.unloaded |= loaded.unloaded
        for record in loaded.records:
            if source.holds(record.kind):
                main.records.append(record)
            else:
                problems.append(_misplaced(record, source))
                if record.kind != "org":  # one org, in the records folder: a second one is not loaded
                    main.records.append(record)
        found.append(replace(source, present=True))
    return found, problems


def _misplaced(record: Record, source: Source) -> Diagnostic:
    if record.kind == "org":
        return record.diag("source/kind", "org.yaml lives in the records folder, not in a records source", ("kind",))
    return record.diag(
        "source/kind",
        f"the records source '{source.name}' holds {', '.join(source.kinds)} records (org.yaml sources), "
        f"not a {record.kind}",
        ("kind",),
    )


def home(found: Iterable[Source], root: Path, kind: str, rel: str) -> tuple[Path, str | None]:
    """Where a new record of `kind` at `rel` (relative to a records folder) goes, and its
    source: a person's folder goes into the records source that holds its kind, else the
    records folder `root`. A source absent here is refused: written beside org.yaml, a
    private record would be readable by everyone who can clone the records folder."""
    if not rel.startswith("people/"):
        return root, None
    source = next((s for s in found if s.holds(kind)), None)
    if source is None:
        return root, None
    if not source.present or source.folder is None:
        raise PerfdocsError(
            f"{kind} records live in the records source '{source.name}', which is not present here "
            f"({source.absent_because}); clone it or set ${source.env_var} to its folder, then run again"
        )
    return source.folder, source.name


def destination(found: Iterable[Source], root: Path, kind: str, path: Path) -> tuple[Path, Path, str | None]:
    """(folder, path, source) for a new record planned at `path` under `root`: moved into the
    records source that holds its kind (see `home`)."""
    rel = path.relative_to(root.resolve()).as_posix()
    folder, source = home(found, root, kind, rel)
    return (root, path, None) if source is None else (folder, inside(folder, folder / rel), source)
