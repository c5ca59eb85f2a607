"""Stable blank-node labels, so the same description serialises to the same bytes.

A strong ``ETag`` promises byte-identical answers for as long as it holds, but fresh blank
nodes (a description's reified statements) get new labels on every request. Each blank node is
relabelled by a hash of what it says (its own statements with non-blank objects, and the
non-blank subjects pointing at it); namesakes get a counter in order of appearance.

>>> from pyoxigraph import BlankNode, Literal, NamedNode, Triple
>>> p = NamedNode("urn:p")
>>> one = stable([Triple(BlankNode(), p, Literal("a"))])
>>> two = stable([Triple(BlankNode(), p, Literal("a"))])
>>> one == two
True
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from pyoxigraph import BlankNode, Quad, Triple

T = TypeVar("T", Triple, Quad)


def stable(statements: Sequence[T]) -> list[T]:
    """The same statements, each blank node renamed after its neighbourhood."""
    signature: dict[BlankNode, list[str]] = defaultdict(list)
    order: list[BlankNode] = []
    for statement in statements:
        subject, predicate, obj = statement.subject, statement.predicate, statement.object
        for term in (subject, obj):
            if isinstance(term, BlankNode) and term not in signature:
                signature[term] = []
                order.append(term)
        if isinstance(subject, BlankNode) and not isinstance(obj, BlankNode):
            signature[subject].append(f"> {predicate} {obj}")
        if isinstance(obj, BlankNode) and not isinstance(subject, BlankNode):
            signature[obj].append(f"< {subject} {predicate}")
    names: dict[Any, Any] = {}
    seen: dict[str, int] = defaultdict(int)
    for node in order:
        digest = hashlib.sha256("\n".join(sorted(signature[node])).encode()).hexdigest()[:20]
        seen[digest] += 1
        names[node] = BlankNode(f"b{digest}" + (f"x{seen[digest]}" if seen[digest] > 1 else ""))
    if not names:
        return list(statements)
    out: list[T] = []
    for statement in statements:
        subject = names.get(statement.subject, statement.subject)
        obj = names.get(statement.object, statement.object)
        if isinstance(statement, Quad):
            out.append(Quad(subject, statement.predicate, obj, statement.graph_name))
        else:
            out.append(Triple(subject, statement.predicate, obj))
    return out
