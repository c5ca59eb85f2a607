"""Entity pages open with the answer a reader came for, in words, each line with its sources."""

from __future__ import annotations

import re

import html5lib
import pytest
from fastapi.testclient import TestClient

BROWSER = {"Accept": "text/html"}


def _section(page: str, name: str) -> str:
    """The text of one summary card (``s-models``, ``s-documents``…)."""
    match = re.search(
        rf'<section class="card[^"]*" aria-labelledby="s-{name}">(.*?)</section>', page, re.S
    )
    assert match, f"no {name} section"
    return match.group(1)


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture(scope="module")
def gdansk(built_client: TestClient) -> str:
    page = built_client.get("/doc/id/city/gdansk", headers=BROWSER)
    assert page.status_code == 200
    html5lib.HTMLParser(strict=True).parse(page.text)
    return page.text


def test_a_city_opens_with_its_models_documents_and_coordinators(gdansk: str) -> None:
    models = _section(gdansk, "models")
    lines = re.findall(r"<li>(.*?)</li>", models, re.S)
    follows = [_text(li) for li in lines if "stance-follows" in li]
    rejects = [_text(li) for li in lines if "stance-rejects" in li]
    assert any("two-way integration" in line for line in follows)
    assert {"assimilationist policy", "separation"} <= {
        m for line in rejects for m in ("assimilationist policy", "separation") if m in line
    }
    assert all("Article, footnote 33" in line for line in follows)  # the source, named
    assert "Immigrant Integration Model (Gdańsk)" in _text(models)  # the policy it comes from

    documents = _text(_section(gdansk, "documents"))
    assert documents.index("April 2015") < documents.index("June 2016")  # in time
    assert "Act of the Mayor of Gdańsk" in documents and "Essay, line 17" in documents

    coordinators = _text(_section(gdansk, "coordinators"))
    assert "Marta Siciarek coordinates Immigrant Integration Model (Gdańsk)" in coordinators
    assert "Essay, lines 5–7" in coordinators


def test_every_summary_line_carries_its_quote_or_reading(gdansk: str) -> None:
    glance = gdansk[gdansk.index('class="glance"') : gdansk.index('id="props"')]
    for item in re.findall(r"<li>(.*?)</li>", glance, re.S):
        assert 'class="cite"' in item, _text(item)
        assert "<blockquote" in item or 'class="reading"' in item or "Source:" in item


def test_inferred_statements_are_folded_and_properties_read_as_words(gdansk: str) -> None:
    statements = gdansk[gdansk.index('id="props"') :]
    shown, _, folded = statements.partition('<details class="inferred">')
    assert folded, "inferred statements are offered on demand"
    # Place, Feature, Location: superclasses the reasoner adds, not in the first list.
    assert ">Feature<" not in shown and ">Feature<" in folded
    assert "(inferred)" not in gdansk and "decimal" not in gdansk
    assert "487,371" in gdansk and "487371" not in _text(gdansk)
    assert "latitude" in shown and ">lat<" not in shown
    assert " of</th>" not in gdansk and "is about of" not in _text(gdansk)
    assert "home of" in statements  # organisations based in Gdańsk, read backwards
    assert "governed by" in statements  # the label of uikg:governs' inverse, from the ontology


def test_a_document_opens_with_who_adopted_it_when_its_status_model_and_areas(
    built_client: TestClient,
) -> None:
    page = built_client.get(
        "/doc/id/document/gdansk-immigrant-integration-model", headers=BROWSER
    ).text
    facts = _section(page, "facts")
    terms = dict(
        (_text(dt), _text(dd))
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", facts, re.S)
    )
    assert terms["adopted by"].startswith("Gdańsk City Council")
    assert terms["adoption date"].startswith("June 2016")
    assert terms["status"].startswith("adopted")
    assert "two-way integration" in terms["follows model"]
    assert "education" in terms["covers area"] and "sports" in terms["covers area"]
    assert "Essay, line 19" in terms["adopted by"]


@pytest.mark.parametrize(
    ("path", "card", "expected"),
    [
        ("/doc/id/country/germany", "divergences", "Berlin"),
        ("/doc/id/organisation/gdansk-city-council", "roles", "Immigrant Integration Model"),
        ("/doc/id/concept/integration-model/two-way-integration", "uses", "Gdańsk"),
        ("/doc/id/work/essay-when-local-level-steps-in", "passages", "Essay, line 17"),
        ("/doc/id/city/lublin", "memberships", "Intercultural"),
    ],
)
def test_each_kind_opens_with_its_own_summary(
    built_client: TestClient, path: str, card: str, expected: str
) -> None:
    page = built_client.get(path, headers=BROWSER)
    assert page.status_code == 200
    assert expected in _text(_section(page.text, card))
