"""The examples in docstrings run: every module of ``uikg.graph`` and ``uikg.api``."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import uikg.api
import uikg.graph

MODULES = sorted(
    info.name
    for package in (uikg.graph, uikg.api)
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if not info.name.endswith("__main__") and ".curation" not in info.name
)


def test_the_examples_are_found() -> None:
    found = sum(
        len(test.examples)
        for name in MODULES
        for test in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert found >= 20


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
