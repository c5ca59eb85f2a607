"""Schemathesis against the service's own OpenAPI document: every operation, no 5xx.

A real ``uikg serve`` process on a scratch copy of the built graph; writes carry a curator
token (the copy may change, which is the point of a scratch copy). The budget is small and
derandomised in ``make test``; ``make fuzz`` raises it with ``UIKG_FUZZ_EXAMPLES`` and prints
the figures written to ``test-output/fuzz-http.json``.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import REPO, serve_built
from tests.support.servers import Server

EXAMPLES = int(os.environ.get("UIKG_FUZZ_EXAMPLES", "8"))
CURATOR = "fuzz-curator-token-0123456789"
TOKENS = f"fuzz:curator:{CURATOR}"
FIGURES = REPO / "test-output" / "fuzz-http.json"
SEEN: Counter[str] = Counter()
ERRORS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_built(
        built_dir,
        tmp_path_factory,
        "fuzz",
        tokens=TOKENS,
        query_timeout_s="5",
        query_workers="2",
        query_workers_max="3",
        record_max_triples="500",
    )
    started = time.monotonic()
    yield server
    alive = server.alive()
    server.stop()
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(
        json.dumps(
            {
                "examples_per_operation": EXAMPLES,
                "operations": len(SEEN),
                "requests": sum(SEEN.values()),
                "server_errors": sum(ERRORS.values()),
                "server_errors_by_operation": dict(ERRORS),
                "server_alive_at_end": alive,
                "duration_s": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
        + "\n"
    )


def _openapi() -> dict[str, object]:
    """The OpenAPI document, without a server: ``create_app`` opens nothing before lifespan."""
    import tempfile

    from uikg.api.app import create_app
    from uikg.graph.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        return create_app(Settings(data_dir=Path(folder), tokens=TOKENS)).openapi()


schema = schemathesis.openapi.from_dict(_openapi())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case: schemathesis.Case, fuzz_server: Server) -> None:
    response = case.call(
        base_url=fuzz_server.url, headers={"Authorization": f"Bearer {CURATOR}"}, timeout=60
    )
    SEEN[case.operation.label] += 1
    if response.status_code >= 500:
        ERRORS[case.operation.label] += 1
    case.validate_response(response, checks=[not_a_server_error])
    assert fuzz_server.alive(), fuzz_server.log.read_text()[-3000:]
