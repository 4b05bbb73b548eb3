"""The participant's validation-path pages on both backends (issue #6).

Catalogue and filters, enrolment, progress and self-assessment, evidence of every kind with the
domain's refusals shown on the form, resubmission history, downloads, withdrawal, and access:
anonymous visitors sign in first, other users' enrolments and files answer 404.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badges.config import Settings
from paths import (
    Artefact,
    Enrolment,
    Review,
    Submission,
    ValidationPath,
)
from tests.environment import NOW, make_settings
from tests.forms import csrf_token, register_user
from tests.paths_demo import load_demo_paths

PDF = b"%PDF-1.7\nMy project plan\n%%EOF\n"
HTML_AS_PDF = b"<!doctype html><html><script>alert(1)</script></html>"
MB = 1024 * 1024


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """A 1 MB upload limit, so the oversize tests stay small."""
    return make_settings(tmp_path, database_url, max_upload_mb=1)


@pytest.fixture
def demo(session: Session) -> dict[str, ValidationPath]:
    """The demo framework, both demo issuers and the three published demo paths."""
    paths = load_demo_paths(session)
    session.commit()
    return paths


@pytest.fixture
def ana(client: FlaskClient, demo: dict[str, ValidationPath]) -> FlaskClient:
    """A signed-in participant."""
    register_user(client)
    return client


def enrol(client: FlaskClient, code: str) -> int:
    """Enrol through the detail page's button; returns the new enrolment id."""
    response = client.post(
        f"/paths/{code}/enrol", data={"csrf_token": csrf_token(client, f"/paths/{code}")}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(r"/paths/enrolments/(\d+)$", response.headers["Location"])
    assert match is not None
    return int(match.group(1))


def first_requirement(path: ValidationPath, stage: str) -> int:
    return next(r.id for r in path.requirements if r.stage == stage)


def send(
    client: FlaskClient, enrolment_id: int, requirement_id: int, **fields: object
) -> tuple[int, str]:
    """Post the evidence form as a browser does (multipart, with the page's CSRF token)."""
    url = f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}"
    data: dict[str, object] = {"csrf_token": csrf_token(client, url), "note": ""}
    data.update(fields)
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return response.status_code, response.get_data(as_text=True)


def upload(data: bytes, filename: str) -> FileStorage:
    """A file field as a browser sends it (the declared type is the browser's guess)."""
    return FileStorage(BytesIO(data), filename=filename, content_type="application/pdf")


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/paths/([a-z0-9-]+)">', html)


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for url in (
        "/paths/",
        "/paths/scpd",
        "/paths/my",
        "/paths/enrolments/1",
        "/paths/enrolments/1/withdraw",
        "/paths/enrolments/1/requirements/1",
        "/paths/evidence/1",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_the_catalogue_filters_by_role_language_and_issuer(
    ana: FlaskClient, demo: dict[str, ValidationPath]
) -> None:
    html = page(ana, "/paths/")
    assert titles(html) == ["iot-sensor-networks", "scpd", "scpm"]
    assert re.search(r'<a href="/paths/"[^>]*>Validation paths</a>', html)  # main navigation
    assert '<a href="/paths/my">My paths</a>' in html
    assert titles(page(ana, "/paths/?role=SCPD")) == ["scpd"]
    assert titles(page(ana, "/paths/?language=de")) == ["iot-sensor-networks", "scpd"]
    cluj = demo["iot-sensor-networks"].issuer_id
    html = page(ana, f"/paths/?issuer={cluj}")
    assert titles(html) == ["iot-sensor-networks"]
    assert "Cluj Urban Innovation Lab" in html
    # Unknown or malformed filters are ignored, never an error.
    assert len(titles(page(ana, "/paths/?issuer=abc&language=xx&role=NOPE"))) == 3


def test_the_detail_page_groups_requirements_by_the_four_stages(
    ana: FlaskClient, demo: dict[str, ValidationPath]
) -> None:
    html = page(ana, "/paths/iot-sensor-networks")
    positions = [html.index(f"<h3>{stage}</h3>") for stage in
                 ("Identification", "Documentation", "Assessment", "Certification")]  # fmt: skip
    assert positions == sorted(positions)
    assert "Observation at work" in html
    assert "Enrol in this path" in html
    assert ana.get("/paths/no-such-path").status_code == 404


def test_enrolling_twice_says_so(ana: FlaskClient, session: Session) -> None:
    enrolment_id = enrol(ana, "scpd")
    response = ana.post(
        "/paths/scpd/enrol", data={"csrf_token": csrf_token(ana, "/paths/")},
        follow_redirects=True,
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You are already enrolled in this validation path." in html
    assert response.request.path == f"/paths/enrolments/{enrolment_id}"
    assert session.scalars(select(Enrolment.id)).all() == [enrolment_id]
    assert "See my progress" in page(ana, "/paths/scpd")
    assert "Smart City Project Developer" in page(ana, "/paths/my")


def test_posts_without_a_csrf_token_are_refused(ana: FlaskClient, session: Session) -> None:
    assert ana.post("/paths/scpd/enrol").status_code == 400
    assert session.scalars(select(Enrolment)).all() == []
    enrolment_id = enrol(ana, "scpd")
    assert ana.post(f"/paths/enrolments/{enrolment_id}/withdraw").status_code == 400
    assert ana.post(f"/paths/enrolments/{enrolment_id}/self-assessment").status_code == 400
    requirement = session.scalar(select(ValidationPath).where(ValidationPath.code == "scpd"))
    assert requirement is not None
    url = f"/paths/enrolments/{enrolment_id}/requirements/{requirement.requirements[1].id}"
    assert ana.post(url, data={"text": "x"}).status_code == 400
    assert session.scalars(select(Submission)).all() == []


def test_self_assessment_is_saved_and_shows_progress_and_gaps(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "iot-sensor-networks")  # 4 competences x 3 stages
    url = f"/paths/enrolments/{enrolment_id}"
    html = page(ana, url)
    assert "0 of 12 done (0%)" in html
    element_ids = [int(i) for i in re.findall(r'name="level-(\d+)"', html)]
    assert len(element_ids) == 4
    token = csrf_token(ana, url)
    response = ana.post(f"{url}/self-assessment", data={
        "csrf_token": token, f"level-{element_ids[0]}": "1", f"note-{element_ids[0]}": "Some",
    })  # fmt: skip
    assert response.status_code == 302
    html = page(ana, url)
    assert "1 of 12 done (8%)" in html  # overall
    assert "1 of 4 done (25%)" in html  # the identification stage
    assert '<option value="1" selected>' in html
    assert 'value="Some"' in html
    assert "level(s) to go" in html

    refused = ana.post(f"{url}/self-assessment", data={
        "csrf_token": token, f"level-{element_ids[1]}": "9", f"level-{element_ids[2]}": "3",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "Choose a level between 0 and 8." in refused.get_data(as_text=True)
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert "1 of 12 done (8%)" in page(ana, url)  # nothing half-saved


def test_a_pdf_is_accepted_and_downloads_as_an_attachment(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "documentation")
    form = page(ana, f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}")
    assert 'enctype="multipart/form-data"' in form
    assert "At most 1 MB per file." in form
    status, _ = send(ana, enrolment_id, requirement_id, files=upload(PDF, "plan.pdf"))
    assert status == 302
    progress = page(ana, f"/paths/enrolments/{enrolment_id}")
    assert "Sent, waiting for review" in progress
    artefact = session.scalars(select(Artefact)).one()
    download = ana.get(f"/paths/evidence/{artefact.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "plan.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in download.headers["Content-Security-Policy"]
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_refused_files_are_explained_next_to_the_field_and_nothing_is_lost(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "documentation")
    typed = "I led the <b>procurement</b> of 200 sensors."
    status, html = send(ana, enrolment_id, requirement_id, text=typed,
                        files=upload(HTML_AS_PDF, "plan.pdf"))  # fmt: skip
    assert status == 422
    assert re.search(r'id="files-error">This type of file is not accepted\.', html)
    assert "I led the &lt;b&gt;procurement&lt;/b&gt; of 200 sensors." in html

    status, html = send(ana, enrolment_id, requirement_id, text=typed,
                        files=upload(PDF + b"x" * MB, "big.pdf"))  # fmt: skip
    assert status == 422
    assert "The file is too large. Files can be at most 1 MB." in html
    assert "procurement" in html

    # Far beyond the limit the body is not even read: still a clear page, not a crash.
    status, html = send(ana, enrolment_id, requirement_id,
                        files=upload(PDF + b"x" * 3 * MB, "huge.pdf"))  # fmt: skip
    assert status == 413
    assert "The file is too large. Files can be at most 1 MB." in html
    assert session.scalars(select(Submission)).all() == []


def test_links_and_texts_are_accepted_and_bad_links_refused(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpd")
    documentation = [r.id for r in demo["scpd"].requirements if r.stage == "documentation"]
    status, html = send(ana, enrolment_id, documentation[0], link="javascript:alert(1)")
    assert status == 422
    assert "Enter a web address that starts with https:// or http://." in html
    assert 'value="javascript:alert(1)"' in html
    assert send(ana, enrolment_id, documentation[0], link="https://city.example/plan")[0] == 302
    assert send(ana, enrolment_id, documentation[1], text="I ran the workshop.")[0] == 302
    kinds = sorted(a.kind for a in session.scalars(select(Artefact)))
    assert kinds == ["link", "text"]
    status, html = send(ana, enrolment_id, documentation[1], text="I ran the workshop.")
    assert status == 409
    assert "You already sent exactly this evidence" in html
    # An earlier piece of evidence can serve another requirement.
    link = session.scalars(select(Artefact).where(Artefact.kind == "link")).one()
    assert send(ana, enrolment_id, documentation[2], reuse=str(link.id))[0] == 302
    assert "3 waiting for review" in page(ana, f"/paths/enrolments/{enrolment_id}")


def test_an_assessment_can_be_asked_for_with_a_note_only(
    ana: FlaskClient, demo: dict[str, ValidationPath]
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "assessment")  # min_items 0
    form = page(ana, f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}")
    assert "Evidence is optional here" in form
    assert send(ana, enrolment_id, requirement_id, note="Ready for the interview.")[0] == 302
    history = page(ana, f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}")
    assert "Note: Ready for the interview." in history
    assert "Waiting for review" in history


def test_a_resubmission_keeps_every_version_with_its_feedback(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "documentation")
    assert send(ana, enrolment_id, requirement_id, text="First try.")[0] == 302
    first = session.scalars(select(Submission)).one()
    first.state = "rejected"  # what the assessor's review does (next slice)
    session.add(Review(submission_id=first.id, assessor_id=None, decision="reject",
                       feedback="Please add the signed minutes.", at=NOW))  # fmt: skip
    session.commit()
    progress = page(ana, f"/paths/enrolments/{enrolment_id}")
    assert "Needs changes" in progress
    assert "Please add the signed minutes." in progress
    assert "Send a new version" in progress
    assert send(ana, enrolment_id, requirement_id, text="Second try, with minutes.")[0] == 302
    history = page(ana, f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}")
    assert history.index("Version 2") < history.index("Version 1")
    assert "First try." in history
    assert "Second try, with minutes." in history
    assert "Please add the signed minutes." in history


def test_withdrawing_asks_first_and_closes_the_enrolment(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpm")
    url = f"/paths/enrolments/{enrolment_id}/withdraw"
    assert "Yes, leave this path" in page(ana, url)
    assert session.get_one(Enrolment, enrolment_id).state == "active"
    response = ana.post(url, data={"csrf_token": csrf_token(ana, url)})
    assert response.status_code == 302
    session.expire_all()
    assert session.get_one(Enrolment, enrolment_id).state == "withdrawn"
    assert "Withdrawn" in page(ana, "/paths/my")
    requirement_id = first_requirement(demo["scpm"], "documentation")
    closed = page(ana, f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}")
    assert "This enrolment is closed" in closed
    assert "Enrol in this path" in page(ana, "/paths/scpm")  # may start again


def test_another_users_enrolment_and_files_are_not_found(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "documentation")
    assert send(ana, enrolment_id, requirement_id, files=upload(PDF, "plan.pdf"))[0] == 302
    artefact_id = session.scalars(select(Artefact.id)).one()
    ana.post("/logout", data={"csrf_token": csrf_token(ana, "/paths/")})
    register_user(ana, email="boris@example.org")
    token = csrf_token(ana, "/paths/")
    for url in (
        f"/paths/enrolments/{enrolment_id}",
        f"/paths/enrolments/{enrolment_id}/withdraw",
        f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}",
        f"/paths/evidence/{artefact_id}",
    ):
        assert ana.get(url).status_code == 404, url
    for url in (
        f"/paths/enrolments/{enrolment_id}/withdraw",
        f"/paths/enrolments/{enrolment_id}/self-assessment",
    ):
        assert ana.post(url, data={"csrf_token": token}).status_code == 404, url
    status, _ = send_as(ana, token, enrolment_id, requirement_id)
    assert status == 404
    boundary, body = encode_multipart(
        {"csrf_token": token, "files": upload(PDF + b"x" * 3 * MB, "huge.pdf")}
    )
    huge = ana.post(
        f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert huge.status_code == 413  # the plain page: nothing of the other enrolment shows
    assert "plan.pdf" not in huge.get_data(as_text=True)
    session.expire_all()
    assert session.get_one(Enrolment, enrolment_id).state == "active"
    assert len(session.scalars(select(Submission)).all()) == 1


def send_as(
    client: FlaskClient, token: str, enrolment_id: int, requirement_id: int
) -> tuple[int, str]:
    """Post evidence with a token from another page (the form itself is not theirs to see)."""
    response = client.post(
        f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}",
        data={"csrf_token": token, "text": "not mine"},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("locale", ["de", "bg", "ro"])
def test_every_page_renders_in_each_language(
    ana: FlaskClient, demo: dict[str, ValidationPath], session: Session, locale: str
) -> None:
    enrolment_id = enrol(ana, "scpd")
    requirement_id = first_requirement(demo["scpd"], "documentation")
    assert send(ana, enrolment_id, requirement_id, text="Evidence.")[0] == 302
    headers = {"Accept-Language": locale}
    html = ana.get("/paths/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert demo["scpd"].title[locale] in html
    for url in (
        "/paths/",
        "/paths/scpd",
        "/paths/my",
        f"/paths/enrolments/{enrolment_id}",
        f"/paths/enrolments/{enrolment_id}/withdraw",
        f"/paths/enrolments/{enrolment_id}/requirements/{requirement_id}",
    ):
        assert ana.get(url, headers=headers).status_code == 200, url
