"""HTTP caching over real HTTP: validators from the store's version, 304s that run no query,
new validators after an accepted contribution, after a restart the same, on the remote backend
seen by every process."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, copy_data_dir
from tests.support import records
from tests.support.servers import Server, start_oxigraph, start_uikg

ALICE, BOB = "alice-token-0123456789abcdef", "bob-token-0123456789abcdefgh"
SETTINGS = {
    "admin_token": ADMIN_TOKEN,
    "tokens": f"alice:contributor:{ALICE},bob:curator:{BOB}",
    "cache_max_age_s": "30",
}
# A page, a description, a REST collection and a SPARQL GET: every kind of read.
READS = [
    ("/doc/id/city/gdansk", "text/html"),
    ("/doc/id/city/gdansk", "text/turtle"),
    ("/doc/id/city/gdansk.nq", None),
    ("/api/v1/cities?country=https://w3id.org/uikg/id/country/poland", "application/ld+json"),
    (
        "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20%3Chttps%3A%2F%2Fw3id.org%2Fuikg%2Fontology%23City%3E%20%7D",
        "text/csv",
    ),
    ("/.well-known/void", "text/turtle"),
    ("/reconcile", None),
    ("/", "text/html"),
]


@pytest.fixture(scope="module")
def data_dir(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data_dir(built_dir, tmp_path_factory.mktemp("caching"))


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_uikg(data_dir, tmp_path_factory.mktemp("logs"), **SETTINGS)
    yield server
    server.stop()


def get(server: Server, path: str, accept: str | None, **headers: str) -> httpx.Response:
    if accept:
        headers["Accept"] = accept
    return httpx.get(server.url + path, headers=headers, timeout=60)


@pytest.mark.parametrize(("path", "accept"), READS)
def test_reads_carry_validators_and_answer_304(
    server: Server, path: str, accept: str | None
) -> None:
    first = get(server, path, accept)
    assert first.status_code == 200, first.text[:300]
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert first.headers["cache-control"] == "public, max-age=30"
    modified = email.utils.parsedate_to_datetime(first.headers["last-modified"])
    again = get(server, path, accept, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers.get("vary") == first.headers.get("vary")
    since = get(server, path, accept, **{"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    earlier = email.utils.format_datetime(modified.replace(year=modified.year - 1), usegmt=True)
    assert get(server, path, accept, **{"If-Modified-Since": earlier}).status_code == 200
    assert get(server, path, accept, **{"If-None-Match": '"other"'}).status_code == 200


def test_negotiated_answers_vary_and_differ_in_etag(server: Server) -> None:
    turtle = get(server, "/doc/id/city/gdansk", "text/turtle")
    jsonld = get(server, "/doc/id/city/gdansk", "application/ld+json")
    assert turtle.headers["vary"] == jsonld.headers["vary"] == "Accept"
    assert turtle.headers["etag"] != jsonld.headers["etag"]
    assert (
        get(
            server,
            "/doc/id/city/gdansk",
            "application/ld+json",
            **{"If-None-Match": turtle.headers["etag"]},
        ).status_code
        == 200
    )
    other = get(server, "/sparql?query=ASK%7B%7D", "application/sparql-results+xml")
    assert (
        other.headers["etag"]
        != get(server, "/sparql?query=ASK%7B%7D%20", "application/sparql-results+xml").headers[
            "etag"
        ]
    )


def test_private_answers_are_not_stored(server: Server) -> None:
    mine = httpx.get(
        f"{server.url}/contributions", headers={"Authorization": f"Bearer {BOB}"}, timeout=30
    )
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "no-store"
    assert "etag" not in mine.headers
    with_token = get(server, "/doc/id/city/gdansk.ttl", None, Authorization=f"Bearer {BOB}")
    assert with_token.headers["cache-control"] == "no-store"
    assert get(server, "/health", None).headers["cache-control"] == "no-store"
    missing = get(server, "/doc/id/city/atlantis.ttl", None)
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


def test_a_304_runs_no_query(data_dir: Path, tmp_path: Path) -> None:
    """A query that takes a second with the result cache off: its conditional repeat is a 304
    in a fraction of that, so the query did not run."""
    server = start_uikg(copy_data_dir(data_dir, tmp_path / "slow"), tmp_path, query_cache_mb="0")
    try:
        query = (
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?p ?x "
            "VALUES ?k { 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 } }"
        )
        started = time.monotonic()
        first = httpx.get(server.url + "/sparql", params={"query": query}, timeout=120)
        took = time.monotonic() - started
        assert first.status_code == 200 and took > 0.3, took
        started = time.monotonic()
        again = httpx.get(
            server.url + "/sparql",
            params={"query": query},
            headers={"If-None-Match": first.headers["etag"]},
            timeout=60,
        )
        assert again.status_code == 304
        assert time.monotonic() - started < took / 3
    finally:
        server.stop()


def test_an_accepted_contribution_changes_the_etag(server: Server) -> None:
    before = {(p, a): get(server, p, a) for p, a in READS}
    submitted = httpx.post(
        f"{server.url}/contributions",
        content=records.city("gorzow", "Gorzów Wielkopolski"),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ALICE}"},
        timeout=60,
    )
    assert submitted.status_code == 201, submitted.text
    cid = submitted.json()["id"]
    # A pending contribution changes nothing published.
    for (path, accept), response in before.items():
        assert (
            get(server, path, accept, **{"If-None-Match": response.headers["etag"]}).status_code
            == 304
        )
    accepted = httpx.post(
        f"{server.url}/contributions/{cid}/accept",
        headers={"Authorization": f"Bearer {BOB}"},
        timeout=60,
    )
    assert accepted.status_code == 200, accepted.text
    for (path, accept), response in before.items():
        after = get(server, path, accept, **{"If-None-Match": response.headers["etag"]})
        assert after.status_code == 200, path
        assert after.headers["etag"] != response.headers["etag"]
        assert email.utils.parsedate_to_datetime(
            after.headers["last-modified"]
        ) >= email.utils.parsedate_to_datetime(response.headers["last-modified"])
    assert get(server, "/doc/id/city/gorzow.ttl", None).status_code == 200


def test_validators_survive_a_restart(data_dir: Path, tmp_path: Path) -> None:
    folder = copy_data_dir(data_dir, tmp_path / "restart")
    server = start_uikg(folder, tmp_path, admin_token=ADMIN_TOKEN)
    try:
        written = httpx.post(
            server.url + "/sparql/update",
            data={"update": "INSERT DATA { GRAPH <urn:scratch> { <urn:a> <urn:b> 'c' } }"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        )
        assert written.status_code == 204
        etag = get(server, "/doc/id/city/gdansk.ttl", None).headers["etag"]
    finally:
        server.stop()
    # The same URL (the host is part of the validator: answers hold absolute links).
    port = int(server.url.rsplit(":", 1)[1])
    server = start_uikg(folder, tmp_path, port=port, admin_token=ADMIN_TOKEN)
    try:
        assert (
            get(server, "/doc/id/city/gdansk.ttl", None, **{"If-None-Match": etag}).status_code
            == 304
        )
    finally:
        server.stop()


@pytest.mark.slow
def test_every_process_on_a_remote_store_sees_a_write(tmp_path: Path) -> None:
    """Two stateless API processes over one Oxigraph server: a write through one changes the
    validators of the other within ``UIKG_VERSION_CHECK_S``."""
    engine = start_oxigraph(tmp_path / "oxigraph", tmp_path)
    settings = {
        "backend": "remote",
        "remote_query_url": f"{engine.url}/query",
        "remote_update_url": f"{engine.url}/update",
        "remote_store_url": f"{engine.url}/store",
        "admin_token": ADMIN_TOKEN,
        "version_check_s": "0.5",
    }
    one = start_uikg(tmp_path / "one", tmp_path, **settings)
    two = start_uikg(tmp_path / "two", tmp_path, **settings)
    try:
        path = "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
        queries = {"queries": json.dumps({"q0": {"query": "Testopolis"}})}
        assert (
            httpx.post(two.url + "/reconcile", data=queries, timeout=30).json()["q0"]["result"]
            == []
        )
        seen = get(two, path, "text/csv")
        assert (
            get(two, path, "text/csv", **{"If-None-Match": seen.headers["etag"]}).status_code == 304
        )
        written = httpx.put(
            f"{one.url}/store?graph=urn:scratch",
            content=b"<urn:a> <urn:b> <urn:c> . <https://w3id.org/uikg/id/city/testopolis> "
            b'<http://www.w3.org/2000/01/rdf-schema#label> "Testopolis" .',
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=30,
        )
        assert written.status_code in (201, 204)
        time.sleep(1.0)
        after = get(two, path, "text/csv", **{"If-None-Match": seen.headers["etag"]})
        assert after.status_code == 200
        assert "urn:a" in after.text
        # views kept per version (the reconciliation index) follow the other process's write
        found = httpx.post(two.url + "/reconcile", data=queries, timeout=30).json()
        assert found["q0"]["result"][0]["id"] == "https://w3id.org/uikg/id/city/testopolis"
    finally:
        one.stop()
        two.stop()
        engine.stop()


def test_the_readme_conditional_request_is_a_304_as_printed(server: Server) -> None:
    import subprocess

    from tests.test_readme import curl_commands

    (command,) = [c for c in curl_commands() if "If-None-Match" in c]
    result = subprocess.run(
        ["bash", "-c", command.replace("http://127.0.0.1:8000", server.url)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("HTTP/1.1 304"), result.stdout[:200]


@pytest.mark.parametrize(
    ("path", "accept"),
    [*READS, ("/sparql", "text/turtle"), ("/doc/id/city/gdansk.jsonld", None), ("/feed/1", None)],
)
def test_a_strong_etag_means_the_same_bytes(server: Server, path: str, accept: str | None) -> None:
    """Blank nodes (reified statements, the service description's dataset) keep their labels."""
    first, again = get(server, path, accept), get(server, path, accept)
    assert first.headers["etag"] == again.headers["etag"]
    assert first.content == again.content


def test_another_copy_of_the_data_never_validates_an_old_etag(
    data_dir: Path, tmp_path: Path
) -> None:
    """A restored or copied data dir may hold other writes: it gets a version of its own."""
    first = start_uikg(copy_data_dir(data_dir, tmp_path / "a"), tmp_path)
    port = int(first.url.rsplit(":", 1)[1])
    try:
        etag = get(first, "/doc/id/city/gdansk.ttl", None).headers["etag"]
    finally:
        first.stop()
    second = start_uikg(copy_data_dir(data_dir, tmp_path / "b"), tmp_path, port=port)
    try:
        assert (
            get(second, "/doc/id/city/gdansk.ttl", None, **{"If-None-Match": etag}).status_code
            == 200
        )
    finally:
        second.stop()


def test_the_language_switch_is_part_of_the_validator(server: Server) -> None:
    """A page read in English does not validate the same page once Polish is chosen: the
    browser revalidates with the English ETag and must get the Polish page, not a 304."""
    english = get(server, "/doc/id/city/warsaw", "text/html")
    assert "Cookie" in english.headers["vary"]
    polish = httpx.get(
        server.url + "/doc/id/city/warsaw",
        headers={"Accept": "text/html", "If-None-Match": english.headers["etag"]},
        cookies={"uikg_lang": "pl"},
    )
    assert polish.status_code == 200 and "<h1>Warszawa</h1>" in polish.text
    assert polish.headers["etag"] != english.headers["etag"]
