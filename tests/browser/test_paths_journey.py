"""Issue #6 "Done when", in a real browser: the whole validation journey.

A participant enrols, rates their own levels and sends evidence for every requirement (a file, a
link, a written answer); one assessor approves two items (one of which needs a second approval)
and sends one back with feedback; the participant reads it and sends a new version; a second
assessor approves the rest, the credential is issued in-process (the embedded eager default: the
outbox sends the task on commit), the participant sees the path complete and opens the credential
from their certifications, turns on its public link, and a signed-out visitor opens the QR code's
target and reads a green verdict. The path (tests/fixtures/paths/journey.json) is imported the
way an admin would, with ``badges paths import-paths``'s domain function, on the tests' mini
framework.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from badges.accounts import Role, create_organisation, grant_role, register
from badges.context import current_clock, current_database, current_settings
from badges.qr import qr_svg
from issuer import Keyring, create_issuer, generate_key
from paths import (
    assign_assessor,
    import_framework,
    import_paths,
    load_framework_json,
    load_paths_json,
)
from tests.browser.conftest import LiveApp

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "tests" / "fixtures" / "frameworks" / "mini.json"
PATHS = ROOT / "tests" / "fixtures" / "paths" / "journey.json"
PASSWORD = "a long browser password"
PATH_TITLE = BADGE = "Smart-city project developer"
PARTICIPANT = ("Elena Popescu", "elena@example.org")
ASSESSORS = {"anna": ("Anna Ionescu", "anna@academy.example"),
             "boris": ("Boris Dimitrov", "boris@academy.example")}  # fmt: skip
#: The three assessed competences, as the review queue and the progress page name them.
OPEN_DATA = "U1.E1 · Open data publishing"
PRIVACY = "U1.E2 · Privacy by design"
WORKSHOPS = "U2.E1 · Co-design workshops"
DPIA_LINK = "https://data.cluj.example/reports/dpia-air-quality-sensors.pdf"
FIRST_ANSWER = "I ran a co-design workshop on cycle lanes."
FEEDBACK = "Say when the workshop took place, who came, and what changed because of it."
SECOND_ANSWER = (
    "On 12 March 2026 I ran a co-design workshop on cycle lanes in Cluj with 24 residents and "
    "the mobility department; the city moved two planned lanes to the streets residents chose."
)


@pytest.fixture
def academy(live_app: LiveApp) -> LiveApp:
    """The mini framework, the academy (with a signing key), the path, and its two assessors."""
    with live_app.app.app_context():
        now, settings = current_clock().now(), current_settings()
        with current_database().session_scope() as session:
            import_framework(session, load_framework_json(FRAMEWORK.read_bytes(), "mini"), now=now)
            organisation = create_organisation(
                session, slug="academy", name="Sofia Smart City Academy", now=now
            )
            issuer = create_issuer(session, organisation.id, name="Sofia Smart City Academy",
                                   base_url=live_app.url, now=now)  # fmt: skip
            generate_key(session, issuer.id, keyring=Keyring.from_settings(settings), now=now)
            import_paths(session, load_paths_json(PATHS.read_bytes(), PATHS.name), now=now)
            for name, email in ASSESSORS.values():
                user = register(session, email=email, name=name, password=PASSWORD, now=now)
                grant_role(session, user.id, Role.ASSESSOR)
                assign_assessor(session, "city-dev", user.id, now=now)
    return live_app


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def nav(page: Page, label: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()


def overall(page: Page) -> Locator:
    """The figures next to the progress page's overall bar."""
    bar = page.get_by_role("progressbar", name="Overall progress")
    return page.locator(".path-bar").filter(has=bar)


def requirement_row(page: Page, code: str) -> Locator:
    """The assessment row of one competence on the progress page."""
    element = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=code))
    return element.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Assessment"))


def enrol_and_rate(page: Page, base: str) -> None:
    """Register, find the path in the catalogue, enrol, and rate my own levels."""
    name, email = PARTICIPANT
    page.goto(f"{base}/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    nav(page, "Validation paths")
    expect(page.get_by_role("status")).to_have_text("1 path(s) found.")
    page.get_by_role("link", name=PATH_TITLE).click()
    expect(page.get_by_text("Approved by 2 different assessors")).to_be_visible()
    page.get_by_role("button", name="Enrol in this path").click()
    expect(page.get_by_text("You are enrolled.")).to_be_visible()
    expect(overall(page)).to_contain_text("0 of 6 done (0%)")

    for code, level in (("U1.E1", "5"), ("U1.E2", "5"), ("U2.E1", "4")):
        page.get_by_label(f"My level in {code}").select_option(level)
    page.get_by_role("button", name="Save my levels").click()
    expect(page.get_by_text("Your self-assessment is saved.")).to_be_visible()
    expect(overall(page)).to_contain_text("3 of 6 done (50%)")


def send_evidence(page: Page, code: str, field: str, value: str | Path) -> None:
    """Open a requirement from the progress page, fill its one field, send."""
    page.get_by_role("link", name=f"Send evidence (Assessment, {code})").click()
    for other in {"Files", "Web address (link)", "Written answer"} - {field}:
        expect(page.get_by_label(other, exact=True)).to_have_count(0)  # only what it accepts
    if isinstance(value, Path):
        page.get_by_label(field, exact=True).set_input_files(value)
    else:
        page.get_by_label(field, exact=True).fill(value)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your evidence is sent.")).to_be_visible()


def submit_everything(page: Page, picture: Path) -> None:
    """A picture, a link and a written answer: one per assessed competence."""
    send_evidence(page, "U1.E1", "Files", picture)
    send_evidence(page, "U1.E2", "Web address (link)", DPIA_LINK)
    send_evidence(page, "U2.E1", "Written answer", FIRST_ANSWER)
    expect(overall(page)).to_contain_text("3 of 6 done (50%) · 3 waiting for review")
    for code in ("U1.E1", "U1.E2", "U2.E1"):
        row = requirement_row(page, code)
        expect(row.get_by_text("Sent, waiting for review")).to_be_visible()


def open_submission(page: Page, competence: str) -> None:
    """Open a waiting submission from the review queue."""
    page.get_by_role("link", name=competence).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(competence)


def decide(page: Page, *, level: str = "", feedback: str = "") -> None:
    """On a submission's page: approve at the rubric ``level``, or reject with ``feedback``."""
    if level:
        page.get_by_label("Approve", exact=True).check()
        page.get_by_label(level, exact=True).check()
    else:
        page.get_by_label("Reject: needs changes").check()
        page.get_by_label("Feedback to the participant").fill(feedback)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()


def first_assessor(page: Page, base: str, picture: Path) -> None:
    """Anna approves the picture, gives the first of two approvals, and sends one back."""
    sign_in(page, base, ASSESSORS["anna"][1])
    nav(page, "Review queue")
    expect(page.get_by_role("row")).to_have_count(4)  # a header and three submissions

    open_submission(page, OPEN_DATA)
    image = page.get_by_role("img", name=picture.name)
    expect(image).to_be_visible()  # previewed inline, from the assessor-only address
    source = image.get_attribute("src")
    assert source is not None
    served = page.request.get(f"{base}{source}")
    assert served.headers["content-type"] == "image/png"
    assert served.body() == picture.read_bytes()
    decide(page, level="2: Competent")
    expect(page.get_by_text("Approved. The participant has been told.")).to_be_visible()

    open_submission(page, PRIVACY)
    expect(page.get_by_role("link", name=DPIA_LINK)).to_have_attribute("href", DPIA_LINK)
    expect(page.get_by_text("0 of 2 approvals")).to_be_visible()
    decide(page, level="3: Proficient")
    expect(page.get_by_text("Your approval is saved: 1 of 2 approvals.")).to_be_visible()

    open_submission(page, WORKSHOPS)
    expect(page.get_by_text(FIRST_ANSWER)).to_be_visible()
    decide(page, feedback=FEEDBACK)
    expect(page.get_by_text("Sent back with your feedback.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your review.")).to_be_visible()
    sign_out(page)


def resubmit(page: Page, base: str) -> None:
    """The participant reads the feedback on the progress page and sends a new version."""
    sign_in(page, base, PARTICIPANT[1])
    nav(page, "My paths")
    page.get_by_role("link", name=PATH_TITLE).click()
    expect(overall(page)).to_contain_text("4 of 6 done (66%) · 1 waiting for review · 1 to change")
    expect(requirement_row(page, "U1.E1").get_by_text("Approved", exact=True).first).to_be_visible()
    rejected = requirement_row(page, "U2.E1")
    expect(rejected.get_by_text("Needs changes").first).to_be_visible()
    expect(rejected.get_by_text(FEEDBACK)).to_be_visible()

    rejected.get_by_role("link", name="Send a new version (Assessment, U2.E1)").click()
    earlier = page.get_by_role("listitem").filter(has_text="Version 1")
    expect(earlier.get_by_text(FIRST_ANSWER)).to_be_visible()
    expect(earlier.get_by_text(FEEDBACK)).to_be_visible()
    page.get_by_label("Written answer").fill(SECOND_ANSWER)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your evidence is sent.")).to_be_visible()
    expect(overall(page)).to_contain_text("4 of 6 done (66%) · 2 waiting for review")
    sign_out(page)


def second_assessor(page: Page, base: str) -> None:
    """Boris gives the second approval and approves the new version; that completes the path."""
    sign_in(page, base, ASSESSORS["boris"][1])
    nav(page, "Review queue")
    expect(page.get_by_role("row")).to_have_count(3)  # a header and two submissions
    open_submission(page, PRIVACY)
    expect(page.get_by_text("1 of 2 approvals")).to_be_visible()
    decide(page, level="2: Competent")
    expect(page.get_by_text("Approved. The participant has been told.")).to_be_visible()

    open_submission(page, WORKSHOPS)
    expect(page.get_by_text(SECOND_ANSWER)).to_be_visible()
    earlier = page.get_by_role("region", name="Earlier versions")
    expect(earlier.get_by_text(FEEDBACK)).to_be_visible()  # what the first assessor asked
    decide(page, level="2: Competent")
    expect(page.get_by_text("Approved. The participant has been told.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your review.")).to_be_visible()
    sign_out(page)


def see_credential(page: Page, base: str) -> None:
    """The participant sees the path complete and opens the credential from their certifications."""
    sign_in(page, base, PARTICIPANT[1])
    nav(page, "My paths")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PATH_TITLE))
    expect(card.get_by_text("Completed", exact=True)).to_be_visible()
    card.get_by_role("link", name=PATH_TITLE).click()
    expect(overall(page)).to_contain_text("6 of 6 done (100%)")
    done = (
        "Done: every requirement is approved. Your certifications show when each badge is issued."
    )
    expect(page.get_by_text(done)).to_be_visible()
    expect(page.get_by_role("link", name="Send a new version")).to_have_count(0)

    nav(page, "My certifications")
    certification = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=BADGE))
    expect(certification.get_by_text("The whole path")).to_be_visible()
    expect(certification.get_by_text("Issued", exact=True)).to_be_visible()
    certification.get_by_role("link", name="Open the credential").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BADGE)
    expect(page.get_by_text("Only you can see this page")).to_be_visible()
    verdict = page.get_by_role("region", name="This badge is genuine and current")
    expect(verdict).to_have_attribute("data-verdict", "verified")


def share(page: Page, base: str) -> str:
    """Turn on the badge's public link in the backpack; returns the QR code's target."""
    nav(page, "My badges")
    badge = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=BADGE))
    expect(badge.get_by_text("Valid", exact=True)).to_be_visible()
    expect(badge.get_by_text("Sofia Smart City Academy")).to_be_visible()
    badge.get_by_label("Anyone with the link can see this badge").check()
    badge.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your sharing settings are saved.")).to_be_visible()
    share_link = badge.get_by_text(re.compile(rf"^{re.escape(base)}/credentials/")).inner_text()

    badge.get_by_role("link", name=BADGE).click()  # the credential's own page
    expect(page.get_by_text("Only you can see this page")).to_have_count(0)
    qr = page.get_by_role("img", name="QR code linking to this page")
    source = qr.get_attribute("src")
    assert source is not None
    # The QR code shown is exactly the code of the shared link: that link is what a phone opens.
    assert page.request.get(f"{base}{source}").text() == qr_svg(share_link)
    sign_out(page)
    return share_link


def check_credential(document: dict[str, object]) -> list[str]:
    """The signed credential says how it was earned; returns its evidence pages' addresses."""
    subject = document["credentialSubject"]
    assert isinstance(subject, dict)
    achievement = subject["achievement"]
    assert achievement["name"] == BADGE
    codes = {a.get("targetCode") for a in achievement["alignment"]}
    assert {"U1.E1", "U1.E2", "U2.E1"} <= codes
    levels = sorted(r["achievedLevel"].rsplit("-", 1)[1] for r in subject["result"])
    assert levels == ["2", "2", "2"]  # the lower of two approvals counts
    evidence = document["evidence"]
    assert isinstance(evidence, list)
    assert len(evidence) == 3
    assert "interview, portfolio review" in subject["narrative"]
    return [entry["id"] for entry in evidence]


def test_participant_is_validated_and_a_stranger_verifies_the_credential(
    browser: Browser, page: Page, academy: LiveApp, tmp_path: Path
) -> None:
    base = academy.url
    picture = tmp_path / "open-data-portal.png"
    Image.new("RGB", (48, 32), (11, 92, 171)).save(picture, format="PNG")

    enrol_and_rate(page, base)
    submit_everything(page, picture)
    sign_out(page)
    first_assessor(page, base, picture)
    resubmit(page, base)
    second_assessor(page, base)
    see_credential(page, base)
    share_link = share(page, base)

    stranger = browser.new_context(locale="en-GB")
    try:
        visitor = stranger.new_page()
        visitor.goto(share_link)
        expect(visitor.get_by_role("heading", level=1)).to_have_text(BADGE)
        verdict = visitor.get_by_role("region", name="This badge is genuine and current")
        expect(verdict).to_have_attribute("data-verdict", "verified")
        expect(visitor.get_by_text(PARTICIPANT[0])).to_have_count(0)  # the name stays hidden
        with visitor.expect_download() as download_info:
            visitor.get_by_role("link", name="Credential file (JSON)").click()
        evidence = check_credential(json.loads(Path(download_info.value.path()).read_text("utf-8")))
        # Sharing the badge does not open the evidence: the participant has not made it public.
        for address in evidence:
            response = visitor.goto(address)
            assert response is not None
            assert response.status == 404
    finally:
        stranger.close()
