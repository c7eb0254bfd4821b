"""Rubric lint: what changes between levels must be visible in the ladder itself."""

from __future__ import annotations

import re
from collections.abc import Iterator

from perfdocs.diagnostics import WARNING, Diagnostic
from perfdocs.records.organisation import Organisation
from perfdocs.rules._util import dicts


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def check(org: Organisation) -> Iterator[Diagnostic]:
    yield from _rating_scale(org)
    for matrix in org.matrices.values():
        track = matrix.get("track")
        if not isinstance(track, str) or track not in org.tracks or org.matrix_for(track) is not matrix:
            continue
        level_ids = [lv["id"] for lv in org.levels(track)]
        used: dict[str, object] = {}
        for i, comp in dicts(matrix.get("competencies")):
            descriptors = comp.get("descriptors")
            if not isinstance(descriptors, dict):
                continue
            cid = comp.get("id")
            base = ("competencies", i, "descriptors")
            missing = [lv for lv in level_ids if lv not in descriptors]
            if missing:
                yield matrix.diag(
                    "rubric/missing-descriptor",
                    f"competency '{cid}' has no descriptor for level{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}",
                    base,
                    key=True,
                    hint="write what good looks like, or {unchanged: true} with a note",
                )
            for level, value in descriptors.items():
                path = base + (level,)
                if level not in level_ids:
                    yield matrix.diag("ref/unknown-level", f"level '{level}' is not in track {track}", path, key=True)
                    continue
                below = org.level_below(track, level)
                if isinstance(value, dict) and value.get("unchanged") and below is None:
                    yield matrix.diag(
                        "rubric/bad-unchanged",
                        f"'{level}' is the lowest level: there is nothing below it to keep unchanged",
                        path,
                        key=True,
                    )
                if not isinstance(value, str):
                    continue
                lower = descriptors.get(below) if below else None
                if isinstance(lower, str) and _norm(lower) == _norm(value):
                    yield matrix.diag(
                        "rubric/no-step-up",
                        f"competency '{cid}' says the same at {level} as at {below}: no visible step up",
                        path,
                        severity=WARNING,
                        hint="if that is deliberate, write {unchanged: true, note: ...}",
                    )
                key = _norm(value)
                if key in used and used[key] != cid:
                    yield matrix.diag(
                        "rubric/duplicate-descriptor",
                        f"this descriptor of '{cid}' at {level} is the same text as one of '{used[key]}'",
                        path,
                        severity=WARNING,
                    )
                used.setdefault(key, cid)


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
