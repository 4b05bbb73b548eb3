"""An employer pastes a credential into /verify and reads the verdict, in a real browser."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from badges.app import create_app
from badges.clock import FixedClock
from tests.environment import make_settings
from tests.integration.test_verifier_web import CORPUS_AT, corpus_text, install_verifier

pytestmark = pytest.mark.browser


@pytest.fixture
def verifier_server(tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """Like ``live_server``, at the corpus's instant and resolving from the corpus's maps."""
    database = tmp_path / "browser.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    app = create_app(make_settings(tmp_path, f"sqlite:///{database}"), clock=FixedClock(CORPUS_AT))
    install_verifier(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _paste_and_verify(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/verify")
    page.get_by_label("Paste the credential (JSON or JWS)").fill(corpus_text(name))
    page.get_by_role("button", name="Verify", exact=True).click()


def test_a_valid_credential_shows_the_green_verdict(page: Page, verifier_server: str) -> None:
    _paste_and_verify(page, verifier_server, "valid-did-web.json")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("This badge is genuine and current")
    expect(page.locator(".verdict")).to_have_class("card verdict verdict-verified")
    expect(page.get_by_text("Danube University of Technology")).to_be_visible()
    expect(page.get_by_text("Technical details")).to_be_visible()


def test_a_revoked_credential_shows_the_red_verdict(page: Page, verifier_server: str) -> None:
    _paste_and_verify(page, verifier_server, "revoked.json")

    expect(page.get_by_role("heading", level=1)).to_have_text("This badge could not be verified")
    expect(page.locator(".verdict")).to_have_class("card verdict verdict-invalid")
    expect(page.get_by_text("This badge was revoked by its issuer.")).to_be_visible()
