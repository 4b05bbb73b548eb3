"""Issue #4 "Done when", in a real browser: an issuer admin creates an achievement, awards it to
one person and to a CSV of people, revokes one; the recipient shares the badge and downloads the
baked PNG; a signed-out visitor opens the QR target and reads the verdict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from badges.accounts import add_membership, create_organisation, register
from badges.baking import extract_png
from badges.context import current_clock, current_database, current_settings
from issuer import Keyring, create_issuer, generate_key
from tests.browser.conftest import LiveApp

pytestmark = pytest.mark.browser

PASSWORD = "a long browser password"
ADMIN = "admin@academy.example"
RECIPIENT = "ana@example.org"
ACHIEVEMENT = "Open data steward"
CSV_PEOPLE = (
    ("Boris Ivanov", "boris@example.org"),
    ("Elena Georgieva", "elena@example.org"),
    ("Mihai Popescu", "mihai@example.org"),
)
#: Long enough for a request plus its in-process issuing task; no test waits on a timer.
WAIT_MS = 10_000


@pytest.fixture
def academy(live_app: LiveApp) -> LiveApp:
    """The academy issuer with a key, its admin, and a recipient with an account."""
    with live_app.app.app_context():
        now, settings = current_clock().now(), current_settings()
        with current_database().session_scope() as session:
            organisation = create_organisation(
                session, slug="academy", name="Sofia Academy", now=now
            )
            issuer = create_issuer(
                session, organisation.id, name="Sofia Academy", base_url=live_app.url, now=now
            )
            generate_key(session, issuer.id, keyring=Keyring.from_settings(settings), now=now)
            admin = register(session, email=ADMIN, name="Iva Admin", password=PASSWORD, now=now)
            add_membership(session, admin.id, organisation.id)
            register(session, email=RECIPIENT, name="Ana Petrova", password=PASSWORD, now=now)
    return live_app


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def admin_nav(page: Page, label: str) -> None:
    """Follow a link of the issuer administration's own navigation."""
    page.get_by_role("navigation", name="Issuer administration").get_by_role(
        "link", name=label, exact=True
    ).click()


def create_achievement(page: Page) -> None:
    """Issuing -> the academy -> Achievements -> New achievement -> Save."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Issuing").click()
    page.get_by_role("link", name="Sofia Academy").click()
    admin_nav(page, "Achievements")
    page.get_by_role("link", name="New achievement").click()
    page.get_by_label("Name").fill(ACHIEVEMENT)
    page.get_by_label("Description").fill("Publishes city data sets.")
    page.get_by_label("Criteria (Markdown)").fill("Published **three** data sets.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"The achievement {ACHIEVEMENT} was saved.")).to_be_visible()
    expect(page.get_by_role("cell", name=ACHIEVEMENT, exact=True)).to_be_visible()


def award_one(page: Page) -> None:
    """Award the badge to the recipient; the list shows it issued (reload while it waits)."""
    admin_nav(page, "Award a badge")
    page.get_by_label("Achievement").select_option(label=ACHIEVEMENT)
    page.get_by_label("Recipient's name").fill("Ana Petrova")
    page.get_by_label("Recipient's email address").fill(RECIPIENT)
    page.get_by_role("button", name="Award").click()
    expect(page.get_by_text(f"The badge is being issued to {RECIPIENT}.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=RECIPIENT)
    if row.get_by_text("Waiting").count():  # the task runs after commit; it may trail the page
        page.reload()
    expect(row.get_by_role("cell", name="Issued", exact=True)).to_be_visible()


def award_csv(page: Page, base: str, tmp_path: Path) -> None:
    """Upload three people, check the preview, confirm, and watch the live progress finish."""
    csv = tmp_path / "cohort.csv"
    lines = ["name,email", *(f"{name},{email}" for name, email in CSV_PEOPLE)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")

    admin_nav(page, "Award a badge to many people")
    page.get_by_label("Badge to award").select_option(label=ACHIEVEMENT)
    page.get_by_label("CSV file with the recipients").set_input_files(csv)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", name="Check the recipients")).to_be_visible()
    expect(page.get_by_text("3 will receive the badge.")).to_be_visible()
    for name, email in CSV_PEOPLE:
        row = page.get_by_role("row").filter(has_text=email)
        expect(row.get_by_role("cell", name=name)).to_be_visible()
    page.get_by_role("button", name="Award the badge to 3 people").click()

    expect(page.get_by_role("heading", name="Issuing badges")).to_be_visible()
    summary = page.get_by_role("status")
    expect(summary).to_contain_text("3 of 3 finished: 3 issued, 0 failed.", timeout=WAIT_MS)
    expect(summary).to_contain_text("All done.", timeout=WAIT_MS)
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "3")


def revoke_one(page: Page, base: str) -> str:
    """Revoke Elena's badge through the confirmation step; return its public id."""
    page.goto(f"{base}/issuer/academy/")
    admin_nav(page, "Issued badges")
    for email in (RECIPIENT, *(email for _name, email in CSV_PEOPLE)):
        row = page.get_by_role("row").filter(has_text=email)
        expect(row.get_by_role("cell", name="Issued", exact=True)).to_be_visible()
    page.get_by_role("link", name="Elena Georgieva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ACHIEVEMENT} for Elena Georgieva")
    public_id = page.get_by_role("code").inner_text()

    page.get_by_role("link", name="Revoke this badge…").click()
    page.get_by_role("button", name="Revoke").click()  # neither reason nor confirmation: refused
    expect(page.get_by_role("heading", name="Revoke the badge of Elena Georgieva")).to_be_visible()
    page.get_by_label("Reason").fill("Awarded by mistake: she was not in this cohort.")
    page.get_by_label("I understand that revoking cannot be undone.").check()
    page.get_by_role("button", name="Revoke").click()

    expect(page.get_by_text("The badge was revoked.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Revoked on \d{4}-\d{2}-\d{2}$"))).to_be_visible()
    expect(page.get_by_text("Awarded by mistake: she was not in this cohort.")).to_be_visible()
    expect(page.get_by_role("link", name="Revoke this badge…")).to_have_count(0)

    admin_nav(page, "Issued badges")
    row = page.get_by_role("row").filter(has_text="elena@example.org")
    expect(row.get_by_role("cell", name="Revoked", exact=True)).to_be_visible()
    return public_id


def verify_file(page: Page, base: str, path: Path) -> None:
    """Upload a credential file (baked image or JSON) on /verify."""
    page.goto(f"{base}/verify")
    page.get_by_label("Or choose a file (baked PNG or SVG image, or JSON)").set_input_files(path)
    page.get_by_role("button", name="Verify", exact=True).click()


def test_issuer_admin_awards_and_revokes_and_the_recipient_shares(
    browser: Browser, page: Page, academy: LiveApp, tmp_path: Path
) -> None:
    base = academy.url
    sign_in(page, base, ADMIN)
    create_achievement(page)
    award_one(page)
    award_csv(page, base, tmp_path)
    revoked_id = revoke_one(page, base)

    # The admin may open the revoked badge's page: the live verdict says it fails.
    page.goto(f"{base}/credentials/{revoked_id}")
    verdict = page.get_by_role("region", name="This badge could not be verified")
    expect(verdict).to_have_attribute("data-verdict", "invalid")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Credential file (JSON)").click()
    exported = tmp_path / "revoked.json"
    download_info.value.save_as(exported)
    verify_file(page, base, exported)
    expect(page.get_by_role("heading", level=1)).to_have_text("This badge could not be verified")
    expect(page.get_by_text("This badge was revoked by its issuer.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The recipient finds the badge, turns on the public link and downloads the baked PNG.
    sign_in(page, base, RECIPIENT)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My badges").click()
    badge = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=ACHIEVEMENT))
    expect(badge.get_by_text("Valid", exact=True)).to_be_visible()
    badge.get_by_label("Anyone with the link can see this badge").check()
    badge.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your sharing settings are saved.")).to_be_visible()
    expect(badge.get_by_label("Anyone with the link can see this badge")).to_be_checked()

    share_link = badge.get_by_text(
        re.compile(rf"^{re.escape(base)}/credentials/")
    ).inner_text()  # the QR code's target
    public_id = share_link.rsplit("/", 1)[1]
    assert share_link == f"{base}/credentials/{public_id}"
    with page.expect_download() as download_info:
        badge.get_by_role("link", name="Badge image (PNG)").click()
    download = download_info.value
    baked = Path(download.path()).read_bytes()
    assert baked.startswith(b"\x89PNG\r\n\x1a\n")
    carried = extract_png(baked)
    assert carried is not None
    document = json.loads(carried)
    assert document["credentialSubject"]["achievement"]["name"] == ACHIEVEMENT
    assert document["id"].endswith(public_id)

    # The downloaded image itself verifies on /verify.
    verify_file(page, base, Path(download.path()))
    expect(page.get_by_role("heading", level=1)).to_have_text("This badge is genuine and current")

    # Anyone else, signed out, opens the QR target and reads a green verdict.
    stranger = browser.new_context(locale="en-GB")
    try:
        visitor = stranger.new_page()
        visitor.goto(share_link)
        expect(visitor.get_by_role("heading", level=1)).to_have_text(ACHIEVEMENT)
        verdict = visitor.get_by_role("region", name="This badge is genuine and current")
        expect(verdict).to_have_attribute("data-verdict", "verified")
        expect(visitor.get_by_text("Ana Petrova")).to_have_count(0)  # the name stays hidden
        # The revoked badge was never shared: strangers cannot see it at all.
        response = visitor.goto(f"{base}/credentials/{revoked_id}")
        assert response is not None
        assert response.status == 404
    finally:
        stranger.close()
