"""Spreadsheet grids: a CSV file or an XLSX sheet as rows of text cells that know where they are.

A ladder kept in a spreadsheet is read into a `Grid` whose every cell carries its row, its
column and, for XLSX, its cell reference (`Sheet1!C4`), so a problem found later is reported
where the person will look for it. Writing goes the other way: rows of text, as CSV or XLSX.

Both formats hold text only: numbers and dates a spreadsheet stored are read as the text
they show (an XLSX formula is refused, since its value is whatever the spreadsheet last
computed). CSV files are UTF-8 (a byte order mark, as Excel writes, is accepted). Cells that
a spreadsheet would run as a formula (starting with =, +, - or @) are written to CSV behind
an apostrophe, the usual guard against formula injection, and an apostrophe before one of
those characters is taken off again when read, so a Markdown list ("- ...") round-trips.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from perfdocs.errors import PerfdocsError

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Large enough for any ladder; small enough that a wrong file (a log, a dump) is refused quickly.
MAX_CELLS = 200_000


@dataclass(frozen=True)
class Position:
    row: int
    """1-based, as the spreadsheet numbers rows."""
    col: int
    """1-based; column A is 1."""
    sheet: str | None = None
    """The XLSX sheet's name; None for CSV."""

    @property
    def reference(self) -> str | None:
        """`Sheet1!C4` for an XLSX cell, None for CSV."""
        return f"{_quoted(self.sheet)}!{column_letter(self.col)}{self.row}" if self.sheet is not None else None


@dataclass(frozen=True)
class Grid:
    path: Path
    rows: list[list[str]]
    """Every row as text cells, the first one the header; rows keep their spreadsheet numbers
    (`rows[i]` is row i + 1), and trailing empty cells are dropped."""
    sheet: str | None = None

    def at(self, row: int, col: int) -> Position:
        return Position(row, col, self.sheet)


def column_letter(col: int) -> str:
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _quoted(sheet: str | None) -> str:
    name = sheet or ""
    return name if name.replace("_", "").isalnum() else "'" + name.replace("'", "''") + "'"


def format_of(path: Path, fmt: str | None = None) -> str:
    """The grid format: `fmt` when given, else the file's extension."""
    found = fmt or path.suffix.lower().lstrip(".")
    if found not in FORMATS:
        raise PerfdocsError(
            f"{path.name}: cannot tell the spreadsheet format from the name; "
            f"use a .csv or .xlsx file (or --format {'|'.join(FORMATS)})"
        )
    return found


def read(path: Path, sheet: str | None = None, fmt: str | None = None) -> Grid:
    """The grid in a CSV file or an XLSX workbook (its first sheet, or `sheet`)."""
    kind = format_of(path, fmt)
    if not path.is_file():
        raise PerfdocsError(f"{path}: no such file")
    if kind == "csv":
        if sheet is not None:
            raise PerfdocsError("--sheet names a sheet of an XLSX workbook; a CSV file has one grid")
        return _read_csv(path)
    return _read_xlsx(path, sheet)


def _trim(row: list[str]) -> list[str]:
    while row and not row[-1].strip():
        row.pop()
    return row


def unguard(text: str) -> str:
    """A cell as written before the CSV formula guard: "'- item" is "- item"."""
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_START else text


def guard(text: str) -> str:
    return "'" + text if text[:1] in _FORMULA_START else text


def _read_csv(path: Path) -> Grid:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PerfdocsError(f"{path}: not UTF-8 text (byte {err.start}); save the sheet as CSV UTF-8") from None
    except OSError as err:
        raise PerfdocsError(f"{path}: cannot be read: {err.strerror}") from None
    try:
        # csv keeps quoted line breaks as they are: a Markdown list in one cell stays one cell
        rows = [_trim([unguard(c.replace("\r\n", "\n")) for c in row]) for row in csv.reader(io.StringIO(text))]
    except csv.Error as err:
        raise PerfdocsError(f"{path}: not a CSV file: {err}") from None
    if sum(len(r) for r in rows) > MAX_CELLS:
        raise PerfdocsError(f"{path}: more than {MAX_CELLS:,} cells; a ladder is far smaller")
    return Grid(path, rows)


class FormulaCell(PerfdocsError):
    """An XLSX cell holding a formula (reported as a grid problem, not a usage error)."""

    def __init__(self, position: Position) -> None:
        super().__init__(f"{position.reference} holds a formula")
        self.position = position


def _read_xlsx(path: Path, sheet: str | None) -> Grid:
    import zipfile

    import openpyxl

    try:
        # read_only streams rows; values as stored (data_only=False) so a formula is seen as one
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise PerfdocsError(f"{path}: not an XLSX workbook ({type(err).__name__}: {err})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise PerfdocsError(f"{path}: no sheet '{sheet}'; its sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows: list[list[str]] = []
        count = 0
        for r, cells in enumerate(ws.iter_rows(), start=1):
            row = []
            for c, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise FormulaCell(Position(r, c, ws.title))
                row.append(_text(cell.value))
            count += len(row)
            if count > MAX_CELLS:
                raise PerfdocsError(f"{path}: more than {MAX_CELLS:,} cells; a ladder is far smaller")
            rows.append(_trim(row))
        return Grid(path, rows, ws.title)
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).replace("\r\n", "\n")


def csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV: comma-separated, quoted where needed, one line per row ending in a newline;
    line breaks inside a cell stay inside its quotes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([guard(c) for c in row])
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[str]], sheet: str) -> bytes:
    """Rows as an XLSX workbook of one sheet: every cell a text cell (never a formula), the
    header row bold and frozen, long cells wrapped."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet[:31]
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if not value:
                continue
            cell = ws.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"  # text as text: "=..." is not run as a formula
            cell.alignment = wrap
            if r == 1:
                cell.font = Font(bold=True)
    for c in range(1, max((len(r) for r in rows), default=0) + 1):
        ws.column_dimensions[column_letter(c)].width = 18 if c <= 2 else 48
    ws.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
