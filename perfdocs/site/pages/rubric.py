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
    found = versus(org, track, comp["id"], level, org.level_below(track, level))
    if raw is not None and raw.state == UNCHANGED:
        found.update(state="unchanged", parts=[], marked=None)
    if raw is not None and raw.note:
        found["note"] = raw.note
    return found


def versus(org: Organisation, track: str, competency: str, level: str, base: str | None) -> dict[str, Any]:
    """A competency at `level` against the same competency at `base` (the level below, or any
    level the reader picked): the text in force at each, a state (first when there is no base,
    new, changed, same, not_expected, none) and, when changed, the criteria that are new or a
    small word diff."""
    here = org.cell(track, competency, level)
    lower = org.cell(track, competency, base) if base else None
    text = here.markdown() if here is not None and here.expects else None
    below_text = lower.markdown() if lower is not None and lower.expects else None
    if here is not None and here.state == NOT_EXPECTED:
        state = "not_expected"
    elif text is None:
        state = "none"
    elif base is None:
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
        "below": base,
        "text": text,
        "below_text": below_text,
        "state": state,
        "note": here.note if here is not None else None,
        "proficiency": here.proficiency if here is not None else None,
        "marked": marked,
        "parts": parts,
    }


def difference(here: Cell, base: Cell) -> tuple[set[int] | None, Markup | None]:
    """How a described cell differs from another: the indices of its criteria that `base`
    does not have (when it has several, and keeps some of `base`'s), or a word diff (when each
    is one sentence and less than about half of it changed), or neither (a rewrite: shown whole).
    A manager level whose every criterion differs from the senior level it follows is a rewrite:
    marking each of its criteria new would tell the reader nothing."""
    mine, theirs = here.parts(), base.parts()
    if len(mine) == 1 and len(theirs) == 1 and _similar(theirs[0], mine[0]):
        return None, word_diff(theirs[0], mine[0])
    if len(mine) > 1:
        fresh = set(here.new_against(base))
        return (fresh, None) if len(fresh) < len(mine) else (None, None)
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
            yield from compare_pages(view, table)
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
            dimensions, counts = _by_dimension(
                table["rows"],
                {row["id"]: next(c for c in row["cells"] if c["level"] == lv["id"]) for row in table["rows"]},
            )
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
                    "dimensions": dimensions,
                    "counts": counts,
                },
                [
                    search.entry(
                        lv["url"],
                        title,
                        "Level",
                        lv.get("summary"),
                        *(lv.get(a) for a in ("scope", "complexity", "consistency")),
                        *(r["cell"]["text"] or "" for _, rows in dimensions for r in rows),
                    )
                ],
            )


def pair_order(table: dict[str, Any]) -> list[dict[str, Any]]:
    """A track's levels in the order comparisons read: by grade, then as the matrix shows them
    (shared levels, then each path). A pair is always compared from its earlier level."""
    position = {lv["id"]: i for i, lv in enumerate(table["levels"])}
    return sorted(table["levels"], key=lambda lv: (lv["grade"], position[lv["id"]]))


def compare_pages(view: View, table: dict[str, Any]) -> Iterator[Page]:
    """Any two levels of a track, compared competency by competency, as static pages.

    A page per pair of levels, compared from the lower grade (N*(N-1)/2 pages: 66 at 12 levels),
    and a page to pick them: without JavaScript, lists of links (each level against the one it
    follows, levels of equal grade across paths, then every pair); with it, two lists to pick
    from as well. Everything works from file://: the script only goes to a page."""
    tid = table["id"]
    order = pair_order(table)
    rank = {lv["id"]: i for i, lv in enumerate(order)}
    by_id = {lv["id"]: lv for lv in order}

    def link(a: str, b: str) -> dict[str, Any]:
        first, second = (a, b) if rank[a] < rank[b] else (b, a)
        return {"first": by_id[first], "second": by_id[second], "url": compare_url(tid, first, second)}

    org = view.org
    below = {lv["id"]: org.level_below(tid, lv["id"]) for lv in table["levels"]}
    steps = [link(low, lid) for lid, low in below.items() if low is not None and low in by_id]
    across = [
        link(a["id"], b["id"])
        for i, a in enumerate(table["levels"])
        for b in table["levels"][i + 1 :]
        if a["grade"] == b["grade"] and a.get("path") != b.get("path")
    ]
    every: list[dict[str, Any]] = [
        {"level": a, "pairs": [link(a["id"], b["id"]) for b in order[i + 1 :]]} for i, a in enumerate(order[:-1])
    ]
    # The picker's first pair: the first levels of two branches side by side, else the two highest levels.
    first, second = order[-2]["id"], order[-1]["id"]
    if len(table["groups"]) > 2:
        first, second = table["groups"][1]["levels"][0]["id"], table["groups"][2]["levels"][0]["id"]
    # The script goes to base + "<first>/<second>.html" (view.compare_url's scheme for a pair).
    picker = {"order": order, "base": compare_url(tid).removesuffix(".html") + "/"}
    # A pair page needs the track's names and levels, not every cell of the matrix.
    slim = {k: table[k] for k in ("id", "name", "url", "groups", "compare_url")}
    title = f"Compare levels, {table['name']}"
    yield Page(
        compare_url(tid),
        "compare.html.j2",
        title,
        "rubric",
        {
            "track": table,
            "picker": picker,
            "first": first,
            "second": second,
            "steps": steps,
            "across": across,
            "every": every,
        },
        [search.entry(compare_url(tid), title, "Rubric")],
    )
    for group in every:
        for pair in group["pairs"]:
            a, b = pair["first"], pair["second"]
            dimensions, counts = _by_dimension(
                table["rows"], {row["id"]: versus(org, tid, row["id"], b["id"], a["id"]) for row in table["rows"]}
            )
            yield Page(
                pair["url"],
                "compare_pair.html.j2",
                f"{a['id']} and {b['id']} compared, {table['name']}",
                "rubric",
                {
                    "track": slim,
                    "picker": picker,
                    "first": a["id"],
                    "second": b["id"],
                    "a": a,
                    "b": b,
                    "dimensions": dimensions,
                    "counts": counts,
                },
            )


def _by_dimension(
    rows: list[dict[str, Any]], cells: dict[str, dict[str, Any]]
) -> tuple[list[tuple[str, list[dict[str, Any]]]], dict[str, int]]:
    """A matrix's rows, each with its cell at one level, grouped by dimension; and how many
    cells are in each state."""
    by_dim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    counts: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        c = cells[row["id"]]
        by_dim[row["dimension"]].append({**{k: v for k, v in row.items() if k != "cells"}, "cell": c})
        counts[c["state"]] += 1
    return list(by_dim.items()), dict(counts)


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
