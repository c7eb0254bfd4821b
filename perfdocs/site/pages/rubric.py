"""The rubric's pages: the competency matrix of every track, a page for each level (what
changes from the level below), and the rubric's history from git."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

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


def cell(org: Organisation, track: str, comp: dict[str, Any], level: str) -> dict[str, Any]:
    """A competency at a level: its text in force and how it differs from the level below."""
    raw = (comp.get("descriptors") or {}).get(level)
    text = org.descriptor(track, comp["id"], level)
    below = org.level_below(track, level)
    below_text = org.descriptor(track, comp["id"], below) if below else None
    note = raw.get("note") if isinstance(raw, dict) else None
    if isinstance(raw, dict) and raw.get("unchanged"):
        state = "unchanged"
    elif text is None:
        state = "none"
    elif below is None:
        state = "first"
    elif below_text is None:
        state = "new"
    elif below_text != text:
        state = "changed"
    else:
        state = "same"
    marked = word_diff(below_text, text) if state == "changed" and text is not None else Markup(escape(text or ""))
    return {
        "level": level,
        "below": below,
        "text": text,
        "below_text": below_text,
        "state": state,
        "note": note,
        "marked": marked,
    }


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
                    *(c["text"] for c in row["cells"] if c["state"] != "unchanged"),
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
                        *(r["cell"]["text"] for rows in by_dim.values() for r in rows),
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
