"""Flask-WTF forms of the framework and path editors (each carries a CSRF token).

The new-draft form asks for the framework version, scope and role or unit in one grouped choice
(``role-12``, ``unit-5``), and for the issuer and its badge in another, so that a browser without
scripts cannot send one framework version's role with another version, or one issuer's badge
under another issuer. The domain checks the whole path again when it is published.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    Field,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from badges.errors import N_
from badges.web.i18n import LANGUAGES as LANGUAGE_NAMES
from badges.web.translate import _, _l
from paths.languages import LANGUAGES
from paths.path_versions import EVIDENCE_KINDS, METHODS, STAGES
from paths.web.labels import KIND_LABELS, METHOD_LABELS, STAGE_LABELS

#: What a path code may be (as in the paths JSON format): it appears in URLs and credentials.
PATH_CODE = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_TITLE = 200
MAX_TEXT = 4000
#: A rubric of more levels than this is a list, not a scale.
MAX_RUBRIC_LEVELS = 10
#: The domain's range for ``min_items`` (:func:`paths.check_path`).
MAX_ITEMS = 20
RUBRIC_LINE = re.compile(r"^\s*(\d{1,2})\s*:\s*(\S.*?)\s*$")
TARGET = re.compile(r"^(role|unit)-(\d+)$")
#: Labels of the per-language fields, filled with the language's own name when shown.
TITLE = N_("Title (%(language)s)")
DESCRIPTION = N_("Description (%(language)s)")
INSTRUCTIONS = N_("Instructions to the participant (%(language)s)")


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (the templates render them inside one fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FrameworkUploadForm(FlaskForm):
    """A framework version as a JSON or CSV file (the format follows the file's extension)."""

    file = FileField(_l("Framework file (.json or .csv)"), validators=[FileRequired()])


class ActionForm(FlaskForm):
    """A button that changes something (publish, retire, remove a requirement): CSRF only."""


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _title(language: str) -> StringField:
    label = _l(TITLE, language=LANGUAGE_NAMES[language])
    return StringField(label, validators=[Optional(), Length(max=MAX_TITLE)], filters=[_strip])


def _text(label: str, language: str) -> TextAreaField:
    return TextAreaField(
        _l(label, language=LANGUAGE_NAMES[language]),
        validators=[Optional(), Length(max=MAX_TEXT)],
        filters=[_strip],
    )


class NewDraftForm(FlaskForm):
    """A new validation path: version 1 of a code nobody uses yet."""

    code = StringField(
        _l("Code (lower-case letters, digits and hyphens)"),
        validators=[
            DataRequired(),
            Regexp(PATH_CODE, message=_l("Use lower-case letters, digits and hyphens only.")),
        ],
        filters=[_strip],
    )
    title_en = _title("en")
    title_de = _title("de")
    title_bg = _title("bg")
    title_ro = _title("ro")
    description_en = _text(DESCRIPTION, "en")
    description_de = _text(DESCRIPTION, "de")
    description_bg = _text(DESCRIPTION, "bg")
    description_ro = _text(DESCRIPTION, "ro")
    languages = CheckboxesField(
        _l("Languages the path is offered in"),
        choices=[],
        default=["en"],
    )
    target = SelectField(_l("Framework version, and the role or unit it validates"), choices=[])
    achievement_id = SelectField(
        _l("Badge awarded on completion (by issuer)"), coerce=int, choices=[]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices set on the bound field: WTForms 3.3 deprecates tuples given to the class.
        self.languages.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]

    def validate_languages(self, field: Field) -> None:
        """At least one (a method, so that no checkbox gets the ``required`` attribute)."""
        if not field.data:
            raise ValidationError(_("Choose at least one language."))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Also ask for a title in at least one language; publishing asks for the English one."""
        valid: bool = super().validate(extra_validators)
        if not texts_of(self, "title"):
            message = _("Give a title in at least one language.")
            self.title_en.errors = [*self.title_en.errors, message]
            return False
        return valid


class RequirementForm(FlaskForm):
    """One more requirement of a draft path."""

    element_id = SelectField(_l("Competence (element)"), coerce=int, choices=[])
    stage = SelectField(_l("Stage"), choices=[])
    evidence_kinds = CheckboxesField(_l("Evidence accepted"), choices=[])
    min_items = IntegerField(
        _l("Minimum number of items"),
        default=1,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_ITEMS)],
    )
    approvals_needed = SelectField(_l("Approvals needed"), coerce=int, choices=[])
    method = SelectField(_l("Assessment method"), choices=[])
    rubric = TextAreaField(
        _l("Rubric levels, one per line in English"),
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    instructions_en = _text(INSTRUCTIONS, "en")
    instructions_de = _text(INSTRUCTIONS, "de")
    instructions_bg = _text(INSTRUCTIONS, "bg")
    instructions_ro = _text(INSTRUCTIONS, "ro")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices set on the bound fields: WTForms 3.3 deprecates tuples given to the class.
        self.stage.choices = [(s, str(STAGE_LABELS[s])) for s in STAGES]
        self.evidence_kinds.choices = [(k, str(KIND_LABELS[k])) for k in EVIDENCE_KINDS]
        self.approvals_needed.choices = [(1, _("1 assessor")), (2, _("2 different assessors"))]
        self.method.choices = [
            ("", _("None (not an assessment)")),
            *((m, str(METHOD_LABELS[m])) for m in METHODS),
        ]

    def validate_rubric(self, field: Field) -> None:
        """Each line reads ``level: description``; the numbering is checked on publishing."""
        parse_rubric(field.data or "")


def texts_of(form: FlaskForm, prefix: str) -> dict[str, str]:
    """The non-empty ``{language: text}`` of the fields ``<prefix>_<language>``."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        value = getattr(form, f"{prefix}_{language}").data
        if isinstance(value, str) and value:
            found[language] = value
    return found


def parse_rubric(text: str) -> list[dict[str, Any]]:
    """Rubric lines such as ``1: Can explain the basics`` as the domain's levels.

    Raises:
        ValidationError: a line does not read ``level: description``, or there are too many.
    """
    levels: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = RUBRIC_LINE.match(line)
        if match is None:
            raise ValidationError(
                _(
                    'Line %(line)s: write each level as "number: description", '
                    'for example "1: Can explain the basics".',
                    line=number,
                )
            )
        levels.append({"level": int(match.group(1)), "title": {"en": match.group(2)}})
    if len(levels) > MAX_RUBRIC_LEVELS:
        raise ValidationError(_("A rubric has at most %(count)s levels.", count=MAX_RUBRIC_LEVELS))
    return levels


def parse_target(value: str) -> tuple[str, int]:
    """``role-12`` as ``("role", 12)``; the form's choices have already vouched for ``value``."""
    match = TARGET.match(value)
    if match is None:  # pragma: no cover - SelectField refuses values outside its choices
        raise ValueError(value)
    return match.group(1), int(match.group(2))
