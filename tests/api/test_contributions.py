"""The contribution workflow over real HTTP: ``uikg serve`` on a copy of the built graph."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, REPO, copy_data_dir
from tests.support import records
from tests.support.servers import Server, start_uikg

ALICE, CAROL, BOB = (
    "alice-token-0123456789abcdef",
    "carol-token-0123456789abcdef",
    "bob-token-0123456789abcdefgh",
)
TOKENS = f"alice:contributor:{ALICE},carol:contributor:{CAROL},bob:curator:{BOB}"
SETTINGS = {
    "admin_token": ADMIN_TOKEN,
    "tokens": TOKENS,
    "record_max_triples": "200",
    "record_max_bytes": "65536",
}
TURTLE = {"Content-Type": "text/turtle"}
POZNAN = "https://w3id.org/uikg/id/city/poznan"
DOCUMENT = "https://w3id.org/uikg/id/document/lublin-integration-strategy-2024"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="module")
def data_dir(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data_dir(built_dir, tmp_path_factory.mktemp("contributions"))


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_uikg(data_dir, tmp_path_factory.mktemp("logs"), **SETTINGS)
    yield server
    server.stop()


def ask(server: Server, query: str) -> bool:
    response = httpx.get(
        f"{server.url}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def submit(server: Server, data: bytes, token: str = ALICE, **params: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/contributions",
        content=data,
        params=params,
        headers={**TURTLE, **auth(token)},
        timeout=60,
    )


# -- validate --------------------------------------------------------------------------------
def test_validate_answers_json_turtle_and_text(server: Server) -> None:
    url = f"{server.url}/validate"
    response = httpx.post(url, content=records.BAD_DOCUMENT, headers=TURTLE, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert body["conforms"] is False
    paths = {r["path"] for r in body["results"] if r["severity"] == "Violation"}
    assert "https://w3id.org/uikg/ontology#jurisdiction" in paths
    assert {"focus_node", "path", "value", "severity", "message"} <= set(body["results"][0])
    turtle = httpx.post(
        url, content=records.BAD_DOCUMENT, headers={**TURTLE, "Accept": "text/turtle"}, timeout=60
    )
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "sh:ValidationReport" in turtle.text and "sh:conforms false" in turtle.text
    text = httpx.post(
        url, content=records.city(), headers={**TURTLE, "Accept": "text/plain"}, timeout=60
    )
    assert text.text.startswith("Conforms")


def test_validate_reads_every_format(server: Server) -> None:
    jsonld = (
        b'{"@context": {"dct": "http://purl.org/dc/terms/"}, "@id": "https://w3id.org/uikg/'
        b'id/city/x", "dct:source": {"@id": "https://example.org/s"}}'
    )
    rdfxml = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="https://w3id.org/'
        b'uikg/id/city/x"><dct:source rdf:resource="https://example.org/s"/></rdf:Description>'
        b"</rdf:RDF>"
    )
    ntriples = (
        b"<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/source> "
        b"<https://example.org/s> .\n"
    )
    for media_type, data in (
        ("application/ld+json", jsonld),
        ("application/rdf+xml", rdfxml),
        ("application/n-triples", ntriples),
    ):
        response = httpx.post(
            f"{server.url}/validate", content=data, headers={"Content-Type": media_type}, timeout=60
        )
        assert response.status_code == 200, (media_type, response.text)
        assert response.json()["conforms"] is True


def test_an_ill_typed_date_is_a_finding_in_the_report(server: Server) -> None:
    """Not a 400 that hides the rest: the report names the path, the value and what is expected,
    beside the other findings, in the reader's language."""
    record = (
        (REPO / "tests/data/new-strategy.ttl")
        .read_bytes()
        .replace(b'"2024"^^xsd:gYear', b'"2025-13-45"^^xsd:date')
        .replace(b"uikg:governanceLevel", b"uikg:note")
    )
    url = f"{server.url}/validate"
    response = httpx.post(url, content=record, headers=TURTLE, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforms"] is False
    by_path = {r["path"]: r for r in body["results"] if r["severity"] == "Violation"}
    date = by_path["https://w3id.org/uikg/ontology#adoptionDate"]
    assert date["focus_node"] == DOCUMENT and date["value"] == "2025-13-45"
    assert date["field"] == "Date adopted" and date["focus_label"] == "Lublin integration strategy"
    assert date["expected"].startswith("a date (YYYY-MM-DD)")
    assert "Lublin integration strategy — Date adopted:" in date["text"]
    assert "uikg:" not in date["text"] and "xsd:" not in date["expected"]
    assert "https://w3id.org/uikg/ontology#governanceLevel" in by_path  # the rest is reported
    submitted = submit(server, record)
    assert submitted.status_code == 422 and any(
        r["value"] == "2025-13-45" for r in submitted.json()["report"]
    )
    polish = httpx.post(url, content=record, headers={**TURTLE, "Accept-Language": "pl, en;q=0.5"})
    fields = {r["path"]: r["field"] for r in polish.json()["results"]}
    assert fields["https://w3id.org/uikg/ontology#adoptionDate"] == "Data przyjęcia"


# -- bad input: precise answers, nothing changes ---------------------------------------------
def test_bad_inputs(server: Server) -> None:
    before = len(
        httpx.get(f"{server.url}/contributions", headers=auth(BOB)).json()["contributions"]
    )
    url = f"{server.url}/contributions"
    with records.Listener() as listener:
        cases = [
            (records.SYNTAX_ERROR, "text/turtle", 400, "line 4"),
            (records.city(), "text/html", 415, "text/turtle"),
            (records.city(), "application/trig", 415, "text/turtle"),
            (b"", "text/turtle", 400, "empty"),
            (b"#" * 70_000, "text/turtle", 413, "limit"),
            (records.many_triples(201), "application/n-triples", 413, "200 triples"),
            (records.remote_context(listener.url), "application/ld+json", 400, "never fetched"),
            (
                records.remote_context_in_list(listener.url),
                "application/ld+json",
                400,
                "never fetched",
            ),
            (records.external_entity(listener.url), "application/rdf+xml", 400, "never expanded"),
            (records.BILLION_LAUGHS, "application/rdf+xml", 400, "DOCTYPE"),
            (records.IRI_WITH_SPACE_JSONLD, "application/ld+json", 400, "IRI"),
            (records.IRI_WITH_CONTROL_NT, "application/n-triples", 400, "IRI"),
        ]
        for data, media_type, status, words in cases:
            for target, headers in ((url, auth(ALICE)), (f"{server.url}/validate", {})):
                response = httpx.post(
                    target,
                    content=data,
                    timeout=60,
                    headers={"Content-Type": media_type, **headers},
                )
                assert response.status_code == status, (media_type, words, response.text)
                assert words in response.json()["detail"], response.text
        assert listener.connections == 0, "a remote context or entity was fetched"
    syntax = httpx.post(url, content=records.SYNTAX_ERROR, headers={**TURTLE, **auth(ALICE)})
    assert (syntax.json()["line"], syntax.json()["column"]) == (4, 7)
    response = submit(server, records.BAD_DOCUMENT)
    assert response.status_code == 422
    assert any(r["severity"] == "Violation" for r in response.json()["report"])
    after = len(httpx.get(url, headers=auth(BOB)).json()["contributions"])
    assert after == before


# -- roles -----------------------------------------------------------------------------------
def test_role_boundaries(server: Server) -> None:
    assert submit(server, records.city(slug="krakow-x", label="X"), token="").status_code == 401
    assert submit(server, records.city(slug="krakow-x", label="X"), token="nope").status_code == 401
    assert httpx.get(f"{server.url}/contributions").status_code == 401
    created = submit(server, records.city(slug="roles-city", label="Roles"))
    assert created.status_code == 201
    cid = created.json()["id"]
    own = f"{server.url}/contributions/{cid}"
    assert httpx.get(own, headers=auth(ALICE)).status_code == 200
    assert httpx.get(own, headers=auth(CAROL)).status_code == 403
    assert httpx.get(own, headers=auth(BOB)).status_code == 200
    assert httpx.get(own).status_code == 401
    for token in (ALICE, CAROL):
        assert httpx.post(f"{own}/accept", headers=auth(token)).status_code == 403
        assert (
            httpx.post(f"{own}/reject", json={"reason": "x"}, headers=auth(token)).status_code
            == 403
        )
        assert httpx.get(f"{own}/review", headers=auth(token)).status_code == 403
    listed = httpx.get(f"{server.url}/contributions", headers=auth(CAROL)).json()["contributions"]
    assert cid not in {c["id"] for c in listed}
    update = {"update": "INSERT DATA { GRAPH <http://ex/g> { <http://ex/a> <http://ex/b> 1 } }"}
    assert (
        httpx.post(f"{server.url}/sparql/update", data=update, headers=auth(ALICE)).status_code
        == 403
    )
    put = httpx.put(
        f"{server.url}/store",
        params={"graph": "http://ex/g"},
        content=b"<http://ex/a> <http://ex/b> 1 .",
        headers={"Content-Type": "application/n-triples", **auth(ALICE)},
    )
    assert put.status_code == 403
    assert (
        httpx.post(f"{server.url}/sparql/update", data=update, headers=auth(BOB)).status_code == 204
    )
    assert (
        httpx.post(
            f"{server.url}/sparql/update",
            data={"update": "DROP GRAPH <http://ex/g>"},
            headers=auth(ADMIN_TOKEN),
        ).status_code
        == 204
    )
    assert (
        httpx.post(f"{own}/reject", json={"reason": "test record"}, headers=auth(BOB)).status_code
        == 200
    )


# -- the whole lifecycle, across a restart -----------------------------------------------------
def test_lifecycle_and_restart(
    server: Server, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    response = submit(server, records.city())
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    assert response.headers["location"] == f"{server.url}/contributions/{cid}"
    assert response.json()["status"] == "pending"
    assert response.json()["hash"].startswith("sha256:")
    assert not ask(server, f"ASK {{ <{POZNAN}> ?p ?o }}"), "pending record visible to queries"
    assert not ask(server, f"ASK {{ GRAPH ?g {{ <{POZNAN}> ?p ?o }} }}")

    pending = httpx.get(
        f"{server.url}/contributions", params={"status": "pending"}, headers=auth(BOB)
    ).json()["contributions"]
    assert cid in {c["id"] for c in pending}
    review = httpx.get(f"{server.url}/contributions/{cid}/review", headers=auth(BOB)).json()
    assert review["report"]["conforms"] and len(review["diff"]["adds"]) == 5
    assert review["diff"]["contradicts"] == []
    record = httpx.get(
        f"{server.url}/contributions/{cid}/record",
        headers={**auth(ALICE), "Accept": "application/n-triples"},
    )
    assert POZNAN in record.text

    rejected = submit(server, records.city(slug="gniezno", label="Gniezno")).json()["id"]
    reply = httpx.post(f"{server.url}/contributions/{rejected}/reject", headers=auth(BOB), json={})
    assert reply.status_code == 400 and "reason" in reply.json()["detail"]
    reply = httpx.post(
        f"{server.url}/contributions/{rejected}/reject",
        headers=auth(BOB),
        json={"reason": "no source document found"},
    )
    assert reply.json()["status"] == "rejected"

    accepted = httpx.post(
        f"{server.url}/contributions/{cid}/accept",
        headers=auth(BOB),
        json={"reason": "matches the city's site"},
        timeout=60,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert ask(server, f"ASK {{ <{POZNAN}> a <https://w3id.org/uikg/ontology#City> }}")
    assert ask(server, f"ASK {{ <{POZNAN}> a <https://w3id.org/uikg/ontology#Place> }}")
    again = httpx.post(f"{server.url}/contributions/{cid}/accept", headers=auth(BOB))
    assert again.status_code == 409 and "not pending" in again.json()["detail"]
    history = httpx.get(f"{server.url}/history", params={"resource": POZNAN}).json()
    assert [h["contribution"].rsplit("/", 1)[-1] for h in history["contributions"]] == [cid]
    assert ask(
        server,
        "PREFIX prov: <http://www.w3.org/ns/prov#> ASK { GRAPH "
        f"<https://w3id.org/uikg/graph/provenance/contribution/{cid}> {{ ?a prov:generated ?g ; "
        "prov:wasAssociatedWith <https://w3id.org/uikg/id/contributor/bob> ; "
        "prov:endedAtTime ?t } }",
    )

    server.stop()
    restarted = start_uikg(data_dir, tmp_path_factory.mktemp("logs"), **SETTINGS)
    server.process, server.url, server.log = restarted.process, restarted.url, restarted.log
    if True:  # the module's fixture stops the restarted server
        shown = httpx.get(f"{restarted.url}/contributions/{cid}", headers=auth(ALICE)).json()
        assert shown["status"] == "accepted"
        assert [e["action"] for e in shown["history"]] == ["submitted", "accepted"]
        assert shown["history"][1]["reason"] == "matches the city's site"
        gone = httpx.get(f"{restarted.url}/contributions/{rejected}", headers=auth(ALICE)).json()
        assert gone["status"] == "rejected"
        assert gone["history"][-1]["reason"] == "no source document found"
        assert ask(restarted, f"ASK {{ <{POZNAN}> ?p ?o }}")
        assert not ask(restarted, "ASK { <https://w3id.org/uikg/id/city/gniezno> ?p ?o }")


def test_two_concurrent_contributions(server: Server) -> None:
    def send(slug: str) -> httpx.Response:
        return submit(server, records.city(slug=slug, label=slug.title()))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(send, ["konin", "kalisz", "leszno", "pila"]))
    assert [r.status_code for r in replies] == [201] * 4
    ids = {r.json()["id"] for r in replies}
    assert len(ids) == 4
    listed = {
        c["id"]
        for c in httpx.get(f"{server.url}/contributions", headers=auth(ALICE)).json()[
            "contributions"
        ]
    }
    assert ids <= listed


def test_the_listing_comes_in_pages_that_name_the_next(server: Server) -> None:
    """However long the queue, one request reads one bounded page, oldest first; ``next`` and
    ``Link: rel="next"`` lead through the rest, and a page size past the limit is refused."""
    listed = httpx.get(f"{server.url}/contributions", headers=auth(BOB), timeout=60).json()
    ids = [c["id"] for c in listed["contributions"]]
    while len(ids) < 3:
        assert submit(server, records.city()).status_code == 201
        ids.append("")  # counted; the listing below says which
    everything = [
        c["id"]
        for c in httpx.get(f"{server.url}/contributions", headers=auth(BOB), timeout=60).json()[
            "contributions"
        ]
    ]
    seen: list[str] = []
    url: str | None = f"{server.url}/contributions?limit=2"
    pages = 0
    while url:
        reply = httpx.get(url, headers=auth(BOB), timeout=60)
        assert reply.status_code == 200, reply.text
        page = reply.json()
        assert 1 <= len(page["contributions"]) <= 2
        seen += [c["id"] for c in page["contributions"]]
        url = page.get("next")
        if url:
            assert reply.headers["link"] == f'<{url}>; rel="next"'
        pages += 1
    assert seen == everything and pages == (len(everything) + 1) // 2
    refused = httpx.get(f"{server.url}/contributions?limit=100000", headers=auth(BOB), timeout=60)
    assert refused.status_code == 400 and "limit" in refused.text


def test_the_listing_filters_by_statuses_and_reads_newest_first(server: Server) -> None:
    """What the curator's page asks for: the pending queue oldest first, and the last
    decisions (several statuses at once) newest first."""
    sent = [submit(server, records.city(slug=f"order{n}", label=f"Order {n}")) for n in range(3)]
    assert all(reply.status_code == 201 for reply in sent)
    first, second, third = (reply.json()["id"] for reply in sent)
    for cid, verdict in ((first, "reject"), (third, "reject")):
        reply = httpx.post(
            f"{server.url}/contributions/{cid}/{verdict}",
            headers=auth(BOB),
            json={"reason": "a test of the listing"},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text

    def listed(query: str) -> list[tuple[str, str]]:
        reply = httpx.get(f"{server.url}/contributions?{query}", headers=auth(BOB), timeout=60)
        assert reply.status_code == 200, reply.text
        return [(c["id"], c["status"]) for c in reply.json()["contributions"]]

    everything = listed("limit=500")
    assert listed("order=newest&limit=500") == everything[::-1]
    decided = listed("status=accepted&status=rejected&order=newest&limit=500")
    assert {status for _, status in decided} <= {"accepted", "rejected"}
    assert [cid for cid, _ in decided][:2] == [third, first]
    pending = [cid for cid, _ in listed("status=pending&limit=500")]
    assert second in pending and first not in pending and third not in pending
    assert pending == [cid for cid, status in everything if status == "pending"]
    wrong = httpx.get(f"{server.url}/contributions?order=sideways", headers=auth(BOB))
    assert wrong.status_code == 400 and "order" in wrong.text


# -- memory ---------------------------------------------------------------------------------
def _opened(store: Path) -> int:
    return len(list(store.glob("LOG.old.*"))) + 1  # each open of a RocksDB store keeps a log


@pytest.mark.server
def test_the_service_reopens_its_stores_under_a_stream_of_contributions(
    built_dir: Path, tmp_path: Path
) -> None:
    """With a flush after every KB and a reopen after every flush, contributions submitted,
    listed and accepted while others read reopen the published store and the queue (which
    empties RocksDB's block caches, bench/README.md) and lose nothing."""
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    server = start_uikg(
        data_dir, tmp_path, **SETTINGS, store_flush_after_kb="1", store_reopen_after_flushes="1"
    )
    try:
        before = _opened(data_dir / "store"), _opened(data_dir / "contributions")
        slugs = [f"reopen-{n}" for n in range(12)]

        def contribute(slug: str) -> str:
            reply = submit(server, records.city(slug=slug, label=slug.title()))
            assert reply.status_code == 201, reply.text
            listing = httpx.get(
                f"{server.url}/contributions", params={"status": "pending"}, headers=auth(BOB)
            )
            assert listing.status_code == 200
            cid = str(reply.json()["id"])
            accepted = httpx.post(
                f"{server.url}/contributions/{cid}/accept", headers=auth(BOB), timeout=60
            )
            assert accepted.status_code == 200, accepted.text
            return cid

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            done = list(pool.map(contribute, slugs))
        assert len(set(done)) == len(slugs)
        after = _opened(data_dir / "store"), _opened(data_dir / "contributions")
        assert after[0] > before[0] and after[1] > before[1]
        for slug in slugs:
            assert ask(server, f"ASK {{ <https://w3id.org/uikg/id/city/{slug}> ?p ?o }}")
        pending = httpx.get(
            f"{server.url}/contributions", params={"status": "pending"}, headers=auth(BOB)
        ).json()["contributions"]
        assert not {item["id"] for item in pending} & set(done)
    finally:
        server.stop()
