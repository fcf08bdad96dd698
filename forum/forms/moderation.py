from __future__ import annotations

from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum.forms import ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.models import ReportReason
from forum.services.admin import DESCRIPTION_MAX, NAME_MAX
from forum.services.moderation import REASON_MAX

REPORT_REASONS = {
    ReportReason.unsafe_advice: _l("Unsafe advice: following it could hurt someone"),
    ReportReason.spam: _l("Spam or advertising"),
    ReportReason.off_topic: _l("Off-topic"),
    ReportReason.abusive: _l("Abusive or harassing"),
    ReportReason.other: _l("Something else"),
}


def reason_field(label: object, *required: object) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            *required,
            Length(max=REASON_MAX, message=_l("Keep it under %(n)d characters.", n=REASON_MAX)),
        ],
    )


class ReasonForm(ForumForm):
    """Hide a post or delete a thread: the member and the audit log see the reason."""

    reason = reason_field(_l("Reason"), DataRequired(message=_l("Give a reason.")))
    submit = SubmitField(_l("Confirm"))


class ReportForm(ForumForm):
    reason = RadioField(
        _l("What is wrong with this post?"),
        choices=choices((reason.value, label) for reason, label in REPORT_REASONS.items()),
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    details = reason_field(_l("Details for the moderators"), Optional())
    submit = SubmitField(_l("Send report"))


class MoveForm(ForumForm):
    board = SelectField(_l("Move to board"), coerce=int, validators=[DataRequired()])
    reason = reason_field(_l("Reason (optional)"), Optional())
    submit = SubmitField(_l("Move thread"))

    def __init__(self, boards, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(**kwargs)
        self.board.choices = choices(
            (b.id, f"{b.network.display_short_name} · {b.name}") for b in boards
        )


class SuspendForm(ForumForm):
    username = StringField(_l("Member's username"), validators=[DataRequired(), Length(max=32)])
    ends_on = DateField(
        _l("Suspended until"),
        validators=[DataRequired(message=_l("Choose the day the suspension ends."))],
    )
    reason = reason_field(
        _l("Reason, shown to the member"), DataRequired(message=_l("Give a reason."))
    )
    submit = SubmitField(_l("Suspend"))


class BanForm(ForumForm):
    username = StringField(_l("Member's username"), validators=[DataRequired(), Length(max=32)])
    ends_on = DateField(
        _l("Banned until"),
        validators=[Optional()],
        description=_l("Leave empty to ban until an administrator lifts it."),
    )
    reason = reason_field(
        _l("Reason, shown to the member"), DataRequired(message=_l("Give a reason."))
    )
    submit = SubmitField(_l("Ban from the forum"))


class BoardFieldsMixin:
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=NAME_MAX)],
        description=_l("Leave empty to use the theme's name."),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )


class BoardForm(BoardFieldsMixin, ForumForm):
    position = IntegerField(
        _l("Position"),
        validators=[InputRequired(), NumberRange(min=0, max=1000)],
        description=_l("Boards are listed by position, lowest first."),
    )
    submit = SubmitField(_l("Save board"))


class NewBoardForm(BoardFieldsMixin, ForumForm):
    theme = SelectField(_l("Theme"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Create board"))

    def __init__(self, themes, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(**kwargs)
        self.theme.choices = choices((t.id, t.display_name) for t in themes)


class NetworkForm(ForumForm):
    slug = StringField(
        _l("Address"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Lowercase letters, digits and dashes, like asean-oshnet."),
    )
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    create_network = SubmitField(_l("Create network"))


class ModeratorForm(ForumForm):
    username = StringField(_l("Member's username"), validators=[DataRequired(), Length(max=32)])
    network = SelectField(_l("Network"), validators=[DataRequired()])
    make_moderator = SubmitField(_l("Make moderator"))

    def __init__(self, networks, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(**kwargs)
        self.network.choices = choices((n.slug, n.short_name) for n in networks)
