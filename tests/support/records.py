"""Records for the contribution tests, and a loopback listener that proves nothing is fetched."""

from __future__ import annotations

import socket
import threading

CITY = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix uikg: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/id/city/{slug}> a uikg:City ;
    rdfs:label "{label}"@pl, "{label}"@en ;
    uikg:country <https://w3id.org/uikg/id/country/{country}> ;
    dct:source <https://example.org/sources/{slug}> .
"""


def city(slug: str = "poznan", label: str = "Poznań", country: str = "poland") -> bytes:
    return CITY.format(slug=slug, label=label, country=country).encode()


# A document pointing at an unknown city and at a concept outside the policy-area scheme.
BAD_DOCUMENT = b"""\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix uikg: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/id/document/atlantis-strategy> a uikg:Strategy ;
    rdfs:label "Atlantis strategy"@en ;
    uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/strategy> ;
    uikg:status <https://w3id.org/uikg/id/concept/document-status/adopted> ;
    uikg:governanceLevel <https://w3id.org/uikg/id/concept/governance-level/local> ;
    uikg:jurisdiction <https://w3id.org/uikg/id/city/atlantis> ;
    uikg:coversArea <https://w3id.org/uikg/id/concept/integration-model/intercultural> ;
    uikg:evidence <https://w3id.org/uikg/graph/evidence/article/fn33> ;
    dct:source <https://example.org/atlantis.pdf> .
"""


class Listener:
    """A TCP listener on loopback that counts connections (a fetch would be one)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def remote_context(url: str) -> bytes:
    return (
        f'{{"@context": "{url}/context.jsonld", "@id": "https://w3id.org/uikg/id/city/x",'
        ' "label": "X"}'
    ).encode()


def remote_context_in_list(url: str) -> bytes:
    return (
        f'{{"@context": [{{"dct": "http://purl.org/dc/terms/"}}, "{url}/ctx"],'
        ' "@id": "https://w3id.org/uikg/id/city/x", "dct:source": "y"}'
    ).encode()


def external_entity(url: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{url}/entity">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="https://w3id.org/uikg/id/city/x">'
        '<p xmlns="http://purl.org/dc/terms/">&ext;</p></rdf:Description></rdf:RDF>'
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="https://w3id.org/uikg/id/city/x">
<p xmlns="http://purl.org/dc/terms/">&lol3;</p></rdf:Description></rdf:RDF>"""

ILL_TYPED = (
    b'<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/date> "abc"^^'
    b"<http://www.w3.org/2001/XMLSchema#date> .\n"
    b"<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/source> "
    b"<https://example.org/s> .\n"
)
IRI_WITH_SPACE_JSONLD = (
    b'{"@id": "https://w3id.org/uikg/id/city/with space", "http://purl.org/dc/terms/source": "x"}'
)
IRI_WITH_CONTROL_NT = (
    b'<https://w3id.org/uikg/id/city/x\\u0001> <http://purl.org/dc/terms/source> "s" .\n'
)
SYNTAX_ERROR = b"@prefix x: <http://x/> .\nx:a x:b x:c .\nx:d x:e \n  x:f x:g .\n"


def many_triples(count: int) -> bytes:
    lines = [
        f'<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/source> "s{i}" .'
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()
