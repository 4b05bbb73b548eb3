"""A participant enrols, answers a requirement and rates their level, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from badges.accounts.service import create_organisation
from issuer import create_issuer
from paths import import_framework, import_paths, load_framework_json, load_paths_json
from tests.environment import NOW

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long browser password"


@pytest.fixture
def demo_paths(live_server: str, tmp_path: Path) -> str:
    """The demo framework and paths in the live server's database (``live_server``'s file)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    with Session(engine) as session:
        framework = ROOT / "paths" / "data" / "smart_city_framework.json"
        import_framework(session, load_framework_json(framework.read_bytes(), "f"), now=NOW)
        organisation = create_organisation(
            session, slug="cluj-urban-innovation-lab", name="Cluj Urban Innovation Lab", now=NOW
        )
        create_issuer(session, organisation.id, name="Cluj Urban Innovation Lab",
                      base_url=live_server, now=NOW)  # fmt: skip
        organisation = create_organisation(
            session, slug="sofia-smart-city-academy", name="Sofia Smart City Academy", now=NOW
        )
        create_issuer(session, organisation.id, name="Sofia Smart City Academy",
                      base_url=live_server, now=NOW)  # fmt: skip
        demo = ROOT / "paths" / "data" / "demo_paths.json"
        import_paths(session, load_paths_json(demo.read_bytes(), "demo_paths.json"), now=NOW)
        session.commit()
    engine.dispose()
    return live_server


def test_enrol_answer_and_see_progress_change(page: Page, demo_paths: str) -> None:
    page.goto(f"{demo_paths}/register")
    page.get_by_label("Full name").fill("Elena Popescu")
    page.get_by_label("Email address").fill("elena@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Validation paths").click()
    page.get_by_label("Language of the path").select_option("de")
    page.get_by_role("button", name="Show paths").click()
    page.get_by_role("link", name="IoT sensor networks", exact=False).click()
    page.get_by_role("button", name="Enrol in this path").click()

    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    overall = page.locator(".path-bar").first
    expect(overall).to_contain_text("0 of 12 done (0%)")

    page.get_by_role("link", name="Send evidence (Assessment, U5.E1)").click()
    expect(page.locator(".drop-zone-hint")).to_be_visible()  # upload.js ran under the CSP
    page.get_by_label("Written answer").fill("I installed 40 air-quality sensors in Cluj.")
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_text("Your evidence is sent.")).to_be_visible()
    expect(overall).to_contain_text("1 waiting for review")
    expect(page.get_by_role("cell", name="Sent, waiting for review").first).to_be_visible()

    first_level = page.locator("#gap-map select").first
    first_level.select_option("2")
    page.get_by_role("button", name="Save my levels").click()
    expect(page.get_by_text("Your self-assessment is saved.")).to_be_visible()
    expect(page.locator(".path-bar").first).to_contain_text("1 of 12 done (8%)")
    expect(page.get_by_role("progressbar", name="Overall progress")).to_have_attribute("value", "8")
