"""Which issuers and path versions an editor may touch, and what the editor's forms offer.

Platform admins edit every path; issuer admins edit the paths of the issuers whose organisation
they administer (the rule of the cohort overview in :mod:`paths.web.maps`). Anybody else's path
answers 404 exactly like a missing one, so nobody can probe which paths exist. No Flask here:
the views pass the signed-in user and the reader's locale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from badges.accounts import Membership, Role, User
from issuer import Achievement, Issuer
from paths.framework_store import list_frameworks
from paths.languages import pick_text
from paths.models import Element, Enrolment, ValidationPath
from paths.path_errors import PathNotFound
from paths.path_versions import get_path, scope_element_ids

T = TypeVar("T")
#: ``{group label: [(value, label), ...]}``: WTForms renders each group as an ``<optgroup>``.
Grouped = dict[str, list[tuple[T, str]]]


def administered_issuers(session: Session, user: User) -> list[Issuer]:
    """Every issuer for a platform admin; else those of the organisations the user administers."""
    query = select(Issuer).order_by(Issuer.name, Issuer.id)
    if not user.has_role(Role.PLATFORM_ADMIN):
        query = query.join(Membership, Membership.organisation_id == Issuer.organisation_id).where(
            Membership.user_id == user.id, Membership.role == Role.ISSUER_ADMIN
        )
    return list(session.scalars(query))


def editable_path(session: Session, user: User, path_id: int) -> ValidationPath:
    """The path version ``path_id`` if ``user`` may edit it.

    Raises:
        PathNotFound: there is none, or it belongs to an issuer the user does not administer.
    """
    path = get_path(session, path_id)
    if path.issuer_id not in {issuer.id for issuer in administered_issuers(session, user)}:
        raise PathNotFound
    return path


def editable_paths(session: Session, user: User) -> list[ValidationPath]:
    """The path versions the user may edit, by code, newest version first."""
    issuer_ids = [issuer.id for issuer in administered_issuers(session, user)]
    return list(
        session.scalars(
            select(ValidationPath)
            .where(ValidationPath.issuer_id.in_(issuer_ids))
            .order_by(ValidationPath.code, ValidationPath.version.desc())
        )
    )


def enrolment_counts(session: Session, path_ids: Iterable[int]) -> dict[int, int]:
    """How many enrolments (of any state) each path version has; absent means none."""
    ids = list(path_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Enrolment.path_id, func.count())
        .where(Enrolment.path_id.in_(ids))
        .group_by(Enrolment.path_id)
    )
    return dict(rows.all())


def code_in_use(session: Session, code: str) -> bool:
    """Whether any version of any issuer's path already has this code."""
    found = session.scalar(select(ValidationPath.id).where(ValidationPath.code == code).limit(1))
    return found is not None


def draft_of(session: Session, code: str) -> ValidationPath | None:
    """The draft of path ``code``, if somebody is editing one."""
    return session.scalar(
        select(ValidationPath).where(ValidationPath.code == code, ValidationPath.state == "draft")
    )


def target_choices(session: Session, locale: str, *, role: str, unit: str) -> Grouped[str]:
    """Each framework version's roles and units, as ``role-<id>`` / ``unit-<id>`` choices.

    ``role`` and ``unit`` are the words that start each label, in the reader's language.
    """
    choices: Grouped[str] = {}
    for framework in list_frameworks(session):
        group = f"{pick_text(framework.title, locale)} ({framework.code} {framework.version})"
        choices[group] = [
            (f"role-{r.id}", f"{role} {r.code} · {pick_text(r.title, locale)}")
            for r in framework.roles
        ] + [
            (f"unit-{u.id}", f"{unit} {u.code} · {pick_text(u.title, locale)}")
            for u in framework.units
        ]
    return choices


def badge_choices(session: Session, issuers: Iterable[Issuer]) -> Grouped[int]:
    """The achievements (not archived) of each issuer the editor administers."""
    names = {issuer.id: f"{issuer.name} ({issuer.slug})" for issuer in issuers}
    choices: Grouped[int] = {name: [] for name in names.values()}
    for achievement in session.scalars(
        select(Achievement)
        .where(Achievement.issuer_id.in_(list(names)), Achievement.archived_at.is_(None))
        .order_by(Achievement.name, Achievement.id)
    ):
        choices[names[achievement.issuer_id]].append((achievement.id, achievement.name))
    return {name: badges for name, badges in choices.items() if badges}


def element_choices(session: Session, path: ValidationPath, locale: str) -> list[tuple[int, str]]:
    """The competences inside the path's role or unit, in framework order."""
    ids = scope_element_ids(session, path)
    elements = {e.id: e for e in session.scalars(select(Element).where(Element.id.in_(ids)))}
    return [(i, f"{elements[i].code} · {pick_text(elements[i].title, locale)}") for i in ids]
