"""The framework and path editors in the browser, on both backends (issue #6).

Frameworks: platform admins only; an invalid file lists every problem and stores nothing, a
valid one is listed with its counts, the same file again is "no change", and exports parse back.
Paths: platform admins and the path's issuer admins; a draft takes requirements, publishing an
invalid draft lists the problems and leaves it a draft, then it publishes, gets a new version and
retires; a published version refuses every change with a clear message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from badges.accounts import Role, add_membership, create_organisation, grant_role, register
from issuer import Achievement, create_issuer
from paths import (
    Framework,
    Requirement,
    Unit,
    ValidationPath,
    WorkRole,
    enrol,
    framework_spec,
    import_framework,
    load_framework_csv,
    load_framework_json,
)
from paths.web.editor_frameworks import MAX_FRAMEWORK_BYTES
from tests.environment import NOW
from tests.forms import TEST_PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "frameworks"
BASE_URL = "http://127.0.0.1:5000"
FRAMEWORKS = "/paths/admin/frameworks"
PATHS = "/paths/admin/paths"
NEW = "/paths/admin/paths/new"
ISSUE_ROW = re.compile(
    r'<tr class="framework-issue"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>'
)
PATH_ISSUE = re.compile(r'<li class="path-issue">(.*?) · <code>(.*?)</code>: (.*?)</li>')


@dataclass
class World:
    """The mini framework; "academy" (admin Ivan) and "lab" (admin Lena) each with a badge."""

    users: dict[str, int]
    framework_id: int
    #: ``role-<id>`` / ``unit-<id>`` choices of the new-draft form.
    targets: dict[str, str]
    badges: dict[str, int]


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    with app.app_context():
        spec = load_framework_json((MINI / "mini.json").read_bytes(), "mini.json")
        framework_id = import_framework(session, spec, now=NOW).framework_id
        badges: dict[str, int] = {}
        organisations: dict[str, int] = {}
        users: dict[str, int] = {}
        for slug in ("academy", "lab"):
            organisation = create_organisation(session, slug=slug, name=slug.title(), now=NOW)
            issuer = create_issuer(session, organisation.id, name=slug.title(), base_url=BASE_URL,
                                   now=NOW)  # fmt: skip
            badge = Achievement(
                issuer_id=issuer.id, name=f"{slug.title()} developer", description="Path badge",
                criteria_narrative="Completed.", achievement_type="Certificate", version=1,
                created_at=NOW,
            )  # fmt: skip
            session.add(badge)
            session.flush()
            badges[slug] = badge.id
            organisations[slug] = organisation.id
        for name, role in (("admin", Role.PLATFORM_ADMIN), ("maria", Role.PARTICIPANT),
                           ("ivan", None), ("lena", None)):  # fmt: skip
            user = register(session, email=f"{name}@example.org", name=name.title(),
                            password=TEST_PASSWORD, now=NOW)  # fmt: skip
            if role is not None:
                grant_role(session, user.id, role)
            users[name] = user.id
        add_membership(session, users["ivan"], organisations["academy"])
        add_membership(session, users["lena"], organisations["lab"])
        targets = {
            "DEV": f"role-{_id(session, WorkRole, 'DEV')}",
            "U2": f"unit-{_id(session, Unit, 'U2')}",
        }
        session.commit()
    return World(users, framework_id, targets, badges)


def _id(session: Session, model: type[WorkRole] | type[Unit], code: str) -> int:
    return session.scalars(select(model.id).where(model.code == code)).one()


def sign_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": f"{name}@example.org",
              "password": TEST_PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def upload(client: FlaskClient, name: str, data: bytes) -> tuple[int, str]:
    form = {"csrf_token": csrf_token(client, FRAMEWORKS), "file": FileStorage(BytesIO(data), name)}
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(form)
    response = client.post(
        FRAMEWORKS, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
        assert response.status_code == 200
        return 302, unescape(response.get_data(as_text=True))
    return response.status_code, unescape(response.get_data(as_text=True))


def post(client: FlaskClient, url: str, form: dict[str, object], *, page: str) -> tuple[int, str]:
    """Post ``form`` with the CSRF token of ``page``; follow a redirect to the page it names."""
    response = client.post(url, data={"csrf_token": csrf_token(client, page), **form})
    if response.status_code == 302:
        location = response.headers["Location"]
        followed = client.get(location)
        assert followed.status_code == 200
        return 302, location + "\n" + unescape(followed.get_data(as_text=True))
    return response.status_code, unescape(response.get_data(as_text=True))


def row(html: str, row_id: str) -> list[str]:
    """The cells of table row ``row_id`` (a pattern), without tags' surrounding space or tags."""
    found = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert found is not None, row_id
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)
    tags = re.compile(r'<span class="state[^"]*">\s*(.*?)\s*</span>')
    return [re.sub(r"\s+", " ", tags.sub(r"\1", cell)).strip() for cell in cells]


def count(app: Flask, session: Session, model: type[object]) -> int:
    with app.app_context():
        total = session.scalar(select(func.count()).select_from(model)) or 0
        session.rollback()  # the next read sees what later requests commit
    return total


def states(app: Flask, session: Session, code: str) -> list[tuple[int, str, int]]:
    """(version, state, requirement count) of each version of path ``code``."""
    with app.app_context():
        found = [
            (p.version, p.state, len(p.requirements))
            for p in session.scalars(
                select(ValidationPath)
                .where(ValidationPath.code == code)
                .order_by(ValidationPath.version)
            )
        ]
        session.rollback()
    return found


def path_id(app: Flask, session: Session, code: str, version: int) -> int:
    with app.app_context():
        found = session.scalars(
            select(ValidationPath.id).where(
                ValidationPath.code == code, ValidationPath.version == version
            )
        ).one()
        session.rollback()
    return found


# ---------------------------------------------------------------- who gets in


def test_only_admins_get_in(app: Flask, world: World, session: Session) -> None:
    anonymous = app.test_client()
    for url in (FRAMEWORKS, PATHS, NEW):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    maria = sign_in(app, "maria")
    for url in (FRAMEWORKS, PATHS, NEW, f"{FRAMEWORKS}/{world.framework_id}/export.json"):
        assert maria.get(url).status_code == 403, url
    token = csrf_token(maria, "/account")
    assert maria.post(FRAMEWORKS, data={"csrf_token": token}).status_code == 403
    assert maria.post(NEW, data={"csrf_token": token, "code": "x"}).status_code == 403
    ivan = sign_in(app, "ivan")  # an issuer admin edits paths, not frameworks
    assert ivan.get(FRAMEWORKS).status_code == 403
    form = {"csrf_token": csrf_token(ivan, "/account")}
    assert ivan.post(FRAMEWORKS, data=form).status_code == 403
    assert ivan.get(PATHS).status_code == 200

    def nav(client: FlaskClient) -> list[str]:
        html = client.get("/account").get_data(as_text=True)
        return [label for url, label in ((FRAMEWORKS, "Frameworks"), (PATHS, "Path editor"))
                if re.search(rf'<a href="{url}"[^>]*>{label}</a>', html)]  # fmt: skip

    assert nav(maria) == []
    assert nav(ivan) == ["Path editor"]
    assert nav(sign_in(app, "admin")) == ["Frameworks", "Path editor"]


def test_another_issuers_admin_gets_404_everywhere(
    app: Flask, world: World, session: Session
) -> None:
    ivan = sign_in(app, "ivan")
    status, _html = create(ivan, world, code="dev", badge="academy")
    assert status == 302
    draft = path_id(app, session, "dev", 1)
    lena = sign_in(app, "lena")
    token = csrf_token(lena, PATHS)
    base = f"{PATHS}/{draft}"
    assert lena.get(base).status_code == 404
    assert lena.get(f"{PATHS}/999999").status_code == 404
    for action in ("publish", "new-version", "retire", "requirements"):
        assert lena.post(f"{base}/{action}", data={"csrf_token": token}).status_code == 404
    assert f'id="path-{draft}"' not in lena.get(PATHS).get_data(as_text=True)
    # Lena cannot create a path awarding another issuer's badge either.
    status, html = create(lena, world, code="lena", badge="academy")
    assert status == 422
    assert "Not a valid choice" in html
    assert sign_in(app, "admin").get(base).status_code == 200  # platform admins edit every path
    assert states(app, session, "dev") == [(1, "draft", 0)]


# ---------------------------------------------------------------- frameworks


def test_an_invalid_framework_lists_every_issue_and_stores_nothing(
    app: Flask, world: World, session: Session
) -> None:
    before = count(app, session, Framework)
    document = json.loads((MINI / "mini.json").read_text(encoding="utf-8"))
    document["units"][0]["elements"][0]["eqf_level"] = 9
    document["roles"][1]["units"] = ["U8"]
    client = sign_in(app, "admin")

    status, html = upload(client, "broken.json", json.dumps(document).encode())

    assert status == 422
    assert "The framework file broken.json has 2 problem(s)." in html
    assert ISSUE_ROW.findall(html) == [
        ("broken.json", "units[0].elements[0]", "eqf_level", "must be a whole number from 1 to 8"),
        ("broken.json", "roles[1]", "units[0]", "there is no unit with code U8"),
    ]
    lines = (MINI / "mini.csv").read_text(encoding="utf-8-sig").splitlines()
    lines[5] = lines[5].replace(",6,A.1,3,", ",6,Z.1,3,")
    status, html = upload(client, "broken.csv", "\n".join(lines).encode())
    assert status == 422
    assert ISSUE_ROW.findall(html)[0] == (
        "broken.csv", "6", "ecf_code", "Z.1 is not an e-CF competence code (A.1 to E.12)"
    )  # fmt: skip
    assert count(app, session, Framework) == before


def test_a_valid_file_is_listed_and_the_same_file_again_is_no_change(
    app: Flask, session: Session
) -> None:
    client = sign_in_fresh_admin(app, session)
    assert "No framework is imported yet." in client.get(FRAMEWORKS).get_data(as_text=True)

    status, html = upload(client, "mini.json", (MINI / "mini.json").read_bytes())

    assert status == 302
    assert "Imported framework mini-city version 1.0.0: 2 roles, 2 units, 3 elements." in html
    cells = row(html, r"framework-\d+")
    assert cells[0] == 'Mini smart-city framework <span class="status-code">(mini-city)</span>'
    assert [cells[1], cells[3], cells[4], cells[5]] == ["1.0.0", "2", "2", "3"]
    # The same content as CSV is the same version: nothing changes.
    status, html = upload(client, "MINI.CSV", (MINI / "mini.csv").read_bytes())
    assert status == 302
    assert "Framework mini-city version 1.0.0 is already imported: no change." in html
    assert count(app, session, Framework) == 1
    changed = json.loads((MINI / "mini.json").read_text(encoding="utf-8"))
    changed["framework"]["publisher"] = "Someone else"
    status, html = upload(client, "changed.json", json.dumps(changed).encode())
    assert status == 409
    assert "is already imported with different content" in html
    assert count(app, session, Framework) == 1


def sign_in_fresh_admin(app: Flask, session: Session) -> FlaskClient:
    with app.app_context():
        user = register(session, email="admin@example.org", name="Admin",
                        password=TEST_PASSWORD, now=NOW)  # fmt: skip
        grant_role(session, user.id, Role.PLATFORM_ADMIN)
        session.commit()
    return sign_in(app, "admin")


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("mini.txt", 100, "Choose a file whose name ends in .json or .csv."),
        ("huge.json", MAX_FRAMEWORK_BYTES + 1, "The file is too large: at most 2 MB."),
    ],
)
def test_unreadable_uploads_are_refused_plainly(
    app: Flask, world: World, session: Session, *, name: str, size: int, message: str
) -> None:
    client = sign_in(app, "admin")
    status, html = upload(client, name, b" " * size)
    assert status == 422
    assert message in html
    response = client.post(FRAMEWORKS, data={"csrf_token": csrf_token(client, FRAMEWORKS)})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert count(app, session, Framework) == 1


def test_exports_download_and_parse_back(app: Flask, world: World, session: Session) -> None:
    client = sign_in(app, "admin")
    with app.app_context():
        spec = framework_spec(session.get_one(Framework, world.framework_id))
        session.rollback()
    for fmt, load in (("json", load_framework_json), ("csv", load_framework_csv)):
        response = client.get(f"{FRAMEWORKS}/{world.framework_id}/export.{fmt}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="mini-city-1.0.0.{fmt}"'
        )
        assert load(response.data, f"export.{fmt}") == spec
    assert client.get(f"{FRAMEWORKS}/{world.framework_id}/export.xml").status_code == 404
    assert client.get(f"{FRAMEWORKS}/999999/export.json").status_code == 404


# ---------------------------------------------------------------- paths


def create(client: FlaskClient, world: World, *, code: str, badge: str, **extra: object
           ) -> tuple[int, str]:  # fmt: skip
    form: dict[str, object] = {
        "code": code, "title_en": f"Path {code}", "title_de": f"Pfad {code}",
        "languages": ["en", "de"], "target": world.targets["DEV"],
        "achievement_id": str(world.badges[badge]),
    }  # fmt: skip
    form.update(extra)
    return post(client, NEW, form, page=NEW)


def requirement(element: str, stage: str, **fields: object) -> dict[str, object]:
    """An add-requirement form for element code ``element`` (resolved by ``add``)."""
    return {"element": element, "stage": stage, "min_items": "1", "approvals_needed": "1",
            "evidence_kinds": ["text"], "method": "", "rubric": "", **fields}  # fmt: skip


def add(client: FlaskClient, path: int, form: dict[str, object]) -> tuple[int, str]:
    page = f"{PATHS}/{path}"
    html = client.get(page).get_data(as_text=True)
    code = form.pop("element")
    match = re.search(rf'<option value="(\d+)">{re.escape(str(code))} ·', html)
    form["element_id"] = match.group(1) if match else "999999"
    return post(client, f"{page}/requirements", form, page=page)


ASSESS = {"method": "interview", "rubric": "1: Can explain it\n2: Can do it alone"}


def test_a_path_from_draft_to_retired(app: Flask, world: World, session: Session) -> None:
    ivan = sign_in(app, "ivan")
    status, html = create(ivan, world, code="dev", badge="academy")
    assert status == 302
    assert "Draft dev version 1 created." in html
    draft = path_id(app, session, "dev", 1)

    assert add(ivan, draft, requirement("U1.E1", "documentation"))[0] == 302
    status, html = add(ivan, draft, requirement("U1.E1", "assessment", **ASSESS))
    assert status == 302
    assert re.search(r'<li value="2">Can do it alone</li>', html)
    assert add(ivan, draft, requirement("U1.E2", "assessment", method="interview"))[0] == 302

    status, html = post(ivan, f"{PATHS}/{draft}/publish", {}, page=f"{PATHS}/{draft}")
    assert status == 422
    assert "The validation path dev v1 has 2 problem(s)." in html
    assert PATH_ISSUE.findall(html) == [
        (
            "Assessment requirement for U1.E2",
            "rubric",
            "needs levels numbered 1, 2, 3... each with an English title",
        ),
        ("requirements", "assessment", "element U2.E1 has no assessment requirement"),
    ]
    assert states(app, session, "dev") == [(1, "draft", 3)]

    html = ivan.get(f"{PATHS}/{draft}").get_data(as_text=True)
    removed = re.findall(rf'action="{PATHS}/{draft}/requirements/(\d+)/remove"', html)[2]
    status, html = post(ivan, f"{PATHS}/{draft}/requirements/{removed}/remove", {},
                        page=f"{PATHS}/{draft}")  # fmt: skip
    assert status == 302
    assert "Requirement removed." in html
    for code in ("U1.E2", "U2.E1"):
        assert add(ivan, draft, requirement(code, "assessment", **ASSESS))[0] == 302
    status, html = post(ivan, f"{PATHS}/{draft}/publish", {}, page=f"{PATHS}/{draft}")
    assert status == 302
    assert "Version 1 of dev is published." in html
    assert "Make a new version" in html
    assert "Add a requirement" not in html

    with app.app_context():
        enrol(session, draft, user_id=world.users["maria"], now=NOW)
        session.commit()
    assert row(ivan.get(PATHS).get_data(as_text=True), f"path-{draft}") == [
        "dev", "1", f'<a href="{PATHS}/{draft}">Path dev</a>', "Published", "1"
    ]  # fmt: skip

    status, html = post(ivan, f"{PATHS}/{draft}/new-version", {}, page=f"{PATHS}/{draft}")
    assert status == 302
    assert "Draft version 2 created." in html
    assert states(app, session, "dev") == [(1, "published", 4), (2, "draft", 4)]
    status, html = post(ivan, f"{PATHS}/{draft}/new-version", {}, page=f"{PATHS}/{draft}")
    assert status == 409
    assert "Validation path dev already has a draft: version 2." in html

    status, html = post(ivan, f"{PATHS}/{draft}/retire", {}, page=f"{PATHS}/{draft}")
    assert status == 302
    assert "Version 1 of dev is retired." in html
    assert states(app, session, "dev") == [(1, "retired", 4), (2, "draft", 4)]
    status, html = post(ivan, f"{PATHS}/{draft}/retire", {}, page=f"{PATHS}/{draft}")
    assert status == 409
    assert "Only a published version can be retired." in html


def test_a_published_path_cannot_change(app: Flask, world: World, session: Session) -> None:
    admin = sign_in(app, "admin")
    create(admin, world, code="unit", badge="lab", target=world.targets["U2"])
    path = path_id(app, session, "unit", 1)
    assert add(admin, path, requirement("U2.E1", "assessment", **ASSESS))[0] == 302
    assert post(admin, f"{PATHS}/{path}/publish", {}, page=f"{PATHS}/{path}")[0] == 302
    with app.app_context():
        kept = session.scalars(select(Requirement.id).where(Requirement.path_id == path)).one()
        session.rollback()
    message = (
        "Validation path unit version 1 is published and cannot change. "
        "Make a new version to edit it."
    )

    status, html = add(admin, path, requirement("U2.E1", "documentation"))
    assert status == 409
    assert message in html
    status, html = post(admin, f"{PATHS}/{path}/requirements/{kept}/remove", {},
                        page=f"{PATHS}/{path}")  # fmt: skip
    assert status == 409
    assert message in html
    status, html = post(admin, f"{PATHS}/{path}/publish", {}, page=f"{PATHS}/{path}")
    assert status == 409
    assert message in html
    assert states(app, session, "unit") == [(1, "published", 1)]


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"title_en": "", "title_de": ""}, 422, "Give a title in at least one language."),
        ({"code": "Dev Path"}, 422, "Use lower-case letters, digits and hyphens only."),
        ({"languages": []}, 422, "Choose at least one language."),
        ({"target": "role-999999"}, 422, "Not a valid choice"),
        ({"code": "taken"}, 409, "This code is taken."),
    ],
)
def test_refused_drafts_explain_and_store_nothing(
    app: Flask, world: World, session: Session, *, changes: dict[str, object], status: int,
    message: str,
) -> None:  # fmt: skip
    ivan = sign_in(app, "ivan")
    assert create(ivan, world, code="taken", badge="academy")[0] == 302
    fields = dict(changes)  # the parameters are shared by both backends' runs
    code = str(fields.pop("code", "fresh"))
    got, html = create(ivan, world, code=code, badge="academy", **fields)
    assert got == status
    assert message in html
    assert states(app, session, code) == ([(1, "draft", 0)] if code == "taken" else [])
    assert count(app, session, ValidationPath) == 1


def test_a_draft_with_only_a_german_title_is_kept_until_published(
    app: Flask, world: World, session: Session
) -> None:
    ivan = sign_in(app, "ivan")
    status, _html = create(ivan, world, code="de-only", badge="academy", title_en="")
    assert status == 302
    with app.app_context():
        path = session.scalars(select(ValidationPath).where(ValidationPath.code == "de-only")).one()
        assert (path.title, path.languages, path.scope) == ({"de": "Pfad de-only"}, ["en", "de"],
                                                           "role")  # fmt: skip
        session.rollback()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (requirement("U1.E1", "assessment", rubric="one: basics"), "Line 1: write each level as"),
        (requirement("U1.E1", "documentation", min_items="21"), "between 0 and 20"),
        (requirement("U1.E1", "certification"), "Not a valid choice"),
        (requirement("nope", "assessment"), "Not a valid choice"),
    ],
)
def test_refused_requirements_explain_and_store_nothing(
    app: Flask, world: World, session: Session, *, form: dict[str, object], message: str
) -> None:
    ivan = sign_in(app, "ivan")
    create(ivan, world, code="dev", badge="academy")
    status, html = add(ivan, path_id(app, session, "dev", 1), dict(form))
    assert status == 422
    assert message in html
    assert states(app, session, "dev") == [(1, "draft", 0)]
