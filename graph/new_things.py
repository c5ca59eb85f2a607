"""“Add a new one”: what a pick-list field may create, and what each new thing needs.

A field pointing at organisations, people, places or funds (``sh:class`` in the shapes) lets a
contributor add one the graph does not hold yet. They give its name and its kind — the field's
classes and their subclasses in the ontology, among those the graph mints IRIs for (a city, a
municipality, an NGO…) — and the few values the shapes require of that kind: a city's country,
a municipality's place. The new thing becomes part of the record under ``{base}id/{segment}/
{slug}``, with its evidence, and is checked with the rest.

>>> from uikg.graph.forms import Catalogue
>>> spec = next(s for s in Catalogue.default().fields("document") if s.key == "jurisdiction")
>>> [(k.segment, k.label["en"], [f.key for f in k.fields]) for k in new_kinds(spec)]
[('city', 'City', ['country']), ('country', 'Country', []), ('region', 'Region', [])]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rdflib import RDFS, SH, URIRef

from uikg.graph.namespaces import FOAF, UIKG
from uikg.graph.namespaces import RDFS as RDFS_NS

if TYPE_CHECKING:
    from uikg.graph.forms import Catalogue, FieldSpec

# The IRI segment of each class the graph mints things of; subclasses inherit their ancestor's.
SEGMENTS = {
    UIKG + "Person": "person",
    UIKG + "Organisation": "organisation",
    UIKG + "City": "city",
    UIKG + "Region": "region",
    UIKG + "Country": "country",
    UIKG + "FundingInstrument": "funding",
    UIKG + "Programme": "programme",
    UIKG + "Project": "project",
    UIKG + "Event": "event",
}
# What the name of a new thing already gives, or what a contributor is never asked for.
_GIVEN = frozenset({RDFS_NS + "label", FOAF + "name", UIKG + "sourceLocation", UIKG + "evidence"})


@dataclass(frozen=True)
class NewKind:
    """A kind of thing a field may create: its class, IRI segment and required values."""

    cls: str
    segment: str
    label: dict[str, str]
    fields: tuple[FieldSpec, ...]

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.segment

    def to_json(self, catalogue: Catalogue, lang: str) -> dict[str, Any]:
        return {
            "class": self.cls,
            "label": self.label_in(lang),
            "fields": [catalogue.field_json(f, lang, None) for f in self.fields],
        }


def _ancestors(catalogue: Catalogue, cls: str) -> list[str]:
    """``cls`` and every class above it, nearest first."""
    found, todo = [cls], [cls]
    while todo:
        for parent in catalogue.ontology.objects(URIRef(todo.pop(0)), RDFS.subClassOf):
            if isinstance(parent, URIRef) and str(parent) not in found:
                found.append(str(parent))
                todo.append(str(parent))
    return found


def segment_of(catalogue: Catalogue, cls: str) -> str | None:
    """The ``{segment}`` of ``…/id/{segment}/{slug}`` for things of ``cls``, if the graph mints
    them."""
    return next((SEGMENTS[c] for c in _ancestors(catalogue, cls) if c in SEGMENTS), None)


def _descendants(catalogue: Catalogue, cls: str) -> list[str]:
    found, todo = [], [cls]
    while todo:
        for child in catalogue.ontology.subjects(RDFS.subClassOf, URIRef(todo.pop(0))):
            if isinstance(child, URIRef) and str(child) not in found:
                found.append(str(child))
                todo.append(str(child))
    return found


def _required(catalogue: Catalogue, cls: str) -> tuple[FieldSpec, ...]:
    """The values the shapes require of a thing of ``cls`` (beyond its name)."""
    shapes = catalogue.shapes
    specs: dict[str, FieldSpec] = {}
    for target in _ancestors(catalogue, cls):
        for shape in shapes.subjects(SH.targetClass, URIRef(target)):
            if (shape, SH.severity, None) in shapes:
                continue
            for prop in shapes.objects(shape, SH.property):
                path = shapes.value(prop, SH.path)
                count = shapes.value(prop, SH.minCount)
                if (
                    isinstance(path, URIRef)
                    and str(path) not in _GIVEN
                    and count is not None
                    and int(str(count)) > 0
                    and (prop, SH.severity, None) not in shapes
                ):
                    spec = catalogue.spec_of(prop)
                    specs[spec.key] = replace(spec, allow_new=False, group="new")
    return tuple(specs.values())


@functools.cache
def _kinds(catalogue: Catalogue, classes: tuple[str, ...]) -> tuple[NewKind, ...]:
    candidates: list[str] = []
    for cls in classes:
        below = _descendants(catalogue, cls)
        for found in ([] if below else [cls]) + below:  # an abstract class (agent) is not offered
            if found not in candidates and segment_of(catalogue, found):
                candidates.append(found)
    kinds = []
    for cls in candidates:
        labels = {
            lang: value[:1].upper() + value[1:] for lang, value in catalogue.labels_of(cls).items()
        }
        kinds.append(
            NewKind(cls, segment_of(catalogue, cls) or "", labels, _required(catalogue, cls))
        )
    return tuple(sorted(kinds, key=lambda k: k.label_in("en").lower()))


def new_kinds(spec: FieldSpec, catalogue: Catalogue | None = None) -> list[NewKind]:
    """The kinds of thing ``spec`` lets a contributor add (none for concepts and passages)."""
    from uikg.graph.forms import Catalogue

    catalogue = catalogue or Catalogue.default()
    if not spec.allow_new or not spec.classes:
        return []
    return list(_kinds(catalogue, tuple(spec.classes)))


def new_kind(spec: FieldSpec, cls: str, catalogue: Catalogue | None = None) -> NewKind | None:
    """The kind ``cls`` if ``spec`` may create things of it."""
    return next((k for k in new_kinds(spec, catalogue) if k.cls == cls), None)
