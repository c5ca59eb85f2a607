"""Help a curator quote a passage: the selector for an exact text, and units still undescribed.

``graph/data/curated/evidence.ttl`` is curated by hand: each evidence unit names its work, its
locator and the passage it stands for (``oa:exact``). Context on either side (``oa:prefix``,
``oa:suffix``) is mechanical, so this prints it, after checking that the quote is in the text
once and where its locator says::

    python -m uikg.graph.curation.evidence selector article/fn24 "Berlin formulated …"
    python -m uikg.graph.curation.evidence missing
    python -m uikg.graph.curation.evidence footnotes    # writes graph/data/curated/footnotes.trig

The last one is mechanical, so generated: one unit per footnote, quoting the footnote's own text
(its opening, at most ~400 characters), holding what the literature records say of it — the
work it cites, the pages, and, where it cites the work in full, the work's title, authors and
year — so that literature records have evidence like every other record.

Run from the repository root, with the source texts in ``../shared/sources``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rdflib import DCTERMS, PROV, RDF, Dataset, Graph, Literal, Namespace, URIRef

from uikg.graph.quotes import Selector, SourceText, check_locator, normalise

BASE = "https://w3id.org/uikg/"
UIKG = Namespace(BASE + "ontology#")
EVIDENCE = BASE + "graph/evidence/"
TEXTS = {"article": "000_2e7a3fa26992cef3.txt", "essay": "002_ff4cdf59319586c8.txt"}
CURATED = Path("graph") / "data" / "curated"
CONTEXT = 32


def locator_of(unit: str) -> str:
    """``article/l362-365`` → ``L362-365``; ``essay/l17-areas`` → ``L17``; ``article/fn24`` →
    ``fn24``; ``article/fn24-note`` → ``fn24-note``."""
    local = unit.split("/", 1)[1]
    lines = re.fullmatch(r"l(\d+(?:-\d+)?)(?:-[a-z][a-z-]*)?", local)
    return "L" + lines.group(1) if lines else local


def selector(unit: str, exact: str, sources: Path, locator: str | None = None) -> Selector:
    """The selector for ``exact`` in the unit's text, with enough context to be unique.

    When the exact text occurs more than once, the occurrence the locator points at is taken.
    """
    text = SourceText.read(sources / TEXTS[unit.split("/", 1)[0]])
    locator = locator or locator_of(unit)
    matches = text.find(Selector(exact))
    if not matches:
        raise SystemExit(f"{unit}: not found: {exact!r}")
    placed = [m for m in matches if check_locator(text, m, locator) is None]
    if len(placed) != 1:
        problem = check_locator(text, matches[0], locator) if len(matches) == 1 else None
        raise SystemExit(
            f"{unit}: {problem}"
            if problem
            else f"{unit}: the exact text occurs {len(matches)} times; quote more of it"
        )
    width = CONTEXT
    chosen = _with_context(text, placed[0], width)
    while len(text.find(chosen)) != 1 and width < 400:
        width *= 2
        chosen = _with_context(text, placed[0], width)
    return chosen


def _with_context(text: SourceText, match, width: int) -> Selector:  # type: ignore[no-untyped-def]
    exact = normalise(text.text[match.start : match.end])
    at = len(normalise(text.text[: match.start] + "|")) - 1  # where the match starts, normalised
    if text.normal[at : at + len(exact)] != exact:
        at = text.normal.find(exact)
    prefix = text.normal[max(0, at - width) : at]
    suffix = text.normal[at + len(exact) : at + len(exact) + width]
    if " " in prefix.strip():
        prefix = prefix[prefix.index(" ") + 1 :] if not prefix.startswith(" ") else prefix[1:]
    if " " in suffix.strip():
        suffix = suffix[: suffix.rstrip().rindex(" ") + 1]
    return Selector(exact, prefix, suffix)


def turtle(sel: Selector) -> str:
    def lit(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return (
        "    oa:hasSelector [ a oa:TextQuoteSelector ;\n"
        f"        oa:prefix {lit(sel.prefix)} ;\n"
        f"        oa:exact {lit(sel.exact)} ;\n"
        f"        oa:suffix {lit(sel.suffix)} ] ."
    )


def missing() -> list[URIRef]:
    """Evidence units the TriG files use but ``evidence.ttl`` does not describe."""
    described = Graph().parse(CURATED / "evidence.ttl")
    used: set[URIRef] = set()
    for path in sorted(CURATED.glob("*.trig")):
        ds = Dataset()
        ds.parse(path, format="trig")
        described += ds.default_graph
        for _s, _p, o, g in ds.quads():
            for node in (g, o):
                if isinstance(node, URIRef) and str(node).startswith(EVIDENCE):
                    used.add(node)
    return sorted(u for u in used if (u, RDF.type, UIKG.EvidenceUnit) not in described)


_FOOTNOTE_START = r"^\s?{n}\s{{1,2}}(?=\S)|^<sup>{n}</sup>\s"
_LITERATURE = Path("graph") / "data" / "reference" / "literature.ttl"
_CITATION = BASE + "id/citation/"
_COPIED = (UIKG.citedWork, UIKG.pagesCited, UIKG.noteText)
_WORK_FIELDS = (DCTERMS.title, UIKG.authorString, UIKG.publicationYear)


def footnote_text(text: SourceText, number: int, limit: int = 400) -> str:
    """The opening of footnote ``number``'s own text, up to its first break (blank line, page
    break or next footnote) and at most ``limit`` characters, cut after a comma or full stop."""
    lines = text.text.split("\n")
    start = next(
        i
        for i, line in enumerate(lines)
        if re.match(_FOOTNOTE_START.format(n=number), line)
        and (i == 0 or not lines[i - 1].rstrip().endswith("-"))
    )
    first = re.sub(_FOOTNOTE_START.format(n=number), "", lines[start], count=1)
    taken = [first]
    if not lines[start].startswith("<sup>"):  # the essay's (Markdown) notes are one line each
        for line in lines[start + 1 :]:
            if re.match(r"^ \S|^\s?\d{1,2}\s{1,2}\S", line):
                break  # a page break (the body resumes) or the next footnote
            if line.strip():
                taken.append(line)
    quote = normalise("\n".join(taken)).strip()
    if len(quote) > limit:
        cut = max(quote.rfind(", ", 0, limit), quote.rfind(". ", 0, limit))
        quote = quote[: cut + 1]
    return quote


def footnotes(sources: Path) -> str:
    """``footnotes.trig``: a quoted unit per footnote with its literature statements."""
    literature = Graph().parse(_LITERATURE)
    texts = {name: SourceText.read(sources / file) for name, file in TEXTS.items()}
    blocks = []
    for note in sorted(
        literature.subjects(RDF.type, UIKG.Footnote),
        key=lambda n: (str(n).split("-fn")[0], int(str(n).rsplit("fn", 1)[1])),
    ):
        source, number = str(note)[len(_CITATION) :].split("-fn")
        unit = f"{source}/fn{number}-note"
        sel = selector(unit, footnote_text(texts[source], int(number)), sources)
        label = f"{NAMES[source]}, text of footnote {number}"
        description = (
            f"<{EVIDENCE}{unit}> a uikg:EvidenceUnit ;\n    rdfs:label {_lit(label)}@en ;\n"
            f"    uikg:evidenceFrom <{WORKS[source]}> ;\n    uikg:locator {_lit(f'fn{number}-note')} ;\n"
            f"    uikg:citation <{note}> ;\n    uikg:assertionKind uikg:Stated ;\n" + turtle(sel)
        )
        statements = Graph()
        statements.add((note, PROV.wasDerivedFrom, URIRef(EVIDENCE + unit)))
        for predicate in _COPIED:
            for value in literature.objects(note, predicate):
                statements.add((note, predicate, value))
        form = str(literature.value(note, UIKG.citationForm) or "")
        work = literature.value(note, UIKG.citedWork)
        if work is not None and form.startswith("full"):
            for predicate in _WORK_FIELDS:
                for value in literature.objects(work, predicate):
                    statements.add((work, predicate, value))
        body = "\n".join(f"  {s.n3()} {p.n3()} {o.n3()} ." for s, p, o in sorted(statements))
        blocks.append(f"{description}\n<{EVIDENCE}{unit}> {{\n{body}\n}}\n")
    header = (
        "# GENERATED by `python -m uikg.graph.curation.evidence footnotes` from\n"
        "# graph/data/reference/literature.ttl and the source texts; do not edit by hand.\n"
        "# One evidence unit per footnote, quoting the footnote's own text, holding what the\n"
        "# literature records say of it (cited work, pages, and a work cited in full: title,\n"
        "# authors, year); the footnote record names the unit (prov:wasDerivedFrom).\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix uikg: <https://w3id.org/uikg/ontology#> .\n\n"
    )
    return header + "\n".join(blocks)


NAMES = {"article": "Article", "essay": "Essay"}
WORKS = {
    "article": BASE + "id/work/article-role-of-cities",
    "essay": BASE + "id/work/essay-when-local-level-steps-in",
}


def _lit(value: str) -> str:
    return Literal(value).n3()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path("..") / "shared" / "sources")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("selector", help="print the selector of a quote")
    one.add_argument("unit", help="e.g. article/fn24 or essay/l17")
    one.add_argument("exact", help="the passage, as printed (ligatures may be joined)")
    commands.add_parser("missing", help="list evidence units without a description")
    commands.add_parser("footnotes", help="write graph/data/curated/footnotes.trig")
    args = parser.parse_args(argv)
    if args.command == "selector":
        print(turtle(selector(args.unit, args.exact, args.sources)))
    elif args.command == "footnotes":
        (CURATED / "footnotes.trig").write_text(footnotes(args.sources), encoding="utf-8")
    else:
        for unit in missing():
            print(unit)


if __name__ == "__main__":
    main()
