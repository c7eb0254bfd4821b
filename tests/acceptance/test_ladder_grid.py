"""Ladders kept in spreadsheets: `perfdocs import matrix` reads a CSV or XLSX grid (one row per
competency, one column per level, Markdown cells, empty = not expected) into records that
validate with no invented text, and `perfdocs export matrix` writes the same grid back."""

from __future__ import annotations

import csv
import io

import openpyxl
import yaml

from tests.support.cli import one_line
from tests.support.files import build_tree
from tests.support.ladders import DUAL_LEVELS, dual_ladder_rows

ORG = """\
kind: org
id: gridco
name: Grid Co
review_cadence_quarters: 2
visibility_defaults:
  default: public
dimensions:
  - {id: craft, name: Craft}
  - {id: people, name: People}
"""

# Eight levels: six on the individual-contributor path, and a manager path from e4.
TRACK = """\
kind: track
id: eng
name: Engineering
levels:
  - {id: e1, title: Engineer I, path: ic}
  - {id: e2, title: Engineer II, path: ic}
  - {id: e3, title: Senior Engineer, path: ic}
  - {id: e4, title: Staff Engineer, path: ic}
  - {id: e5, title: Senior Staff Engineer, path: ic}
  - {id: e6, title: Principal Engineer, path: ic}
  - {id: m5, title: Engineering Manager, path: manager, follows: e4}
  - {id: m6, title: Director of Engineering, path: manager, follows: m5}
"""
TITLES = [
    "Engineer I",
    "Engineer II",
    "Senior Engineer",
    "Staff Engineer",
    "Senior Staff Engineer",
    "Principal Engineer",
    "Engineering Manager",
    "Director of Engineering",
]
COMPETENCIES = [
    ("Code", "craft"),
    ("Design", "craft"),
    ("Testing", "craft"),
    ("Operations", "craft"),
    ("Security", "Craft"),  # a dimension by its name
    ("Mentoring", "people"),
    ("Communication", "people"),
    ("Leadership", "people"),
    ("Product sense", "Impact"),  # a theme of this ladder alone: added to the matrix
]
SCOPES = ["a task", "a feature", "a service", "a domain", "an area", "the company", "a team", "several teams"]


def cell(name: str, level: int) -> str:
    """A list-shaped Markdown cell; Leadership is not expected below Senior Engineer."""
    if name == "Leadership" and level < 2:
        return ""
    if level % 3 == 0:
        return f"Practises {name.lower()} for {SCOPES[level]}, *without* being asked."
    return (
        f"- Practises {name.lower()} for {SCOPES[level]}.\n"
        f"- Explains {name.lower()} choices about {SCOPES[level]} to others.\n"
        f"  1. in writing\n  2. in review"
    )


def grid_rows() -> list[list[str]]:
    rows = [["competency", "dimension", "summary", *TITLES]]
    for name, dim in COMPETENCIES:
        rows.append([name, dim, f"What {name.lower()} means here.", *(cell(name, i) for i in range(8))])
    return rows


def canonical_csv(rows: list[list[str]]) -> str:
    """The grid as `export matrix` writes it: an apostrophe before a cell a spreadsheet would
    take for a formula (a Markdown list starts with '-')."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["'" + c if c[:1] == "-" else c for c in r] for r in rows])
    return out.getvalue()


def org(tmp_path, with_track: bool = True):
    files = {"org.yaml": ORG}
    if with_track:
        files["tracks/eng.yaml"] = TRACK
    return build_tree(tmp_path / "records", files)


def test_a_csv_grid_imports_validates_clean_and_exports_byte_equal(cli, tmp_path):
    records = org(tmp_path)
    # as a spreadsheet saves it: byte order mark, CRLF rows, list cells without a guard
    source = tmp_path / "ladder.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(grid_rows())
    source.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))

    res = cli("import", "matrix", source, "--track", "eng", "--records", records)
    assert res.exit_code == 0, res
    assert res.stdout.splitlines()[0].endswith("matrices/eng.yaml")
    assert "dimension 'Impact' is new: added to the matrix's own dimensions as 'impact'" in res.stderr

    check = cli("validate", records)
    assert check.exit_code == 0, check
    assert "0 errors, 0 warnings" in check.stderr

    matrix = yaml.safe_load((records / "matrices/eng.yaml").read_text(encoding="utf-8"))
    assert matrix["dimensions"] == [{"id": "impact", "name": "Impact"}]
    by_id = {c["id"]: c for c in matrix["competencies"]}
    assert list(by_id) == [n.lower().replace(" ", "-") for n, _ in COMPETENCIES]
    assert by_id["security"]["dimension"] == "craft"
    # every cell is the spreadsheet's text, word for word; empty ones are "not expected"
    for name, _ in COMPETENCIES:
        descriptors = by_id[name.lower().replace(" ", "-")]["descriptors"]
        for i, lid in enumerate(["e1", "e2", "e3", "e4", "e5", "e6", "m5", "m6"]):
            assert descriptors[lid] == (cell(name, i) or {"not_expected": True})

    out = tmp_path / "export.csv"
    res = cli("export", "matrix", "eng", "--records", records, "-o", out)
    assert res.exit_code == 0, res
    # the grid, with the id column perfdocs gives every competency
    rows = grid_rows()
    rows = [[r[0], "id" if i == 0 else r[0].lower().replace(" ", "-"), *r[1:]] for i, r in enumerate(rows)]
    rows[-1][2] = "impact"
    rows[5][2] = "craft"
    assert out.read_text(encoding="utf-8") == canonical_csv(rows)

    # and the exported grid imported again writes the same matrix, byte for byte
    before = (records / "matrices/eng.yaml").read_bytes()
    res = cli("import", "matrix", out, "--track", "eng", "--records", records, "--force")
    assert res.exit_code == 0, res
    assert (records / "matrices/eng.yaml").read_bytes() == before


def test_an_xlsx_grid_creates_the_track_and_round_trips_cell_by_cell(cli, tmp_path):
    records = org(tmp_path, with_track=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ladder"
    for row in grid_rows():
        sheet.append(row)
    source = tmp_path / "ladder.xlsx"
    book.save(source)

    res = cli("import", "matrix", source, "--track", "eng", "--name", "Engineering", "--records", records)
    assert res.exit_code == 0, res
    assert "created track eng with 8 levels from the header" in res.stderr
    track = yaml.safe_load((records / "tracks/eng.yaml").read_text(encoding="utf-8"))
    assert [lv["title"] for lv in track["levels"]] == TITLES
    assert track["levels"][0]["id"] == "engineer-i"
    check = cli("validate", records)
    assert check.exit_code == 0, check
    assert "0 errors, 0 warnings" in check.stderr

    out = tmp_path / "export.xlsx"
    assert cli("export", "matrix", "eng", "--records", records, "-o", out).exit_code == 0
    exported = openpyxl.load_workbook(out).active
    got = [[c if c is not None else "" for c in row] for row in exported.iter_rows(values_only=True)]
    want = grid_rows()
    want = [[r[0], "id" if i == 0 else r[0].lower().replace(" ", "-"), *r[1:]] for i, r in enumerate(want)]
    want[-1][2], want[5][2] = "impact", "craft"
    assert got == want
    assert all(c.data_type == "s" for row in exported.iter_rows() for c in row if c.value is not None)


def test_a_structured_cell_survives_export_and_import_unless_edited(cli, tmp_path):
    records = org(tmp_path)
    source = tmp_path / "ladder.csv"
    source.write_text(canonical_csv(grid_rows()), encoding="utf-8")
    assert cli("import", "matrix", source, "--track", "eng", "--records", records).exit_code == 0
    path = records / "matrices/eng.yaml"
    text = path.read_text(encoding="utf-8")
    structured = "      e2:\n        text: Practises code for a feature.\n        criteria: [Explains code choices.]\n"
    code_e2 = text.split("      e2: |-\n", 1)[1].split("      e3:", 1)[0]
    path.write_text(text.replace("      e2: |-\n" + code_e2, structured, 1), encoding="utf-8")
    out = tmp_path / "out.csv"
    res = cli("export", "matrix", "eng", "--records", records, "-o", out)
    assert res.exit_code == 0, res
    assert "note: 1 cell of eng is more than Markdown" in res.stderr
    assert cli("import", "matrix", out, "--track", "eng", "--records", records, "--force").exit_code == 0
    matrix = yaml.safe_load(path.read_text(encoding="utf-8"))
    code = next(c for c in matrix["competencies"] if c["id"] == "code")
    assert code["descriptors"]["e2"] == {
        "text": "Practises code for a feature.",
        "criteria": ["Explains code choices."],
    }
    # edited in the grid, it becomes the grid's Markdown
    edited = out.read_text(encoding="utf-8").replace("- Explains code choices.", "- Explains code choices well.", 1)
    out.write_text(edited, encoding="utf-8")
    assert cli("import", "matrix", out, "--track", "eng", "--records", records, "--force").exit_code == 0
    code = next(c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["competencies"] if c["id"] == "code")
    assert code["descriptors"]["e2"] == "Practises code for a feature.\n\n- Explains code choices well."


def bad(cli, tmp_path, rows: list[list[str]]):
    records = org(tmp_path)
    source = tmp_path / "bad.csv"
    source.write_text(canonical_csv(rows), encoding="utf-8")
    res = cli("import", "matrix", source, "--track", "eng", "--records", records)
    assert not (records / "matrices").exists()  # nothing written
    return res


def test_a_duplicate_competency_is_reported_at_its_row_and_column(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = grid_rows()
    rows.append(["Code", "craft", "", *["x"] * 8])
    res = bad(cli, tmp_path, rows)
    assert res.exit_code == 1
    assert one_line(res.stdout) == "bad.csv:11:1: competency 'code' is already on row 2 [grid/duplicate-competency]\n"


def test_an_unknown_level_header_is_reported_with_the_track_levels(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = grid_rows()
    rows[0][5] = "Staf Engineer"
    res = bad(cli, tmp_path, rows)
    assert res.exit_code == 1
    assert one_line(res.stdout) == (
        "bad.csv:1:6: 'Staf Engineer' is not a level of track eng; did you mean 'staff engineer'? "
        "(head each level column with a level id or title: e1, e2, e3, e4, e5, e6, m5, m6) [grid/unknown-level]\n"
    )


def test_a_grid_without_a_competency_column_is_refused_at_its_header(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = grid_rows()
    rows[0][0] = "competencies"
    res = bad(cli, tmp_path, rows)
    assert res.exit_code == 1
    assert res.stdout.startswith(
        "bad.csv:1:1: no 'competency' column (the first heading is 'competencies'; did you mean 'competency'?)"
    )


def test_xlsx_problems_name_the_cell_and_formulas_are_refused(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    records = org(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in grid_rows():
        sheet.append(row)
    sheet["D3"] = "=C2"
    book.save(tmp_path / "f.xlsx")
    res = cli("import", "matrix", "f.xlsx", "--track", "eng", "--records", records)
    assert res.exit_code == 1
    assert res.stdout.startswith("f.xlsx:3:4: the cell holds a formula (Sheet1!D3)")
    sheet["D3"] = "ok"
    sheet["A4"] = "Code"
    book.save(tmp_path / "f.xlsx")
    res = cli("import", "matrix", "f.xlsx", "--track", "eng", "--records", records)
    assert (
        one_line(res.stdout)
        == "f.xlsx:4:1: competency 'code' is already on row 2 (Sheet1!A4) [grid/duplicate-competency]\n"
    )


def test_usage_errors_exit_2(cli, tmp_path):
    records = org(tmp_path)
    res = cli("import", "matrix", tmp_path / "ladder.ods", "--track", "eng", "--records", records)
    assert res.exit_code == 2
    assert "use a .csv or .xlsx file" in res.stderr
    res = cli("export", "matrix", "eng", "--records", records, "--format", "xlsx")
    assert res.exit_code == 2
    assert "--format xlsx needs -o FILE" in res.stderr


def test_new_track_and_matrix_scaffold_a_valid_ladder(cli, tmp_path):
    records = build_tree(tmp_path / "records", {"org.yaml": ORG})
    res = cli("new", "track", "--records", records, "--title", "Data", "--level", "Data Engineer I", "--level", "L2")
    assert res.exit_code == 0, res
    track = yaml.safe_load((records / "tracks/data.yaml").read_text(encoding="utf-8"))
    assert track["levels"] == [{"id": "data-engineer-i", "title": "Data Engineer I"}, {"id": "L2", "title": "L2"}]
    res = cli("new", "matrix", "--records", records, "--track", "data", "--competency", "Pipelines")
    assert res.exit_code == 0, res
    matrix = yaml.safe_load((records / "matrices/data.yaml").read_text(encoding="utf-8"))
    assert matrix["competencies"] == [
        {
            "id": "pipelines",
            "name": "Pipelines",
            "dimension": "craft",
            "descriptors": {"data-engineer-i": {"not_expected": True}, "L2": {"not_expected": True}},
        }
    ]
    check = cli("validate", records)
    assert check.exit_code == 0 and "0 errors, 0 warnings" in check.stderr, check


def test_a_dual_ladder_laid_out_path_after_path_imports_with_a_note_on_where_it_branches(cli, tmp_path):
    """Tried on a real dual ladder (README): its spreadsheet puts the manager path after the
    individual-contributor one (IC1..IC7, M3..M7). A grid cannot say where M3 branches, so the new
    track reads M3 as following IC7; import now says where the numbering starts again and what to
    write. Written as said, the ladder validates with no error, and the site compares IC2 with M3
    as a rewrite (no criterion kept), not as a list with every line marked new."""
    records = org(tmp_path, with_track=False)
    book = openpyxl.Workbook()
    for row in dual_ladder_rows():
        book.active.append(row)
    source = tmp_path / "dual.xlsx"
    book.save(source)
    res = cli("import", "matrix", source, "--track", "swe", "--records", records)
    assert res.exit_code == 0, res
    track_file = records / "tracks/swe.yaml"
    assert (
        "levels M3 and after look like a second path: their numbers start again after IC7; "
        "if M3 follows IC2, write `follows: IC2` on it and a `path:` on the levels of each path in "
    ) in one_line(res.stderr)
    assert [lv["id"] for lv in yaml.safe_load(track_file.read_text(encoding="utf-8"))["levels"]] == [
        lid for lid, _ in DUAL_LEVELS
    ]
    # Done as the note says, by hand.
    text = track_file.read_text(encoding="utf-8")
    for lid, _ in DUAL_LEVELS:
        path = "manager" if lid.startswith("M") else "individual-contributor" if int(lid[2:]) > 2 else None
        extra = (f", path: {path}" if path else "") + (", follows: IC2" if lid == "M3" else "")
        text = text.replace(f"{{id: {lid}, title: {lid}}}", f"{{id: {lid}, title: {lid}{extra}}}")
    track_file.write_text(text, encoding="utf-8")
    check = cli("validate", records)
    assert check.exit_code == 0, check
    assert "0 errors" in check.stderr
    # Every criterion restated from the level below is a lint warning, as on the real ladder.
    assert {line.rsplit("[", 1)[1] for line in one_line(check.stdout).splitlines() if "[" in line} == {
        "rubric/repeated-criterion]"
    }
    out = tmp_path / "site"
    assert cli("build", "--records", records, "--out", out).exit_code == 0
    assert len(list(out.glob("rubric/swe/compare/*/*.html"))) == 66  # 12 levels: every pair
    pair = (out / "rubric/swe/compare/IC2/M3.html").read_text(encoding="utf-8")
    impact = pair.split('id="c-impact"')[1].split("</li>\n")[0]
    assert '<span class="state state-changed">rewritten</span>' in impact
    assert "criterion-new" not in impact and '<ins class="rewritten">' in impact
    hiring = pair.split('id="c-hiring"')[1].split("</li>\n")[0]
    assert '<span class="state state-new">new</span>' in hiring
    code = pair.split('id="c-code-fluency"')[1].split("</li>\n")[0]
    assert '<span class="state state-not_expected">not expected</span>' in code


def test_a_cell_that_says_see_the_level_below_is_imported_as_unchanged(cli, tmp_path):
    """Spreadsheet ladders say "see E3" where a level asks nothing more (found in a published
    competency matrix whose senior columns read "see E3"). Import writes `{unchanged: true}` with
    the spreadsheet's words as its note when the cell names the level in force below, and keeps
    any other "see ..." as text, saying so."""
    records = org(tmp_path, with_track=False)
    source = tmp_path / "see.csv"
    source.write_text(
        "competency,dimension,E1,E2,E3,E4,E5\n"
        'Testing,craft,- Writes unit tests.,"- Writes unit tests.\n- Writes higher level tests.",see E2,See E2.,'
        "Same as E4\n"
        "Coding,craft,Writes code.,Writes clear code.,unchanged,Writes production code.,see E3\n"
        "Owning,craft,Owns a task.,Owns a feature.,Owns a service.,Owns a system.,see E6\n",
        encoding="utf-8",
    )
    res = cli("import", "matrix", source, "--track", "t", "--records", records)
    assert res.exit_code == 0, res
    assert (
        f"{source}:3:7: 'see E3' kept as text: E5 follows E4, which says something else; "
        "write the words, or refer to the level below"
    ) in res.stderr
    matrix = yaml.safe_load((records / "matrices/t.yaml").read_text(encoding="utf-8"))
    cells = {c["id"]: c["descriptors"] for c in matrix["competencies"]}
    assert [cells["testing"][lv] for lv in ("E3", "E4", "E5")] == [
        {"unchanged": True, "note": "see E2"},
        {"unchanged": True, "note": "See E2."},  # E3 is unchanged, so E2's words are in force at E3
        {"unchanged": True, "note": "Same as E4"},
    ]
    assert cells["coding"]["E3"] == {"unchanged": True, "note": "unchanged"}
    assert cells["coding"]["E5"] == "see E3"
    assert cells["owning"]["E5"] == "see E6"  # no such level: text, as written
    check = cli("validate", records)
    assert check.exit_code == 0, check
    assert "0 errors, 0 warnings" in check.stderr
