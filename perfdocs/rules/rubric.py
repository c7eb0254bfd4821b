"""Rubric lint: what changes between levels must be visible in the ladder itself.

Cells are read through perfdocs.records.ladder, so Markdown, structured, `unchanged` and
`not_expected` cells are understood alike. Findings: a missing, empty or numeric-keyed cell,
a level the track lacks, `unchanged` at the bottom, a cell or a criterion repeated from the
level below, a descriptor shared by two competencies, invisible characters, links with no web
address (copied from the pages a ladder was published on), and proficiency
steps that are off their scale or go down along a path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfdocs.diagnostics import WARNING, Diagnostic
from perfdocs.records.ladder import (
    DESCRIBED,
    UNCHANGED,
    Cell,
    cell_of,
    invisible_characters,
    normalise,
    relative_links,
)
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation, Origin
from perfdocs.rules._util import KeyPath, dicts, items
from perfdocs.text import did_you_mean, plural

# A repeated criterion is only worth a warning when it says something: "Mentors." may
# legitimately open two levels' lists.
_MIN_REPEATED = 24


def check(org: Organisation) -> Iterator[Diagnostic]:
    yield from _rating_scale(org)
    seen: set[Diagnostic] = set()  # a shared set's cell is checked once per track that includes it
    for matrix in org.matrices.values():
        track = matrix.get("track")
        if not isinstance(track, str) or track not in org.tracks or org.matrix_for(track) is not matrix:
            continue
        yield from _invisible(matrix, ("description",), matrix.get("description"))
        for found in _track(org, matrix, track):
            if found not in seen:
                seen.add(found)
                yield found
    for shared in org.competency_sets.values():
        yield from _invisible(shared, ("description",), shared.get("description"))


def _track(org: Organisation, matrix: Record, track: str) -> Iterator[Diagnostic]:
    """The cells of a track's competencies, each reported where it is written: in the matrix,
    or in a competency set the matrix includes (then naming the track)."""
    level_ids = [lv["id"] for lv in org.levels(track)]
    scales = org.scales(track)
    used: dict[str, object] = {}
    places: dict[str, list[Origin]] = {}
    for origin in org.origins(track):
        places.setdefault(origin.id, []).append(origin)
        for part in ("name", "summary"):
            yield from _invisible(origin.record, ("competencies", origin.index, part), origin.competency.get(part))
        yield from _scale_ref(origin.record, origin.competency, origin.index, scales)
    for cid, comp in org.competencies(track).items():
        descriptors = comp.get("descriptors")
        written = [o.competency.get("descriptors") for o in places[cid]]
        if not isinstance(descriptors, dict) or any(d is not None and not isinstance(d, dict) for d in written):
            continue  # the schema reports cells that are not a mapping
        if written == [None] and places[cid][0].record is matrix:
            continue  # the schema reports a matrix's competency without descriptors
        home = places[cid][-1]
        of_track = f" of track {track}" if home.record is not matrix else ""
        missing = [lv for lv in level_ids if lv not in descriptors]
        if missing:
            yield home.record.diag(
                "rubric/missing-descriptor",
                f"competency '{cid}' has no descriptor for level{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}{of_track}",
                ("competencies", home.index, "descriptors")
                if "descriptors" in home.competency
                else ("competencies", home.index),
                key=True,
                hint="write what good looks like, {not_expected: true} when the level expects nothing, "
                "or {unchanged: true} with a note",
            )
        for level, value in descriptors.items():
            source = next(o for o in reversed(places[cid]) if level in (o.competency.get("descriptors") or {}))
            path = ("competencies", source.index, "descriptors", level)
            if level not in level_ids:
                yield source.record.diag(
                    "ref/unknown-level",
                    f"level '{level}' is not in track {track}{did_you_mean(level, level_ids)}",
                    path,
                    key=True,
                    hint=f"the levels of {track}: {', '.join(level_ids)}",
                )
                continue
            yield from _cell(org, source.record, matrix, track, comp, level, value, path, scales, used)


def _cell(
    org: Organisation,
    record: Record,
    matrix: Record,
    track: str,
    comp: dict[str, Any],
    level: str,
    value: Any,
    path: KeyPath,
    scales: dict[str, list[str]],
    used: dict[str, object],
) -> Iterator[Diagnostic]:
    cid = comp.get("id")
    below = org.level_below(track, level)
    for sub, text in _texts(value):
        yield from _invisible(record, path + sub, text)
        yield from _relative(record, path + sub, text)
    cell = cell_of(value)
    if isinstance(value, str) and not value.strip():
        yield record.diag(
            "rubric/empty-descriptor",
            f"the descriptor of '{cid}' at {level} is empty",
            path,
            hint="write what good looks like at this level, or {not_expected: true} when it expects nothing",
        )
        return
    if cell is None:
        return
    if cell.state == UNCHANGED and below is None:
        yield record.diag(
            "rubric/bad-unchanged",
            f"'{level}' is the lowest level: there is nothing below it to keep unchanged",
            path,
            key=True,
            hint="write what good looks like, or {not_expected: true} when this level expects nothing",
        )
    if cell.state != DESCRIBED:
        return
    yield from _proficiency(org, record, matrix, track, comp, level, cell, path, scales)
    lower = org.cell(track, str(cid), below) if below else None
    text = normalise(cell.markdown())
    if lower is not None and lower.expects and normalise(lower.markdown()) == text:
        yield record.diag(
            "rubric/no-step-up",
            f"competency '{cid}' says the same at {level} as at {below}: no visible step up",
            path,
            severity=WARNING,
            hint="if that is deliberate, write {unchanged: true, note: ...}",
        )
    elif lower is not None and lower.expects:
        earlier = set(lower.units())
        repeated = [p for p, u in zip(cell.parts(), cell.units()) if u in earlier and len(u) >= _MIN_REPEATED]
        if repeated:
            yield record.diag(
                "rubric/repeated-criterion",
                f"{plural(len(repeated), 'criterion', 'criteria')} of '{cid}' at {level} "
                f"{'repeats' if len(repeated) == 1 else 'repeat'} {below} word for word, "
                f"e.g. \u201c{_clip(repeated[0])}\u201d",
                path,
                severity=WARNING,
                hint=f"levels are cumulative: say what is new at {level}, and leave what {below} already asks to {below}",
            )
    if text and text in used and used[text] != cid:
        yield record.diag(
            "rubric/duplicate-descriptor",
            f"this descriptor of '{cid}' at {level} is the same text as one of '{used[text]}'",
            path,
            severity=WARNING,
        )
    if text:
        used.setdefault(text, cid)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "\u2026"


def _texts(value: Any) -> Iterator[tuple[KeyPath, str]]:
    """(sub-path, text) of every string a cell holds."""
    if isinstance(value, str):
        yield (), value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield (key,), item
            for j, entry in items(item):
                if isinstance(entry, str):
                    yield (key, j), entry
                elif isinstance(entry, dict):
                    for k, v in entry.items():
                        if isinstance(v, str):
                            yield (key, j, k), v


def _invisible(record: Record, path: KeyPath, text: Any) -> Iterator[Diagnostic]:
    found = invisible_characters(text) if isinstance(text, str) else []
    if found:
        offset, name = found[0]
        more = f" (and {plural(len(found) - 1, 'more')})" if len(found) > 1 else ""
        yield record.diag(
            "rubric/invisible-character",
            f"invisible character {name} at character {offset + 1} of this text{more}",
            path,
            severity=WARNING,
            hint="delete it: it changes how the text compares and displays without being seen",
        )


def _relative(record: Record, path: KeyPath, text: str) -> Iterator[Diagnostic]:
    found = relative_links(text)
    if found:
        more = f" (and {plural(len(found) - 1, 'more')})" if len(found) > 1 else ""
        yield record.diag(
            "rubric/relative-link",
            f"link to '{_clip(found[0])}' has no web address: on the rubric pages it leads nowhere{more}",
            path,
            severity=WARNING,
            hint="write the whole address (https://...), or keep the words without the link",
        )


def _scale_ref(record: Record, comp: dict[str, Any], i: int, scales: dict[str, list[str]]) -> Iterator[Diagnostic]:
    name = comp.get("scale")
    if isinstance(name, str) and name not in scales:
        yield record.diag(
            "ref/unknown-scale",
            f"unknown scale '{name}'{did_you_mean(name, scales)}",
            ("competencies", i, "scale"),
            hint=f"scales: {', '.join(scales) or 'none (define them under scales: in org.yaml or the matrix)'}",
        )


def _scale_of(matrix: Record, comp: dict[str, Any]) -> str | None:
    name = comp.get("scale", matrix.get("scale"))
    return name if isinstance(name, str) else None


def _proficiency(
    org: Organisation,
    record: Record,
    matrix: Record,
    track: str,
    comp: dict[str, Any],
    level: str,
    cell: Cell,
    path: KeyPath,
    scales: dict[str, list[str]],
) -> Iterator[Diagnostic]:
    step = cell.proficiency
    if step is None:
        return
    name = _scale_of(matrix, comp)
    steps = scales.get(name) if name else None
    if steps is None:
        if name is None:
            yield record.diag(
                "ref/unknown-scale",
                f"proficiency '{step}' is given, but '{comp.get('id')}' rates on no scale",
                path + ("proficiency",),
                hint="name the scale with `scale:` on the matrix or the competency",
            )
        return  # an unknown scale name is reported where it is written
    if step not in steps:
        yield record.diag(
            "ref/unknown-step",
            f"'{step}' is not a step of scale {name}{did_you_mean(step, steps)}",
            path + ("proficiency",),
            hint=f"the steps, lowest first: {', '.join(steps)}",
        )
        return
    below = org.level_below(track, level)
    lower = org.cell(track, str(comp.get("id")), below) if below else None
    if lower is not None and lower.proficiency in steps and steps.index(step) < steps.index(lower.proficiency):
        yield record.diag(
            "rubric/step-down",
            f"'{comp.get('id')}' goes down the {name} scale from {lower.proficiency} at {below} to {step} at {level}",
            path + ("proficiency",),
            severity=WARNING,
            hint="a promotion should never ask for less: check the step, or the level's place in the ladder",
        )


def _rating_scale(org: Organisation) -> Iterator[Diagnostic]:
    if org.org is None:
        return
    thresholds = [(i, r.get("min_completion")) for i, r in dicts(org.org.get("rating_scale"))]
    values = [v for _, v in thresholds if isinstance(v, (int, float))]
    if len(values) != len(thresholds) or not values:
        return
    for (i, v), (_, prev) in zip(thresholds[1:], thresholds):
        if v is not None and prev is not None and v >= prev:  # every value is a number (checked above)
            yield org.org.diag(
                "org/rating-scale",
                "ratings are listed from highest to lowest: this threshold "
                f"({v} %) is not below the one before it ({prev} %)",
                ("rating_scale", i, "min_completion"),
            )
    if values[-1] > 0:
        i = thresholds[-1][0]
        yield org.org.diag(
            "org/rating-scale",
            f"completions below {values[-1]} % would have no rating: the lowest rating starts at 0",
            ("rating_scale", i, "min_completion"),
        )
