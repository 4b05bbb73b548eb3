"""A live server in a thread and Debian's chromium driven by Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from badges.app import create_app
from tests.environment import make_settings
from tests.services import chromium_path

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """The app on a copy of the migrated SQLite database, served on a free loopback port."""
    database = tmp_path / "browser.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    app = create_app(make_settings(tmp_path, f"sqlite:///{database}"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the session."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) with an English-speaking browser."""
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


class _LateApp:
    """A WSGI callable whose app is built after the port is known (so ``base_url`` can name it)."""

    app: Flask | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        assert self.app is not None
        return self.app(environ, start_response)


@dataclass(frozen=True, slots=True)
class LiveApp:
    """A served app whose ``base_url`` is its own address, so links and QR targets open."""

    url: str
    app: Flask


@pytest.fixture
def live_app(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveApp]:
    """Like ``live_server``, but ``base_url`` is the served address and the app is reachable."""
    database = tmp_path / "browser.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    late.app = create_app(make_settings(tmp_path, f"sqlite:///{database}", base_url=url))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveApp(url, late.app)
    server.shutdown()
    thread.join(timeout=10)
