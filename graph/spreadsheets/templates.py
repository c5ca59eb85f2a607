"""Spreadsheet templates generated from the field model (``graph.forms``), with openpyxl.

One column per field (a text in several languages gets a column per language), the label in
row 1 with ``*`` for required fields, a help row, then the records. In the ``.xlsx`` template,
pick-lists are data validation lists pointing at a second sheet of allowed values (labels with
context, e.g. "Gdańsk (city, Poland)"); whole numbers are checked by Excel too; date columns
are formatted as text so that "2016-06" stays what was typed. The ``.csv`` template has the
same two heading rows (UTF-8 with a byte-order mark, so Excel reads Polish letters right).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from uikg.graph.forms import KINDS, LANGUAGE_NAMES, LANGUAGES, Catalogue, FieldSpec, Option, text

IDENTIFIER_LABEL = {"en": "Identifier (optional)", "pl": "Identyfikator (opcjonalnie)"}
IDENTIFIER_HELP = {
    "en": "Leave empty: it is made from the name. Otherwise lowercase words joined by hyphens, "
    "e.g. lublin-integration-strategy-2024.",
    "pl": "Zostaw puste: powstanie z nazwy. Możesz też wpisać małe litery i cyfry połączone "
    "łącznikami, np. strategia-integracji-lublina-2024.",
}
VALUES_SHEET = {"en": "Allowed values", "pl": "Dozwolone wartości"}
FIRST_RECORD_ROW = 3


@dataclass(frozen=True)
class Column:
    """One column of a template: a field, in one language for texts that carry one."""

    key: str  # the field key, or "identifier"
    language: str | None
    spec: FieldSpec | None

    def label(self, lang: str) -> str:
        if self.spec is None:
            return IDENTIFIER_LABEL[lang]
        base = self.spec.label_in(lang)
        if self.language:
            return (
                f"{base} ({text(lang, 'language', language=LANGUAGE_NAMES[self.language][lang])})"
            )
        return base

    def heading(self, lang: str) -> str:
        return self.label(lang) + (" *" if self.spec is not None and self.spec.required else "")

    def help(self, lang: str) -> str:
        if self.spec is None:
            return IDENTIFIER_HELP[lang]
        parts = [self.spec.help_in(lang)]
        if self.spec.value == "date":
            parts.append(text(lang, "placeholder") + ".")
        if self.spec.value == "choice" and self.spec.multiple:
            parts.append(text(lang, "several"))
        return " ".join(p for p in parts if p)


def columns(catalogue: Catalogue, kind: str) -> list[Column]:
    found = []
    for spec in catalogue.fields(kind):
        if spec.value == "langText":
            found += [Column(spec.key, code, spec) for code in LANGUAGES]
        else:
            found.append(Column(spec.key, None, spec))
    return [*found, Column("identifier", None, None)]


OptionsOf = Callable[[FieldSpec], list[Option]]


def _safe(value: str) -> str:
    """A text a spreadsheet program will not take for a formula when it opens the CSV."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def template_csv(catalogue: Catalogue, kind: str, lang: str) -> bytes:
    cols = columns(catalogue, kind)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([_safe(c.heading(lang)) for c in cols])
    writer.writerow([_safe(c.help(lang)) for c in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def template_xlsx(
    catalogue: Catalogue, kind: str, lang: str, options_of: OptionsOf, max_rows: int
) -> bytes:
    """The template as an Excel workbook; ``options_of`` reads a pick-list's values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(KINDS[kind].title_in(lang))
    values = book.create_sheet(_sheet_title(VALUES_SHEET[lang]))
    book.properties.title = KINDS[kind].title_in(lang)
    book.properties.subject = f"uikg template: {kind}"
    last = FIRST_RECORD_ROW + max_rows - 1
    heading_fill = PatternFill("solid", fgColor="DDE7F0")
    value_column = 0
    for index, column in enumerate(columns(catalogue, kind), start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index)
        _put(head, column.heading(lang))
        head.font, head.fill = Font(bold=True), heading_fill
        help_cell = sheet.cell(row=2, column=index)
        _put(help_cell, column.help(lang))
        help_cell.font = Font(italic=True, color="555555")
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = 30
        spec = column.spec
        if spec is None:
            continue
        cells = f"{letter}{FIRST_RECORD_ROW}:{letter}{last}"
        check: DataValidation | None = None
        if spec.value == "choice":
            found = options_of(spec)
            value_column += 1
            values_letter = get_column_letter(value_column)
            _put(values.cell(row=1, column=value_column), spec.label_in(lang))
            values.cell(row=1, column=value_column).font = Font(bold=True)
            values.column_dimensions[values_letter].width = 45
            for row, option in enumerate(found, start=2):
                _put(values.cell(row=row, column=value_column), option.display)
            end = max(2, len(found) + 1)
            reference = f"'{values.title}'!${values_letter}$2:${values_letter}${end}"
            # several values go in one cell ("a; b"), which a list check would refuse
            check = DataValidation(
                type="list", formula1=reference, showErrorMessage=not spec.multiple
            )
            check.error = spec.error(lang, "choice")
        elif spec.value == "integer":
            check = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1=f"{int(spec.minimum) if spec.minimum is not None else -(10**9)}",
            )
            check.error = spec.error(lang, "integer")
        elif spec.value == "date":
            sheet.column_dimensions[letter].number_format = "@"
            check = DataValidation()
        if check is not None:
            check.allow_blank = True
            check.promptTitle = column.label(lang)[:32]
            check.prompt = column.help(lang)[:255]
            check.showInputMessage = True
            check.errorTitle = column.label(lang)[:32]
            if check.error:
                check.error = check.error[:255]
            check.add(cells)
            sheet.add_data_validation(check)
    sheet.freeze_panes = f"A{FIRST_RECORD_ROW}"
    sheet.row_dimensions[2].height = 75
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell: object, value: str) -> None:
    """Write text that stays text (openpyxl would take "=…" for a formula)."""
    cell.value = value  # type: ignore[attr-defined]
    if value.startswith("="):
        cell.data_type = "s"  # type: ignore[attr-defined]
