"""The rubric's pages: an index of the tracks (current ones first, legacy ones after), a page
per track with its competency matrix, a page for each level (what changes from the level
below), and the rubric's history from git.

A track's levels are shown grouped by path (`path:` on a level; levels without one are shared
by every path) and aligned by grade. A level's grade is its depth along `follows`: the lowest
level is grade 1, and a level is one grade above the level it follows. So a manager level that
follows a senior level has the grade of the individual-contributor level that follows it too."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

from perfdocs.records.ladder import NOT_EXPECTED, UNCHANGED, Cell, cell_of, normalise
from perfdocs.records.load import Record
from perfdocs.records.organisation import Organisation
from perfdocs.site import search
from perfdocs.site.pages.page import Page
from perfdocs.site.rubric_history import Change
from perfdocs.site.view import View, anchor, compare_url, level_url, track_url


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
        fresh, marked = difference(here, lower)
        if fresh is not None:
            parts = [{"md": p, "new": i in fresh} for i, p in enumerate(here.parts())]
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


def difference(here: Cell, base: Cell) -> tuple[set[int] | None, Markup | None]:
    """How a described cell differs from another: the indices of its criteria that `base`
    does not have (when it has several), or a word diff (when each is one sentence and less
    than about half of it changed), or neither (a rewrite: shown whole)."""
    mine, theirs = here.parts(), base.parts()
    if len(mine) == 1 and len(theirs) == 1 and _similar(theirs[0], mine[0]):
        return None, word_diff(theirs[0], mine[0])
    if len(mine) > 1:
        return set(here.new_against(base)), None
    return None, None


def _similar(old: str, new: str) -> bool:
    a, b = old.split(), new.split()
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= _WORD_DIFF_MIN_RATIO


def grades(org: Organisation, track: str) -> dict[str, int]:
    """Each level's grade: 1 for a level that follows none, else one more than the level it follows."""
    found: dict[str, int] = {}
    for lv in org.levels(track):
        below, depth, seen = org.level_below(track, lv["id"]), 1, {lv["id"]}
        while below is not None and below not in seen:  # a `follows` loop is a rule error elsewhere
            seen.add(below)
            depth += 1
            below = org.level_below(track, below)
        found[lv["id"]] = depth
    return found


SHARED, MAIN = "All paths", "Main path"


def path_name(path: str) -> str:
    return path if path in (SHARED, MAIN) else path.replace("-", " ").replace("_", " ").capitalize()


def path_groups(org: Organisation, track: str, levels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Levels grouped by path, in the order paths first appear (file order inside a path).

    A level without `path:` is shared ("All paths") when a level of some path is above it,
    else it is on the track's main path (the one a branch leaves). A track whose levels make a
    single group is shown as written."""
    pathed = [lv["id"] for lv in levels if isinstance(lv.get("path"), str)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for lv in levels:
        if isinstance(lv.get("path"), str):
            key = lv["path"]
        elif any(org.is_above(track, p, lv["id"]) for p in pathed):
            key = SHARED
        else:
            key = MAIN
        groups.setdefault(key, []).append(lv)
    order = sorted(groups, key=lambda k: (k != SHARED, k != MAIN))  # stable: paths keep their order
    if len(groups) <= 1:
        return [{"path": None, "name": SHARED, "levels": levels}]
    return [{"path": k, "name": path_name(k), "levels": groups[k]} for k in order]


def is_legacy(track: Record) -> bool:
    return bool(track.get("status") == "legacy")


def _set_name(view: View, track: str, competency: str) -> str | None:
    """The name of the shared competency set a track's competency comes from, when the
    audience may see that set (the site says where shared wording is written)."""
    found = view.org.competency_set_of(track, competency)
    if found is None or not view.sees(found):
        return None
    return str(found.get("name") or found.id)


def track_table(view: View, track: Record) -> dict[str, Any]:
    org, tid = view.org, track.id
    grade = grades(org, tid)
    groups = path_groups(
        org, tid, [{**lv, "url": level_url(tid, lv["id"]), "grade": grade[lv["id"]]} for lv in org.levels(tid)]
    )
    levels = [lv for g in groups for lv in g["levels"]]  # columns: grouped by path
    matrix = view.matrix(tid)
    rows = []
    if matrix is not None:
        for comp in org.competencies(tid).values():
            rows.append(
                {
                    "id": comp["id"],
                    "name": comp.get("name", comp["id"]),
                    "anchor": anchor(tid, comp["id"]),
                    "dimension": view.dimension_name(comp.get("dimension"), tid),
                    "summary": comp.get("summary"),
                    "from_set": _set_name(view, tid, comp["id"]),
                    "cells": [cell(org, tid, comp, lv["id"]) for lv in levels],
                }
            )
    top = max(grade.values(), default=0)
    # The ladder at a glance: one row per path, one column per grade, so levels of equal
    # grade on different paths stand one above the other.
    ladder = [
        {**g, "by_grade": [[lv for lv in g["levels"] if lv["grade"] == n] for n in range(1, top + 1)]} for g in groups
    ]
    return {
        "id": tid,
        "name": track.get("name", tid),
        "description": track.get("description"),
        "legacy": is_legacy(track),
        "url": track_url(tid),
        "levels": levels,
        "groups": groups,
        "paths": sum(g["path"] not in (None, SHARED) for g in groups),
        "grades": list(range(1, top + 1)),
        "ladder": ladder,
        "rows": rows,
        "has_matrix": matrix is not None,
        "compare_url": compare_url(tid) if matrix is not None and len(levels) > 1 else None,
    }


def rubric_pages(view: View) -> Iterator[Page]:
    org = view.org
    # Current tracks first, then legacy ones; each in file order.
    tables = [track_table(view, t) for t in sorted(view.tracks(), key=is_legacy)]
    # Old links into the one-page rubric (rubric/index.html#<track>-<competency>) lead on to the track's page.
    moved = {row["anchor"]: f"{t['id']}/index.html#{row['anchor']}" for t in tables for row in t["rows"]}
    yield Page(
        "rubric/index.html",
        "rubric.html.j2",
        "Rubric",
        "rubric",
        {"tracks": tables, "moved": moved},
        [search.entry("rubric/index.html", "Rubric", "Rubric", *(t["name"] for t in tables))],
    )
    for table in tables:
        tid = table["id"]
        entries = [search.entry(table["url"], f"{table['name']} competency matrix", "Rubric", table["description"])]
        for row in table["rows"]:
            entries.append(
                search.entry(
                    f"{table['url']}#{row['anchor']}",
                    f"{row['name']} ({table['name']})",
                    "Competency",
                    row["summary"],
                    *(c["text"] for c in row["cells"] if c["text"] and c["state"] != "unchanged"),
                )
            )
        yield Page(table["url"], "rubric_track.html.j2", f"{table['name']} rubric", "rubric", {"track": table}, entries)
        if table["compare_url"]:
            yield compare_page(view, table)
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
                    )
                ],
            )


def compare_page(view: View, table: dict[str, Any]) -> Page:
    """Any two levels of a track, compared competency by competency, in a static page.

    The page holds every cell once (rendered by the template, as criteria) and, for every
    ordered pair of levels, only what differs: per competency a state (new, changed, same,
    not_expected, none), the indices of the criteria that are new, or a small word diff.
    At 12 levels and 15 competencies that is 132 pairs of 15 short entries; the cells, not
    the pairs, make most of the page. A few lines of script show the pair picked."""
    org, tid = view.org, table["id"]
    ids = [lv["id"] for lv in table["levels"]]
    comps = list(org.competencies(tid))
    held = {(lid, cid): org.cell(tid, cid, lid) for lid in ids for cid in comps}
    shown = {k: c if c is not None and c.expects else None for k, c in held.items()}
    pairs: dict[str, list[list[Any]]] = {}
    for a in ids:
        for b in ids:
            if a == b:
                continue
            entries: list[list[Any]] = []
            for cid in comps:
                here, base, raw = shown[(b, cid)], shown[(a, cid)], held[(b, cid)]
                fresh, marked = None, None
                if raw is not None and raw.state == NOT_EXPECTED:
                    state = "not_expected"
                elif here is None:
                    state = "none"
                elif base is None:
                    state = "new"
                elif normalise(base.markdown()) == normalise(here.markdown()):
                    state = "same"
                else:
                    state = "changed"
                    fresh, marked = difference(here, base)
                entries.append([state, sorted(fresh) if fresh is not None else None, str(marked) if marked else None])
            pairs[f"{a} {b}"] = entries
    notes = {k: c.note for k, c in held.items() if c is not None and c.note}
    cells = [
        {"level": lid, "competency": cid, "parts": c.parts() if c is not None else [], "note": notes.get((lid, cid))}
        for (lid, cid), c in shown.items()
    ]
    rows = [{"id": r["id"], "name": r["name"], "dimension": r["dimension"]} for r in table["rows"]]
    # Defaults: the first branch's first levels side by side, else the two highest levels.
    first, second = (ids[-2], ids[-1]) if len(ids) > 1 else (ids[0], ids[0])
    if len(table["groups"]) > 2:
        first, second = table["groups"][1]["levels"][0]["id"], table["groups"][2]["levels"][0]["id"]
    return Page(
        compare_url(tid),
        "compare.html.j2",
        f"Compare levels, {table['name']}",
        "rubric",
        {"track": table, "rows": rows, "cells": cells, "pairs": pairs, "first": first, "second": second},
        [search.entry(compare_url(tid), f"Compare levels, {table['name']}", "Rubric")],
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
