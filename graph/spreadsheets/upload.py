"""An uploaded spreadsheet, row by row: cells → an entry → a record → the validator → the queue.

Headings are matched to the template's columns in English or Polish (the ``*`` may be left
out); the help row is skipped when it is still there. Each cell is read as the field wants it
(a date as YYYY, YYYY-MM or YYYY-MM-DD, a whole number, a label from the pick-list), then each
row becomes a record (``graph.entries``) checked by the contribution workflow exactly as a
record sent as RDF. Every problem — a cell that cannot be read, or a finding of the validator —
is reported with its row (as the spreadsheet program numbers it), its column letter and the
column's label, in the reader's language.

Valid rows are queued as separate contributions. With ``atomic``, an upload with any invalid
row queues nothing; if a row is refused while queueing (the published graph changed between
the check and the queueing), the rows of that upload already queued are withdrawn (rejected,
with the reason) so that none stays pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, RdfFormat

from uikg.graph.auth import Principal, Role
from uikg.graph.contributions import Contributions
from uikg.graph.entries import Built, Entry, build
from uikg.graph.errors import BadRequest, PayloadTooLarge, ValidationFailed
from uikg.graph.forms import (
    HIDDEN_PATHS,
    KINDS,
    LANGUAGE_NAMES,
    Catalogue,
    FieldSpec,
    Option,
    typed,
)
from uikg.graph.search import fold
from uikg.graph.spreadsheets.reading import Table, column_letter
from uikg.graph.spreadsheets.templates import Column, columns
from uikg.graph.validation import ValidationResult

WITHDRAWN_BY = "spreadsheet-upload"


@dataclass
class Problem:
    row: int
    column: str | None  # the letter, as the spreadsheet program shows it
    field: str | None  # the column's label
    message: str
    value: str | None = None
    severity: str = "Violation"
    detail: str | None = None  # the validator's own message, for curators

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class RowResult:
    row: int
    label: str
    built: Built | None = None
    problems: list[Problem] = field(default_factory=list)
    contribution: str | None = None

    @property
    def valid(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)


@dataclass
class Outcome:
    kind: str
    lang: str
    dry_run: bool
    atomic: bool
    rows: list[RowResult]
    problems: list[Problem] = field(default_factory=list)  # about the sheet, not a row

    @property
    def queued(self) -> list[RowResult]:
        return [r for r in self.rows if r.contribution]

    @property
    def conforms(self) -> bool:
        return not self.problems and all(r.valid for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        problems = [*self.problems, *(p for r in self.rows for p in r.problems)]
        return {
            "kind": self.kind,
            "lang": self.lang,
            "dryRun": self.dry_run,
            "atomic": self.atomic,
            "conforms": self.conforms,
            "rows": len(self.rows),
            "valid": [r.row for r in self.rows if r.valid],
            "queued": [{"row": r.row, "id": r.contribution, "label": r.label} for r in self.queued],
            "problems": [
                p.to_json() for p in sorted(problems, key=lambda p: (p.row, p.column or ""))
            ],
        }


OptionsOf = Callable[[FieldSpec], list[Option]]


class Sheet:
    """One upload of one kind of record: the template's columns and the pick-lists' values."""

    def __init__(
        self,
        catalogue: Catalogue,
        kind: str,
        lang: str,
        options_of: OptionsOf,
        base_iri: str,
        existing: Callable[[list[str]], set[str]] | None = None,
    ) -> None:
        self.existing = existing
        self.catalogue, self.kind, self.lang = catalogue, kind, lang
        self.columns = columns(catalogue, kind)
        self.options_of = options_of
        self.base_iri = base_iri
        self._choices: dict[str, dict[str, list[Option]]] = {}
        self._typed: dict[tuple[int, str], str] = {}  # (row, field key) → the cell as typed

    # -- the heading rows --------------------------------------------------------------------
    def _header(self, table: Table) -> tuple[dict[int, Column], int, list[Problem]]:
        if not table.rows:
            raise BadRequest("the sheet is empty; fill in the template's first sheet")
        known: dict[str, Column] = {}
        for column in self.columns:
            for lang in ("en", "pl"):
                known[fold(column.label(lang))] = column
        placed: dict[int, Column] = {}
        problems = []
        for index, cell in enumerate(table.rows[0]):
            if cell is None:
                continue
            found = known.get(fold(cell.rstrip(" *").strip()))
            if found is None:
                problems.append(
                    Problem(
                        1,
                        column_letter(index),
                        cell,
                        self._say(
                            f"“{cell}” is not a column of this template; the columns are: "
                            f"{', '.join(c.label(self.lang) for c in self.columns)}.",
                            f"„{cell}” nie jest kolumną tego szablonu; kolumny to: "
                            f"{', '.join(c.label(self.lang) for c in self.columns)}.",
                        ),
                    )
                )
            elif found in placed.values():
                problems.append(
                    Problem(
                        1,
                        column_letter(index),
                        cell,
                        self._say(
                            f"the column “{cell}” appears twice.",
                            f"kolumna „{cell}” występuje dwa razy.",
                        ),
                    )
                )
            else:
                placed[index] = found
        if not placed:
            raise BadRequest(
                "the first row holds none of the template's column headings; download the "
                "template again and keep its first row"
            )
        first = 1
        if len(table.rows) > 1:
            helps = {fold(c.help(lang)) for c in self.columns for lang in ("en", "pl")}
            second = [fold(c) for c in table.rows[1] if c]
            if second and all(c in helps for c in second):
                first = 2
        return placed, first, problems

    def _say(self, english: str, polish: str) -> str:
        return polish if self.lang == "pl" else english

    # -- cells -------------------------------------------------------------------------------
    def _choice(self, spec: FieldSpec) -> dict[str, list[Option]]:
        if spec.key not in self._choices:
            index: dict[str, list[Option]] = {}
            for option in self.options_of(spec):
                for name in {option.display, option.label, option.value}:
                    index.setdefault(fold(name), []).append(option)
            if spec.key == "source.language":
                for code, names in LANGUAGE_NAMES.items():
                    for name in names.values():
                        index.setdefault(fold(name), []).append(Option(code, name))
            self._choices[spec.key] = index
        return self._choices[spec.key]

    def _value(self, column: Column, raw: str) -> tuple[list[NamedNode | Literal], str | None]:
        """The typed values of one cell, or the problem with it in the reader's words."""
        spec = column.spec
        assert spec is not None
        lang = self.lang
        if spec.value == "choice":
            parts = [p.strip() for p in raw.split(";") if p.strip()] if spec.multiple else [raw]
            found: list[NamedNode | Literal] = []
            for part in parts:
                matches = {o.value: o for o in self._choice(spec).get(fold(part), [])}
                if not matches:
                    return [], spec.error(lang, "unknown", value=part)
                if len(matches) > 1:
                    example = next(iter(matches.values())).display
                    return [], spec.error(lang, "ambiguous", value=part, example=example)
                value = next(iter(matches))
                found.append(Literal(value) if spec.key == "source.language" else NamedNode(value))
            return found, None
        values, problem = typed(spec, raw, lang, column.language)
        return list(values), problem

    def entry(
        self, number: int, cells: list[str | None], placed: dict[int, Column]
    ) -> tuple[Entry, RowResult, dict[str, tuple[str, str]]]:
        entry = Entry(self.kind, lang=self.lang)
        result = RowResult(number, "")
        where: dict[str, tuple[str, str]] = {}  # field key → (column letter, label)
        for index, column in placed.items():
            if column.key not in where:
                where[column.key] = (column_letter(index), column.label(self.lang))
        for index, column in placed.items():
            raw = cells[index] if index < len(cells) else None
            if raw is None:
                continue
            if column.spec is None:
                entry.identifier = raw
                continue
            values, problem = self._value(column, raw)
            self._typed[(number, column.key)] = raw
            if problem:
                result.problems.append(
                    Problem(number, column_letter(index), column.label(self.lang), problem, raw)
                )
                where[column.key] = (column_letter(index), column.label(self.lang))
            entry.values.setdefault(column.key, []).extend(values)
        labels = entry.values.get("label") or []
        result.label = labels[0].value if labels else entry.slug()
        return entry, result, where

    # -- the whole upload --------------------------------------------------------------------
    def rows(
        self, table: Table
    ) -> tuple[Outcome, list[tuple[RowResult, dict[str, tuple[str, str]]]]]:
        """Every row read and built (not yet validated), with its own problems."""
        placed, first, sheet_problems = self._header(table)
        outcome = Outcome(self.kind, self.lang, True, False, [], sheet_problems)
        found = []
        seen: dict[str, int] = {}
        for offset, cells in enumerate(table.rows[first:]):
            number = first + offset + 1
            if not any(cells):
                continue
            entry, result, where = self.entry(number, cells, placed)
            result.built = build(entry, self.base_iri, self.catalogue)
            subject = result.built.subject
            if subject in seen:
                column, label = where.get("label", ("", ""))
                result.problems.append(
                    Problem(
                        number,
                        column or None,
                        label or None,
                        self._say(
                            f"this row describes the same thing as row {seen[subject]}; "
                            "give it another name or identifier.",
                            f"ten wiersz opisuje to samo co wiersz {seen[subject]}; "
                            "nadaj mu inną nazwę lub identyfikator.",
                        ),
                    )
                )
            seen.setdefault(subject, number)
            outcome.rows.append(result)
            found.append((result, where))
        if self.existing is not None:
            self._known(found)
        return outcome, found

    def _known(self, found: list[tuple[RowResult, dict[str, tuple[str, str]]]]) -> None:
        """A row whose thing the graph already has adds to it: say so, in case it should not."""
        assert self.existing is not None
        known = self.existing([r.built.subject for r, _ in found if r.built is not None])
        thing = self.catalogue.class_label(KINDS[self.kind].cls, self.lang)
        for result, where in found:
            if result.built is None or result.built.subject not in known:
                continue
            column, label = where.get("identifier") or where.get("label") or (None, None)
            result.problems.append(
                Problem(
                    result.row,
                    column,
                    label,
                    self._say(
                        f"The graph already has a {thing} with this identifier; this row will "
                        "add to it. If it is a different one, give it another identifier.",
                        f"W grafie istnieje już wpis o tym identyfikatorze (rodzaj: {thing}); ten "
                        "wiersz go uzupełni. Jeśli chodzi o inny wpis, nadaj mu inny "
                        "identyfikator.",
                    ),
                    value=result.built.subject.rsplit("/", 1)[-1],
                    severity="Warning",
                )
            )

    def validate(
        self, result: RowResult, where: dict[str, tuple[str, str]], contributions: Contributions
    ) -> None:
        """The validator's findings on one row, put next to their columns."""
        assert result.built is not None
        try:
            checked = contributions.validate(result.built.ntriples(), RdfFormat.N_TRIPLES)
        except (BadRequest, PayloadTooLarge) as error:
            result.problems.append(Problem(result.row, None, None, error.detail))
        else:
            self._findings(result, checked.report.results, where)

    def submit(
        self,
        result: RowResult,
        where: dict[str, tuple[str, str]],
        contributions: Contributions,
        who: Principal,
    ) -> bool:
        """Queue one row (the workflow validates it); its findings either way. True if queued."""
        assert result.built is not None
        try:
            contribution = contributions.submit(result.built.ntriples(), RdfFormat.N_TRIPLES, who)
        except ValidationFailed as error:
            self._findings(result, error.report.results, where)
            return False
        except (BadRequest, PayloadTooLarge) as error:
            result.problems.append(Problem(result.row, None, None, error.detail))
            return False
        result.contribution = contribution.id
        findings = [ValidationResult(**finding) for finding in contribution.report]
        self._findings(result, findings, where)  # warnings: advice for the contributor
        return True

    def _findings(
        self, result: RowResult, findings: list[Any], where: dict[str, tuple[str, str]]
    ) -> None:
        specs = {s.key: s for s in self.catalogue.fields(self.kind)}
        flagged = {p.column for p in result.problems}
        assert result.built is not None
        for finding in findings:
            if finding.severity == "Info" or finding.path in HIDDEN_PATHS:
                continue
            key, _ = result.built.key_of(finding, specs)
            spec = specs.get(key) if key else None
            column, label = where.get(key, (None, None)) if key else (None, None)
            if column is not None and column in flagged:
                continue  # the cell's own problem says it already
            if spec is None:
                message = finding.message
            elif finding.value is None:
                message = spec.error(self.lang, "required")
            else:
                typed = self._typed.get((result.row, key or ""), finding.value)
                message = spec.error(self.lang, "invalid", value=typed)
            result.problems.append(
                Problem(
                    result.row,
                    column,
                    label or (spec.label_in(self.lang) if spec else None),
                    message,
                    value=self._typed.get((result.row, key or "")),
                    severity=finding.severity,
                    detail=finding.message if spec is not None else None,
                )
            )


def process(
    sheet: Sheet,
    table: Table,
    contributions: Contributions,
    who: Principal | None,
    *,
    atomic: bool = False,
) -> Outcome:
    """Check every row; with a contributor (``who``), queue the valid rows.

    Each row is validated once: a row to queue is validated by the workflow as it is
    submitted; only the all-or-nothing upload checks every row first.
    """
    outcome, rows = sheet.rows(table)
    outcome.atomic = atomic
    queueing = who is not None and not outcome.problems
    outcome.dry_run = who is None
    if who is None or atomic or not queueing:
        for result, where in rows:
            sheet.validate(result, where, contributions)
        if who is None or not queueing or not outcome.conforms:
            return outcome
        for result in outcome.rows:  # the findings are reported again when queued
            result.problems = [p for p in result.problems if p.severity == "Violation"]
    assert who is not None
    queued: list[RowResult] = []
    for result, where in rows:
        if not result.valid:
            sheet.validate(result, where, contributions)  # report everything at once
            continue
        if sheet.submit(result, where, contributions, who):
            queued.append(result)
        elif atomic:
            _withdraw(contributions, queued, result.row)
            return outcome
    return outcome


def _withdraw(contributions: Contributions, queued: list[RowResult], row: int) -> None:
    system = Principal(WITHDRAWN_BY, Role.curator)
    for result in queued:
        assert result.contribution is not None
        contributions.reject(
            result.contribution,
            system,
            f"withdrawn: the upload was all-or-nothing and row {row} was refused when queued",
        )
        result.contribution = None
