"""The assessor's pages: the review queue here, and the blueprint's other pages assembled.

The queue lists waiting submissions on the assessor's paths, oldest first, filtered and paged by
a cursor. One submission with its decision is :mod:`paths.web.assessor_submission`, evidence
files are :mod:`paths.web.assessor_evidence`; importing them here registers their routes on
``bp`` (:mod:`paths.web.assessor_common`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

import paths
from badges.accounts import Role
from badges.context import current_clock
from badges.web.auth import role_required
from badges.web.database import db_session
from paths.models import Element, Requirement, ValidationPath
from paths.web import assessor_evidence, assessor_submission
from paths.web.assessor_common import bp, signed_in_assessor

#: The page modules whose routes this blueprint serves (imported for their side effect).
PAGES = (assessor_submission, assessor_evidence)
#: Submissions per queue page.
PAGE_SIZE = 25
#: Longest "older than" filter, in days.
MAX_AGE_DAYS = 3650


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue page."""

    item: paths.QueueItem
    path: ValidationPath
    element: Element
    waiting_days: int


@bp.get("/review/")
@role_required(Role.ASSESSOR)
def queue() -> ResponseReturnValue:
    """Waiting submissions on the assessor's paths, oldest first, filtered and paged."""
    user = signed_in_assessor()
    session = db_session()
    now = current_clock().now()
    path_choices = _path_choices(user.id)
    element_choices = _element_choices([p.id for p in path_choices])
    path_id = request.args.get("path", type=int)
    element_id = request.args.get("element", type=int)
    days = request.args.get("older", type=int)
    path_id = path_id if path_id in {p.id for p in path_choices} else None
    element_id = element_id if element_id in {e.id for e in element_choices} else None
    days = days if days is not None and 0 < days <= MAX_AGE_DAYS else None
    items = paths.review_queue(
        session,
        user.id,
        path_id=path_id,
        element_id=element_id,
        older_than=now - timedelta(days=days) if days else None,
        limit=PAGE_SIZE + 1,
        after=_cursor(request.args.get("after", "")),
    )
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    path_ids = {i.path_id for i in items}
    element_ids = {i.element_id for i in items}
    found_paths = session.scalars(select(ValidationPath).where(ValidationPath.id.in_(path_ids)))
    path_rows = {p.id: p for p in found_paths}
    element_rows = {
        e.id: e for e in session.scalars(select(Element).where(Element.id.in_(element_ids)))
    }
    rows = [
        QueueRow(
            i, path_rows[i.path_id], element_rows[i.element_id], max(0, (now - i.submitted_at).days)
        )
        for i in items
    ]
    filters = {"path": path_id, "element": element_id, "older": days}
    next_url = None
    if more:
        at, last = items[-1].cursor
        args: dict[str, Any] = {k: v for k, v in filters.items() if v is not None}
        args["after"] = f"{at.isoformat()}_{last}"
        next_url = url_for(".queue", **args)
    return render_template(
        "paths_review/queue.html",
        rows=rows,
        path_choices=path_choices,
        element_choices=element_choices,
        filters=filters,
        next_url=next_url,
    )


def _cursor(value: str) -> tuple[datetime, int] | None:
    """The ``after`` cursor ``<ISO time>_<id>``; anything malformed means the first page."""
    at, _sep, last = value.rpartition("_")
    try:
        moment = datetime.fromisoformat(at)
        last_id = int(last)
    except ValueError:
        return None
    return (moment, last_id) if moment.tzinfo is not None else None


def _path_choices(user_id: int) -> list[ValidationPath]:
    codes = paths.assigned_path_codes(db_session(), user_id)
    return list(
        db_session().scalars(
            select(ValidationPath)
            .where(ValidationPath.code.in_(codes), ValidationPath.state != "draft")
            .order_by(ValidationPath.code, ValidationPath.version)
        )
    )


def _element_choices(path_ids: list[int]) -> list[Element]:
    if not path_ids:
        return []
    return list(
        db_session().scalars(
            select(Element)
            .where(
                Element.id.in_(
                    select(Requirement.element_id).where(Requirement.path_id.in_(path_ids))
                )
            )
            .order_by(Element.code, Element.id)
        )
    )


__all__ = ["bp"]
