"""Help a curator quote a passage: the selector for an exact text, and units still undescribed.

``graph/data/curated/evidence.ttl`` is curated by hand: each evidence unit names its work, its
locator and the passage it stands for (``oa:exact``). Context on either side (``oa:prefix``,
``oa:suffix``) is mechanical, so this prints it, after checking that the quote is in the text
once and where its locator says::

    python -m uikg.graph.curation.evidence selector article/fn24 "Berlin formulated …"
    python -m uikg.graph.curation.evidence missing

Run from the repository root, with the source texts in ``../shared/sources``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from rdflib import Dataset, Graph, Namespace, URIRef

from uikg.graph.quotes import Selector, SourceText, check_locator, normalise

BASE = "https://w3id.org/uikg/"
UIKG = Namespace(BASE + "ontology#")
EVIDENCE = BASE + "graph/evidence/"
TEXTS = {"article": "000_2e7a3fa26992cef3.txt", "essay": "002_ff4cdf59319586c8.txt"}
CURATED = Path("graph") / "data" / "curated"
CONTEXT = 32


def locator_of(unit: str) -> str:
    """``article/l362-365`` → ``L362-365``; ``article/fn24`` → ``fn24``."""
    local = unit.split("/", 1)[1]
    return "L" + local[1:] if re.fullmatch(r"l\d+(-\d+)?", local) else local


def selector(unit: str, exact: str, sources: Path) -> Selector:
    """The selector for ``exact`` in the unit's text, with enough context to be unique."""
    text = SourceText.read(sources / TEXTS[unit.split("/", 1)[0]])
    matches = text.find(Selector(exact))
    if not matches:
        raise SystemExit(f"{unit}: not found: {exact!r}")
    width = CONTEXT
    while True:
        chosen = [_with_context(text, m, width) for m in matches]
        if len(text.find(chosen[0])) == 1 or width > 400:
            break
        width *= 2
    if len(matches) > 1:
        raise SystemExit(f"{unit}: the exact text occurs {len(matches)} times; quote more of it")
    problem = check_locator(text, matches[0], locator_of(unit))
    if problem:
        raise SystemExit(f"{unit}: {problem}")
    return chosen[0]


def _with_context(text: SourceText, match, width: int) -> Selector:  # type: ignore[no-untyped-def]
    exact = normalise(text.text[match.start : match.end])
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
        described += ds.default_context
        for _s, _p, o, g in ds.quads():
            for node in (g, o):
                if isinstance(node, URIRef) and str(node).startswith(EVIDENCE):
                    used.add(node)
    return sorted(u for u in used if (u, UIKG.locator, None) not in described)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path("..") / "shared" / "sources")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("selector", help="print the selector of a quote")
    one.add_argument("unit", help="e.g. article/fn24 or essay/l17")
    one.add_argument("exact", help="the passage, as printed (ligatures may be joined)")
    commands.add_parser("missing", help="list evidence units without a description")
    args = parser.parse_args(argv)
    if args.command == "selector":
        print(turtle(selector(args.unit, args.exact, args.sources)))
    else:
        for unit in missing():
            print(unit)


if __name__ == "__main__":
    main()
