"""Plain words for SHACL results: the field, the thing and what is expected, named with labels.

A contributor reads "Lublin strategy — adoption date: … (expected: a date (YYYY-MM-DD), a year
and month (YYYY-MM) or a year (YYYY); given "2025-13-45")", not ``uikg:adoptionDate`` and
``xsd:gYearMonth``. Field names come from the shape's ``sh:name`` when it has one, else from
the ontology's label of the property; things are named by their label in the data; prefixed
names in the shapes' messages become labels where the ontology has one. The reader's languages
come first, English after.

>>> words = Words(Graph(), None)
>>> words.humanise("https://w3id.org/uikg/ontology#adoptionDate")
'adoption date'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from uikg.graph.namespaces import PREFIXES, XSD

if TYPE_CHECKING:
    from uikg.graph.validation import ValidationResult

SH = Namespace("http://www.w3.org/ns/shacl#")
LABEL_PROPERTIES = (
    str(RDFS.label),
    str(SKOS.prefLabel),
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
)
#: Words for the datatypes the shapes use (the form accepts these spellings).
DATATYPES = {
    XSD + "date": "a date (YYYY-MM-DD)",
    XSD + "gYearMonth": "a year and month (YYYY-MM)",
    XSD + "gYear": "a year (YYYY)",
    XSD + "dateTime": "a date and time (YYYY-MM-DDThh:mm:ss)",
    XSD + "integer": "a whole number",
    XSD + "int": "a whole number",
    XSD + "long": "a whole number",
    XSD + "nonNegativeInteger": "a whole number, 0 or more",
    XSD + "positiveInteger": "a whole number, 1 or more",
    XSD + "double": "a number",
    XSD + "float": "a number",
    XSD + "decimal": "a decimal number",
    XSD + "anyURI": "a web address (http:// or https://)",
    XSD + "string": "plain text",
    XSD + "boolean": "true or false",
    str(RDF.langString): "text with its language",
}
#: Labels of the reused terms the shapes name, which the ontology does not label.
REUSED = {
    str(RDFS.label): {"en": "name", "pl": "nazwa"},
    str(SKOS.prefLabel): {"en": "name", "pl": "nazwa"},
    str(SKOS.definition): {"en": "definition", "pl": "definicja"},
    str(SKOS.inScheme): {"en": "scheme", "pl": "schemat"},
    "http://purl.org/dc/terms/title": {"en": "title", "pl": "tytuł"},
    "http://purl.org/dc/terms/source": {"en": "source", "pl": "źródło"},
    "http://xmlns.com/foaf/0.1/name": {"en": "name", "pl": "imię i nazwisko"},
    "http://xmlns.com/foaf/0.1/familyName": {"en": "family name", "pl": "nazwisko"},
    "http://www.w3.org/2002/07/owl#sameAs": {"en": "same as", "pl": "to samo co"},
    "http://www.w3.org/2003/01/geo/wgs84_pos#lat": {"en": "latitude", "pl": "szerokość"},
    "http://www.w3.org/2003/01/geo/wgs84_pos#long": {"en": "longitude", "pl": "długość"},
}
_PREFIXED = re.compile(r"\b([a-z][a-z0-9]*):([A-Za-z_][A-Za-z0-9_-]*)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

Labels = Callable[[str], str | None]


def pick(options: dict[str, str], languages: Iterable[str]) -> str | None:
    """The label in the first of ``languages`` that has one, else English, untagged, any."""
    for language in (*languages, "en", ""):
        if language in options:
            return options[language]
    return next(iter(options.values()), None)


def _by_language(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", str(value))
    return found


class Words:
    """Labels of the vocabulary and names of the shapes, indexed once with the shapes."""

    def __init__(self, shapes: Graph, vocabulary: Graph | None) -> None:
        self.shapes = shapes
        self.labels: dict[str, dict[str, str]] = {k: dict(v) for k, v in REUSED.items()}
        if vocabulary is not None:
            for predicate in (SKOS.prefLabel, RDFS.label):
                for subject, value in vocabulary.subject_objects(predicate):
                    if isinstance(subject, URIRef) and isinstance(value, Literal):
                        self.labels.setdefault(str(subject), {}).setdefault(
                            value.language or "", str(value)
                        )
        self.prefixes = {**PREFIXES, **{p: str(ns) for p, ns in shapes.namespaces() if p}}

    # -- names -----------------------------------------------------------------------------
    @staticmethod
    def humanise(iri: str) -> str:
        """The local name as words: ``…#adoptionDate`` → ``adoption date``."""
        local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
        return _CAMEL.sub(" ", local).replace("_", " ").lower() or iri

    def term(self, iri: str, languages: Iterable[str]) -> str:
        return pick(self.labels.get(iri, {}), languages) or self.humanise(iri)

    def data_labels(self, store: pyoxigraph.Store, languages: Iterable[str]) -> Labels:
        """A lookup of the labels that ``store`` (the data validated) gives its things."""
        cache: dict[str, str | None] = {}
        properties = [pyoxigraph.NamedNode(p) for p in LABEL_PROPERTIES]

        def label(iri: str) -> str | None:
            if iri not in cache:
                found: dict[str, str] = {}
                try:
                    node = pyoxigraph.NamedNode(iri)
                except ValueError:
                    return None
                for predicate in properties:
                    for quad in store.quads_for_pattern(node, predicate, None):
                        if isinstance(quad.object, pyoxigraph.Literal):
                            found.setdefault(quad.object.language or "", quad.object.value)
                cache[iri] = pick(found, languages) or (
                    pick(self.labels[iri], languages) if iri in self.labels else None
                )
            return cache[iri]

        return label

    def plain(self, message: str, languages: Iterable[str]) -> str:
        """The message with prefixed names the vocabulary labels replaced by those labels."""

        def replace(match: re.Match[str]) -> str:
            namespace = self.prefixes.get(match.group(1))
            iri = f"{namespace}{match.group(2)}" if namespace else None
            if iri is None or iri not in self.labels:
                return match.group(0)
            return f"“{pick(self.labels[iri], languages)}”"

        return _PREFIXED.sub(replace, message)

    # -- what a constraint expects -----------------------------------------------------------
    def _datatypes(self, shape: Node) -> list[str] | None:
        """The datatypes ``shape`` allows, if it is (an ``sh:or`` of) ``sh:datatype``."""
        direct = self.shapes.value(shape, SH.datatype)
        if direct is not None:
            return [str(direct)]
        members = self.shapes.value(shape, SH["or"])
        if members is None:
            return None
        found = [self.shapes.value(m, SH.datatype) for m in Collection(self.shapes, members)]
        return [str(d) for d in found] if found and all(found) else None

    def _one_of(self, items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]

    def _scheme(self, shape: Node, languages: Iterable[str]) -> str | None:
        for prop in self.shapes.objects(shape, SH.property):
            if self.shapes.value(prop, SH.path) == SKOS.inScheme:
                scheme = self.shapes.value(prop, SH.hasValue)
                if scheme is not None:
                    name = self.term(str(scheme), languages)
                    return f"a concept of the scheme “{name}”"
        return None

    def expected(
        self, constraint: str | None, shape: Node | None, languages: Iterable[str]
    ) -> str | None:
        """What the constraint that failed asks for, in words (None when the message says it)."""
        if constraint is None or shape is None:
            return None
        kind = constraint.removeprefix(str(SH))
        value = self.shapes.value(
            shape, SH[kind[0].lower() + kind[1:].removesuffix("ConstraintComponent")]
        )
        if kind == "DatatypeConstraintComponent" and value is not None:
            return DATATYPES.get(str(value), self.humanise(str(value)))
        if kind in ("OrConstraintComponent", "NodeConstraintComponent"):
            target = shape if kind == "OrConstraintComponent" else value
            if target is None:
                return None
            datatypes = self._datatypes(target)
            if datatypes:
                return self._one_of([DATATYPES.get(d, self.humanise(d)) for d in datatypes])
            if kind == "NodeConstraintComponent":
                return self._scheme(target, languages)
            members = self.shapes.value(shape, SH["or"])
            if members is None:
                return None
            classes = [self.shapes.value(m, SH["class"]) for m in Collection(self.shapes, members)]
            if classes and all(classes):
                return "a record of the kind " + self._one_of(
                    [f"“{self.term(str(c), languages)}”" for c in classes]
                )
            return None
        if kind == "ClassConstraintComponent" and value is not None:
            return f"a record of the kind “{self.term(str(value), languages)}”"
        if kind == "MinCountConstraintComponent" and value is not None:
            return f"at least {value} value" + ("s" if int(str(value)) > 1 else "")
        if kind == "MaxCountConstraintComponent" and value is not None:
            count = int(str(value))
            return "no value" if count == 0 else f"at most {count} value" + "s" * (count > 1)
        if kind == "MinInclusiveConstraintComponent" and value is not None:
            return f"{value} or more"
        if kind == "MaxInclusiveConstraintComponent" and value is not None:
            return f"{value} or less"
        if kind == "HasValueConstraintComponent" and value is not None:
            return f"“{self.term(str(value), languages)}”"
        return None

    # -- one result --------------------------------------------------------------------------
    def explain(
        self,
        result: ValidationResult,
        shape: Node | None,
        labels: Labels,
        languages: Iterable[str],
        value_is_iri: bool = False,
    ) -> ValidationResult:
        """``result`` with its words filled in."""
        languages = tuple(languages)
        name = pick(_by_language(self.shapes, shape, SH.name), languages) if shape else None
        field = name or (self.term(result.path, languages) if result.path else None)
        focus_label = labels(result.focus_node) if result.focus_node else None
        value_label = labels(result.value) if value_is_iri and result.value else None
        expected = self.expected(result.constraint, shape, languages) or result.expected
        text = self.plain(result.message, languages)
        if isinstance(shape, BNode | URIRef):
            description = pick(_by_language(self.shapes, shape, SH.description), languages)
            if description and description not in text:
                text += f" {description}"
        details = []
        if expected:
            details.append(f"expected: {expected}")
        if result.value is not None and result.value != result.focus_node:
            given = value_label or (result.value if value_is_iri else f"“{result.value}”")
            details.append(f"given: {given}")
        head = " — ".join(x for x in (focus_label or result.focus_node, field) if x)
        sentence = f"{head}: {text}" if head else text
        if details:
            sentence += f" ({'; '.join(details)})"
        return dataclasses.replace(
            result,
            field=field,
            focus_label=focus_label,
            value_label=value_label,
            expected=expected,
            text=sentence,
        )
