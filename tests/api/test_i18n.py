"""English and Polish: complete catalogues, the reader's language chosen, labels in it."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from tests.conftest import REPO
from uikg.api import i18n

LOCALES = REPO / "api" / "locales"
HTML = {"Accept": "text/html"}


def _marked() -> set[str]:
    """Every string the templates and the api package mark, extracted as pybabel does."""
    method_map = [("api/**.py", "python"), ("api/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_marked_string_has_a_polish_translation() -> None:
    with (LOCALES / "pl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="pl")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(_marked() - set(translated))
    assert missing == [], "run the pybabel steps in api/i18n.py's docstring and translate these"
    for msgid, text in translated.items():
        forms = text if isinstance(text, tuple) else (text,)
        for form in forms:  # the same placeholders, or the page breaks at render time
            assert set(re.findall(r"%\((\w+)\)s", form)) <= set(
                re.findall(r"%\((\w+)\)s", msgid)
            ) | {"num"}, msgid


def test_language_comes_from_the_query_then_the_cookie_then_accept_language() -> None:
    assert i18n.from_accept_language("pl-PL,pl;q=0.9,en;q=0.8") == "pl"
    assert i18n.from_accept_language("en-GB, pl;q=0.5") == "en"
    assert i18n.from_accept_language("de, fr") == "en"


def test_accept_language_pl_gives_polish_strings_and_warszawa(built_client: TestClient) -> None:
    page = built_client.get("/doc/id/city/warsaw", headers={**HTML, "Accept-Language": "pl"})
    assert '<html lang="pl">' in page.text
    assert "<h1>Warszawa</h1>" in page.text  # Polish label: no lang attribute needed
    assert "Wszystkie stwierdzenia" in page.text and "All statements" not in page.text
    assert "1 702 139" in page.text.replace("\xa0", " ")  # Polish digit grouping
    english = built_client.get("/doc/id/city/warsaw", headers=HTML).text
    assert "<h1>Warsaw</h1>" in english and "All statements" in english


def test_english_labels_on_a_polish_page_say_so(built_client: TestClient) -> None:
    page = built_client.get("/doc/id/city/gdansk", headers={**HTML, "Accept-Language": "pl"}).text
    # The Social Affairs Department has only an English name: marked as English.
    assert 'lang="en">Gdańsk City Hall Social Affairs Department</a>' in page
    assert "realizuje" in page and "two-way integration" not in page  # concept labels in Polish
    assert "integracja jako proces dwustronny" in page


def test_the_switch_remembers_the_choice_and_goes_back(built_client: TestClient) -> None:
    answer = built_client.get(
        "/language",
        params={"lang": "pl", "next": "/doc/id/city/warsaw?lang=en&page=1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/doc/id/city/warsaw?page=1"
    assert "uikg_lang=pl" in answer.headers["set-cookie"]
    built_client.cookies.set(i18n.COOKIE, "pl")
    try:
        assert "Zacznij tutaj" in built_client.get("/", headers=HTML).text
        assert '<html lang="en">' in built_client.get("/?lang=en", headers=HTML).text
        elsewhere = built_client.get(
            "/language", params={"lang": "en", "next": "//evil.example/"}, follow_redirects=False
        )
        assert elsewhere.headers["location"] == "/"
    finally:
        built_client.cookies.clear()  # the client is shared by the session's tests


def test_every_page_offers_the_switch(built_client: TestClient) -> None:
    page = built_client.get("/", headers={**HTML, "Accept-Language": "pl"}).text
    assert 'hreflang="en"' in page and 'hreflang="pl"' in page
    assert "Graf Wiedzy o Integracji w Miastach" in page


def test_catalogue_files_ship_with_the_package() -> None:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "locales/*/LC_MESSAGES/*.po" in data["package-data"]["uikg.api"]
    assert Path(i18n.LOCALES / "pl" / "LC_MESSAGES" / "messages.po").is_file()


def test_the_workbench_names_its_questions_and_examples_in_the_readers_language(
    built_client: TestClient,
) -> None:
    polish = built_client.get("/sparql", params={"lang": "pl"}, headers={"Accept": "text/html"})
    assert ">Przypisy artykułu</option>" in polish.text  # an example query
    assert ">Footnote citations of the article</option>" not in polish.text
    assert 'aria-label="Aktorzy w mieście"' in polish.text  # a question
    listed = built_client.get("/api/v1/queries", headers={"Accept": "application/json"}).json()
    footnotes = next(q for q in listed if q["name"] == "footnotes")
    assert footnotes["titles"] == {
        "en": "Footnote citations of the article",
        "pl": "Przypisy artykułu",
    }
