"""The web face in headless Chromium: home, workbench and pictures (the contribution form and
the curator's page: test_contribute.py)."""

from __future__ import annotations

import re

from tests.e2e.conftest import shot


def test_home_page_has_counts_search_and_entry_points(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/", wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == "Urban Integration Knowledge Graph"
    assert int(page.locator(".counts dd").first.inner_text()) >= 29
    for name in (
        "SPARQL endpoint and workbench",
        "REST API documentation",
        "Ontology documentation",
    ):
        assert page.get_by_role("link", name=name).count() == 1
    shot(page, "home")
    page.get_by_label("Search the graph").fill("Gdansk")
    page.get_by_label("Search the graph").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Gdansk"))
    assert page.get_by_role("link", name="Gdańsk").count() >= 1


def test_home_page_at_phone_width(web_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(web_server.url + "/", wait_until="networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, "home-phone")
    context.close()
    assert width <= 390 and errors == []


def test_query_typed_into_yasgui_returns_rows(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = (
        "PREFIX uikg: <https://w3id.org/uikg/ontology#>\n"
        "SELECT ?city WHERE { ?city a uikg:City } ORDER BY ?city"
    )
    page.evaluate("q => window.uikgYasgui.getTab().getYasqe().setValue(q)", query)
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    page.wait_for_selector(".yasr a[data-labelled]")
    assert "Gdańsk" in page.locator(".yasr").inner_text()  # the label, not the IRI
    gdansk = page.get_by_role("link", name="Gdańsk").first
    assert gdansk.get_attribute("href") == "https://w3id.org/uikg/id/city/gdansk"


def test_workbench_shows_the_servers_syntax_error(web_server, page):
    page, console = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("window.uikgYasgui.getTab().getYasqe().setValue('SELECT * WHERE { ?s ?p }')")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr .query-error")
    assert "Line 1, column" in page.locator(".yasr .query-error").inner_text()
    assert page.locator(".yasqe .query-error-line").count() == 1  # the line is marked
    console.allowed.append("status of 400")  # the refused query


def test_an_undeclared_prefix_is_named_and_added_with_one_click(web_server, page):
    page, console = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?name WHERE { ?p foaf:name ?name } LIMIT 3"
    page.evaluate("q => window.uikgYasgui.getTab().getYasqe().setValue(q)", query)
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    error = page.locator(".yasr .query-error")
    error.wait_for()
    assert "the prefix foaf: is not declared" in error.inner_text()
    shot(page, "workbench-error", full=False)
    error.get_by_role("button", name="Add PREFIX foaf: <http://xmlns.com/foaf/0.1/>").click()
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    console.allowed.append("status of 400")  # the refused query


def test_named_query_examples_fill_the_editor(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.get_by_label("Example queries").select_option("city_map")
    assert "geo:lat" in page.evaluate("window.uikgYasgui.getTab().getYasqe().getValue()")


def test_map_has_a_gdansk_marker_whose_popup_links_to_its_page(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/pictures/map", wait_until="networkidle")
    page.wait_for_selector("#picture[data-rendered=true]")
    marker = page.locator('[data-city="https://w3id.org/uikg/id/city/gdansk"]')
    assert marker.count() == 1
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup a.city-link")
    link.wait_for()
    assert link.inner_text() == "Gdańsk" and link.get_attribute("href").endswith("/id/city/gdansk")
    assert "two-way integration" in page.locator(".leaflet-popup").inner_text()
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    shot(page, "map")
    link.click()
    page.wait_for_url(re.compile(r"/doc/id/city/gdansk"))


def test_timeline_and_matrix_render_from_their_queries(web_server, page):
    page, _ = page
    for name, text in (("timeline", "Gdańsk"), ("matrix", "Gdańsk")):
        page.goto(f"{web_server.url}/pictures/{name}", wait_until="networkidle")
        page.wait_for_selector("#picture[data-rendered=true] svg")
        assert (
            page.locator("#picture svg .mark-symbol path, #picture svg .mark-rect path").count() > 3
        )
        assert text in page.locator("#table").text_content()
        assert page.locator("figcaption code").inner_text().startswith("queries/")
        href = page.locator("a[data-csv]").get_attribute("href")
        assert href.startswith("blob:")
        shot(page, name)


def test_network_filters_by_country(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/pictures/network", wait_until="networkidle")
    page.wait_for_selector("#picture[data-rendered=true] svg")
    everything = int(page.locator("#picture").get_attribute("data-links"))
    page.get_by_label("Country", exact=True).select_option("Poland")
    page.wait_for_function(f"document.querySelector('#picture').dataset.links != '{everything}'")
    assert 0 < int(page.locator("#picture").get_attribute("data-links")) < everything
    shot(page, "network")


def test_map_shows_every_model_of_a_city_and_explains_grey(web_server, page):
    page, _ = page
    page.goto(web_server.url + "/pictures/map", wait_until="networkidle")
    page.wait_for_selector("#picture[data-rendered=true]")
    several = page.locator('.city-marker:not([data-models="0"]):not([data-models="1"])')
    assert several.count() >= 1  # a city following several models
    ring = several.first.evaluate("e => e.style.background")
    legend = page.locator(".legend .swatch")
    colours = set(legend.evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)"))
    assert len(colours) == legend.count()  # one colour per model, none shared
    assert ring.count("rgb(") >= 2 or ring.count("#") >= 2
    assert "no model recorded in the sources" in page.locator(".legend").inner_text()
