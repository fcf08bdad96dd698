from __future__ import annotations

from wtforms import RadioField, SubmitField
from wtforms.validators import Optional

from forum.forms import ForumForm, choices
from forum.forms.profiles import CheckboxesField
from forum.languages import lazy_gettext as _l
from forum.mail import settings as mail_settings
from forum.models import NotificationKind

KIND_LABELS = {
    NotificationKind.reply_to_my_thread.value: _l("Replies to threads I started"),
    NotificationKind.reply_in_watched.value: _l("Replies in threads I watch"),
    NotificationKind.new_thread_watched.value: _l("New threads in boards I watch"),
    NotificationKind.mention.value: _l("Someone mentions me with @"),
    NotificationKind.question_in_expertise.value: _l("New questions in my expertise"),
    NotificationKind.answer_accepted.value: _l("My answer is accepted"),
    NotificationKind.helpful_votes.value: _l("Members find my replies helpful"),
    NotificationKind.expertise_verified.value: _l("My expertise is verified"),
    NotificationKind.expertise_revoked.value: _l("A verification of mine is revoked"),
    NotificationKind.moderation.value: _l("Moderators act on my content"),
    NotificationKind.event.value: _l("Events: new ones where I watch, and changes to mine"),
}
# what an unsubscribe link turns off, as its page names it
MAIL_KIND_LABELS = {**KIND_LABELS, "digest": _l("The digest of activity")}


def mail_field(kind: str) -> str:
    return f"mail_{kind}"


class SettingsForm(ForumForm):
    kinds = CheckboxesField(_l("Tell me when"), validators=[Optional()])
    digest_every = RadioField(
        _l("Send me a digest"),
        choices=choices(mail_settings.DIGEST_LABELS.items()),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save settings"))

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.kinds.choices = choices(KIND_LABELS.items())

    @property
    def mail_fields(self) -> list[RadioField]:
        return [getattr(self, mail_field(kind)) for kind in mail_settings.MAILABLE]

    def mail_choices(self) -> dict[str, str]:
        """The choices submitted (a form without them changes none)."""
        fields = {kind: getattr(self, mail_field(kind)) for kind in mail_settings.MAILABLE}
        return {kind: field.data for kind, field in fields.items() if field.raw_data}


# one labelled radio group per kind of notification that can be mailed
for _kind in mail_settings.MAILABLE:
    setattr(
        SettingsForm,
        mail_field(_kind),
        RadioField(
            KIND_LABELS[_kind],
            choices=choices(mail_settings.CHOICE_LABELS.items()),
            validators=[Optional()],
        ),
    )
