"""Reading an uploaded spreadsheet as hostile input: limits first, then openpyxl.

An ``.xlsx`` file is a zip of XML parts. Before openpyxl sees it, the zip's central directory
is checked (number of parts, declared sizes, expansion ratio, no macros: ``vbaProject.bin``,
Excel 4 macro sheets and ActiveX controls are refused, as are macro-enabled content types),
then every part is decompressed as a stream, in bounded chunks, to check its *actual* size
against the declared one and the total limit, and that no XML part declares a DTD or entity.
Only then does openpyxl read it, in read-only mode, with formulas left unevaluated: a cell
holding a formula is **refused** (with its row and column), never computed and never taken
for its cached value. Rows, columns and characters per cell are counted as the rows stream in.

A ``.csv`` file is UTF-8 text (a byte-order mark is allowed), separated by commas or
semicolons; every cell is text, so nothing in it is ever a formula.

Every refusal is a 4xx error that names the limit and the setting that raises it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from uikg.graph.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from uikg.graph.settings import Settings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
MEDIA_TYPES = {XLSX: "xlsx", CSV: "csv", "application/csv": "csv"}
_CHUNK = 65_536
_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^xl/(macrosheets|activeX)/", re.I)
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
# Below this size a high ratio is harmless (a sheet of repeated cells compresses 50-fold).
_RATIO_FLOOR = 1_048_576


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1_048_576
    max_unzipped_bytes: int = 16_777_216
    max_zip_ratio: int = 100
    max_parts: int = 200
    max_sheets: int = 10
    max_rows: int = 200
    max_columns: int = 60
    max_cell_chars: int = 10_000
    header_rows: int = 2  # labels and help: rows a template has before the records

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_bytes=settings.spreadsheet_max_bytes,
            max_unzipped_bytes=settings.spreadsheet_max_unzipped_bytes,
            max_zip_ratio=settings.spreadsheet_max_zip_ratio,
            max_parts=settings.spreadsheet_max_parts,
            max_sheets=settings.spreadsheet_max_sheets,
            max_rows=settings.spreadsheet_max_rows,
            max_columns=settings.spreadsheet_max_columns,
            max_cell_chars=settings.spreadsheet_max_cell_chars,
        )


class SpreadsheetTooLarge(PayloadTooLarge):
    """Over one of the spreadsheet limits; ``limit`` names the setting that raises it."""


class SpreadsheetRefused(BadRequest):
    """Something a spreadsheet may not hold (a formula, a DTD) or a file that is not one."""


@dataclass
class Table:
    """The first sheet's cells as text (``None`` for empty), row 1 first."""

    rows: list[list[str | None]]
    sheet: str


def format_for(content_type: str | None, filename: str | None = None) -> str:
    """``xlsx`` or ``csv`` from the media type (or, failing that, the file name)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in MEDIA_TYPES:
        return MEDIA_TYPES[media_type]
    name = (filename or "").lower()
    if name.endswith((".xlsm", ".xltm", ".xlsb", ".xls")):
        raise UnsupportedMediaType(
            f"{name.rsplit('.', 1)[-1]} files are refused: macro-enabled and legacy workbooks "
            "are never opened; save the sheet as .xlsx (Excel workbook) or .csv (UTF-8)"
        )
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    raise UnsupportedMediaType(
        f"cannot read a spreadsheet sent as {media_type or 'a body without Content-Type'}; "
        f"send {XLSX} (.xlsx) or {CSV} (.csv, UTF-8)"
    )


def read_table(data: bytes, format: str, limits: Limits) -> Table:
    if len(data) > limits.max_bytes:
        raise SpreadsheetTooLarge(
            f"the file is {len(data)} bytes; the limit is {limits.max_bytes} bytes",
            limit="UIKG_SPREADSHEET_MAX_BYTES",
        )
    if not data.strip():
        raise BadRequest("the file is empty; send the filled-in template")
    return _read_xlsx(data, limits) if format == "xlsx" else _read_csv(data, limits)


# -- xlsx -------------------------------------------------------------------------------------
def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb, a macro-enabled workbook or a DTD before any XML parser runs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetRefused(
            "the file is not an .xlsx workbook (not a zip archive); save it as .xlsx or .csv"
        ) from None
    if len(parts) > limits.max_parts:
        raise SpreadsheetTooLarge(
            f"the workbook holds {len(parts)} parts; the limit is {limits.max_parts}",
            limit="UIKG_SPREADSHEET_MAX_PARTS",
        )
    names = {p.filename for p in parts}
    macros = sorted(n for n in names if _MACRO_PARTS.search(n))
    types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if macros or b"macroEnabled" in types:
        raise UnsupportedMediaType(
            "macro-enabled workbooks are refused (macros are never run): the file holds "
            f"{', '.join(macros) or 'a macro-enabled content type'}; save it as .xlsx"
        )
    sheets = [n for n in names if re.match(r"xl/(worksheets|chartsheets)/[^/]+\.xml$", n)]
    if len(sheets) > limits.max_sheets:
        raise SpreadsheetTooLarge(
            f"the workbook has {len(sheets)} sheets; the limit is {limits.max_sheets}",
            limit="UIKG_SPREADSHEET_MAX_SHEETS",
        )
    declared = sum(p.file_size for p in parts)
    _expansion(declared, len(data), limits, "declares")
    actual = 0
    for part in parts:
        seen, tail = 0, b""
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    seen += len(chunk)
                    actual += len(chunk)
                    if seen > part.file_size:
                        raise SpreadsheetRefused(
                            f"the part {part.filename} expands beyond the size its header "
                            "declares; the file is damaged or crafted"
                        )
                    _expansion(actual, len(data), limits, "expands")
                    if part.filename.endswith((".xml", ".rels")) and _DTD.search(tail + chunk):
                        raise SpreadsheetRefused(
                            f"the part {part.filename} declares a DTD or an entity; "
                            "spreadsheets never need one, and they are never expanded"
                        )
                    tail = chunk[-16:]
        # zipfile raises NotImplementedError for a compression method it lacks, RuntimeError for
        # an encrypted part.
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError) as error:
            raise SpreadsheetRefused(
                f"the part {part.filename} cannot be read ({error}); the file is damaged, "
                "encrypted or not a workbook"
            ) from None


def _expansion(size: int, compressed: int, limits: Limits, verb: str) -> None:
    if size > limits.max_unzipped_bytes:
        raise SpreadsheetTooLarge(
            f"the workbook {verb} {size} bytes when unzipped; the limit is "
            f"{limits.max_unzipped_bytes} bytes",
            limit="UIKG_SPREADSHEET_MAX_UNZIPPED_BYTES",
        )
    if size > limits.max_zip_ratio * max(compressed, 1) and size > _RATIO_FLOOR:
        raise SpreadsheetTooLarge(
            f"the workbook {verb} {size} bytes from {compressed} (ratio {size // compressed}); "
            f"the limit of the zip expansion ratio is {limits.max_zip_ratio}",
            limit="UIKG_SPREADSHEET_MAX_ZIP_RATIO",
        )


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_row(cells: list[str | None], number: int, limits: Limits) -> list[str | None]:
    while cells and cells[-1] is None:
        cells.pop()
    if len(cells) > limits.max_columns:
        raise SpreadsheetTooLarge(
            f"row {number} has {len(cells)} columns; the limit is {limits.max_columns}",
            limit="UIKG_SPREADSHEET_MAX_COLUMNS",
        )
    for index, cell in enumerate(cells):
        if cell is not None and len(cell) > limits.max_cell_chars:
            raise SpreadsheetTooLarge(
                f"row {number}, column {column_letter(index)} holds {len(cell)} characters; "
                f"the limit per cell is {limits.max_cell_chars}",
                limit="UIKG_SPREADSHEET_MAX_CELL_CHARS",
            )
    return cells


def _too_many_rows(limits: Limits) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        f"the sheet has more than {limits.max_rows} rows of records (after "
        f"{limits.header_rows} heading rows); the limit per upload is {limits.max_rows}: "
        "split it into several files",
        limit="UIKG_SPREADSHEET_MAX_ROWS",
    )


def _read_xlsx(data: bytes, limits: Limits) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(data, limits)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise SpreadsheetRefused(f"the workbook cannot be read: {error}") from None
    try:
        if len(book.sheetnames) > limits.max_sheets:  # pragma: no cover - check_zip counts first
            raise SpreadsheetTooLarge(
                f"the workbook has {len(book.sheetnames)} sheets; the limit is {limits.max_sheets}",
                limit="UIKG_SPREADSHEET_MAX_SHEETS",
            )
        sheet = book.worksheets[0]
        rows: list[list[str | None]] = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > limits.max_rows + limits.header_rows:
                raise _too_many_rows(limits)
            cells: list[str | None] = []
            for index, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    raise SpreadsheetRefused(
                        f"row {number}, column {column_letter(index)} holds a formula "
                        f"({str(cell.value)[:40]}); formulas are never evaluated: type the value "
                        "itself (in Excel: copy, then paste as values)",
                        row=number,
                        column=column_letter(index),
                    )
                cells.append(_cell_text(cell.value))
                if index > limits.max_columns + 16_384:  # pragma: no cover - openpyxl caps at XFD
                    break
            rows.append(_check_row(cells, number, limits))
        return Table(rows, sheet.title)
    finally:
        book.close()


# -- csv --------------------------------------------------------------------------------------
def _read_csv(data: bytes, limits: Limits) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetRefused(
            f"the CSV file is not UTF-8 (byte {error.start}); save it as “CSV UTF-8”"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[list[str | None]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.max_rows + limits.header_rows:
                raise _too_many_rows(limits)
            cells = [cell.strip() or None for cell in row]
            rows.append(_check_row(cells, number, limits))
    except csv.Error as error:
        raise SpreadsheetRefused(
            f"the CSV file cannot be read (line {reader.line_num}): {error}"
        ) from None
    return Table(rows, "csv")
