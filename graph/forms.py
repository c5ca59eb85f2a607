"""Contribution forms described from the SHACL shapes, in the words of the people who fill them in.

A kind of record (a city policy document, a programme, a membership) has fields; each field
comes from the property shapes that target the kind's class, merged by path. What a person
reads comes from the shapes' ``sh:name``/``sh:description`` (English and Polish), falling back
to the ontology's ``rdfs:label``/``skos:definition``; fields are ordered by ``sh:group`` (what,
who, where, when, which areas, source) and ``sh:order``. Nobody reads an IRI, a prefix or a
datatype: a field says what kind of value it takes (a date as YYYY, YYYY-MM or YYYY-MM-DD, a
whole number, a choice from a list) and the pick-lists show labels with context, e.g.
"Gdańsk (city, Poland)". A field added to ``shapes/`` appears in the form, the spreadsheet
templates and the upload without code changes.

The functions that read pick-list values take the store they query as a parameter, so the
caller decides which reader they go through.

>>> sorted(KINDS)[:2]
['document', 'membership']
>>> parse_partial_date("2016-06").datatype
'http://www.w3.org/2001/XMLSchema#gYearMonth'
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import rdflib
import rdflib.collection
from pyoxigraph import Literal, NamedNode
from rdflib import RDF, RDFS, SH, Namespace, URIRef

from uikg.graph.namespaces import DCT, XSD
from uikg.graph.reader import Reader
from uikg.graph.search import fold

UIKG = Namespace("https://w3id.org/uikg/ontology#")
SHP = "https://w3id.org/uikg/shapes#"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
PICK_LIMIT = 300
LOOKUP_SCAN = 5_000  # candidate rows read for one type-ahead search
LANGUAGES = ("en", "pl")
# Curators' pointers into the two seed texts ("A:L347-362, fn33"); a contributor names a source
# in the source group instead.
HIDDEN_PATHS = frozenset({str(UIKG.sourceLocation)})


@dataclass(frozen=True)
class Kind:
    title: str
    cls: str
    slug_kind: str  # the {kind} of …/id/{kind}/{slug}
    types: tuple[str, ...]
    title_pl: str = ""
    # Shapes aimed at whoever uses a property (shp:Period on uikg:startDate) that apply too.
    also: tuple[str, ...] = ()

    def title_in(self, lang: str) -> str:
        return self.title_pl if lang == "pl" and self.title_pl else self.title


KINDS = {
    "document": Kind(
        "City policy document",
        UIKG.PolicyDocument,
        "document",
        (UIKG.LocalPolicy,),
        "Dokument polityki miasta",
    ),
    "programme": Kind(
        "Programme", UIKG.Programme, "programme", (), "Program", also=(SHP + "Period",)
    ),
    "membership": Kind(
        "Membership in a network or programme",
        UIKG.Involvement,
        "involvement",
        (),
        "Członkostwo w sieci lub programie",
        also=(SHP + "Period",),
    ),
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "required": "Fill in “{label}”.",
        "one": "“{label}” takes one value only.",
        "date": "“{label}” takes a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2016, 2016-06 or "
        "2016-06-30).",
        "no-such-day": "“{label}”: {value} is not a day of the calendar.",
        "integer": "“{label}” takes a whole number.",
        "decimal": "“{label}” takes a number.",
        "minimum": "“{label}” takes a number of at least {minimum}.",
        "url": "“{label}” takes a web address starting with http:// or https://.",
        "choice": "Choose “{label}” from the list.",
        "unknown": "“{label}”: “{value}” is not in the list; choose one of the values offered.",
        "ambiguous": "“{label}”: “{value}” fits several entries; use the label with its "
        "context, e.g. “{example}”.",
        "invalid": "“{label}”: “{value}” is not accepted here. {help}",
        "boolean": "“{label}” takes yes or no.",
        "placeholder": "YYYY, YYYY-MM or YYYY-MM-DD",
        "several": "Separate several values with “;”.",
        "language": "in {language}",
        "new": "or add a new one",
        "short": "“{label}” needs at least {count} characters.",
        "long": "“{label}” takes at most {count} characters.",
        "new-name": "“{label}”: give the name of the new one.",
        "new-kind": "“{label}”: say what kind of thing the new one is.",
        "exists": "“{label}”: the graph already has “{value}”; pick it from the list instead of "
        "adding it again.",
        "known": "The graph already has a {thing} named like this; your record will add to it. "
        "If it is a different one, give it another name.",
        "two-sources": "Pick a source the graph already holds, or describe a new one, not both.",
        "no-quote": "“{label}”: quote the passage the record comes from.",
    },
    "pl": {
        "required": "Uzupełnij pole „{label}”.",
        "one": "Pole „{label}” przyjmuje tylko jedną wartość.",
        "date": "Pole „{label}” przyjmuje datę w formacie RRRR, RRRR-MM lub RRRR-MM-DD (np. 2016, "
        "2016-06 lub 2016-06-30).",
        "no-such-day": "Pole „{label}”: {value} nie jest dniem kalendarza.",
        "integer": "Pole „{label}” przyjmuje liczbę całkowitą.",
        "decimal": "Pole „{label}” przyjmuje liczbę.",
        "minimum": "Pole „{label}” przyjmuje liczbę nie mniejszą niż {minimum}.",
        "url": "Pole „{label}” przyjmuje adres internetowy zaczynający się od http:// lub https://.",
        "choice": "Wybierz wartość pola „{label}” z listy.",
        "unknown": "Pole „{label}”: „{value}” nie występuje na liście; wybierz jedną z podanych "
        "wartości.",
        "ambiguous": "Pole „{label}”: „{value}” pasuje do kilku pozycji; użyj nazwy z kontekstem, "
        "np. „{example}”.",
        "invalid": "Pole „{label}”: wartość „{value}” nie jest tu dopuszczalna. {help}",
        "boolean": "Pole „{label}” przyjmuje tak lub nie.",
        "placeholder": "RRRR, RRRR-MM lub RRRR-MM-DD",
        "several": "Kilka wartości oddziel znakiem „;”.",
        "language": "po {language}",
        "new": "lub dodaj nową",
        "short": "Pole „{label}” wymaga co najmniej {count} znaków.",
        "long": "Pole „{label}” przyjmuje najwyżej {count} znaków.",
        "new-name": "Pole „{label}”: podaj nazwę nowej pozycji.",
        "new-kind": "Pole „{label}”: wskaż, czym jest nowa pozycja.",
        "exists": "Pole „{label}”: w grafie jest już „{value}”; wybierz tę pozycję z listy, "
        "zamiast dodawać ją ponownie.",
        "known": "W grafie jest już wpis o takiej nazwie (rodzaj: {thing}); Twój wpis go uzupełni. "
        "Jeśli chodzi o inny wpis, nadaj mu inną nazwę.",
        "two-sources": "Wybierz źródło zapisane już w grafie albo opisz nowe, nie oba naraz.",
        "no-quote": "Pole „{label}”: zacytuj fragment, z którego pochodzi wpis.",
    },
}
LANGUAGE_NAMES = {  # the languages a label, a title or a quotation may be written in
    "en": {"en": "English", "pl": "angielsku"},
    "pl": {"en": "Polish", "pl": "polsku"},
    "de": {"en": "German", "pl": "niemiecku"},
    "fr": {"en": "French", "pl": "francusku"},
    "nl": {"en": "Dutch", "pl": "niderlandzku"},
    "es": {"en": "Spanish", "pl": "hiszpańsku"},
    "it": {"en": "Italian", "pl": "włosku"},
    "sv": {"en": "Swedish", "pl": "szwedzku"},
    "uk": {"en": "Ukrainian", "pl": "ukraińsku"},
}


# The same languages named on their own, as a pick-list shows them ("polski", not "polsku").
LANGUAGE_TITLES = {
    "en": {"en": "English", "pl": "angielski"},
    "pl": {"en": "Polish", "pl": "polski"},
    "de": {"en": "German", "pl": "niemiecki"},
    "fr": {"en": "French", "pl": "francuski"},
    "nl": {"en": "Dutch", "pl": "niderlandzki"},
    "es": {"en": "Spanish", "pl": "hiszpański"},
    "it": {"en": "Italian", "pl": "włoski"},
    "sv": {"en": "Swedish", "pl": "szwedzki"},
    "uk": {"en": "Ukrainian", "pl": "ukraiński"},
}
# The kinds of source a contributor cites, as the ontology's classes of works (the option's
# value is the class).
SOURCE_KINDS: dict[str, dict[str, str]] = {
    str(UIKG.WebPage): {"en": "Web page", "pl": "Strona internetowa"},
    str(UIKG.Report): {
        "en": "Document or report (e.g. a PDF)",
        "pl": "Dokument lub raport (np. PDF)",
    },
    str(UIKG.Publication): {
        "en": "Council resolution or other official act",
        "pl": "Uchwała rady lub inny akt urzędowy",
    },
    str(UIKG.JournalArticle): {"en": "News or magazine article", "pl": "Artykuł prasowy"},
}
# Closed lists whose values are codes, not things of the graph.
CODED = frozenset({"source.language"})


def text(lang: str, key: str, **values: Any) -> str:
    return TEXT.get(lang, TEXT["en"])[key].format(**values)


def pick_language(lang: str | None) -> str:
    """``pl`` or ``en`` (the default) from a ``lang`` parameter."""
    return "pl" if (lang or "").lower().split("-")[0] == "pl" else "en"


# -- values people type ------------------------------------------------------------------------
@dataclass(frozen=True)
class TypedValue:
    text: str
    datatype: str


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_partial_date(value: str) -> TypedValue | None:
    """A date as precise as the source: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None if not.

    >>> parse_partial_date("2016").datatype.rsplit("#")[-1]
    'gYear'
    >>> parse_partial_date("2025-13-45") is None, parse_partial_date("2023-02-29") is None
    (True, True)
    """
    match = _DATE.fullmatch(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    if month is None:
        return TypedValue(year, XSD + "gYear")
    if not 1 <= int(month) <= 12:
        return None
    if day is None:
        return TypedValue(f"{year}-{month}", XSD + "gYearMonth")
    if not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return None
    return TypedValue(f"{year}-{month}-{day}", XSD + "date")


_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_TRUE = {"true", "yes", "1", "tak", "prawda"}
_FALSE = {"false", "no", "0", "nie", "fałsz", "falsz"}


def typed(
    spec: FieldSpec, raw: str, lang: str, language: str | None = None
) -> tuple[list[Literal], str | None]:
    """The literal a person's text stands for in a field that is not a choice, or the problem
    with it in their words (``language``: the text's own, for a name in several languages).

    >>> typed(FieldSpec("adoptionDate", "", "when", 1, value="date"), "2016-06", "en")[0]
    [<Literal value=2016-06 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#gYearMonth>>]
    >>> typed(FieldSpec("adoptionDate", "", "when", 1, {"en": "Date"}, value="date"), "2016-13", "en")[1]
    '“Date” takes a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2016, 2016-06 or 2016-06-30).'
    """
    raw = raw.strip()
    if spec.value == "date":
        parsed = parse_partial_date(raw)
        if parsed is None:
            return [], spec.error(lang, "date")
        return [Literal(parsed.text, datatype=NamedNode(parsed.datatype))], None
    if spec.value in ("integer", "decimal"):
        try:
            number = int(raw) if spec.value == "integer" else float(raw.replace(",", "."))
        except ValueError:
            return [], spec.error(lang, spec.value)
        if spec.minimum is not None and number < spec.minimum:
            return [], spec.error(lang, "minimum", minimum=f"{spec.minimum:g}")
        lexical = str(number) if spec.value == "integer" else raw.replace(",", ".")
        return [Literal(lexical, datatype=NamedNode(XSD + spec.value))], None
    if spec.value == "url":
        if not _URL.fullmatch(raw):
            return [], spec.error(lang, "url")
        return [Literal(raw, datatype=NamedNode(XSD + "anyURI"))], None
    if spec.value == "boolean":
        word = fold(raw)
        if word not in _TRUE | _FALSE:
            return [], spec.error(lang, "boolean")
        return [
            Literal("true" if word in _TRUE else "false", datatype=NamedNode(XSD + "boolean"))
        ], None
    if spec.value == "langText":
        return [Literal(raw, language=language or lang)], None
    return [Literal(raw)], None


# -- the field model ---------------------------------------------------------------------------
@dataclass
class FieldSpec:
    """One field of a kind of record, in every language the shapes give."""

    key: str  # stable short name (the path's local name, or source.* for the source part)
    path: str
    group: str
    order: float
    label: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    multiple: bool = True
    value: str = "text"  # text | langText | date | integer | decimal | url | boolean | choice
    minimum: float | None = None
    classes: tuple[str, ...] = ()
    scheme: str | None = None
    allow_new: bool = False
    part: str = "record"  # record | source (the cited work and passage)
    message: str | None = None  # the shape's sh:message, for curators
    min_length: int | None = None
    max_length: int | None = None

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or _humane(self.key)

    def help_in(self, lang: str) -> str:
        return self.help.get(lang) or self.help.get("en") or ""

    def error(self, lang: str, key: str, **values: Any) -> str:
        return text(lang, key, label=self.label_in(lang), help=self.help_in(lang), **values)


@dataclass(frozen=True)
class Group:
    key: str
    order: float
    label: dict[str, str]
    help: dict[str, str]


def _humane(name: str) -> str:
    """``adoptionDate`` → ``adoption date`` (the last resort when nothing names a field)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.rsplit(".", 1)[-1]).lower().capitalize()


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _by_language(graph: rdflib.Graph, node: Any, predicate: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(node, predicate):
        if isinstance(value, rdflib.Literal):
            found.setdefault(value.language or "en", str(value))
    return found


def _first_upper(texts: dict[str, str]) -> dict[str, str]:
    return {lang: value[:1].upper() + value[1:] for lang, value in texts.items()}


def _scheme_of(shapes: rdflib.Graph, node: Any) -> str | None:
    for prop in shapes.objects(node, SH.property):
        if shapes.value(prop, SH.path) == SKOS.inScheme:
            value = shapes.value(prop, SH.hasValue)
            if value is not None:
                return str(value)
    return None


def _is_date(shapes: rdflib.Graph, prop: Any) -> bool:
    node = shapes.value(prop, SH.node)
    if node is not None and str(node).endswith("PartialDate"):
        return True
    or_list = shapes.value(prop, SH["or"])
    if or_list is None:
        return False
    kinds = {
        str(shapes.value(m, SH.datatype)) for m in rdflib.collection.Collection(shapes, or_list)
    }
    return kinds == {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}


_VALUE_OF_DATATYPE = {
    str(RDF.langString): "langText",
    XSD + "integer": "integer",
    XSD + "decimal": "decimal",
    XSD + "anyURI": "url",
    XSD + "boolean": "boolean",
    XSD + "gYear": "date",
    XSD + "date": "date",
}


class Catalogue:
    """The field model of every kind, built once per process from the shapes and the ontology."""

    def __init__(self, shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
        self.shapes = shapes
        self.ontology = ontology
        self.groups = {
            _local(str(g)).lower(): Group(
                _local(str(g)).lower(),
                float(str(shapes.value(g, SH.order) or 99)),
                _by_language(shapes, g, RDFS.label),
                _by_language(shapes, g, RDFS.comment),
            )
            for g in shapes.subjects(RDF.type, SH.PropertyGroup)
        }
        self.kinds = {name: self._fields(kind) for name, kind in KINDS.items()}

    @classmethod
    @functools.cache
    def default(cls) -> Catalogue:
        """The catalogue of the installed shapes and ontology (the validator's own copies)."""
        from uikg.graph.contributions.check import Rules

        rules = Rules.load()
        return cls(rules.shapes.graph, rules.ontology)

    # -- building --------------------------------------------------------------------------
    def _property_shapes(self, kind: Kind) -> Iterable[Any]:
        shapes = self.shapes
        node_shapes = list(shapes.subjects(SH.targetClass, URIRef(kind.cls)))
        node_shapes += [URIRef(iri) for iri in kind.also]
        for shape in node_shapes:
            if (shape, SH.severity, SH.Info) in shapes:
                continue
            for prop in shapes.objects(shape, SH.property):
                path = shapes.value(prop, SH.path)
                if isinstance(path, URIRef) and (prop, SH.severity, SH.Info) not in shapes:
                    yield prop

    def _spec(self, prop: Any, spec: FieldSpec | None) -> FieldSpec:
        shapes, ontology = self.shapes, self.ontology
        path = str(shapes.value(prop, SH.path))
        if spec is None:
            spec = FieldSpec(_local(path), path, "what", 99.0)
            spec.label = _first_upper(_by_language(ontology, URIRef(path), RDFS.label))
            spec.help = _by_language(ontology, URIRef(path), SKOS.definition)
        names = _by_language(shapes, prop, SH.name)
        if names:
            spec.label = {**spec.label, **names}
        descriptions = _by_language(shapes, prop, SH.description)
        if descriptions:
            spec.help = {**spec.help, **descriptions}
        group = shapes.value(prop, SH.group)
        if group is not None:
            spec.group = _local(str(group)).lower()
            spec.order = float(str(shapes.value(prop, SH.order) or spec.order))
        min_count = shapes.value(prop, SH.minCount)
        if min_count is not None and int(min_count) > 0:
            spec.required = spec.required or (prop, SH.severity, SH.Warning) not in shapes
        max_count = shapes.value(prop, SH.maxCount)
        single = (URIRef(path), UIKG.expectsSingleValue, rdflib.Literal(True)) in ontology
        if single or (max_count is not None and int(max_count) == 1):
            spec.multiple = False
        datatype = shapes.value(prop, SH.datatype)
        if _is_date(shapes, prop):
            spec.value = "date"
        elif datatype is not None:
            spec.value = _VALUE_OF_DATATYPE.get(str(datatype), "text")
        for name, bound in (("min_length", SH.minLength), ("max_length", SH.maxLength)):
            found = shapes.value(prop, bound)
            if found is not None:
                setattr(spec, name, int(found))
        minimum = shapes.value(prop, SH.minInclusive)
        if minimum is not None:
            spec.minimum = float(minimum)
        message = shapes.value(prop, SH.message)
        if message is not None and spec.message is None:
            spec.message = str(message)
        node = shapes.value(prop, SH.node)
        scheme = _scheme_of(shapes, node) if node is not None else None
        classes = [str(c) for c in shapes.objects(prop, SH["class"])]
        or_list = shapes.value(prop, SH["or"])
        if or_list is not None:
            for member in rdflib.collection.Collection(shapes, or_list):
                classes += [str(c) for c in shapes.objects(member, SH["class"])]
        if scheme:
            spec.scheme, spec.value = scheme, "choice"
        if classes:
            spec.classes = tuple(dict.fromkeys((*spec.classes, *classes)))
            spec.value = "choice"
            # A new organisation, person, place or source may be added; a concept may not.
            spec.allow_new = True
        return spec

    def _fields(self, kind: Kind) -> list[FieldSpec]:
        specs: dict[str, FieldSpec] = {}
        for prop in self._property_shapes(kind):
            path = str(self.shapes.value(prop, SH.path))
            if path not in HIDDEN_PATHS:
                specs[path] = self._spec(prop, specs.get(path))
        record = sorted(specs.values(), key=self._position)
        return record + self._source_fields()

    def _position(self, spec: FieldSpec) -> tuple[float, float, str]:
        group = self.groups.get(spec.group)
        return (group.order if group else 99.0, spec.order, spec.key)

    def _source_fields(self) -> list[FieldSpec]:
        """The new source a contributor cites: its work (web page, document) and the passage."""
        shapes = self.shapes

        def from_shape(shape: str, path: str, key: str, value: str) -> FieldSpec:
            for prop in shapes.objects(URIRef(SHP + shape), SH.property):
                if str(shapes.value(prop, SH.path)) == path:
                    spec = self._spec(prop, None)
                    break
            else:  # pragma: no cover - the shapes name every one of these
                spec = FieldSpec(key, path, "evidence", 99.0)
            spec.key, spec.part, spec.value, spec.required = key, "source", value, False
            spec.multiple, spec.group = False, "evidence"
            return spec

        quote = FieldSpec(
            "source.quotation",
            "http://www.w3.org/ns/oa#exact",  # the unit's selector, as curated units quote
            "evidence",
            14.0,
            {"en": "Quoted passage", "pl": "Cytowany fragment"},
            {
                "en": "The sentences of the source that say what the record states, copied word "
                "for word.",
                "pl": "Zdania ze źródła, które mówią to, co zawiera wpis, przepisane dosłownie.",
            },
            multiple=False,
            part="source",
        )
        for prop in shapes.objects(URIRef(SHP + "QuoteSelector"), SH.property):
            if str(shapes.value(prop, SH.path)) == quote.path:
                shortest, longest = (
                    shapes.value(prop, SH.minLength),
                    shapes.value(prop, SH.maxLength),
                )
                quote.min_length = int(str(shortest)) if shortest is not None else None
                quote.max_length = int(str(longest)) if longest is not None else None
        language = FieldSpec(
            "source.language",
            "http://purl.org/dc/terms/language",
            "evidence",
            12.0,
            {"en": "Language of the source", "pl": "Język źródła"},
            {
                "en": "The language the title and the quoted passage are written in.",
                "pl": "Język, w którym napisano tytuł i cytowany fragment.",
            },
            multiple=False,
            value="choice",
            part="source",
        )
        work = FieldSpec(
            "source.work",
            str(UIKG.evidenceFrom),
            "evidence",
            9.0,
            {"en": "A source the graph already holds", "pl": "Źródło zapisane już w grafie"},
            {
                "en": "Quote a new passage of a work the graph knows; leave empty and fill in the "
                "fields below for a source it does not know yet.",
                "pl": "Zacytuj nowy fragment dzieła znanego w grafie; zostaw puste i wypełnij pola "
                "poniżej, jeśli grafu tego źródła jeszcze nie zna.",
            },
            multiple=False,
            value="choice",
            classes=(str(UIKG.Work),),
            part="source",
        )
        kind = FieldSpec(
            "source.kind",
            str(RDF.type),
            "evidence",
            9.5,
            {"en": "Kind of source", "pl": "Rodzaj źródła"},
            {
                "en": "A web page, a document such as a PDF, a council resolution or a news article.",
                "pl": "Strona internetowa, dokument (np. PDF), uchwała rady lub artykuł prasowy.",
            },
            multiple=False,
            value="choice",
            part="source",
        )
        publisher = FieldSpec(
            "source.publisher",
            str(UIKG.publisher),
            "evidence",
            11.5,
            {"en": "Publisher", "pl": "Wydawca"},
            {
                "en": "Who published it: the city, a council, a newspaper, an organisation.",
                "pl": "Kto je opublikował: miasto, rada, gazeta, organizacja.",
            },
            multiple=False,
            value="choice",
            classes=(str(UIKG.Agent),),
            allow_new=True,
            part="source",
        )
        return [
            work,
            kind,
            from_shape("Publication", str(UIKG.url), "source.url", "url"),
            from_shape("Publication", DCT + "title", "source.title", "text"),
            publisher,
            language,
            from_shape("Publication", str(UIKG.publicationYear), "source.date", "date"),
            quote,
            from_shape("EvidenceUnit", str(UIKG.locator), "source.locator", "text"),
        ]

    # -- reading ---------------------------------------------------------------------------
    def fields(self, kind: str) -> list[FieldSpec]:
        from uikg.graph.errors import NotFound

        if kind not in self.kinds:
            raise NotFound(f"there is no kind of record {kind!r}; try one of {', '.join(KINDS)}")
        return self.kinds[kind]

    def labels_of(self, iri: str) -> dict[str, str]:
        """The ontology's labels of a class or property, by language."""
        return _by_language(self.ontology, URIRef(iri), RDFS.label)

    def class_label(self, cls: str, lang: str) -> str:
        labels = self.labels_of(cls)
        return labels.get(lang) or labels.get("en") or _humane(_local(cls))

    def spec_of(self, prop: Any) -> FieldSpec:
        """The field a property shape describes (for the values a new thing needs)."""
        return self._spec(prop, None)

    def model(self, kind: str, lang: str, store: Reader | None = None) -> dict[str, Any]:
        """The form of one kind in one language, as JSON for the web form.

        Closed lists (concept schemes, languages) carry their options; lists of things in the
        graph carry what the type-ahead lookup needs (the classes they are filtered to).
        """
        specs = self.fields(kind)
        groups = []
        for key in dict.fromkeys(spec.group for spec in specs):
            group = self.groups.get(key)
            members = [s for s in specs if s.group == key]
            groups.append(
                {
                    "key": key,
                    "label": (group.label.get(lang) or group.label.get("en")) if group else key,
                    "help": (group.help.get(lang) or group.help.get("en", "")) if group else "",
                    "fields": [self.field_json(s, lang, store) for s in members],
                }
            )
        info = KINDS[kind]
        return {
            "kind": kind,
            "lang": lang,
            "title": info.title_in(lang),
            "thing": self.class_label(info.cls, lang),
            "groups": groups,
        }

    def field_json(self, spec: FieldSpec, lang: str, store: Reader | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": spec.key,
            "path": spec.path,
            "part": spec.part,
            "label": spec.label_in(lang),
            "help": spec.help_in(lang),
            "required": spec.required,
            "multiple": spec.multiple,
            "input": spec.value,
            "errors": {"required": spec.error(lang, "required")},
        }
        if not spec.multiple:
            out["errors"]["one"] = spec.error(lang, "one")
        if spec.min_length:
            out["minLength"] = spec.min_length
            out["errors"]["short"] = spec.error(lang, "short", count=spec.min_length)
        if spec.max_length:
            out["maxLength"] = spec.max_length
            out["errors"]["long"] = spec.error(lang, "long", count=spec.max_length)
        if spec.value == "date":
            out["format"] = {
                "pattern": r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
                "placeholder": text(lang, "placeholder"),
                "accepts": ["YYYY", "YYYY-MM", "YYYY-MM-DD"],
            }
            out["errors"]["invalid"] = spec.error(lang, "date")
        elif spec.value in ("integer", "decimal", "url", "boolean"):
            out["errors"]["invalid"] = spec.error(lang, spec.value)
            if spec.minimum is not None:
                out["minimum"] = spec.minimum
                out["errors"]["minimum"] = spec.error(lang, "minimum", minimum=f"{spec.minimum:g}")
        elif spec.value == "langText":
            out["languages"] = [
                {"code": code, "label": LANGUAGE_TITLES[code][lang]} for code in LANGUAGES
            ]
        elif spec.value == "choice":
            out["errors"]["invalid"] = spec.error(lang, "choice")
            out["pick"] = self.pick_json(spec, lang, store)
        return out

    def pick_json(self, spec: FieldSpec, lang: str, store: Reader | None) -> dict[str, Any]:
        pick: dict[str, Any] = {
            "classes": [
                {"class": cls, "label": self.class_label(cls, lang)} for cls in spec.classes
            ],
            "allowNew": spec.allow_new,
        }
        if spec.classes:
            from uikg.graph.new_things import new_kinds

            pick["lookup"] = {"class": list(spec.classes)}
            pick["newLabel"] = text(lang, "new")
            pick["newKinds"] = [k.to_json(self, lang) for k in new_kinds(spec, self)]
        if spec.key == "source.language":
            pick["options"] = language_options(lang)
        elif spec.key == "source.kind":
            pick["options"] = [o.to_json() for o in source_kind_options(lang)]
        elif spec.scheme:
            pick["scheme"] = spec.scheme
            found = options(store, spec, lang, self) if store is not None else []
            pick["options"] = [o.to_json() for o in found]
        return pick


# -- pick-lists from the graph -----------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """A thing to pick, as a person sees it: "Gdańsk (city, Poland)"."""

    value: str
    label: str
    context: str | None = None

    @property
    def display(self) -> str:
        return f"{self.label} ({self.context})" if self.context else self.label

    def to_json(self) -> dict[str, str | None]:
        return {**asdict(self), "display": self.display}


def language_options(lang: str) -> list[dict[str, str | None]]:
    return [Option(code, names[lang]).to_json() for code, names in LANGUAGE_TITLES.items()]


def source_kind_options(lang: str) -> list[Option]:
    return [Option(cls, names[lang]) for cls, names in SOURCE_KINDS.items()]


_LABEL = (
    "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>"
    f"|<{FOAF_NAME}>|<{DCT}title>"
)
# Where a thing is, or what it belongs to: the second half of "Gdańsk (city, Poland)".
_CONTEXT = "|".join(
    f"<{UIKG[p]}>"
    for p in ("country", "basedIn", "governs", "jurisdiction", "evidenceFrom", "memberOf")
)
_SAFE_IRI = re.compile(r"https?://[A-Za-z0-9._~:/#@!$&'()*+,;=%-]+")


def safe_iri(value: str, what: str) -> str:
    """``value`` if it is an IRI that is safe to write into a query; else a 400 naming ``what``."""
    from uikg.graph.errors import BadRequest

    if not _SAFE_IRI.fullmatch(value) or any(c in value for c in "<>\"{}|^`\\' "):
        raise BadRequest(f"{what} is not a valid IRI")
    return value


def _best(labels: dict[str, str], lang: str) -> str | None:
    return (
        labels.get(lang) or labels.get("en") or labels.get("") or next(iter(labels.values()), None)
    )


def _candidates(
    store: Reader, catalogue: Catalogue, where: str, lang: str, limit: int
) -> list[Option]:
    query = f"""
        SELECT ?o ?l ?t ?cl WHERE {{
          {where}
          ?o {_LABEL} ?l .
          OPTIONAL {{ ?o a ?t . FILTER(STRSTARTS(STR(?t), "{UIKG}"))
            FILTER NOT EXISTS {{ ?o a ?u . ?u <{RDFS.subClassOf}> ?t . FILTER(?u != ?t) }} }}
          OPTIONAL {{ ?o {_CONTEXT} ?c . ?c {_LABEL} ?cl }}
        }} LIMIT {limit}"""
    labels: dict[str, dict[str, str]] = {}
    types: dict[str, str] = {}
    contexts: dict[str, dict[str, str]] = {}
    for row in store.query(query):
        iri = row["o"].value
        literal = row["l"]
        labels.setdefault(iri, {}).setdefault(
            getattr(literal, "language", None) or "", literal.value
        )
        if row["t"] is not None:
            types.setdefault(iri, row["t"].value)
        if row["cl"] is not None:
            contexts.setdefault(iri, {}).setdefault(
                getattr(row["cl"], "language", None) or "", row["cl"].value
            )
    found = []
    for iri, names in labels.items():
        parts = [catalogue.class_label(types[iri], lang)] if iri in types else []
        place = _best(contexts.get(iri, {}), lang)
        if place:
            parts.append(place)
        found.append(Option(iri, _best(names, lang) or _local(iri), ", ".join(parts) or None))
    return found


def options(
    store: Reader,
    spec: FieldSpec,
    lang: str,
    catalogue: Catalogue | None = None,
    limit: int = PICK_LIMIT,
) -> list[Option]:
    """Everything a pick-list field offers (concepts of its scheme, things of its classes)."""
    catalogue = catalogue or Catalogue.default()
    found: list[Option] = []
    if spec.key == "source.language":
        return [Option(code, names[lang]) for code, names in LANGUAGE_TITLES.items()]
    if spec.key == "source.kind":
        return source_kind_options(lang)
    if spec.scheme:
        scheme = safe_iri(spec.scheme, "the scheme")
        for option in _candidates(
            store, catalogue, f"?o <{SKOS.inScheme}> <{scheme}> .", lang, LOOKUP_SCAN
        ):
            found.append(Option(option.value, option.label))  # a concept needs no context
    for cls in spec.classes:
        found += _candidates(
            store, catalogue, f"?o a <{safe_iri(cls, 'the class')}> .", lang, LOOKUP_SCAN
        )
    unique = {o.value: o for o in found}
    return sorted(unique.values(), key=lambda o: (fold(o.label), o.context or ""))[:limit]


def lookup(
    store: Reader,
    query: str,
    lang: str,
    *,
    classes: Iterable[str] = (),
    scheme: str | None = None,
    limit: int = 20,
    catalogue: Catalogue | None = None,
) -> list[Option]:
    """Type-ahead: things of ``classes`` (or concepts of ``scheme``) whose label holds ``query``.

    Accent- and case-insensitive ("gdansk" finds "Gdańsk"); labels that start with the query
    come first.
    """
    catalogue = catalogue or Catalogue.default()
    spec = FieldSpec("lookup", "", "what", 0, classes=tuple(classes), scheme=scheme)
    wanted = fold(query.strip())
    scored = []
    for option in options(store, spec, lang, catalogue, limit=LOOKUP_SCAN):
        label = fold(option.label)
        if wanted in label or wanted in fold(option.display):
            scored.append((not label.startswith(wanted), label, option.context or "", option))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def existing(store: Reader, iris: Iterable[str]) -> set[str]:
    """Which of ``iris`` the graph already says something about."""
    wanted = sorted({safe_iri(iri, "the identifier") for iri in iris})
    if not wanted:
        return set()
    values = " ".join(f"<{iri}>" for iri in wanted)
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
    return {row["s"].value for row in rows}
