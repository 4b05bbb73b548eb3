"""Appealing a rejection from the participant's progress page, on both backends (issue #6).

The button shows only next to a rejected version that was not appealed yet; an appeal makes the
page say it is pending; the domain's refusals come back on the page with their reason (never a
500); someone else's enrolment or submission answers 404; a post without CSRF token answers 400.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths import Appeal, EvidenceItem, ReviewEvent, Submission, enrol, submit_evidence
from tests.environment import NOW
from tests.forms import csrf_token
from tests.integration import test_paths_assessor_web as assessor_tests
from tests.integration.test_paths_assessor_web import World, decide, sign_in

# The assessor pages' world (path "dev", participant Maria, assessors Anna, Boris, Carla).
world = assessor_tests.world

BUTTON = "Appeal to a second assessor"
PENDING = "Appeal pending:"
APPEAL_ACTION = re.compile(r'action="/paths/enrolments/\d+/submissions/(\d+)/appeal"')


def progress_url(world: World) -> str:
    return f"/paths/enrolments/{world.enrolment_id}"


def appeal_url(enrolment_id: int, submission_id: int) -> str:
    return f"/paths/enrolments/{enrolment_id}/submissions/{submission_id}/appeal"


def appeal_forms(html: str) -> list[int]:
    """The submission ids that have an appeal form on the page."""
    return [int(n) for n in APPEAL_ACTION.findall(html)]


def post_appeal(
    client: FlaskClient, world: World, submission_id: int, reason: str
) -> tuple[int, str, str]:
    """Post the appeal form as a browser does; returns status, body and Location."""
    response = client.post(
        appeal_url(world.enrolment_id, submission_id),
        data={"csrf_token": csrf_token(client, progress_url(world)), "reason": reason},
    )
    return (
        response.status_code,
        response.get_data(as_text=True),
        response.headers.get("Location", ""),
    )


def appeals(session: Session) -> list[tuple[int, str]]:
    session.expire_all()
    return [(a.submission_id, a.reason) for a in session.scalars(select(Appeal))]


def rejected(app: Flask, world: World, session: Session) -> dict[str, Submission]:
    """E1 rejected by Anna, E2 waiting, U2 approved."""
    made = {key: world.submit(session, key) for key in ("E1", "E2", "U2")}
    anna = sign_in(app, "anna")
    assert decide(anna, made["E1"].id, decision="reject", feedback="Add the licence.")[0] == 302
    assert decide(anna, made["U2"].id, decision="approve", rubric_level="2")[0] == 302
    return made


def test_the_button_shows_only_next_to_a_rejected_version(
    app: Flask, world: World, session: Session
) -> None:
    maria = sign_in(app, "maria")
    made = {key: world.submit(session, key) for key in ("E1", "E2", "U2")}
    html = maria.get(progress_url(world)).get_data(as_text=True)
    assert appeal_forms(html) == []
    assert BUTTON not in html
    anna = sign_in(app, "anna")
    assert decide(anna, made["E1"].id, decision="reject", feedback="Add the licence.")[0] == 302
    assert decide(anna, made["U2"].id, decision="approve", rubric_level="2")[0] == 302
    html = maria.get(progress_url(world)).get_data(as_text=True)
    assert appeal_forms(html) == [made["E1"].id]
    assert 'name="reason"' in html
    # Sending a new version replaces the rejected one as the latest: nothing left to appeal.
    world.submit(session, "E1", EvidenceItem.of_text("Now with the licence"))
    assert appeal_forms(maria.get(progress_url(world)).get_data(as_text=True)) == []


def test_an_appeal_is_recorded_and_shown_pending_until_decided(
    app: Flask, world: World, session: Session
) -> None:
    made = rejected(app, world, session)
    e1 = made["E1"]
    maria = sign_in(app, "maria")
    status, _body, location = post_appeal(maria, world, e1.id, "  The licence is on page 2.  ")
    assert status == 302
    assert location == f"{progress_url(world)}#requirement-{world.requirements['E1'].id}"
    assert appeals(session) == [(e1.id, "The licence is on page 2.")]
    assert session.get_one(Submission, e1.id).state == "appealed"
    html = maria.get(location).get_data(as_text=True)
    assert "Your appeal is sent." in html
    assert PENDING in html
    assert appeal_forms(html) == []
    # A different assessor confirms the rejection: the appeal is over, no second one.
    boris = sign_in(app, "boris")
    assert decide(boris, e1.id, decision="reject", feedback="Still missing.")[0] == 302
    html = maria.get(progress_url(world)).get_data(as_text=True)
    assert PENDING not in html
    assert "A second assessor confirmed this decision after your appeal." in html
    assert appeal_forms(html) == []


def test_refusals_come_back_on_the_page_with_their_reason(
    app: Flask, world: World, session: Session
) -> None:
    made = rejected(app, world, session)
    maria = sign_in(app, "maria")
    status, html, _location = post_appeal(maria, world, made["E1"].id, "   ")
    assert status == 422
    assert "Say why you appeal, in at most 20000 characters." in html
    assert '<details class="path-appeal" open>' in html
    long_reason = "x" * 20_001
    status, html, _location = post_appeal(maria, world, made["E1"].id, long_reason)
    assert status == 422
    assert long_reason in html  # what was typed is still there
    assert appeals(session) == []
    for key in ("E2", "U2"):  # waiting, approved: not rejected
        status, html, _location = post_appeal(maria, world, made[key].id, "Please look again.")
        assert status == 409, key
        assert "Only a rejected submission can be appealed, and only once." in html
    assert post_appeal(maria, world, made["E1"].id, "Please look again.")[0] == 302
    status, html, _location = post_appeal(maria, world, made["E1"].id, "And again.")
    assert status == 409
    assert "Only a rejected submission can be appealed, and only once." in html
    assert appeals(session) == [(made["E1"].id, "Please look again.")]


def test_a_withdrawn_enrolment_cannot_appeal(app: Flask, world: World, session: Session) -> None:
    made = rejected(app, world, session)
    maria = sign_in(app, "maria")
    url = f"{progress_url(world)}/withdraw"
    assert maria.post(url, data={"csrf_token": csrf_token(maria, url)}).status_code == 302
    assert appeal_forms(maria.get(progress_url(world)).get_data(as_text=True)) == []
    status, html, _location = post_appeal(maria, world, made["E1"].id, "Please look again.")
    assert status == 409
    assert "This enrolment is closed" in html
    assert appeals(session) == []


def test_other_peoples_enrolments_and_submissions_answer_404(
    app: Flask, world: World, session: Session
) -> None:
    made = rejected(app, world, session)
    with app.app_context():
        carla_enrolment = enrol(session, world.path.id, user_id=world.users["carla"], now=NOW)
        own = submit_evidence(
            session, carla_enrolment.id, world.requirements["E1"].id,
            user_id=world.users["carla"], items=[EvidenceItem.of_text("mine")],
            store=world.store, max_upload_mb=1, now=NOW,
        )  # fmt: skip
        session.commit()
    carla = sign_in(app, "carla")
    own_page = f"/paths/enrolments/{carla_enrolment.id}"
    token = csrf_token(carla, own_page)
    for url in (
        appeal_url(world.enrolment_id, made["E1"].id),  # Maria's enrolment
        appeal_url(carla_enrolment.id, made["E1"].id),  # Carla's enrolment, Maria's submission
        appeal_url(world.enrolment_id, own.id),  # Maria's enrolment, Carla's submission
        appeal_url(carla_enrolment.id, 99999),
    ):
        response = carla.post(url, data={"csrf_token": token, "reason": "Mine now."})
        assert response.status_code == 404, url
    assert appeals(session) == []
    anonymous = app.test_client()
    response = anonymous.post(
        appeal_url(world.enrolment_id, made["E1"].id),
        data={"csrf_token": csrf_token(anonymous), "reason": "Please look again."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert appeals(session) == []


def test_an_appeal_without_csrf_token_is_refused(
    app: Flask, world: World, session: Session
) -> None:
    made = rejected(app, world, session)
    maria = sign_in(app, "maria")
    response = maria.post(
        appeal_url(world.enrolment_id, made["E1"].id), data={"reason": "Please look again."}
    )
    assert response.status_code == 400
    assert appeals(session) == []
    assert (
        session.scalar(
            select(func.count()).select_from(ReviewEvent).where(ReviewEvent.action == "appeal")
        )
        == 0
    )
