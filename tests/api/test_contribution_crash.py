"""A server killed (SIGKILL) in the middle of an accept leaves the record published or pending.

The ``accept_pause_s`` setting (testing only) holds the accept just before or just after the
one transaction that publishes, so the kill lands where it matters.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.api.test_contributions import ALICE, BOB, TOKENS, TURTLE, ask, auth
from tests.conftest import copy_data_dir
from tests.support import records
from tests.support.servers import start_uikg

pytestmark = pytest.mark.slow

POZNAN = "https://w3id.org/uikg/id/city/poznan"


@pytest.mark.parametrize(
    ("pause_at", "expected"), [("before-publish", "pending"), ("after-publish", "accepted")]
)
def test_kill_during_accept(built_dir: Path, tmp_path: Path, pause_at: str, expected: str) -> None:
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    logs = tmp_path / "logs"
    logs.mkdir()
    server = start_uikg(
        data_dir, logs, tokens=TOKENS, accept_pause_s="30", accept_pause_at=pause_at
    )
    try:
        created = httpx.post(
            f"{server.url}/contributions",
            content=records.city(),
            headers={**TURTLE, **auth(ALICE)},
            timeout=60,
        )
        assert created.status_code == 201, created.text
        cid = created.json()["id"]

        def accept() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(
                    f"{server.url}/contributions/{cid}/accept", headers=auth(BOB), timeout=60
                )

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        if pause_at == "after-publish":  # wait until the transaction is visible to queries
            while not ask(server, f"ASK {{ <{POZNAN}> ?p ?o }}"):
                assert time.monotonic() < deadline, "the accept never published"
                time.sleep(0.1)
        else:
            time.sleep(2)
            assert not ask(server, f"ASK {{ <{POZNAN}> ?p ?o }}")
        server.kill()
        thread.join(timeout=10)
    finally:
        server.stop()

    restarted = start_uikg(data_dir, logs, tokens=TOKENS)
    try:
        shown = httpx.get(f"{restarted.url}/contributions/{cid}", headers=auth(BOB)).json()
        assert shown["status"] == expected
        published = ask(restarted, f"ASK {{ <{POZNAN}> ?p ?o }}")
        provenance = ask(
            restarted,
            f"ASK {{ GRAPH <https://w3id.org/uikg/graph/provenance/contribution/{cid}> "
            f"{{ <https://w3id.org/uikg/id/contribution/{cid}/acceptance> ?p ?o }} }}",
        )
        assert published == provenance == (expected == "accepted")
        if expected == "pending":  # and it can still be accepted, once
            reply = httpx.post(
                f"{restarted.url}/contributions/{cid}/accept", headers=auth(BOB), timeout=60
            )
            assert reply.status_code == 200, reply.text
            assert ask(restarted, f"ASK {{ <{POZNAN}> a <https://w3id.org/uikg/ontology#Place> }}")
        else:
            assert [e["action"] for e in shown["history"]] == ["submitted", "accepted"]
            assert shown["history"][-1]["reason"] == "recovered after a restart"
    finally:
        restarted.stop()
