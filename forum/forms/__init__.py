"""WTForms classes per area; all derive from ForumForm (CSRF on, control characters refused)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, StringField

from forum.languages import lazy_gettext as _l

LARGEST_ID = 2**31 - 1  # ids are PostgreSQL integers: past this there is nothing to find


def database_id(text: str) -> int:
    """An id sent in a form or a query, for request.form.get(name, type=database_id): a
    ValueError (so None) for anything that cannot be an id, before it reaches the database."""
    number = int(text)
    if not 0 < number <= LARGEST_ID:
        raise ValueError(text)
    return number


# NUL and the C0 controls other than tab, newline and carriage return never belong in text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ForumForm(FlaskForm):
    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if _has_control_characters(field):
                field.errors = [
                    *field.errors,
                    _l("This field contains characters that are not allowed."),
                ]
                valid = False
        return valid

    @property
    def http_status(self) -> int:
        """422 for a submitted form that was not accepted, else 200."""
        refused = self.is_submitted() and (self.form_errors or any(f.errors for f in self))
        return 422 if refused else 200

    def apply_service_error(self, error: object) -> None:
        """Show a ServiceError next to the field it concerns (or at the form's top)."""
        field = getattr(self, getattr(error, "field", "") or "", None)
        message = getattr(error, "message", error)
        if isinstance(field, Field):
            field.errors = [*field.errors, message]
        else:
            self.form_errors.append(message)


class ActionForm(ForumForm):
    """A button that changes something: nothing to fill in, but CSRF-checked like any form."""


def choices(pairs: Iterable[tuple[str, object]], blank: object | None = None) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, optionally led by an empty choice."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def _has_control_characters(field: Field) -> bool:
    return isinstance(field, StringField) and bool(
        isinstance(field.data, str) and _CONTROL_CHARACTERS.search(field.data)
    )
