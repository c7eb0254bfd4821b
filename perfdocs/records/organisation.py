"""The organisation: every record, indexed by kind and id, with the lookups rules need."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from perfdocs.diagnostics import Diagnostic
from perfdocs.records import visibility
from perfdocs.records.ladder import UNCHANGED, Cell, cell_of
from perfdocs.records.load import Record
from perfdocs.records.sources import Source

_PLURAL = {
    "org": "orgs",
    "track": "tracks",
    "competency-matrix": "matrices",
    "competency-set": "competency_sets",
    "team": "teams",
    "person": "people",
    "goal": "goals",
    "evidence": "evidence",
    "postmortem": "postmortems",
    "review": "reviews",
    "packet": "packets",
    "ratings-preview": "previews",
    "metric": "metrics",
    "kpi": "kpis",
}


@dataclass(frozen=True)
class Origin:
    """One place a track's competency is written: `record`'s competencies[index]."""

    record: Record
    index: int
    id: str
    competency: dict[str, Any]


def _descriptors(comp: dict[str, Any]) -> dict[str, Any]:
    cells = comp.get("descriptors")
    return cells if isinstance(cells, dict) else {}


@dataclass
class Organisation:
    records: list[Record] = field(default_factory=list)
    org: Record | None = None
    orgs: dict[str, Record] = field(default_factory=dict)
    tracks: dict[str, Record] = field(default_factory=dict)
    matrices: dict[str, Record] = field(default_factory=dict)
    """Keyed by record id; use `matrix_for(track)` to find a track's matrix."""
    competency_sets: dict[str, Record] = field(default_factory=dict)
    """Shared competencies, included by matrices (`include:`); `competencies(track)` merges them."""
    teams: dict[str, Record] = field(default_factory=dict)
    people: dict[str, Record] = field(default_factory=dict)
    goals: dict[str, Record] = field(default_factory=dict)
    evidence: dict[str, Record] = field(default_factory=dict)
    postmortems: dict[str, Record] = field(default_factory=dict)
    reviews: dict[str, Record] = field(default_factory=dict)
    packets: dict[str, Record] = field(default_factory=dict)
    previews: dict[str, Record] = field(default_factory=dict)
    """Ratings previews (kind ratings-preview): calibrators' agree / question per review."""
    metrics: dict[str, Record] = field(default_factory=dict)
    kpis: dict[str, Record] = field(default_factory=dict)
    evidence_by_author: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    _matrix_by_track: dict[str, Record] = field(default_factory=dict)
    _competencies: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False, compare=False)
    """competencies(track), merged once: records do not change once the organisation is built."""
    unloaded: set[str] = field(default_factory=set)
    """Ids probably defined by files that could not be loaded (see loader.guess_ids)."""
    sources: list[Source] = field(default_factory=list)
    """org.yaml `sources`, each with whether it was present (perfdocs.records.sources)."""
    settings_cache: object = field(default=None, repr=False, compare=False)
    """Where `perfdocs.settings.of(org)` keeps org.yaml's parsed settings (the records
    layer does not know their types: settings is the layer above it)."""

    # --- lookups -------------------------------------------------------------------------
    def of_kind(self, kind: str) -> dict[str, Record]:
        found: dict[str, Record] = getattr(self, _PLURAL[kind])
        return found

    def set_index(self, kind: str, records: dict[str, Record]) -> None:
        """Replace the index of one kind (a quick `validate` gives lazy ones, see LazyRecords)."""
        setattr(self, _PLURAL[kind], records)

    def setting(self, key: str, default: Any = None) -> Any:
        return self.org.get(key, default) if self.org else default

    @property
    def dimensions(self) -> list[dict[str, Any]]:
        dims = self.setting("dimensions", [])
        return [d for d in dims if isinstance(d, dict)] if isinstance(dims, list) else []

    def matrix_for(self, track: str) -> Record | None:
        return self._matrix_by_track.get(track)

    def dimensions_for(self, track: str) -> list[dict[str, Any]]:
        """The org's dimensions and those the track's included sets and its matrix add (themes
        per job family)."""
        found = list(self.dimensions)
        matrix = self.matrix_for(track)
        for record in [*self.included_sets(track), *([matrix] if matrix else [])]:
            own = record.get("dimensions")
            found += [d for d in own if isinstance(d, dict)] if isinstance(own, list) else []
        return found

    def included_sets(self, track: str) -> list[Record]:
        """The competency sets a track's matrix includes, in its order (unknown ids skipped:
        references reports them)."""
        matrix = self.matrix_for(track)
        include = matrix.get("include") if matrix else None
        names = include if isinstance(include, list) else []
        return [self.competency_sets[n] for n in names if isinstance(n, str) and n in self.competency_sets]

    def scales(self, track: str) -> dict[str, list[str]]:
        """Proficiency scales a track's cells may use, by id: their step ids, lowest first
        (the org's, then the matrix's, which win on a shared id)."""
        found: dict[str, list[str]] = {}
        matrix = self.matrix_for(track)
        for source in (self.setting("scales"), matrix.get("scales") if matrix else None):
            for scale in source if isinstance(source, list) else ():
                if isinstance(scale, dict) and isinstance(scale.get("id"), str):
                    steps = scale.get("steps")
                    found[scale["id"]] = [
                        s["id"]
                        for s in (steps if isinstance(steps, list) else [])
                        if isinstance(s, dict) and isinstance(s.get("id"), str)
                    ]
        return found

    def levels(self, track: str) -> list[dict[str, Any]]:
        """A track's levels, lowest first (branches included, in file order)."""
        rec = self.tracks.get(track)
        levels = rec.get("levels", []) if rec else []
        return [
            lv if isinstance(lv["id"], str) else {**lv, "id": str(lv["id"])}
            for lv in levels
            # An unquoted `id: 1` is a number (a schema error at the track, once); read as text
            # here, it does not cascade into an unknown-level error in every matrix cell.
            if isinstance(lv, dict) and isinstance(lv.get("id"), (str, int)) and not isinstance(lv.get("id"), bool)
        ]

    def level(self, track: str, level_id: str) -> dict[str, Any] | None:
        return next((lv for lv in self.levels(track) if lv["id"] == level_id), None)

    def level_below(self, track: str, level_id: str) -> str | None:
        """The level a level follows: its `follows`, else the previous one in the list."""
        levels = self.levels(track)
        for i, lv in enumerate(levels):
            if lv["id"] == level_id:
                follows = lv.get("follows")
                if isinstance(follows, str):
                    return follows
                below: str | None = levels[i - 1]["id"] if i > 0 else None
                return below
        return None

    def is_above(self, track: str, upper: str, lower: str) -> bool:
        """Is `upper` reached from `lower` by promotions (following `follows` down)?"""
        below, seen = self.level_below(track, upper), {upper}
        while below is not None and below != lower and below not in seen:
            seen.add(below)
            below = self.level_below(track, below)
        return below == lower

    def competencies(self, track: str) -> dict[str, dict[str, Any]]:
        """A track's competencies by id, as every consumer sees them: those of the sets its matrix
        includes (in order), then the matrix's own. An own competency with a set's id overrides
        it field by field, and its `descriptors` level by level."""
        cached = self._competencies.get(track)
        if cached is not None:
            return cached
        merged: dict[str, dict[str, Any]] = {}
        for origin in self.origins(track):
            comp = origin.competency
            before = merged.get(origin.id)
            if before is None:
                merged[origin.id] = comp
                continue
            cells = {**_descriptors(before), **_descriptors(comp)}
            merged[origin.id] = {**before, **comp, "descriptors": cells}
        self._competencies[track] = merged
        return merged

    def origins(self, track: str) -> list[Origin]:
        """Where each of a track's competencies is written: in an included set, in the matrix,
        or both (the set first, then the matrix's override)."""
        matrix = self.matrix_for(track)
        found: list[Origin] = []
        for record in [*self.included_sets(track), *([matrix] if matrix else [])]:
            comps = record.get("competencies")
            for i, comp in enumerate(comps if isinstance(comps, list) else []):
                if isinstance(comp, dict) and isinstance(comp.get("id"), str):
                    found.append(Origin(record, i, comp["id"], comp))
        return found

    def competency_set_of(self, track: str, competency: str) -> Record | None:
        """The included set a track's competency comes from (the site says so), or None."""
        return next(
            (o.record for o in self.origins(track) if o.id == competency and o.record.kind != "competency-matrix"), None
        )

    def cell(self, track: str, competency: str, level_id: str) -> Cell | None:
        """The cell in force at a level, following `unchanged` down the ladder: a described or a
        `not_expected` cell, or None when the matrix says nothing usable there."""
        comp = self.competencies(track).get(competency)
        seen: set[str] = set()
        at: str | None = level_id
        while comp and at and at not in seen:
            seen.add(at)
            found = cell_of((comp.get("descriptors") or {}).get(at))
            if found is None or found.state != UNCHANGED:
                return found
            at = self.level_below(track, at)
        return None

    def descriptor(self, track: str, competency: str, level_id: str) -> str | None:
        """The descriptor in force at a level as Markdown text, or None when nothing is expected
        there (no cell, or `not_expected`)."""
        found = self.cell(track, competency, level_id)
        return found.markdown() if found is not None and found.expects else None

    def person_track(self, handle: str) -> str | None:
        person = self.people.get(handle)
        track = person.get("track") if person else None
        return track if isinstance(track, str) else None

    def absent_source(self, kind: str) -> Source | None:
        """The first absent records source that may hold records of `kind`: a reference of
        that kind that does not resolve may be to one of its records."""
        return next((s for s in self.sources if not s.present and s.holds(kind)), None)

    def visible(self, audience: str) -> list[Record]:
        return [r for r in self.records if visibility.visible(r.visibility, audience)]


def build(records: Iterable[Record], unloaded: Iterable[str] = ()) -> tuple[Organisation, list[Diagnostic]]:
    """Index the records; a second record with an id already taken is reported, not indexed."""
    graph = Organisation(unloaded=set(unloaded))
    problems: list[Diagnostic] = []
    # Once per record (100,000 times at scale): the index of each kind looked up once, not per record.
    indexes = {kind: graph.of_kind(kind) for kind in _PLURAL}
    graph.records = list(records)
    for record in graph.records:
        index = indexes[record.kind]
        first = index.get(record.id)
        if first is not None:
            problems.append(
                record.diag(
                    "id/duplicate",
                    f"{record.kind} id '{record.id}' is already used by {first.display}",
                    ("handle",) if record.kind == "person" else ("id",),
                )
            )
            continue
        index[record.id] = record
    if graph.orgs:
        graph.org = next(iter(graph.orgs.values()))
        for extra in list(graph.orgs.values())[1:]:
            problems.append(extra.diag("id/duplicate", "a records folder holds exactly one org record"))
    for matrix in graph.matrices.values():
        track = matrix.get("track")
        if isinstance(track, str):
            if track in graph._matrix_by_track:
                problems.append(
                    matrix.diag(
                        "id/duplicate",
                        f"track '{track}' already has a competency matrix in {graph._matrix_by_track[track].display}",
                        ("track",),
                    )
                )
            else:
                graph._matrix_by_track[track] = matrix
    by_author = graph.evidence_by_author
    for ev in graph.evidence.values():
        by_author[ev.owner or str(ev.doc.data.get("author"))].append(ev)
    for ev_list in by_author.values():
        ev_list.sort(key=_by_date)
    assign_visibility(graph.records, graph)
    return graph, problems


def assign_visibility(records: Iterable[Record], org: Organisation) -> None:
    """Each record's effective visibility (its own, or org.yaml's default for its kind)."""
    defaults = visibility.defaults(org.org.get("visibility_defaults") if org.org else None)
    levels = visibility.LEVELS
    for record in records:
        # visibility.effective, inlined for the common case (a declared level): same answer.
        declared = record.doc.data.get("visibility")
        if declared.__class__ is str and declared in levels:
            record.visibility = declared
        else:
            record.visibility = visibility.effective(record, defaults)


class Unavailable(Exception):
    """A LazyRecords record that could not be read back (its file changed or went away since
    it was listed): the quick run that asked for it gives way to a full one."""


class LazyRecords(dict[str, Record]):
    """An index of one kind whose records are loaded when first asked for. For a quick
    `validate` (perfdocs.validation), which re-checks a few evidence entries among 100,000:
    membership, `get` and `[]` load one record at most; the ids (a "did you mean") load none
    but list them all; `values()` and `items()` load every record.

    `ids` lists the ids (in the organisation's order); `has` tells whether there is one
    (without listing them all); `load` reads one."""

    def __init__(
        self,
        loaded: dict[str, Record],
        ids: Callable[[], Iterable[str]],
        has: Callable[[str], bool],
        load: Callable[[str], Record | None],
    ) -> None:
        super().__init__(loaded)
        self._list_ids = ids
        self._ids: dict[str, None] | None = None
        self._has = has
        self._load = load

    @property
    def _all(self) -> dict[str, None]:
        if self._ids is None:
            self._ids = dict.fromkeys(self._list_ids())
            self._ids.update(dict.fromkeys(dict.keys(self)))
        return self._ids

    def _fetch(self, key: str) -> Record | None:
        record = super().get(key)
        if record is None and self._has(key):
            record = self._load(key)
            if record is None:
                raise Unavailable(f"record {key} could not be read back")
            super().__setitem__(key, record)
        return record

    def get(self, key: str, default: Any = None) -> Any:
        record = self._fetch(key) if isinstance(key, str) else None
        return default if record is None else record

    def __getitem__(self, key: str) -> Record:
        record = self._fetch(key)
        if record is None:
            raise KeyError(key)
        return record

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (dict.__contains__(self, key) or self._has(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def keys(self) -> Any:
        return self._all.keys()

    def values(self) -> Any:
        return [self[key] for key in self._all]

    def items(self) -> Any:
        return [(key, self[key]) for key in self._all]


def _by_date(record: Record) -> tuple[str, str]:
    return str(record.doc.data.get("date")), record.id
