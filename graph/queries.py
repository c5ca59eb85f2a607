r"""The named-query catalogue: one ``.rq`` file per competency question, with a YAML header.

Header lines start with ``#+ `` so the file stays valid SPARQL (the grlc convention). Parameters
are SPARQL variables of the same name; :meth:`NamedQuery.bind` turns user strings into RDF terms
for pyoxigraph ``substitutions`` — values are never pasted into the query text. ``title`` is
English; ``title_pl`` (``title_{language}``) names the query for readers of that language.

>>> text = "#+ title: Demo\n#+ params:\n#+   - {name: year, type: gYear}\nSELECT * {}"
>>> q = parse_named_query("demo", text)
>>> q.title, [p.name for p in q.params]
('Demo', ['year'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import yaml

from uikg.graph.errors import BadRequest
from uikg.graph.namespaces import XSD
from uikg.graph.settings import DEFAULT_BASE_IRI

_TYPES = {"iri", "string", "integer", "date", "gYear"}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PATTERNS = {
    "integer": re.compile(r"[+-]?\d{1,18}"),
    "date": re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"),
    "gYear": re.compile(r"-?\d{4}"),
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def resolve(base: str, iri: str | None) -> str | None:
    """A relative IRI (``id/city/gdansk``, as query headers and REST examples write them)
    resolved on the configured base; absolute IRIs and other values are left alone."""
    if iri is None or _SCHEME.match(iri) or not iri.startswith(("id/", "graph/")):
        return iri
    return base + iri


@dataclass(frozen=True)
class QueryParam:
    name: str
    type: str
    description: str = ""
    required: bool = False
    example: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: list[QueryParam] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # other languages' (``title_pl``)

    def title_in(self, language: str) -> str:
        """The title in ``language`` where the header gives one, else the English one."""
        return self.titles.get(language, self.title)

    def bind(self, values: dict[str, str], base: str) -> dict[pyoxigraph.Variable, Any]:
        """Validate and convert parameter values; raise :class:`BadRequest` naming the parameter."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise BadRequest(
                f"Unknown parameter(s) for query '{self.name}': {', '.join(unknown)}; "
                f"accepted: {', '.join(known) or 'none'}."
            )
        missing = [p.name for p in self.params if p.required and p.name not in values]
        if missing:
            raise BadRequest(
                f"Missing required parameter(s) for query '{self.name}': {', '.join(missing)}."
            )
        return {pyoxigraph.Variable(n): convert(known[n], v, base) for n, v in values.items()}


def convert(param: QueryParam, value: str, base: str) -> Any:
    """A parameter's value as a typed term; ``BadRequest`` naming the parameter if it is not
    one. Concepts must be in their scheme under ``base``."""
    kind = param.type
    if kind == "string":
        return pyoxigraph.Literal(value)
    if kind == "iri" or kind.startswith("concept:"):
        if not _SCHEME.match(value) or _IRI_FORBIDDEN.search(value):
            raise BadRequest(
                f"Parameter '{param.name}' must be an absolute IRI without spaces or "
                f'<>"{{}}|^` characters, got {value!r}.'
            )
        if kind.startswith("concept:"):
            scheme = kind.split(":", 1)[1]
            prefix = f"{base}id/concept/{scheme}/"
            if not value.startswith(prefix):
                raise BadRequest(
                    f"Parameter '{param.name}' must be a concept of the '{scheme}' "
                    f"scheme (an IRI starting with {prefix}), got {value!r}."
                )
        return pyoxigraph.NamedNode(value)
    pattern = _PATTERNS[kind]
    if not pattern.fullmatch(value):
        raise BadRequest(
            f"Parameter '{param.name}' must be an xsd:{kind}"
            f"{' such as 2016' if kind == 'gYear' else ''}, got {value!r}."
        )
    datatype = pyoxigraph.NamedNode(XSD + kind)
    return pyoxigraph.Literal(str(int(value)) if kind == "integer" else value, datatype=datatype)


def parse_named_query(name: str, text: str, base: str = DEFAULT_BASE_IRI) -> NamedQuery:
    header = "\n".join(
        line[3:] if line.startswith("#+ ") else line[2:]
        for line in text.splitlines()
        if line.startswith("#+")
    )
    meta = yaml.safe_load(header) or {}
    if not isinstance(meta, dict) or "title" not in meta:
        raise ValueError(f"{name}: the '#+ ' header needs at least a title")
    params = []
    for raw in meta.get("params") or []:
        ptype = str(raw.get("type", "string"))
        if ptype not in _TYPES and not ptype.startswith("concept:"):
            raise ValueError(f"{name}: parameter {raw.get('name')} has unknown type {ptype}")
        example = raw.get("example")
        params.append(
            QueryParam(
                name=str(raw["name"]),
                type=ptype,
                description=str(raw.get("description", "")),
                required=bool(raw.get("required", False)),
                example=resolve(base, None if example is None else str(example)),
            )
        )
    return NamedQuery(
        name=name,
        title=str(meta["title"]),
        description=str(meta.get("description", "")).strip(),
        text=text,
        params=params,
        tags=[str(t) for t in meta.get("tags") or []],
        titles={
            key.removeprefix("title_"): str(value)
            for key, value in meta.items()
            if key.startswith("title_")
        },
    )


def load_catalogue(folder: Path, base: str = DEFAULT_BASE_IRI) -> dict[str, NamedQuery]:
    """Every ``*.rq`` in ``folder``, keyed by file stem; relative examples resolved on ``base``.

    Query texts write the graph's own IRIs relative (``<id/city/gdansk>``): they resolve on
    the base IRI the service runs with.
    """
    return {
        path.stem: parse_named_query(path.stem, path.read_text(encoding="utf-8"), base)
        for path in sorted(folder.glob("*.rq"))
    }
