"""Page tests run on the embedded database (the registry below is tested on both); the browser
tests serve a whole installation with uvicorn and drive it in Debian's Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine

from enduse.registry.db import make_engine
from enduse.registry.migrate import upgrade
from installation import Site, build_site


@pytest.fixture
def engine(tmp_path) -> Engine:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Site:
    """A whole installation (tests/installation.py) for TestClient, plain-HTTP cookies."""
    return build_site(engine, tmp_path)


# --- browser tests (tests/web/test_browser.py) ----------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; `make test` installs it with apt-get
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app in a real uvicorn server on a free loopback port, in a background thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound here, so no other process can take the port meanwhile
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def live_site(engine: Engine, tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """A whole installation (tests/installation.py) served over plain http on loopback."""
    site = build_site(engine, tmp_path, secure_cookies=False)
    with serving(site.app) as base_url:
        yield site, base_url


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str]]:
    """One installation shared by a module's tests that change nothing (public /verify)."""
    home = tmp_path_factory.mktemp("public-site")
    engine = make_engine(f"sqlite:///{home / 'registry.sqlite'}")
    upgrade(engine)
    try:
        site = build_site(engine, home, secure_cookies=False)
        with serving(site.app) as base_url:
            yield site, base_url
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright: nothing is downloaded at test time."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where each page visited is kept as a full-page PNG (a CI artifact), this run's only."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
