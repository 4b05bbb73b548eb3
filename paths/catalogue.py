"""The catalogue participants choose from: published paths, filtered by role, language, issuer."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from paths.models import RoleUnit, ValidationPath, WorkRole


def catalogue(
    session: Session,
    *,
    role_code: str | None = None,
    language: str | None = None,
    issuer_id: int | None = None,
) -> list[ValidationPath]:
    """Published path versions, by code.

    ``role_code`` keeps the role's own paths and the paths for any of its units, so a
    participant aiming at a role also finds the unit badges on the way there.
    """
    query = select(ValidationPath).where(ValidationPath.state == "published")
    if issuer_id is not None:
        query = query.where(ValidationPath.issuer_id == issuer_id)
    if role_code is not None:
        roles = select(WorkRole.id).where(WorkRole.code == role_code)
        units = select(RoleUnit.unit_id).where(RoleUnit.role_id.in_(roles))
        query = query.where(
            or_(ValidationPath.role_id.in_(roles), ValidationPath.unit_id.in_(units))
        )
    paths = list(session.scalars(query.order_by(ValidationPath.code, ValidationPath.version)))
    if language is not None:
        # A JSON list column: filtered here, the catalogue is a few dozen rows.
        paths = [path for path in paths if language in path.languages]
    return paths
