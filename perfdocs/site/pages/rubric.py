"""The rubric's pages: the competency matrix of every track, a page for each level (what
changes from the level below), and the rubric's history from git."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

from perfdocs.records.ladder import NOT_EXPECTED, UNCHANGED, cell_of, normalise
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.rubric_history import Change
from perfdocs.site.view import View, anchor, level_url


def word_diff(old: str | None, new: str) -> Markup:
    """`new`, with the words that are not in `old` marked <ins>."""
    if not old:
        return Markup(escape(new))
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        words = escape(" ".join(b[j1:j2]))
        if not words:
            continue
        out.append(str(words) if op == "equal" else f"<ins>{words}</ins>")
    return Markup(" ".join(out))


# Below this similarity a rewritten cell is shown as rewritten: a word diff of a cell whose
# every sentence changed marks nearly every word and tells the reader nothing.
_WORD_DIFF_MIN_RATIO = 0.5


def cell(org: Organisation, track: str, comp: dict[str, Any], level: str) -> dict[str, Any]:
    """A competency at a level: its text in force and how it differs from the level below.

    States: first (the lowest level), new (nothing was expected below), changed, same,
    unchanged (said on purpose), not_expected, none (the matrix says nothing usable)."""
    raw = cell_of((comp.get("descriptors") or {}).get(level))
    here = org.cell(track, comp["id"], level)
    below = org.level_below(track, level)
    lower = org.cell(track, comp["id"], below) if below else None
    text = here.markdown() if here is not None and here.expects else None
    below_text = lower.markdown() if lower is not None and lower.expects else None
    if raw is not None and raw.state == UNCHANGED:
        state = "unchanged"
    elif here is not None and here.state == NOT_EXPECTED:
        state = "not_expected"
    elif text is None:
        state = "none"
    elif below is None:
        state = "first"
    elif below_text is None:
        state = "new"
    elif normalise(below_text) != normalise(text):
        state = "changed"
    else:
        state = "same"
    parts: list[dict[str, Any]] = []
    marked = None
    if state == "changed" and here is not None and lower is not None:
        mine, theirs = here.parts(), lower.parts()
        if len(mine) == 1 and len(theirs) == 1 and _similar(theirs[0], mine[0]):
            marked = word_diff(theirs[0], mine[0])
        elif len(mine) > 1:
            earlier = set(lower.units())
            parts = [{"md": p, "new": u not in earlier} for p, u in zip(mine, here.units())]
    return {
        "level": level,
        "below": below,
        "text": text,
        "below_text": below_text,
        "state": state,
        "note": (raw.note if raw is not None else None) or (here.note if here is not None else None),
        "proficiency": here.proficiency if here is not None else None,
        "marked": marked,
        "parts": parts,
    }


def _similar(old: str, new: str) -> bool:
    a, b = old.split(), new.split()
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= _WORD_DIFF_MIN_RATIO


def track_table(view: View, track: Record) -> dict[str, Any]:
    org, tid = view.org, track.id
    levels = org.levels(tid)
    matrix = view.matrix(tid)
    rows = []
    if matrix is not None:
        for comp in org.competencies(tid).values():
            rows.append(
                {
                    "id": comp["id"],
                    "name": comp.get("name", comp["id"]),
                    "anchor": anchor(tid, comp["id"]),
                    "dimension": view.dimension_name(comp.get("dimension")),
                    "summary": comp.get("summary"),
                    "cells": [cell(org, tid, comp, lv["id"]) for lv in levels],
                }
            )
    return {
        "id": tid,
        "name": track.get("name", tid),
        "description": track.get("description"),
        "levels": [{**lv, "url": level_url(tid, lv["id"])} for lv in levels],
        "rows": rows,
        "has_matrix": matrix is not None,
    }


def rubric_pages(view: View) -> Iterator[Page]:
    org = view.org
    tables = [track_table(view, t) for t in view.tracks()]
    entries = []
    for table in tables:
        entries.append(
            search.entry(
                f"rubric/index.html#{anchor('track', table['id'])}",
                f"{table['name']} competency matrix",
                "Rubric",
                table["description"],
            )
        )
        for row in table["rows"]:
            entries.append(
                search.entry(
                    f"rubric/index.html#{row['anchor']}",
                    f"{row['name']} ({table['name']})",
                    "Competency",
                    row["summary"],
                    *(c["text"] for c in row["cells"] if c["text"] and c["state"] != "unchanged"),
                    limit=2000,
                )
            )
    yield Page("rubric/index.html", "rubric.html.j2", "Rubric", "rubric", {"tracks": tables}, entries)
    for table in tables:
        tid = table["id"]
        for lv in table["levels"]:
            below_id = org.level_below(tid, lv["id"])
            below = org.level(tid, below_id) if below_id else None
            above = [
                {"id": x["id"], "title": x.get("title"), "url": level_url(tid, x["id"])}
                for x in org.levels(tid)
                if org.level_below(tid, x["id"]) == lv["id"]
            ]
            aspects = [
                {
                    "name": name,
                    "text": lv.get(name),
                    "below": below.get(name) if below else None,
                    "marked": word_diff(below.get(name) if below else None, str(lv.get(name, "")))
                    if below and below.get(name) != lv.get(name)
                    else Markup(escape(lv.get(name, ""))),
                }
                for name in ("scope", "complexity", "consistency")
                if lv.get(name)  # optional: real ladders often describe a level by its cells alone
            ]
            by_dim: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in table["rows"]:
                c = next(c for c in row["cells"] if c["level"] == lv["id"])
                by_dim[row["dimension"]].append({**row, "cell": c})
            counts: defaultdict[str, int] = defaultdict(int)
            for rows in by_dim.values():
                for r in rows:
                    counts[r["cell"]["state"]] += 1
            title = f"{lv.get('title', lv['id'])} ({lv['id']}), {table['name']}"
            yield Page(
                lv["url"],
                "level.html.j2",
                title,
                "rubric",
                {
                    "track": table,
                    "level": lv,
                    "below": below and {**below, "url": level_url(tid, below["id"])},
                    "above": above,
                    "aspects": aspects,
                    "dimensions": list(by_dim.items()),
                    "counts": dict(counts),
                },
                [
                    search.entry(
                        lv["url"],
                        title,
                        "Level",
                        lv.get("summary"),
                        *(lv.get(a) for a in ("scope", "complexity", "consistency")),
                        *(r["cell"]["text"] or "" for rows in by_dim.values() for r in rows),
                        limit=4000,
                    )
                ],
            )


def history_page(view: View, history: list[Change] | None) -> Page:
    shown_files = {}
    for t in view.tracks():
        shown_files[t.rel] = f"{t.get('name', t.id)} levels"
        matrix = view.matrix(t.id)
        if matrix is not None:
            shown_files[matrix.rel] = f"{t.get('name', t.id)} competency matrix"
    commits: list[dict[str, Any]] = []
    for c in history or []:
        if c.file not in shown_files:
            continue
        if not commits or commits[-1]["sha"] != c.sha:
            commits.append({"sha": c.sha, "date": c.date, "subject": c.subject, "author": c.author, "files": []})
        commits[-1]["files"].append({"label": shown_files[c.file], "changes": c.changes, "skipped": c.skipped})
    return Page(
        "rubric/history.html",
        "history.html.j2",
        "Rubric history",
        "history",
        {"commits": commits, "in_git": history is not None},
        [search.entry("rubric/history.html", "Rubric history", "History", *(c["subject"] for c in commits[:50]))],
    )
