"""The Resources pages' filters (a GET form: nothing changes, so no CSRF token) and the
moderator's reason for removing an attachment."""

from __future__ import annotations

from wtforms import SelectField, SubmitField
from wtforms.validators import Optional

from forum import languages, reference
from forum.forms import ForumForm, choices
from forum.forms.moderation import ReasonForm
from forum.languages import lazy_gettext as _l
from forum.models import FileKind
from forum.services.resource_library import LibraryFilter


class LibraryFilterForm(ForumForm):
    class Meta:
        csrf = False

    kind = SelectField(
        _l("Type"),
        choices=choices(
            ((kind.value, label) for kind, label in reference.FILE_KIND_LABELS.items()),
            blank=_l("Any type"),
        ),
        validators=[Optional()],
    )
    language = SelectField(
        _l("Language"),
        choices=choices(languages.LANGUAGES.items(), blank=_l("Any language")),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Show documents"))

    def chosen(self) -> LibraryFilter:
        """The filters asked for that we know; an unknown value is left out, and its field
        says so (validate() first)."""
        kind, language = self._accepted(self.kind), self._accepted(self.language)
        return LibraryFilter(FileKind(kind) if kind else None, language or None)

    @staticmethod
    def _accepted(field: SelectField) -> str | None:
        known = {choice.value for choice in field.choices if choice.value}
        return field.data if field.data in known and not field.errors else None


class RemoveAttachmentForm(ReasonForm):
    submit = SubmitField(_l("Remove the attachment"))
