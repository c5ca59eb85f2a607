"""The README's curl examples work as printed (against a real server on the built graph)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ADMIN_TOKEN, REPO
from tests.support.servers import Server

README = (REPO / "README.md").read_text(encoding="utf-8")


SESSION = "# the server:"


def blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)


def curl_commands() -> list[str]:
    """Each ``curl`` command in the README's ``sh`` blocks, with continuation lines joined.

    Blocks that start with a ``# the server:`` line are sessions, run whole by their own test."""
    commands = []
    for block in blocks():
        if block.startswith(SESSION):
            continue
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#[^'\"]*$", "", line).strip()  # trailing comments
            if line.startswith("curl "):
                commands.append(line)
    return commands


def test_the_readme_has_curl_examples() -> None:
    assert len(curl_commands()) >= 10


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("command", curl_commands())
def test_curl_example_works(command: str, built_server: Server, tmp_path: Path) -> None:
    runnable = command.replace("http://127.0.0.1:8000", built_server.url).replace(
        "curl ", "curl --fail -sS ", 1
    )
    env = {**os.environ, "UIKG_ADMIN_TOKEN": ADMIN_TOKEN}
    result = subprocess.run(
        ["bash", "-c", runnable], capture_output=True, cwd=tmp_path, env=env, timeout=60
    )
    assert result.returncode == 0, (command, result.stderr.decode())


def test_contributor_session_works_as_printed(built_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import copy_data_dir
    from tests.support.servers import start_uikg

    session = next(b for b in blocks() if b.startswith(SESSION))
    alice, bob = "alice-token-0123456789abcdef", "bob-token-0123456789abcdefgh"
    server = start_uikg(
        copy_data_dir(built_dir, tmp_path / "data"),
        tmp_path,
        tokens=f"alice:contributor:{alice},bob:curator:{bob}",
    )
    try:
        script = 'set -euo pipefail\ncurl() { command curl --fail -sS "$@"; }\n' + session.replace(
            "http://127.0.0.1:8000", server.url
        )
        env = {**os.environ, "ALICE": alice, "BOB": bob}
        result = subprocess.run(
            ["bash", "-c", script], capture_output=True, cwd=REPO, env=env, timeout=120
        )
        assert result.returncode == 0, result.stderr.decode()
        assert b"lublin-integration-strategy-2024" in result.stdout
    finally:
        server.stop()
