from __future__ import annotations

from flask import current_app
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum import reference
from forum.forms import ForumForm, choices
from forum.forms.topics import TopicsMixin
from forum.languages import LANGUAGES, lazy_pgettext
from forum.languages import lazy_gettext as _l
from forum.models import ThreadKind
from forum.services.attachments import chosen
from forum.services.posting import BODY_MAX, TITLE_MAX

KIND_LABELS = {
    ThreadKind.question: _l("Question"),
    ThreadKind.good_practice: _l("Good practice"),
    ThreadKind.discussion: _l("Discussion"),
}

# the thread lists' ?show= choices
SHOW_LABELS = {
    "question": _l("Questions"),
    "unanswered": lazy_pgettext("questions shown in a list", "Unanswered"),
    "answered": lazy_pgettext("questions shown in a list", "Answered"),
    "good_practice": _l("Good practices"),
    "discussion": _l("Discussions"),
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


def language_field() -> SelectField:
    return SelectField(
        _l("Language of the post"),
        choices=choices(LANGUAGES.items(), blank=_l("Recognise it from the text")),
        validators=[Optional()],
        description=_l("Search reads each post in its own language."),
    )


class AttachmentsMixin:
    """A composer's files, checked by the service (forum/services/attachments.py) by content,
    size and quota; the hint says this installation's limits."""

    files = MultipleFileField(
        _l("Attach files"),
        render_kw={
            "accept": ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.odt,application/pdf,image/png,"
            "image/jpeg,image/webp"
        },
    )

    def describe_files(self) -> None:
        config = current_app.config
        self.files.description = _l(
            "PDF, images (PNG, JPEG, WebP) or documents (DOCX, XLSX, ODT): up to %(n)d files "
            "of %(mb)d MB each. Photos are kept without their location and camera details.",
            n=config["UPLOADS_PER_POST"],
            mb=config["UPLOAD_MAX_MB"],
        )

    def files_sent_again(self) -> None:
        """Files were chosen but the post was not made (a preview, an error): a browser
        cannot keep them on the page that comes back, so say so."""
        if chosen(self.files.data):
            self.files.errors = [
                *self.files.errors,
                _l("Choose your files again before you post: they could not be kept."),
            ]


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


class PracticeFieldsMixin:
    """Where a good practice comes from, and which level of control it applies."""

    practice_country = SelectField(_l("Country where it was applied"), validators=[Optional()])
    practice_sector = SelectField(_l("Sector (ISIC)"), validators=[Optional()])
    practice_control = SelectField(
        _l("Level in the hierarchy of controls"),
        validators=[Optional()],
        description=_l(
            "Elimination is the most effective, personal protective equipment the least."
        ),
    )

    def set_practice_choices(self) -> None:
        self.practice_country.choices = choices(
            reference.countries().items(), blank=_l("Not given")
        )
        self.practice_sector.choices = choices(
            ((code, f"{code}. {name}") for code, name in reference.ISIC_SECTIONS.items()),
            blank=_l("Not given"),
        )
        self.practice_control.choices = choices(
            ((level.value, label) for level, label in reference.CONTROL_LABELS.items()),
            blank=_l("Not given"),
        )

    def practice(self) -> dict[str, str | None]:
        return {
            "country": self.practice_country.data or None,
            "sector": self.practice_sector.data or None,
            "control": self.practice_control.data or None,
        }


class NewThreadForm(AttachmentsMixin, PracticeFieldsMixin, TopicsMixin, ForumForm):
    kind = RadioField(
        _l("Kind of thread"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=ThreadKind.question.value,
        validators=[DataRequired()],
    )
    title = title_field(DataRequired(message=_l("Give your thread a title.")))
    body = body_field(_l("Message"))
    language = language_field()
    submit = SubmitField(_l("Post thread"))

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.set_practice_choices()
        self.describe_files()


class ReplyForm(AttachmentsMixin, ForumForm):
    body = body_field(_l("Your reply"))
    language = language_field()
    submit = SubmitField(_l("Post reply"))

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.describe_files()


class EditPostForm(AttachmentsMixin, TopicsMixin, ForumForm):
    title = title_field(Optional())
    body = body_field(_l("Message"))
    language = language_field()
    submit = SubmitField(_l("Save changes"))

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.describe_files()


class DeletePostForm(ForumForm):
    submit = SubmitField(_l("Delete post"))


class PreviewForm(ForumForm):
    body = TextAreaField(_l("Message"), validators=[Length(max=BODY_MAX)])


class PracticeFilterForm(PracticeFieldsMixin, ForumForm):
    """The board's good-practice filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("Filter"))

    def __init__(self, formdata, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(formdata=formdata, **kwargs)
        self.set_practice_choices()


def _board_id(value: object) -> int | None:
    """The board select's value: None for its empty first choice."""
    return int(value) if value not in (None, "") else None


class AskForm(NewThreadForm):
    """The "Ask a question" composer: a new thread, with the board chosen in it."""

    board = SelectField(
        _l("Network and theme"),
        coerce=_board_id,
        validators=[DataRequired(message=_l("Choose the network and theme to ask in."))],
        description=_l("Your question goes to that network's board for the theme."),
    )

    def __init__(self, boards, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().__init__(**kwargs)
        self.board.choices = [SelectChoice("", _l("Choose a network and theme"))] + [
            SelectChoice(board.id, _in_network(board), optgroup=board.network.display_name)
            for board in boards
        ]


def _in_network(board) -> object:  # noqa: ANN001
    """The option's text: a closed select shows no group, so the network is named in it."""
    return _l(
        "%(board)s in %(network)s", board=board.name, network=board.network.display_short_name
    )
