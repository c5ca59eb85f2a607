"""A web application on another origin reads the graph from the browser with ``fetch()``:
a SPARQL query and a Turtle description; a write from there is blocked by the browser."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.servers import Server

PAGE = b"<!doctype html><html><head><title>elsewhere</title></head><body>another site</body></html>"


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    """A second origin on loopback: a page that is not served by uikg."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_page_on_another_origin_queries_and_fetches_turtle(
    web_server: Server, elsewhere: str, page
) -> None:
    page, console = page
    page.goto(elsewhere + "/app.html")
    assert page.evaluate("location.origin") != web_server.url
    result = page.evaluate(
        """async (base) => {
          const query = 'SELECT ?label WHERE { <https://w3id.org/uikg/id/city/gdansk> '
            + '<http://www.w3.org/2000/01/rdf-schema#label> ?label }';
          const sparql = await fetch(base + '/sparql', {
            method: 'POST',
            headers: {'Content-Type': 'application/sparql-query',
                      'Accept': 'application/sparql-results+json'},
            body: query});
          const rows = (await sparql.json()).results.bindings.map(b => b.label.value);
          const doc = await fetch(base + '/id/city/gdansk', {headers: {'Accept': 'text/turtle'}});
          return {status: sparql.status, rows, type: doc.headers.get('content-type'),
                  url: doc.url, etag: doc.headers.get('etag'), turtle: await doc.text()};
        }""",
        web_server.url,
    )
    assert result["status"] == 200
    assert "Gdańsk" in result["rows"]
    assert result["type"].startswith("text/turtle")
    assert result["url"].endswith("/doc/id/city/gdansk.ttl")  # followed the 303
    assert result["etag"]  # exposed to scripts
    assert (
        "<https://w3id.org/uikg/id/city/gdansk>" in result["turtle"]
        or "city/gdansk" in result["turtle"]
    )


def test_a_write_from_another_origin_is_blocked(web_server: Server, elsewhere: str, page) -> None:
    page, console = page
    page.goto(elsewhere + "/app.html")
    outcome = page.evaluate(
        """async (base) => {
          try {
            await fetch(base + '/sparql/update', {method: 'POST',
              headers: {'Authorization': 'Bearer stolen', 'Content-Type': 'application/sparql-update'},
              body: 'INSERT DATA { <urn:a> <urn:b> <urn:c> }'});
            return 'sent';
          } catch (error) { return 'blocked: ' + error.name; }
        }""",
        web_server.url,
    )
    assert outcome == "blocked: TypeError"
    console.errors[:] = [
        e
        for e in console.errors
        if "CORS" not in e and "Failed to load" not in e and "403" not in e
    ]
