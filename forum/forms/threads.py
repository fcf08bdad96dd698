from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.forms import ForumForm
from forum.models import ThreadKind
from forum.services.posting import BODY_MAX, TITLE_MAX

KIND_LABELS = {
    ThreadKind.question: _l("Question"),
    ThreadKind.good_practice: _l("Good practice"),
    ThreadKind.discussion: _l("Discussion"),
}


def body_field(label: object) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Write something first.")),
            Length(max=BODY_MAX, message=_l("Keep posts under %(n)d characters.", n=BODY_MAX)),
        ],
        description=_l("Markdown works: **bold**, _italic_, lists, links, `code`, > quotes."),
    )


def title_field(*required: object) -> StringField:
    return StringField(
        _l("Title"),
        validators=[
            *required,
            Length(
                max=TITLE_MAX, message=_l("Keep the title under %(n)d characters.", n=TITLE_MAX)
            ),
        ],
    )


class NewThreadForm(ForumForm):
    kind = RadioField(
        _l("Kind of thread"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=ThreadKind.question.value,
        validators=[DataRequired()],
    )
    title = title_field(DataRequired(message=_l("Give your thread a title.")))
    body = body_field(_l("Message"))
    submit = SubmitField(_l("Post thread"))


class ReplyForm(ForumForm):
    body = body_field(_l("Your reply"))
    submit = SubmitField(_l("Post reply"))


class EditPostForm(ForumForm):
    title = title_field(Optional())
    body = body_field(_l("Message"))
    submit = SubmitField(_l("Save changes"))


class DeletePostForm(ForumForm):
    submit = SubmitField(_l("Delete post"))


class PreviewForm(ForumForm):
    body = TextAreaField(_l("Message"), validators=[Length(max=BODY_MAX)])
