"""No request leaves the server: every page, the API docs and the workbench while typing.

A journalist offline, or a reader who expects nothing they type to reach a third party, gets
pages whose every request goes to this server (recorded in the browser).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import sync_api

PAGES = [
    "/",
    "/doc/id/city/gdansk",
    "/doc/id/document/gdansk-immigrant-integration-model",
    "/docs",
    "/sparql",
    "/pictures",
    "/pictures/map",
    "/pictures/timeline",
    "/pictures/matrix",
    "/pictures/network",
    "/pictures/network/embed?country=Poland",
    "/doc/graph/evidence/essay/l17",
    "/?lang=pl",
    "/contribute",
    "/curate",
    "/ontology",
    "/shapes",
    "/search?q=Gdansk",
]


@pytest.fixture
def recorded(browser: object):
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    yield page, seen
    context.close()


def _elsewhere(seen: list[str], server: str) -> list[str]:
    ours = urlsplit(server).netloc
    return [url for url in seen if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).netloc != ours]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_no_request_leaves_the_server(web_server, recorded, path: str) -> None:
    page, seen = recorded
    page.goto(web_server.url + path, wait_until="networkidle")
    assert seen, path
    assert _elsewhere(seen, web_server.url) == [], path


def test_typing_in_the_workbench_asks_nobody_else(web_server, recorded) -> None:
    page, seen = recorded
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("() => window.uikgYasgui.getTab().getYasqe().setValue('')")
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.type("PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s a uikg:Ci", delay=20)
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for(timeout=5000)
    assert "uikg:City" in hints.all_inner_texts()  # completed from this server's ontology
    page.keyboard.press("Escape")
    page.keyboard.type("ty ; dct:tit", delay=20)
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(1500)
    with pytest.raises(sync_api.TimeoutError):
        page.wait_for_event("request", lambda r: urlsplit(r.url).netloc != urlsplit(web_server.url).netloc, timeout=1000)  # fmt: skip
    assert _elsewhere(seen, web_server.url) == []


def test_result_iris_open_this_servers_pages(web_server, recorded) -> None:
    page, seen = recorded
    page.goto(web_server.url + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?city WHERE { ?city a <https://w3id.org/uikg/ontology#City> } LIMIT 3"
    page.evaluate("q => window.uikgYasgui.getTab().getYasqe().setValue(q)", query)
    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+Enter")
    link = page.locator(".yasr table.dataTable tbody a[href]").first
    link.wait_for()
    with page.expect_navigation(wait_until="networkidle"):
        link.click()
    assert page.url.startswith(web_server.url + "/")
    assert _elsewhere(seen, web_server.url) == []
