"""Headless Chromium (Debian's ``chromium``) driven by Playwright against a real ``uikg serve``.

The tests skip when /usr/bin/chromium or the playwright package is missing; CI installs both
(``.ci/run`` and the dev extras). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_TOKEN, REPO, serve_built
from tests.support.servers import Server

CHROMIUM = Path(os.environ.get("UIKG_CHROMIUM", "/usr/bin/chromium"))
SHOTS = REPO / "test-output" / "screenshots"
CONTRIBUTOR_TOKEN = "contributor-token-0123456789abcdef"
CURATOR_TOKEN = "curator-token-0123456789abcdef0"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: apt-get install chromium chromium-driver to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (dev extras)")


@pytest.fixture(scope="session")
def web_server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``uikg serve`` over a private copy of the built graph, with a contributor and a curator."""
    server = serve_built(
        built_dir,
        tmp_path_factory,
        "web-server",
        admin_token=ADMIN_TOKEN,
        tokens=f"ngo:contributor:{CONTRIBUTOR_TOKEN},ed:curator:{CURATOR_TOKEN}",
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


class Console:
    """Console errors and uncaught page errors seen on a page."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        self.allowed: list[str] = []  # parts of messages a test expects (a request it fails)
        page.on(  # type: ignore[attr-defined]
            "console", lambda m: self.errors.append(m.text) if m.type == "error" else None
        )
        page.on("pageerror", lambda e: self.errors.append(str(e)))  # type: ignore[attr-defined]


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, Console]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    console = Console(page)
    yield page, console
    context.close()
    unexpected = [e for e in console.errors if not any(a in e for a in console.allowed)]
    assert unexpected == [], unexpected


def shot(page: object, name: str, full: bool = True, clip: dict[str, float] | None = None) -> None:
    """Save a screenshot: the whole page, the viewport (``full=False``) or a region (``clip``)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SHOTS / f"{name}.png")
    if clip is not None:
        page.screenshot(path=path, full_page=True, clip=clip)  # type: ignore[attr-defined]
    else:
        page.screenshot(path=path, full_page=full)  # type: ignore[attr-defined]
