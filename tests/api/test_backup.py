"""``uikg backup`` while a server runs, ``uikg restore`` into an empty data dir, and a server on
the restored dir: the dataset (published store and queue, with pending contributions and their
history) is isomorphic to the original."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset
from pyoxigraph import Store as OxStore

from tests.api.test_contributions import ALICE, BOB, TOKENS, TURTLE, ask, auth
from tests.conftest import copy_data_dir
from tests.support import records
from tests.support.servers import start_uikg

pytestmark = pytest.mark.slow


def uikg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uikg.api", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def canonical(path: Path) -> Dataset:
    store = OxStore.read_only(str(path))
    dataset = Dataset(list(store))
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def queue_of(url: str) -> list[dict[str, object]]:
    reply = httpx.get(f"{url}/contributions", headers=auth(BOB), timeout=30)
    assert reply.status_code == 200, reply.text
    return sorted(
        (
            {k: c[k] for k in ("id", "status", "history", "hash")}
            for c in reply.json()["contributions"]
        ),
        key=lambda c: str(c["id"]),
    )


def test_online_backup_and_restore(built_dir: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    logs = tmp_path / "logs"
    logs.mkdir()
    server = start_uikg(data_dir, logs, tokens=TOKENS)
    try:
        ids = []
        for slug, label in (("poznan", "Poznań"), ("torun", "Toruń"), ("opole", "Opole")):
            reply = httpx.post(
                f"{server.url}/contributions",
                content=records.city(slug, label),
                headers={**TURTLE, **auth(ALICE)},
                timeout=60,
            )
            assert reply.status_code == 201, reply.text
            ids.append(reply.json()["id"])
        accepted = httpx.post(
            f"{server.url}/contributions/{ids[0]}/accept", headers=auth(BOB), timeout=60
        )
        assert accepted.status_code == 200, accepted.text
        rejected = httpx.post(
            f"{server.url}/contributions/{ids[1]}/reject",
            json={"reason": "duplicate of an existing record"},
            headers=auth(BOB),
            timeout=60,
        )
        assert rejected.status_code == 200, rejected.text
        before = queue_of(server.url)

        done = uikg("backup", tmp_path / "backup", "--data-dir", data_dir)  # online
        assert done.returncode == 0, done.stderr
        assert server.alive()
        again = uikg("backup", tmp_path / "backup", "--data-dir", data_dir)
        assert again.returncode == 2 and "not empty" in again.stderr
    finally:
        server.stop()

    restored = tmp_path / "restored"
    done = uikg("restore", tmp_path / "backup", "--data-dir", restored)
    assert done.returncode == 0, done.stderr
    for part in ("store", "contributions"):
        assert canonical(restored / part) == canonical(data_dir / part), part
    refused = uikg("restore", tmp_path / "backup", "--data-dir", restored)
    assert refused.returncode == 2 and "not empty" in refused.stderr
    not_a_backup = uikg("restore", tmp_path / "logs", "--data-dir", tmp_path / "other")
    assert not_a_backup.returncode == 1 and "not a uikg backup" in not_a_backup.stderr

    server = start_uikg(restored, logs, tokens=TOKENS)
    try:
        assert queue_of(server.url) == before
        assert sorted(str(c["status"]) for c in before) == ["accepted", "pending", "rejected"]
        assert ask(server, "ASK { <https://w3id.org/uikg/id/city/poznan> ?p ?o }")
        assert not ask(server, "ASK { <https://w3id.org/uikg/id/city/opole> ?p ?o }")
        history = httpx.get(
            f"{server.url}/history",
            params={"resource": "https://w3id.org/uikg/id/city/poznan"},
            timeout=30,
        ).json()
        assert [c["contribution"].rsplit("/", 1)[-1] for c in history["contributions"]] == [ids[0]]
        accepted = httpx.post(
            f"{server.url}/contributions/{ids[2]}/accept", headers=auth(BOB), timeout=60
        )
        assert accepted.status_code == 200, accepted.text
    finally:
        server.stop()
