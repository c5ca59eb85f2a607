"""What of the source texts the graph covers: each paragraph and footnote with the evidence units
that quote it and their statements, and the passages nothing cites yet.

Why: a curator adding to the graph needs to see what is not in it. The texts are cut into
passages (body paragraphs, footnotes; headings are skipped), each unit's quote is looked up in
its text (``graph/quotes.py``), and a passage counts as cited when a quote lies in it.

The article is a PDF extraction: footnotes sit between the pages of body text, a paragraph can
run on after its page's footnotes, and a page starts with a line indented by one space. The essay
is Markdown: one line per paragraph, ``#`` headings, ``<sup>N</sup>`` notes at section ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from uikg.graph.namespaces import PREFIXES
from uikg.graph.quotes import Selector, SourceText

_SENTENCE_END = re.compile(r"[.!?:”\"’)*_]\s*(?:\d{1,2}|<sup>\w+</sup>)?\s*$")
_PAGE_START = re.compile(r"^ \S")
_SEPARATOR = re.compile(r"^\s*(-{3,}|\*{3,})\s*$")


@dataclass
class Passage:
    id: str  # "¶12" or "fn24"
    kind: str  # paragraph | footnote
    lines: list[int] = field(default_factory=list)
    text: str = ""
    units: list[str] = field(default_factory=list)
    statements: int = 0
    quoted: float = 0.0  # share of the passage's characters that some quote covers

    @property
    def span(self) -> str:
        """The passage's lines, as ranges: ``L17-23, L26-36``."""
        ranges: list[list[int]] = []
        for line in self.lines:
            if ranges and line == ranges[-1][1] + 1:
                ranges[-1][1] = line
            else:
                ranges.append([line, line])
        return ", ".join(f"L{a}" if a == b else f"L{a}-{b}" for a, b in ranges)


def passages(text: SourceText) -> list[Passage]:
    """The paragraphs and footnotes of a source text, in reading order (footnotes by number)."""
    lines = text.text.split("\n")
    if any(line.startswith("#") for line in lines):
        return _markdown(lines)
    return _extracted(lines)


def _heading(block: list[str]) -> bool:
    joined = " ".join(line.strip() for line in block)
    return len(block) <= 2 and len(joined) < 90 and not re.search(r"[.;,:)”]$", joined)


def _extracted(lines: list[str]) -> list[Passage]:
    paragraphs: list[Passage] = []
    notes: dict[int, Passage] = {}
    expected = 1
    mode = "body"
    current: Passage | None = None
    after_blank = True
    i = 0
    while i < len(lines):
        line, number = lines[i], i + 1
        start = re.match(r"^\s?(\d{1,2})\s{1,2}\S", line)
        if start and int(start.group(1)) == expected:
            note = Passage(f"fn{expected}", "footnote", [number])
            notes[expected] = note
            expected += 1
            mode, after_blank = "footnote", False
        elif not line.strip():
            after_blank = True
        elif _PAGE_START.match(line) or (mode == "body" and after_blank):
            block = [line]
            for following in lines[i + 1 :]:
                if not following.strip() or re.match(r"^\s?\d{1,2}\s{1,2}\S", following):
                    break
                block.append(following)
            page_start = bool(_PAGE_START.match(line))
            if _heading(block):
                i += len(block)
                mode, after_blank = "body", False
                continue
            open_paragraph = current is not None and not _SENTENCE_END.search(current.text)
            if mode == "body" and not page_start and open_paragraph and notes:
                notes[expected - 1].lines.append(number)  # a footnote running on after the body
                mode = "footnote"
            elif page_start and open_paragraph:
                current.lines.append(number)  # type: ignore[union-attr]
                current.text += " " + line.strip()  # type: ignore[union-attr]
                mode = "body"
            else:
                current = Passage(f"¶{len(paragraphs) + 1}", "paragraph", [number], line.strip())
                paragraphs.append(current)
                mode = "body"
            after_blank = False
        elif mode == "footnote":
            notes[expected - 1].lines.append(number)
        else:
            current.lines.append(number)  # type: ignore[union-attr]
            current.text += " " + line.strip()  # type: ignore[union-attr]
        if start and int(start.group(1)) == expected - 1:
            notes[expected - 1].text = line.strip()
        i += 1
    return paragraphs + [notes[n] for n in sorted(notes)]


def _markdown(lines: list[str]) -> list[Passage]:
    paragraphs: list[Passage] = []
    notes: list[Passage] = []
    current: Passage | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        note = re.match(r"^<sup>(\d+)</sup>\s*(.*)", stripped)
        if not stripped or stripped.startswith("#") or _SEPARATOR.match(stripped):
            continue
        if note:
            notes.append(Passage(f"fn{note.group(1)}", "footnote", [number], note.group(2)))
        elif current is not None and not _SENTENCE_END.search(current.text):
            current.lines.append(number)  # a paragraph running on after the notes
            current.text += " " + stripped
        elif _heading([stripped]):
            continue
        else:
            current = Passage(f"¶{len(paragraphs) + 1}", "paragraph", [number], stripped)
            paragraphs.append(current)
    return paragraphs + notes


@dataclass
class SourceCoverage:
    work: str
    text_file: str
    passages: list[Passage]
    units: int = 0
    quoted: int = 0
    found: int = 0
    readings: int = 0

    @property
    def cited(self) -> list[Passage]:
        return [p for p in self.passages if p.units]

    @property
    def uncited(self) -> list[Passage]:
        return [p for p in self.passages if not p.units]


Query = Callable[[str], Iterable]


def coverage(query: Query, sources_dir: Path) -> list[SourceCoverage]:
    """Coverage of every source text the graph quotes, from the store (``query`` runs SPARQL
    over the union of graphs) and the texts in ``sources_dir``."""
    prefixes = f"PREFIX uikg: <{PREFIXES['uikg']}> PREFIX oa: <{PREFIXES['oa']}> "
    works = {
        row["work"].value: row["file"].value
        for row in query(prefixes + "SELECT ?work ?file WHERE { ?work uikg:textFile ?file }")
    }
    report = []
    for work, file in sorted(works.items(), key=lambda item: item[1]):
        text = SourceText.read(sources_dir / file)
        cut = passages(text)
        by_line: dict[int, list[Passage]] = {}
        for passage in cut:
            for line in passage.lines:
                by_line.setdefault(line, []).append(passage)
        item = SourceCoverage(work, file, cut)
        spans: list[tuple[int, int]] = []
        rows = query(
            prefixes + "SELECT ?unit ?locator ?exact ?prefix ?suffix (COUNT(?s) AS ?n) WHERE { "
            f"?unit a uikg:EvidenceUnit ; uikg:evidenceFrom <{work}> . "
            "OPTIONAL { ?unit uikg:locator ?locator } "
            "OPTIONAL { ?unit oa:hasSelector ?sel . ?sel oa:exact ?exact "
            "  OPTIONAL { ?sel oa:prefix ?prefix } OPTIONAL { ?sel oa:suffix ?suffix } } "
            "OPTIONAL { GRAPH ?unit { ?s ?p ?o } } } "
            "GROUP BY ?unit ?locator ?exact ?prefix ?suffix"
        )
        for row in rows:
            item.units += 1
            if row["exact"] is None:
                continue
            item.quoted += 1
            selector = Selector(
                row["exact"].value,
                row["prefix"].value if row["prefix"] else "",
                row["suffix"].value if row["suffix"] else "",
            )
            matches = text.find(selector)
            if len(matches) != 1:
                continue
            item.found += 1
            spans.append((matches[0].start, matches[0].end))
            first, last = matches[0].lines
            hit = {p.id: p for line in range(first, last + 1) for p in by_line.get(line, [])}
            for passage in hit.values():
                passage.units.append(row["unit"].value.rsplit("/", 1)[1])
                passage.units.sort()
                passage.statements += int(row["n"].value)
        _shares(text, cut, spans)
        item.readings = sum(
            int(row["n"].value)
            for row in query(
                prefixes + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { "
                f"?r uikg:assertionKind uikg:CuratorReading ; uikg:readFrom/uikg:evidenceFrom <{work}> }}"
            )
        )
        report.append(item)
    return report


def _shares(text: SourceText, cut: list[Passage], spans: list[tuple[int, int]]) -> None:
    """Each passage's share of characters (spaces aside) that the quotes cover."""
    covered = bytearray(len(text.text))
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    for passage in cut:
        total = hit = 0
        for line in passage.lines:
            start = text.line_start(line)
            for offset, char in enumerate(text.line(line)):
                if not char.isspace():
                    total += 1
                    hit += covered[start + offset]
        passage.quoted = hit / total if total else 0.0
