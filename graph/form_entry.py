"""A filled-in web form, checked and queued like a spreadsheet row: values → an entry → a record
→ the validator → the queue, with every problem next to its field, in the reader's words.

The form sends its values by field key (``graph.forms``), as people gave them::

    {"values": {"label": [{"text": "Strategia", "lang": "pl"}],
                "adoptionDate": ["2024-05"],
                "jurisdiction": ["{base}id/city/lublin"],
                "adoptedBy": [{"new": {"label": "Rada Miasta Lublin", "class": "…#CityCouncil",
                                       "values": {"governs": ["{base}id/city/lublin"]}}}],
                "source.url": ["https://lublin.eu/strategia"], "source.quotation": ["…"]}}

A choice is the value of an option the field model or the type-ahead offered (the page shows
its label, never the value). What a person typed that the field cannot take (a date such as
2024-13, a web address without http) is a problem of that field, not an error: the form shows
every problem at once. A body that is not such an object is a 400 naming the place
(``values.adoptionDate[0]``); nothing is stored either way unless the record conforms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, RdfFormat

from uikg.graph.auth import Principal
from uikg.graph.contributions import Contribution, Contributions
from uikg.graph.contributions.check import POLICY_SHAPE
from uikg.graph.describe import labels
from uikg.graph.entries import Built, Entry, NewThing, Term, build
from uikg.graph.errors import BadRequest, ValidationFailed
from uikg.graph.forms import (
    CODED,
    HIDDEN_PATHS,
    KINDS,
    LANGUAGE_NAMES,
    SOURCE_KINDS,
    Catalogue,
    FieldSpec,
    safe_iri,
    text,
    typed,
)
from uikg.graph.namespaces import RDFS, SH, SKOS
from uikg.graph.new_things import NewKind, new_kind, new_kinds
from uikg.graph.reader import Reader
from uikg.graph.validation import ValidationResult

MAX_VALUES = 50  # values of one field
MAX_CHARS = 10_000  # characters of one value
# A parenthesis that shows RDF syntax ("(rdfs:label "…"@en)") in a shape's message.
_RDF_IN_WORDS = re.compile(r" ?\([^()]*(?:\"…\"@|\^\^|\w+:\w+)[^()]*\)")


@dataclass
class Problem:
    """A problem of one field (``field`` is its key; ``subfield`` a value of a new thing)."""

    message: str
    field: str | None = None
    label: str | None = None
    subfield: str | None = None
    severity: str = "Violation"
    value: str | None = None
    detail: str | None = None  # the validator's own words, for curators and programs

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Outcome:
    kind: str
    lang: str
    problems: list[Problem] = field(default_factory=list)
    subject: str | None = None
    contribution: Contribution | None = None

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "Violation" for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "lang": self.lang,
            "conforms": self.conforms,
            "subject": self.subject,
            "problems": [p.to_json() for p in self.problems],
            "contribution": self.contribution.to_json() if self.contribution else None,
        }


MAX_NESTING = 8  # {values: {key: [{new: {values: {key: [ … is seven levels
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_json(data: bytes) -> Any:
    """The form's body as JSON, refused with the place when it is not (or nests deeper than a
    form does, before the reader recurses into it).

    >>> read_json(b'{"values": {}}')
    {'values': {}}
    >>> read_json(b'{"values": [[[[[[[[[]]]]]]]]]}')
    Traceback (most recent call last):
    ...
    uikg.graph.errors.BadRequest: the body nests deeper than a form does (8 levels) at line 1, column 19
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(
            f"the body is not UTF-8 text: {error.reason} at byte {error.start}"
        ) from None
    depth = 0
    for found in _JSON_TOKENS.finditer(text):
        piece = found.group()
        depth += 1 if piece in ("[", "{") else -1 if piece in ("]", "}") else 0
        if depth > MAX_NESTING:
            line = text.count("\n", 0, found.start()) + 1
            column = found.start() - text.rfind("\n", 0, found.start())
            raise BadRequest(
                f"the body nests deeper than a form does ({MAX_NESTING} levels) at line {line}, "
                f"column {column}"
            )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"the body is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None


def _where(*parts: object) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class Form:
    """One kind of record as a form: reads what was sent, checks it, queues it."""

    def __init__(
        self,
        catalogue: Catalogue,
        kind: str,
        lang: str,
        reader: Reader,
        base_iri: str,
        existing: Callable[[list[str]], set[str]],
    ) -> None:
        self.catalogue, self.kind, self.lang = catalogue, kind, lang
        self.reader, self.base_iri, self.existing = reader, base_iri, existing
        self.specs = {s.key: s for s in catalogue.fields(kind)}
        self._shown: dict[str, str] = {}  # field key → the text as typed (for messages)

    # -- reading ---------------------------------------------------------------------------
    def read(self, payload: Any) -> tuple[Entry, list[Problem]]:
        if not isinstance(payload, dict):
            raise BadRequest("send a JSON object with the form's values under “values”")
        values = payload.get("values", {})
        if not isinstance(values, dict):
            raise BadRequest("values: expected an object of field keys and their values")
        unknown = sorted(set(values) - set(self.specs))
        if unknown:
            raise BadRequest(
                f"values.{unknown[0]}: not a field of this form; the fields are "
                f"{', '.join(self.specs)}"
            )
        identifier = payload.get("identifier")
        if identifier is not None and not isinstance(identifier, str):
            raise BadRequest("identifier: expected a text")
        entry = Entry(self.kind, identifier=identifier or None, lang=self.lang)
        problems: list[Problem] = []
        for key, items in values.items():
            spec = self.specs[key]
            if not isinstance(items, list):
                items = [items]
            if len(items) > MAX_VALUES:
                raise BadRequest(f"{_where('values', key)}: at most {MAX_VALUES} values")
            items = [i for i in items if i not in (None, "")]
            if len(items) > 1 and not spec.multiple:
                problems.append(self._problem(spec, spec.error(self.lang, "one")))
                continue
            for index, item in enumerate(items):
                problem = self._item(entry, spec, item, _where("values", key, index))
                if problem:
                    problems.append(problem)
        problems += self._picks(entry)
        return entry, problems

    def _problem(self, spec: FieldSpec, message: str, **extra: Any) -> Problem:
        return Problem(message, spec.key, spec.label_in(self.lang), **extra)

    def _text(self, item: Any, where: str) -> str:
        if not isinstance(item, str):
            raise BadRequest(f"{where}: expected a text")
        if len(item) > MAX_CHARS:
            raise BadRequest(f"{where}: at most {MAX_CHARS} characters")
        return item.strip()

    def _item(self, entry: Entry, spec: FieldSpec, item: Any, where: str) -> Problem | None:
        if spec.value == "choice":
            if isinstance(item, dict) and "new" in item:
                return self._new(entry, spec, item["new"], where)
            return self._choice(entry.values, spec, self._text(item, where), where)
        language = None
        if spec.value == "langText" and isinstance(item, dict):
            language = item.get("lang")
            if language not in LANGUAGE_NAMES:
                raise BadRequest(f"{where}.lang: one of {', '.join(LANGUAGE_NAMES)}")
            item = item.get("text")
        raw = self._text(item, where)
        if not raw:
            return None
        self._shown[spec.key] = raw
        values, problem = typed(spec, raw, self.lang, language)
        if problem:
            return self._problem(spec, problem, value=raw)
        if spec.min_length and len(raw) < spec.min_length:
            return self._problem(spec, spec.error(self.lang, "short", count=spec.min_length))
        if spec.max_length and len(raw) > spec.max_length:
            return self._problem(spec, spec.error(self.lang, "long", count=spec.max_length))
        entry.values.setdefault(spec.key, []).extend(values)
        return None

    def _choice(
        self, into: dict[str, list[Term]], spec: FieldSpec, value: str, where: str
    ) -> Problem | None:
        if not value:
            return None
        if spec.key in CODED:
            if value not in LANGUAGE_NAMES:
                return self._problem(spec, spec.error(self.lang, "choice"))
            into.setdefault(spec.key, []).append(Literal(value))
            return None
        if spec.key == "source.kind" and value not in SOURCE_KINDS:
            return self._problem(spec, spec.error(self.lang, "choice"))
        into.setdefault(spec.key, []).append(NamedNode(safe_iri(value, where)))
        return None

    def _new(self, entry: Entry, spec: FieldSpec, new: Any, where: str) -> Problem | None:
        if not isinstance(new, dict):
            raise BadRequest(f"{where}.new: expected an object with a label and a class")
        if not spec.allow_new:
            raise BadRequest(f"{where}.new: this field takes a value from its list only")
        label = self._text(new.get("label", ""), f"{where}.new.label")
        kind = new_kind(spec, str(new.get("class", "")), self.catalogue)
        if not label:
            return self._problem(spec, spec.error(self.lang, "new-name"))
        if kind is None:
            return self._problem(spec, spec.error(self.lang, "new-kind"), value=label)
        thing = NewThing(label, kind.cls)
        given = new.get("values", {})
        if not isinstance(given, dict):
            raise BadRequest(f"{where}.new.values: expected an object")
        wanted = {f.key: f for f in kind.fields}
        for key, items in given.items():
            if key not in wanted:
                raise BadRequest(f"{where}.new.values.{key}: not a value of a new {kind.segment}")
            for index, item in enumerate(items if isinstance(items, list) else [items]):
                at = _where(where, "new", "values", key, index)
                problem = self._nested(thing, wanted[key], item, at)
                if problem:
                    problem.field, problem.label = spec.key, spec.label_in(self.lang)
                    return problem
        entry.new.setdefault(spec.key, []).append(thing)
        return None

    def _nested(self, thing: NewThing, spec: FieldSpec, item: Any, where: str) -> Problem | None:
        if spec.value == "choice":
            problem = self._choice(thing.values, spec, self._text(item, where), where)
        else:
            raw = self._text(item, where)
            values, message = typed(spec, raw, self.lang) if raw else ([], None)
            thing.values.setdefault(spec.key, []).extend(values)
            problem = Problem(message) if message else None
        if problem:
            problem.subfield = spec.key
        return problem

    def _picks(self, entry: Entry) -> list[Problem]:
        """A picked value must be of the field's classes or scheme (the lists offer only such)."""
        wanted: list[tuple[FieldSpec, str, str | None]] = []
        for key, values in entry.values.items():
            spec = self.specs[key]
            if spec.value == "choice" and key not in CODED and key != "source.kind":
                wanted += [(spec, v.value, None) for v in values]
        for key, things in entry.new.items():
            for thing in things:
                kind = new_kind(self.specs[key], thing.cls, self.catalogue)
                nested = {f.key: f for f in kind.fields} if kind else {}
                for sub, values in thing.values.items():
                    wanted += [
                        (nested[sub], v.value, key) for v in values if isinstance(v, NamedNode)
                    ]
        if not wanted:
            return []
        iris = " ".join(sorted({f"<{iri}>" for _, iri, _ in wanted}))
        kinds: dict[str, set[str]] = {}
        for row in self.reader.query(
            f"SELECT ?x ?k WHERE {{ VALUES ?x {{ {iris} }} "
            f"{{ ?x a ?k }} UNION {{ ?x <{SKOS}inScheme> ?k }} }}"
        ):
            kinds.setdefault(row["x"].value, set()).add(row["k"].value)
        for found in labels(self.reader, sorted({iri for _, iri, _ in wanted})):
            language = getattr(found.object, "language", None) or ""
            if language in (self.lang, "en", "") or found.subject.value not in entry.labels:  # type: ignore[union-attr]
                entry.labels[found.subject.value] = found.object.value  # type: ignore[union-attr]
        problems = []
        for spec, iri, parent in wanted:
            allowed = {*spec.classes, *([spec.scheme] if spec.scheme else [])}
            if not allowed & kinds.get(iri, set()):
                owner = self.specs[parent] if parent else spec
                problems.append(
                    self._problem(
                        owner,
                        spec.error(self.lang, "choice"),
                        subfield=spec.key if parent else None,
                    )
                )
        return problems

    # -- checking ----------------------------------------------------------------------------
    def prepare(self, payload: Any) -> tuple[Built, list[Problem]]:
        """The record of what was sent, and the problems found before the validator."""
        entry, problems = self.read(payload)
        if entry.values.get("source.work") and any(
            entry.values.get(k) or entry.new.get(k)
            for k in ("source.url", "source.title", "source.kind", "source.publisher")
        ):
            spec = self.specs["source.work"]
            problems.append(self._problem(spec, spec.error(self.lang, "two-sources")))
        cites = any(entry.values.get(k) for k in ("source.url", "source.title", "source.work"))
        if cites and not entry.values.get("source.quotation"):
            spec = self.specs["source.quotation"]
            problems.append(self._problem(spec, spec.error(self.lang, "no-quote")))
        built = build(entry, self.base_iri, self.catalogue)
        problems += self._known(built)
        return built, problems

    def _known(self, built: Built) -> list[Problem]:
        """Say when the record or a new thing would add to something the graph holds."""
        known = self.existing([built.subject, *built.new])
        problems = []
        if built.subject in known:
            spec = self.specs.get("label")
            thing = self.catalogue.class_label(KINDS[self.kind].cls, self.lang)
            problems.append(
                Problem(
                    text(self.lang, "known", thing=thing),
                    "label" if spec else None,
                    spec.label_in(self.lang) if spec else None,
                    severity="Warning",
                )
            )
        for iri, key in built.new.items():
            if iri in known:
                spec = self.specs[key]
                name = next(
                    (
                        t.object.value
                        for t in built.triples
                        if t.subject.value == iri  # type: ignore[union-attr]
                        and t.predicate.value.endswith("#label")
                        and isinstance(t.object, Literal)
                    ),
                    "",
                )
                problems.append(self._problem(spec, spec.error(self.lang, "exists", value=name)))
        return problems

    def findings(
        self, built: Built, results: list[ValidationResult], problems: list[Problem]
    ) -> list[Problem]:
        """The validator's findings as problems of fields. Left out: what a field's own problem
        already says, and, while a value cannot be read, advice about the whole record (it is
        often about that missing value: "adopted but no adoption date")."""
        flagged = {(p.field, p.subfield) for p in problems if p.severity == "Violation"}
        out: list[Problem] = []
        for finding in results:
            if finding.severity == "Info" or finding.path in HIDDEN_PATHS:
                continue
            key, sub = built.key_of(finding, self.specs)
            if key is not None and ((key, sub) in flagged or (key, None) in flagged):
                continue
            if key is None and flagged and finding.severity != "Violation":
                continue
            problem = self._finding(built, finding, key, sub)
            said = (problem.field, problem.subfield, problem.message)
            if all((p.field, p.subfield, p.message) != said for p in (*problems, *out)):
                out.append(problem)
        return out

    def _words(self, built: Built, finding: ValidationResult) -> str:
        """The validator's sentence, with the thing named in words (a record without a name
        yet is "the policy document"), and no RDF written in it."""
        sentence = finding.text or finding.message
        focus = finding.focus_node
        if focus and focus in sentence:
            name = finding.focus_label or self._name(built, focus)
            sentence = sentence.replace(focus, name)
        return _RDF_IN_WORDS.sub("", sentence)

    def _name(self, built: Built, iri: str) -> str:
        for t in built.triples:
            if t.subject.value == iri and t.predicate.value == RDFS + "label":  # type: ignore[union-attr]
                return str(t.object.value)  # type: ignore[union-attr]
        if iri == built.subject:
            return self.catalogue.class_label(KINDS[self.kind].cls, self.lang).capitalize()
        return self.specs[built.new[iri]].label_in(self.lang) if iri in built.new else "…"

    def _finding(
        self, built: Built, finding: ValidationResult, key: str | None, sub: str | None
    ) -> Problem:
        spec = self.specs.get(key or "")
        detail = self._words(built, finding)
        if spec is None:
            return Problem(detail, severity=finding.severity)
        target = spec
        if sub is not None:
            target = next(
                (f for k in self._all_kinds(spec) for f in k.fields if f.key == sub), spec
            )
        constraint = (finding.constraint or "").removeprefix(SH)
        shown = self._shown.get(target.key) or finding.value_label
        missing = finding.value is None and finding.source_shape == POLICY_SHAPE
        if constraint == "MinCountConstraintComponent" or missing:
            message = target.error(self.lang, "required")
        elif constraint == "MinLengthConstraintComponent" and target.min_length:
            message = target.error(self.lang, "short", count=target.min_length)
        elif constraint == "MaxLengthConstraintComponent" and target.max_length:
            message = target.error(self.lang, "long", count=target.max_length)
        elif constraint == "MaxCountConstraintComponent":
            message = target.error(self.lang, "one")
        elif finding.path is None or finding.value is None:
            message = detail  # a rule about the whole thing: the validator says it best
        else:
            message = target.error(self.lang, "invalid", value=shown or "…")
        return Problem(
            message,
            spec.key,
            spec.label_in(self.lang),
            subfield=sub,
            severity=finding.severity,
            value=shown,
            detail=detail,
        )

    def _all_kinds(self, spec: FieldSpec) -> list[NewKind]:
        return new_kinds(spec, self.catalogue)

    def check(self, payload: Any, contributions: Contributions) -> Outcome:
        """The dry run: every problem, nothing stored."""
        built, problems = self.prepare(payload)
        checked = contributions.validate(built.ntriples(), RdfFormat.N_TRIPLES, (self.lang,))
        problems += self.findings(built, checked.report.results, problems)
        return Outcome(self.kind, self.lang, problems, built.subject)

    def submit(self, payload: Any, contributions: Contributions, who: Principal) -> Outcome:
        """Queue the record if it conforms; otherwise every problem, and nothing stored."""
        built, problems = self.prepare(payload)
        outcome = Outcome(self.kind, self.lang, problems, built.subject)
        if not outcome.conforms:  # the validator's findings too, so everything shows at once
            checked = contributions.validate(built.ntriples(), RdfFormat.N_TRIPLES, (self.lang,))
            outcome.problems += self.findings(built, checked.report.results, problems)
            return outcome
        try:
            contribution = contributions.submit(built.ntriples(), RdfFormat.N_TRIPLES, who)
        except ValidationFailed as error:
            outcome.problems += self.findings(built, error.report.results, problems)
            return outcome
        outcome.contribution = contribution
        advice = [ValidationResult(**finding) for finding in contribution.report]
        outcome.problems += self.findings(built, advice, problems)
        return outcome
