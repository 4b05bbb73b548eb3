"""A person registers, signs out and in, switches to Bulgarian, and signs out, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PASSWORD = "a long browser password"


def test_register_login_switch_language_logout(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Create an account").first.click()

    page.get_by_label("Full name").fill("Ivan Dimitrov")
    page.get_by_label("Email address").fill("ivan@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, Ivan Dimitrov.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("ivan@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Ivan Dimitrov.")).to_be_visible()

    page.get_by_role("button", name="Български").click()
    navigation = page.get_by_role("navigation", name="Основна навигация")
    expect(navigation.get_by_role("link", name="Начало")).to_be_visible()
    expect(navigation.get_by_role("link", name="Моят профил")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "bg")

    page.get_by_role("button", name="Изход").click()
    expect(page.get_by_text("Излязохте от профила си.")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Основна навигация")
    expect(navigation.get_by_role("link", name="Вход")).to_be_visible()
    expect(navigation.get_by_role("link", name="Моят профил")).to_have_count(0)


def test_wrong_password_is_explained(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "The email address or password is not correct."
    )


def test_keyboard_users_can_skip_to_content(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.locator("main")).to_be_focused()
