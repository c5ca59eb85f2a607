"""Quoted passages checked against the source texts they come from.

Every evidence unit carries the passage it stands for as a W3C Web Annotation
``oa:TextQuoteSelector`` (``oa:exact`` with ``oa:prefix``/``oa:suffix`` for context). A quote a
reader cannot find in the text is worse than none, so the build looks each one up: the selector
must match the named text exactly once, after the two normalisations the texts need and nothing
else — runs of whitespace (line breaks included) become one space, and the PDF's broken
ligatures are joined ("defi ned" → "defined"). A line-end hyphen keeps its hyphen and loses the
line break ("im-\\nportant" → "im-portant"): the texts cannot tell a split word from a hyphenated
one, so the quote says what the page prints.

The locator is checked too, so a quote cannot sit in the wrong unit: ``L12-15`` puts the quote
inside those lines; ``fn7`` (the passage footnote 7 marks) puts the marker 7 in or right after
the quote; ``fn7-note`` (the footnote's own text) starts the quote at the footnote's number.

>>> text = SourceText("t", "The term was defi ned\\nby the city.12 Later on")
>>> [m.lines for m in text.find(Selector("defined by the city"))]
[(1, 2)]
>>> check_locator(text, text.find(Selector("defined by the city"))[0], "fn12") is None
True
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, Triple

from uikg.graph.namespaces import PREFIXES

OA = PREFIXES["oa"]
UIKG = PREFIXES["uikg"]
RDF_TYPE = PREFIXES["rdf"] + "type"
KIND = UIKG + "assertionKind"

_LIGATURE = re.compile(r"(ff?[il]) (?=[a-z])")
_LINE_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=\w)")
_SPACE = re.compile(r"\s+")
_LINES = re.compile(r"L(\d+)(?:-(\d+))?")
_FOOTNOTE = re.compile(r"fn(\d+)(-note)?")


def normalise(text: str) -> str:
    """The comparison form of a quote (see the module docstring).

    >>> normalise("an infl ux  of\\nimmi-\\ngrants")
    'an influx of immi-grants'
    """
    return _normalise_with_map(text)[0]


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the offset in ``text``."""
    out: list[str] = []
    origin: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        hyphen = _LINE_HYPHEN.match(text, i)
        if hyphen:
            out.append("-")
            origin.append(i)
            i = hyphen.end()
            continue
        ligature = _LIGATURE.match(text, i)
        if ligature:
            for offset, char in enumerate(ligature.group(1)):
                out.append(char)
                origin.append(i + offset)
            i = ligature.end()
            continue
        space = _SPACE.match(text, i)
        if space:
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(i)
            i = space.end()
            continue
        out.append(text[i])
        origin.append(i)
        i += 1
    return "".join(out), origin


@dataclass(frozen=True)
class Selector:
    """A TextQuoteSelector: the exact passage, with a little context on either side."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Match:
    start: int  # offset of the exact text in the original text
    end: int
    lines: tuple[int, int]  # first and last line (1-based) of the exact text


class SourceText:
    """One source text, searchable in normalised form, reporting matches in original lines."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.normal, self._origin = _normalise_with_map(text)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    @classmethod
    def read(cls, path: Path) -> SourceText:
        return cls(path.name, path.read_text(encoding="utf-8"))

    def line_of(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)

    def line_start(self, number: int) -> int:
        return self._line_starts[number - 1]

    def line(self, number: int) -> str:
        start = self._line_starts[number - 1]
        end = self._line_starts[number] - 1 if number < len(self._line_starts) else len(self.text)
        return self.text[start:end]

    def find(self, selector: Selector) -> list[Match]:
        """Every place the selector matches: prefix, exact and suffix in a row."""
        whole = normalise(selector.prefix + selector.exact + selector.suffix)
        exact = normalise(selector.exact).strip()
        if not exact:
            return []
        offset_in_whole = whole.find(exact)
        matches = []
        start = self.normal.find(whole)
        while start != -1:
            first = start + offset_in_whole
            last = first + len(exact) - 1
            begin, end = self._origin[first], self._origin[last] + 1
            matches.append(Match(begin, end, (self.line_of(begin), self.line_of(end - 1))))
            start = self.normal.find(whole, start + 1)
        return matches


def check_locator(text: SourceText, match: Match, locator: str) -> str | None:
    """Why the match does not sit where the locator says, or ``None`` when it does."""
    lines = _LINES.fullmatch(locator)
    if lines:
        first = int(lines.group(1))
        last = int(lines.group(2) or first)
        if match.lines[0] < first or match.lines[1] > last:
            return (
                f"the quote is on lines {match.lines[0]}-{match.lines[1]}, "
                f"outside the locator's lines {first}-{last}"
            )
        return None
    footnote = _FOOTNOTE.fullmatch(locator)
    if footnote is None:
        return None  # a locator this check does not read (a page, a web page)
    number = footnote.group(1)
    if footnote.group(2):
        head = text.text[text.line_start(match.lines[0]) : match.start]
        if not re.fullmatch(rf"\s*(?:{number}|<sup>{number}</sup>)\s+", head):
            return f"the quote does not start footnote {number}'s own text"
        return None
    paragraph_end = re.compile(r"\n[ \t]*\n").search(text.text, match.end)
    span = text.text[match.start : paragraph_end.start() if paragraph_end else len(text.text)]
    if re.search(rf"(?<=[^\s\d]){number}(?!\d)|<sup>{number}</sup>", span):
        return None
    return f"footnote marker {number} is neither in the quote nor after it in its paragraph"


@dataclass(frozen=True)
class Unit:
    """What the build knows of one evidence unit's quote (``selector`` is None when it has none)."""

    iri: str
    text_file: str | None
    locator: str | None
    selector: Selector | None
    reading: bool = False


@dataclass(frozen=True)
class Verified:
    iri: str
    text_file: str
    lines: tuple[int, int]


def units_from(triples: Iterable[Triple]) -> list[Unit]:
    """The evidence units described by ``triples``: selector, locator, text file, kind.

    Units of works without a text file (a contributor's web page) are left out: there is no
    text to check them against.
    """
    by_subject: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for triple in triples:
        by_subject[str(triple.subject)][triple.predicate.value].append(triple.object)

    def first(node: object, predicate: str) -> str | None:
        values = by_subject.get(str(node), {}).get(predicate, [])
        return values[0].value if values and isinstance(values[0], Literal) else None

    units = []
    for subject, properties in by_subject.items():
        if not any(str(t).endswith("#EvidenceUnit>") for t in properties.get(RDF_TYPE, [])):
            continue
        reading = any(str(k) == f"<{UIKG}CuratorReading>" for k in properties.get(KIND, []))
        works = properties.get(UIKG + "evidenceFrom", [])
        text_file = first(works[0], UIKG + "textFile") if works else None
        selectors = properties.get(OA + "hasSelector", [])
        if text_file is None and not selectors:
            continue
        selector = None
        if selectors and first(selectors[0], OA + "exact") is not None:
            selector = Selector(
                first(selectors[0], OA + "exact") or "",
                first(selectors[0], OA + "prefix") or "",
                first(selectors[0], OA + "suffix") or "",
            )
        units.append(
            Unit(
                subject.strip("<>"), text_file, first(subject, UIKG + "locator"), selector, reading
            )
        )
    return units


class QuoteErrors(Exception):
    """Every quote that failed, one line each, naming its unit."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def verify(
    units: list[Unit], sources_dir: Path, quotations: Iterable[tuple[str, str]] = ()
) -> list[Verified]:
    """Look every quote up in its source text; raise :class:`QuoteErrors` listing all failures.

    ``quotations`` are (unit, text) pairs: verbatim quotations that records carry
    (``uikg:quotation``) in a unit's graph, each of which must occur in that unit's text.
    """
    texts: dict[str, SourceText] = {}
    problems: list[str] = []
    verified: list[Verified] = []
    for unit in sorted(units, key=lambda u: u.iri):
        if unit.reading:
            continue
        if unit.selector is None:
            problems.append(f"<{unit.iri}>: no quote (oa:hasSelector with oa:exact)")
            continue
        if unit.text_file is None:
            problems.append(f"<{unit.iri}>: its work names no source text (uikg:textFile)")
            continue
        if unit.text_file not in texts:
            path = sources_dir / unit.text_file
            if not path.is_file():
                problems.append(f"<{unit.iri}>: source text {path} not found")
                continue
            texts[unit.text_file] = SourceText.read(path)
        text = texts[unit.text_file]
        matches = text.find(unit.selector)
        if not matches:
            problems.append(
                f"<{unit.iri}>: quote not found in {unit.text_file}: {_short(unit.selector)}"
            )
            continue
        if len(matches) > 1:
            where = ", ".join(span(m.lines) for m in matches)
            problems.append(
                f"<{unit.iri}>: quote is not unique in {unit.text_file} (at {where}); "
                f"lengthen oa:prefix or oa:suffix: {_short(unit.selector)}"
            )
            continue
        misplaced = check_locator(text, matches[0], unit.locator or "")
        if misplaced:
            problems.append(f"<{unit.iri}>: locator {unit.locator!r}: {misplaced}")
            continue
        verified.append(Verified(unit.iri, unit.text_file, matches[0].lines))
    files = {unit.iri: unit.text_file for unit in units if unit.text_file in texts}
    for iri, quotation in quotations:
        if iri in files and normalise(quotation).strip() not in texts[files[iri]].normal:
            problems.append(
                f"<{iri}>: a record's uikg:quotation is not in {files[iri]}: "
                f"{_short(Selector(quotation))}"
            )
    if problems:
        raise QuoteErrors(problems)
    return verified


def span(lines: tuple[int, int]) -> str:
    """A line span as a locator: ``L12`` or ``L12-15``."""
    return f"L{lines[0]}" if lines[0] == lines[1] else f"L{lines[0]}-{lines[1]}"


def _short(selector: Selector) -> str:
    exact = normalise(selector.exact)
    return repr(exact if len(exact) <= 80 else exact[:77] + "...")
