"""A competency matrix as a spreadsheet grid: `perfdocs import matrix` and `export matrix`.

The grid is laid out as people keep ladders: the first row names the columns: `competency`
(its name), optional `id`, `dimension` and `summary`, then one column per level headed by the
level's id or title, in ladder order; below it, one row per competency, one Markdown cell per
level. An empty cell means nothing is expected at that level (`{not_expected: true}`).
A cell that says `unchanged`, `see E3` or `same as E3`, naming the level in force below, means
the level asks nothing more (`{unchanged: true}`, the cell's words as its note).

Import plans every file (track, matrix) before anything is written, and reports each
problem at `file:row:column` (with the cell reference, `Sheet1!C4`, for XLSX):
- the track is created when it does not exist: its levels are the level columns, in order,
  with ids slugged from the titles (branches, `follows:` and the level narrative are then
  added to the track by hand);
- a dimension the organisation and the matrix do not know (by id or name) is added to the
  matrix's own `dimensions:` and said so, since real ladders define their themes per job family;
- importing over an existing matrix (`--force`) keeps everything a grid cannot show: the
  matrix's description, scales and `include:`, a competency's scale, and every cell whose grid
  text is unchanged (a structured, `unchanged` or noted cell stays as it was written).

Export writes the same grid for a track. A cell that is not plain Markdown is written as its
text (structured cells as their Markdown; `unchanged` as the cell in force below; a
`not_expected` note is dropped) and counted as such, so export, edit and import over the same
matrix loses nothing that was not edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfdocs.diagnostics import Diagnostic, display_path
from perfdocs.errors import PerfdocsError
from perfdocs.fsutil import NAME, check_name, inside
from perfdocs.records.ladder import DESCRIBED, NOT_EXPECTED, UNCHANGED, cell_of
from perfdocs.records.organisation import Organisation
from perfdocs.records.schemas import SCHEMA_BASE
from perfdocs.repo import grid as grids
from perfdocs.repo.scaffold import slugify
from perfdocs.text import did_you_mean

FIXED = ("competency", "id", "dimension", "summary")


@dataclass
class Plan:
    """What an import would write, or why it cannot."""

    files: list[tuple[Path, str, bool]] = field(default_factory=list)
    """(path, text, whether it replaces a record perfdocs loaded)."""
    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Level:
    id: str
    title: str
    col: int


class _Problems:
    def __init__(self, grid: grids.Grid) -> None:
        self.grid = grid
        self.found: list[Diagnostic] = []

    def add(self, rule: str, row: int, col: int, message: str, hint: str | None = None) -> None:
        where = self.grid.at(row, col).reference
        self.found.append(
            Diagnostic(
                display_path(self.grid.path),
                row,
                col,
                rule,
                f"{message} ({where})" if where else message,
                hint=hint,
            )
        )


# --- YAML out ---------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # lists indented under their key, as the example records and `perfdocs new` write them
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # A multi-line cell (a list, paragraphs) as a literal block: the file reads like the cell.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


def _dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.MappingNode:
    # a small mapping of short values on one line: {id: e1, title: Engineer I}, {not_expected: true}
    short = all(isinstance(v, (bool, int)) or (isinstance(v, str) and "\n" not in v) for v in data.values())
    flow = short and len(str(data)) < 80
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _dict)


def dump(data: dict[str, Any], kind: str) -> str:
    head = f"# yaml-language-server: $schema={SCHEMA_BASE}{kind}.schema.json\n"
    return head + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# --- grid text of a cell ----------------------------------------------------------------------
def clean(text: str) -> str:
    """A cell's text as imported: outer blank lines and trailing spaces of each line dropped."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def grid_text(org: Organisation, track: str, cid: str, level: str, value: Any) -> tuple[str, bool]:
    """(the text a grid shows for a cell, whether it is all the cell holds)."""
    cell = cell_of(value)
    if isinstance(value, str):
        return clean(value), True
    if cell is None:
        return "", value is None
    if cell.state == NOT_EXPECTED:
        return "", cell.note is None
    if cell.state == UNCHANGED:
        below = org.level_below(track, level)
        held = org.cell(track, cid, below) if below else None
        return (clean(held.markdown()) if held is not None and held.expects else ""), False
    plain = cell.state == DESCRIBED and not (cell.criteria or cell.examples or cell.links or cell.proficiency)
    return clean(cell.markdown()), plain and cell.note is None


# --- export -----------------------------------------------------------------------------------
def export_rows(org: Organisation, track: str) -> tuple[list[list[str]], int]:
    """The grid of a track's matrix, and how many cells it shows only as text."""
    if track not in org.tracks:
        raise PerfdocsError(f"unknown track '{track}'{did_you_mean(track, org.tracks)}")
    levels = org.levels(track)
    titles = [str(lv.get("title") or lv["id"]) for lv in levels]
    heads = titles if len({t.casefold() for t in titles}) == len(titles) else [lv["id"] for lv in levels]
    comps = org.competencies(track)
    has_summary = any(c.get("summary") for c in comps.values())
    rows = [["competency", "id", "dimension", *(["summary"] if has_summary else []), *heads]]
    lossy = 0
    for cid, comp in comps.items():
        row = [str(comp.get("name") or cid), cid, str(comp.get("dimension") or "")]
        if has_summary:
            row.append(clean(str(comp.get("summary") or "")))
        held = comp.get("descriptors")
        descriptors: dict[str, Any] = held if isinstance(held, dict) else {}
        for lv in levels:
            text, whole = grid_text(org, track, cid, lv["id"], descriptors.get(lv["id"]))
            lossy += not whole
            row.append(text)
        rows.append(row)
    return rows, lossy


def export(org: Organisation, track: str, fmt: str) -> tuple[bytes, int]:
    rows, lossy = export_rows(org, track)
    if fmt == "csv":
        return grids.csv_text(rows).encode("utf-8"), lossy
    return grids.xlsx_bytes(rows, sheet=track), lossy


# --- import -----------------------------------------------------------------------------------
def _header(grid: grids.Grid, problems: _Problems) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """(fixed column -> index, [(index, level header)])."""
    fixed: dict[str, int] = {}
    levels: list[tuple[int, str]] = []
    header = grid.rows[0] if grid.rows else []
    width = max((len(r) for r in grid.rows), default=0)
    for i in range(width):
        name = clean(header[i]) if i < len(header) else ""
        key = name.casefold()
        if not name:
            if any(i < len(r) and r[i].strip() for r in grid.rows[1:]):
                problems.add("grid/header", 1, i + 1, "this column has cells but no heading")
            continue
        if key in FIXED:
            if key in fixed:
                problems.add("grid/header", 1, i + 1, f"a second '{key}' column")
                continue
            if levels:
                problems.add(
                    "grid/header",
                    1,
                    i + 1,
                    f"the '{key}' column comes after a level column",
                    hint="put competency, id, dimension and summary first, then one column per level",
                )
            fixed[key] = i
        else:
            levels.append((i, name))
    if "competency" not in fixed:
        problems.found.clear()  # without it the other columns cannot be told apart: say only this
        close = did_you_mean(header[0] if header else "", FIXED)
        problems.add(
            "grid/header",
            1,
            1,
            "no 'competency' column" + (f" (the first heading is '{header[0]}'{close})" if header else ""),
            hint="the first row names the columns: competency, optional id, dimension and summary, then the levels",
        )
    if not levels:
        problems.add("grid/header", 1, max(len(header), 1), "no level columns after the competency columns")
    return fixed, levels


def _track_levels(
    org: Organisation, track: str, heads: list[tuple[int, str]], problems: _Problems
) -> list[_Level] | None:
    """The level of each level column: the existing track's (by id, else title), or new ones."""
    out: list[_Level] = []
    if track in org.tracks:
        levels = org.levels(track)
        by_title = {str(lv.get("title", "")).casefold(): lv["id"] for lv in levels}
        ids = [lv["id"] for lv in levels]
        for col, head in heads:
            lid = head if head in ids else by_title.get(head.casefold())
            if lid is None:
                problems.add(
                    "grid/unknown-level",
                    1,
                    col + 1,
                    f"'{head}' is not a level of track {track}{did_you_mean(head, ids + list(by_title))}",
                    hint=f"head each level column with a level id or title: {', '.join(ids)}",
                )
                continue
            if any(level.id == lid for level in out):
                problems.add("grid/header", 1, col + 1, f"level '{lid}' has a second column")
                continue
            out.append(_Level(lid, head, col))
        missing = [lid for lid in ids if lid not in {level.id for level in out}]
        if missing and not problems.found:
            problems.add(
                "grid/header",
                1,
                max(c for c, _ in heads) + 2,
                f"track {track} has no column for level{'s' * (len(missing) > 1)} {', '.join(missing)}",
                hint="a grid holds the whole matrix: add the columns (empty cells mean not expected)",
            )
        return out
    seen: dict[str, int] = {}
    for col, head in heads:
        lid = head if NAME.fullmatch(head) and len(head) <= 40 else slugify(head, 40)
        if lid in seen:
            problems.add("grid/header", 1, col + 1, f"level '{head}' has the same id ('{lid}') as column {seen[lid]}")
            continue
        seen[lid] = col + 1
        out.append(_Level(lid, head, col))
    return out


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


_SAME = re.compile(r"(?:unchanged|(?:see|same as)\s+(?:level\s+)?(\S+?))\.?", re.IGNORECASE)


def _refers_below(
    text: str, level: _Level, levels: list[_Level], below_of: dict[str, str | None], row: dict[str, Any]
) -> bool | None:
    """Whether a cell says the level asks nothing more than the one it follows, as ladders kept in
    spreadsheets write it: `unchanged`, or `see E3` / `same as E3` naming the level below or the
    level the cells below it point back to. None: the text says no such thing; False: it names
    a level that is not the one in force below (it stays text, as written)."""
    said = _SAME.fullmatch(text)
    if said is None:
        return None
    below = below_of.get(level.id)
    names = {lv.id.casefold(): lv.id for lv in levels} | {lv.title.casefold(): lv.id for lv in levels}
    if below is None or (said[1] is not None and said[1].casefold() not in names):
        return None if said[1] is not None else False
    if said[1] is None:
        return True
    named = names[said[1].casefold()]
    at: str | None = below
    while at is not None and at != named and isinstance(row.get(at), dict) and row[at].get("unchanged"):
        at = below_of.get(at)
    return at == named


_NUMBERED = re.compile(r"(.*?)(\d+)")


def branches(ids: list[str]) -> list[tuple[str, str, str | None]]:
    """Where a header's levels look like a second path: (the level before, the first level of the
    path, the level it likely follows). Dual ladders are laid out one path after the other,
    `IC1 ... IC7, M3 ... M7`: where the prefix changes and the number starts again lower, the new
    path likely follows the level one number below it on the path before (M3 after IC2)."""
    found: list[tuple[str, str, str | None]] = []
    for i in range(1, len(ids)):
        before, here = _NUMBERED.fullmatch(ids[i - 1]), _NUMBERED.fullmatch(ids[i])
        if before is None or here is None or before[1].casefold() == here[1].casefold():
            continue
        if int(here[2]) > int(before[2]):
            continue
        below = next(
            (
                lid
                for lid in ids[:i]
                if (m := _NUMBERED.fullmatch(lid)) and m[1] == before[1] and int(m[2]) == int(here[2]) - 1
            ),
            None,
        )
        found.append((ids[i - 1], ids[i], below))
    return found


def plan_import(
    org: Organisation, root: Path, grid: grids.Grid, track: str, force: bool = False, name: str | None = None
) -> Plan:
    """The track (when new) and the matrix an import writes, or the grid's problems."""
    check_name(track, "--track")
    plan = Plan()
    problems = _Problems(grid)
    if not grid.rows:
        problems.add("grid/header", 1, 1, "the grid is empty")
        plan.problems = problems.found
        return plan
    fixed, heads = _header(grid, problems)
    levels = _track_levels(org, track, heads, problems) if heads else []
    if problems.found or not levels:
        plan.problems = problems.found
        return plan
    if "dimension" not in fixed:
        problems.add(
            "grid/header",
            1,
            1,
            "no 'dimension' column: every competency belongs to a dimension (a theme such as Delivery)",
            hint=f"dimensions: {', '.join(str(d.get('id')) for d in org.dimensions_for(track)) or 'none yet'}",
        )
        plan.problems = problems.found
        return plan
    matrix = org.matrix_for(track)
    old: dict[str, Any] = dict(matrix.data) if matrix is not None else {}
    # what the track's competencies are now (with included sets merged), and what the sets alone say
    old_comps = org.competencies(track) if matrix is not None else {}
    from_sets = _from_sets(org, track, matrix)
    known_dims = org.dimensions_for(track)
    dim_of: dict[str, str] = {}
    for d in known_dims:
        if isinstance(d.get("id"), str):
            dim_of[d["id"].casefold()] = d["id"]
            dim_of[str(d.get("name", d["id"])).casefold()] = d["id"]
    added_dims: list[dict[str, str]] = []
    comps: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    # The level each column's level follows (the track's `follows`, else the column before), for
    # cells that say "unchanged" or "see E3" as spreadsheets do.
    below_of = {
        level.id: (org.level_below(track, level.id) if track in org.tracks else (levels[k - 1].id if k else None))
        for k, level in enumerate(levels)
    }
    for r, row in enumerate(grid.rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def value(column: str, row: list[str] = row) -> str:
            i = fixed.get(column)
            return clean(row[i]) if i is not None and i < len(row) else ""

        cname = value("competency")
        ccol = fixed["competency"] + 1
        if not cname:
            problems.add("grid/missing-value", r, ccol, "this row has cells but no competency name")
            continue
        cid = value("id") or slugify(cname, 60)
        if not NAME.fullmatch(cid) or len(cid) > 120:
            problems.add(
                "grid/id",
                r,
                fixed.get("id", fixed["competency"]) + 1,
                f"'{cid}' is not an id: use letters, digits, '.', '_' and '-'",
            )
            continue
        if cid in seen:
            problems.add(
                "grid/duplicate-competency",
                r,
                fixed.get("id", fixed["competency"]) + 1,
                f"competency '{cid}' is already on row {seen[cid]}",
            )
            continue
        seen[cid] = r
        dim_text = value("dimension")
        if not dim_text:
            problems.add("grid/missing-value", r, fixed["dimension"] + 1, f"competency '{cid}' has no dimension")
            continue
        dim = dim_of.get(dim_text.casefold())
        if dim is None:
            dim = slugify(dim_text, 60)
            dim_of[dim_text.casefold()] = dim_of[dim.casefold()] = dim
            added_dims.append({"id": dim, "name": dim_text})
            ids = [str(d.get("id")) for d in known_dims]
            plan.notes.append(
                f"{display_path(grid.path)}:{r}:{fixed['dimension'] + 1}: dimension '{dim_text}' is new: "
                f"added to the matrix's own dimensions as '{dim}'{did_you_mean(dim, ids)}"
            )
        before = old_comps.get(cid, {})
        kept = before.get("descriptors")
        old_cells: dict[str, Any] = kept if isinstance(kept, dict) else {}
        descriptors: dict[str, Any] = {}
        for level in levels:
            text = clean(row[level.col]) if level.col < len(row) else ""
            was = old_cells.get(level.id)
            if force and (was is not None or not text) and grid_text(org, track, cid, level.id, was)[0] == text:
                descriptors[level.id] = was  # unchanged in the grid: kept as written (structure, notes)
            elif (same := _refers_below(text, level, levels, below_of, descriptors)) is not None:
                # The spreadsheet's words are the note: `unchanged` says why in the records.
                descriptors[level.id] = {"unchanged": True, "note": text} if same else text
                if not same:
                    plan.notes.append(
                        f"{display_path(grid.path)}:{r}:{level.col + 1}: '{_clip(text)}' kept as text: "
                        f"{level.id} follows {below_of.get(level.id) or 'no level'}, which says something else; "
                        "write the words, or refer to the level below"
                    )
            else:
                descriptors[level.id] = text if text else {"not_expected": True}
        comp: dict[str, Any] = {"id": cid, "name": cname, "dimension": dim}
        summary = value("summary") if "summary" in fixed else str(before.get("summary") or "")
        if summary:
            comp["summary"] = summary
        comp.update({k: v for k, v in before.items() if k not in (*comp, "summary", "descriptors")})
        comp["descriptors"] = descriptors
        comps.append(_override(comp, from_sets[cid]) if cid in from_sets else comp)
    for cid in from_sets:
        if cid not in seen:
            plan.notes.append(
                f"competency '{cid}' comes from an included competency set and stays: a grid row cannot remove it"
            )
    header_width = len(grid.rows[0])
    for r, row in enumerate(grid.rows[1:], start=2):
        extra = next((i for i in range(header_width, len(row)) if row[i].strip()), None)
        if extra is not None:
            problems.add("grid/header", r, extra + 1, "a cell beyond the last heading")
    if not comps and not problems.found:
        problems.add("grid/missing-value", 2, 1, "no competencies: one row per competency below the header")
    if problems.found:
        plan.problems = problems.found
        return plan

    if track not in org.tracks:
        track_data: dict[str, Any] = {
            "kind": "track",
            "id": track,
            "name": name or track,
            "levels": [{"id": level.id, "title": level.title} for level in levels],
        }
        plan.files.append((inside(root, root / "tracks" / f"{track}.yaml"), dump(track_data, "track"), False))
        plan.notes.append(
            f"created track {track} with {len(levels)} levels from the header; "
            "add `follows:` and `path:` to it where the ladder branches"
        )
        plan.notes += [
            f"levels {start} and after look like a second path: their numbers start again after {after}"
            + (f"; if {start} follows {follows}, write `follows: {follows}`" if follows else f"; if {start} branches")
            + f" on it and a `path:` on the levels of each path in {display_path(plan.files[-1][0])}"
            for after, start, follows in branches([level.id for level in levels])
        ]
    if matrix is not None and not force:
        raise PerfdocsError(
            f"track {track} already has a matrix, {matrix.display}; --force replaces its competencies "
            "with the grid's (keeping what a grid cannot show)"
        )
    other = org.matrices.get(track)
    if matrix is None and other is not None:
        raise PerfdocsError(f"the matrix id '{track}' is taken by {other.display} (track {other.get('track')})")
    data: dict[str, Any] = {"kind": "competency-matrix", "id": track, "track": track}
    data.update({k: v for k, v in old.items() if k not in ("kind", "competencies")})
    if added_dims:
        own = [d for d in old.get("dimensions") or [] if isinstance(d, dict)]
        data["dimensions"] = own + added_dims
    data["competencies"] = [c for c in comps if len(c) > 1]  # an override that changes nothing is left out
    if not data["competencies"]:
        del data["competencies"]
    rel = matrix.rel if matrix is not None else f"matrices/{track}.yaml"
    plan.files.append((inside(root, root / rel), dump(data, "competency-matrix"), matrix is not None))
    return plan


def _from_sets(org: Organisation, track: str, matrix: Any) -> dict[str, dict[str, Any]]:
    """The competencies a track's included sets give it, merged, before the matrix's overrides."""
    merged: dict[str, dict[str, Any]] = {}
    for origin in org.origins(track):
        if origin.record is matrix:
            continue
        before = merged.get(origin.id, {})
        cells = {**(before.get("descriptors") or {}), **(origin.competency.get("descriptors") or {})}
        merged[origin.id] = {**before, **origin.competency, "descriptors": cells}
    return merged


def _override(comp: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """What a matrix must say about a set's competency to make it `comp`: its id, the fields
    that differ, and the cells that differ."""
    out: dict[str, Any] = {"id": comp["id"]}
    for key, value in comp.items():
        if key not in ("id", "descriptors") and shared.get(key) != value:
            out[key] = value
    held = shared.get("descriptors") or {}
    cells = {lv: v for lv, v in comp["descriptors"].items() if held.get(lv) != v}
    if cells:
        out["descriptors"] = cells
    return out


def write(plan: Plan) -> list[Path]:
    """Write a plan's files (each atomically); a file already there is replaced only when the
    plan says it holds the record being replaced."""
    from perfdocs.fsutil import atomic_write

    for path, _, replaces in plan.files:
        if not replaces and (path.exists() or path.is_symlink()):  # checked for all before any is written
            raise PerfdocsError(f"{display_path(path)} already exists and is not the record being replaced")
    for path, text, replaces in plan.files:
        atomic_write(path, text, overwrite=replaces)
    return [path for path, _, _ in plan.files]
