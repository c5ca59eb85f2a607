"""The workbench for someone who cannot write SPARQL: questions with blanks, compact results,
charts only where they mean something."""

from __future__ import annotations

from tests.e2e.conftest import shot


def test_a_template_question_is_answered_without_typing_sparql(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    question = page.locator('form.question[data-query="documents_between"]')
    question.get_by_label("place").select_option(label="Gdańsk")
    question.get_by_label("first year").fill("2015")
    question.get_by_label("last year").fill("2015")
    question.get_by_role("button", name="Ask").click()
    page.wait_for_selector('form.question[data-query="documents_between"][data-answered]')
    answer = question.locator(".answer")
    text = answer.inner_text()
    assert "Act of the Mayor of Gdańsk" in text  # adopted April 2015
    assert "Immigrant Integration Model (Gdańsk)" not in text  # adopted June 2016
    link = answer.get_by_role("link", name="Act of the Mayor of Gdańsk", exact=False)
    assert link.get_attribute("href").startswith(web_server.url + "/id/document/")
    shot(page, "workbench-question", full=False)


def test_a_question_works_from_the_keyboard_alone(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    question = page.locator('form.question[data-query="followers_of_model"]')
    question.get_by_label("integration model").focus()
    page.keyboard.press("Tab")  # to "Ask"
    page.keyboard.press("Enter")
    page.wait_for_selector('form.question[data-query="followers_of_model"][data-answered]')
    assert question.locator(".answer table tbody tr").count() >= 1


def _run(page, query: str) -> None:
    """Run ``query`` with Ctrl+Enter and wait until the table shows its results (not the last)."""
    page.evaluate(
        "q => { const tab = window.uikgYasgui.getTab(); window.uikgDrawn = false;"
        " tab.getYasr().once('drawn', () => { window.uikgDrawn = true; });"
        " tab.getYasqe().setValue(q); }",
        query,
    )
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function("window.uikgDrawn === true")
    page.wait_for_selector(".yasr table.dataTable tbody tr")


def test_results_are_compact_with_labels_and_quiet_datatypes(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    _run(
        page,
        "PREFIX uikg: <https://w3id.org/uikg/ontology#>\n"
        "SELECT ?city ?population WHERE { ?city a uikg:City ; uikg:population ?population }"
        " ORDER BY DESC(?population) LIMIT 5",
    )
    page.wait_for_selector(".yasr a[data-labelled]")
    table = page.locator(".yasr table.dataTable").inner_text()
    assert "XMLSchema#" not in table and "^^" not in table
    assert "Warsaw" in table or "Berlin" in table  # labels, not IRIs
    assert page.locator(".yasr sup.datatype").first.inner_text() == "xsd:integer"
    width = page.locator(".yasr table.dataTable").evaluate("t => t.scrollWidth")
    assert width < 1280
    page.locator(".yasqe").evaluate("e => e.scrollIntoView()")
    shot(page, "sparql-workbench", full=False)


def test_a_year_column_is_not_charted_as_a_quantity(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    _run(
        page,
        "PREFIX uikg: <https://w3id.org/uikg/ontology#>\n"
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        "SELECT ?document (xsd:integer(SUBSTR(MIN(STR(?d)), 1, 4)) AS ?year)"
        " WHERE { ?document uikg:adoptionDate ?d } GROUP BY ?document",
    )
    chart = page.evaluate(
        "() => window.uikgYasgui.getTab().getYasr().plugins.chart.canHandleResults()"
    )
    assert chart is False  # one row per document, and the years are times, not amounts
    _run(
        page,
        "PREFIX uikg: <https://w3id.org/uikg/ontology#>\n"
        "SELECT ?country (COUNT(?city) AS ?cities) WHERE { ?city uikg:country ?country }"
        " GROUP BY ?country",
    )
    assert page.evaluate(
        "() => window.uikgYasgui.getTab().getYasr().plugins.chart.canHandleResults()"
    )
