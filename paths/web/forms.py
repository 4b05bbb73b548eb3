"""Flask-WTF forms of the participant's pages (each carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from badges.web.translate import _l
from paths.submissions import MAX_LINK, MAX_TEXT


class ActionForm(FlaskForm):
    """A button that changes something (enrol, withdraw, save): CSRF only."""


class EvidenceForm(FlaskForm):
    """One answer to a requirement: files, a link, a text, earlier evidence, a note.

    Lengths are checked by the domain, so its messages name the limit; the view shows only the
    fields of the kinds the requirement accepts.
    """

    files = MultipleFileField(_l("Files"))
    link = StringField(_l("Web address (link)"), validators=[Optional()])
    text = TextAreaField(_l("Written answer"), validators=[Optional()])
    reuse = SelectMultipleField(_l("Evidence you sent before"), coerce=int, choices=[])
    note = TextAreaField(
        _l("Note to the assessor (optional)"), validators=[Optional(), Length(max=MAX_TEXT)]
    )

    #: Longest link the domain accepts; the input uses it as ``maxlength``.
    max_link = MAX_LINK
