"""Entity pages and languages as a reader sees them in Chromium: what the first screen shows."""

from __future__ import annotations

from tests.e2e.conftest import shot

FIRST_SCREEN = """() => {
  const seen = (el) => { const r = el.getBoundingClientRect();
    return r.bottom <= innerHeight && r.top >= 0 && r.height > 0; };
  const card = (id) => { const s = document.querySelector(`section[aria-labelledby=${id}]`);
    return s ? [...s.querySelectorAll("li")].filter(seen).map((li) => li.innerText) : null; };
  return { models: card("s-models"), documents: card("s-documents"),
           coordinators: card("s-coordinators") };
}"""


def test_gdansk_first_screen_shows_models_documents_and_coordinators_with_sources(
    web_server, browser
):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(web_server.url + "/doc/id/city/gdansk", wait_until="networkidle")
    visible = page.evaluate(FIRST_SCREEN)
    shot(page, "city-gdansk", full=False)
    context.close()
    models, documents, coordinators = (
        visible["models"], visible["documents"], visible["coordinators"]
    )  # fmt: skip
    assert any("FOLLOWS" in m.upper() and "two-way integration" in m for m in models), models
    assert any("REJECTS" in m.upper() and "separation" in m for m in models), models
    assert any("Immigrant Integration Model (Gdańsk)" in d and "2016" in d for d in documents)
    assert any(c.startswith("Marta Siciarek coordinates") for c in coordinators), coordinators
    for line in models + documents + coordinators:  # every line names its passage
        assert any(s in line for s in ("Essay, ", "Article, ", "Curators")), line


def test_a_summary_lines_quote_opens_on_demand(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/doc/id/city/gdansk", wait_until="networkidle")
    cite = page.locator("section[aria-labelledby=s-models] details.cite").first
    quote = cite.locator("blockquote")
    assert not quote.is_visible()
    cite.locator("summary").focus()
    page.keyboard.press("Enter")  # by keyboard: the quote is a disclosure
    assert quote.is_visible() and "integration" in quote.inner_text()


def test_the_language_switch_gives_polish_and_warszawa(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/doc/id/city/warsaw", wait_until="networkidle")
    assert page.locator("h1").inner_text() == "Warsaw"
    with page.expect_navigation(
        wait_until="networkidle"
    ):  # a click does not wait for the page it opens
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Polski").click()
    assert page.locator("html").get_attribute("lang") == "pl"
    assert page.locator("h1").inner_text() == "Warszawa"
    assert page.get_by_role("heading", name="Wszystkie stwierdzenia").count() == 1
    page.goto(web_server.url + "/", wait_until="networkidle")  # the choice is remembered
    assert page.get_by_role("heading", name="Zacznij tutaj").count() == 1
    shot(page, "home-pl", full=False)


def test_accept_language_pl_gives_polish(web_server, browser):
    context = browser.new_context(locale="pl-PL", extra_http_headers={"Accept-Language": "pl"})
    page = context.new_page()
    page.goto(web_server.url + "/doc/id/city/warsaw", wait_until="networkidle")
    heading, lang = page.locator("h1").inner_text(), page.locator("html").get_attribute("lang")
    context.close()
    assert (heading, lang) == ("Warszawa", "pl")
