"""Issuer admin pages for achievements: list, create, edit, archive (issue #4).

Thin views over :mod:`issuer.achievements`; access as in :mod:`issuer.web.admin`.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from badges.accounts import Role
from badges.context import current_clock
from badges.errors import DomainError
from badges.web.auth import role_required
from badges.web.database import db_session
from badges.web.errors import status_for
from badges.web.translate import _, _l
from issuer.achievements import (
    ACHIEVEMENT_TYPES,
    AchievementFields,
    alignments_of,
    archive_achievement,
    create_achievement,
    get_achievement,
    list_achievements,
    update_achievement,
)
from issuer.models import Achievement, Issuer
from issuer.web.admin_common import admin_issuer, attach_error, bp, upload


# Flask-WTF ships no types, so FlaskForm is Any (see the badges.web.forms override).
class AchievementForm(FlaskForm):
    """An achievement; alignments one per line as ``name | https://url``."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[DataRequired()])
    criteria_narrative = TextAreaField(_l("Criteria (Markdown)"), validators=[DataRequired()])
    achievement_type = SelectField(_l("Type"), choices=[], validate_choice=False)
    validity_days = IntegerField(
        _l("Valid for (days)"), validators=[Optional(), NumberRange(min=1, max=36500)]
    )
    language = StringField(_l("Language code"), validators=[Optional(), Length(max=16)])
    alignments = TextAreaField(_l("Competence framework links"), validators=[Optional()])
    allow_suspension = BooleanField(_l("Allow suspending these badges"))
    image = FileField(_l("Badge image (PNG or SVG, under 1 MB)"))


@bp.get("/<slug>/achievements/")
@role_required(Role.ISSUER_ADMIN)
def achievements(slug: str) -> ResponseReturnValue:
    """The issuer's achievements; archived ones on request."""
    issuer = admin_issuer(slug)
    archived = request.args.get("archived") == "1"
    items = list_achievements(db_session(), issuer.id, include_archived=archived)
    return render_template(
        "issuer/admin/achievements.html", issuer=issuer, achievements=items, archived=archived
    )


@bp.route("/<slug>/achievements/new", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def new_achievement(slug: str) -> ResponseReturnValue:
    """Create an achievement."""
    return _achievement_page(admin_issuer(slug), None)


@bp.route("/<slug>/achievements/<int:achievement_id>/edit", methods=["GET", "POST"])
@role_required(Role.ISSUER_ADMIN)
def edit_achievement(slug: str, achievement_id: int) -> ResponseReturnValue:
    """Change an achievement; credentials already issued keep what they say."""
    issuer = admin_issuer(slug)
    return _achievement_page(issuer, get_achievement(db_session(), issuer.id, achievement_id))


def _achievement_page(issuer: Issuer, achievement: Achievement | None) -> ResponseReturnValue:
    form = AchievementForm(obj=achievement)
    form.achievement_type.choices = [("", _("None")), *((t, t) for t in sorted(ACHIEVEMENT_TYPES))]
    if achievement is not None and not form.is_submitted():
        form.alignments.data = "\n".join(
            " | ".join(a.get(k, "") for k in ("targetName", "targetUrl")).strip()
            for a in alignments_of(achievement)
        )
    status = 200
    if form.validate_on_submit():
        try:
            saved = _save_achievement(issuer, achievement, form)
        except DomainError as err:
            attach_error(form, err)
            status = status_for(err)
        else:
            db_session().commit()
            flash(_("The achievement %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for(".achievements", slug=issuer.slug))
    elif form.is_submitted():
        status = 422
    return render_template(
        "issuer/admin/achievement_form.html", issuer=issuer, achievement=achievement, form=form
    ), status


def _save_achievement(issuer: Issuer, achievement: Achievement | None, form: Any) -> Achievement:
    values = AchievementFields(
        name=form.name.data or "",
        description=form.description.data or "",
        criteria_narrative=form.criteria_narrative.data or "",
        achievement_type=form.achievement_type.data or None,
        validity_days=form.validity_days.data,
        language=form.language.data or None,
        alignments=parse_alignments(form.alignments.data or ""),
        allow_suspension=bool(form.allow_suspension.data),
    )
    now, session, image = current_clock().now(), db_session(), upload(form.image)
    if achievement is None:
        return create_achievement(session, issuer.id, values, now=now, image=image)
    return update_achievement(session, issuer.id, achievement.id, values, now=now, image=image)


def parse_alignments(text: str) -> list[dict[str, str]]:
    """One alignment per line: ``name | https://url`` (framework and code may follow)."""
    keys = ("targetName", "targetUrl", "targetFramework", "targetCode")
    alignments = []
    for line in text.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|")]
            alignments.append(dict(zip(keys, parts, strict=False)))
    return alignments


@bp.post("/<slug>/achievements/<int:achievement_id>/archive")
@role_required(Role.ISSUER_ADMIN)
def archive(slug: str, achievement_id: int) -> ResponseReturnValue:
    """Archive an achievement (CSRF-checked POST)."""
    issuer = admin_issuer(slug)
    achievement = archive_achievement(
        db_session(), issuer.id, achievement_id, now=current_clock().now()
    )
    db_session().commit()
    flash(_("The achievement %(name)s was archived.", name=achievement.name), "success")
    return redirect(url_for(".achievements", slug=issuer.slug))
