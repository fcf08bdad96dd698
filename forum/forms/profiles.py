from __future__ import annotations

from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum import reference
from forum.forms import ForumForm, choices
from forum.languages import LANGUAGES
from forum.languages import lazy_gettext as _l
from forum.services.profiles import BIO_MAX, DISPLAY_NAME_MAX, INSTITUTION_MAX


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(ForumForm):
    display_name = StringField(
        _l("Display name"),
        validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
        description=_l("Your full name as colleagues know it. Optional."),
    )
    institution = StringField(
        _l("Institution"),
        validators=[Optional(), Length(max=INSTITUTION_MAX)],
        description=_l("For example: National Institute of Occupational Safety and Health."),
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    locale = SelectField(
        _l("Language of the forum's pages"),
        choices=choices(LANGUAGES.items(), blank=_l("The one my browser asks for")),
        validators=[Optional()],
    )
    languages = SelectMultipleField(
        _l("Languages spoken"),
        validators=[Optional()],
        description=_l("Hold Ctrl (or Cmd) to choose several."),
    )
    networks = CheckboxesField(_l("Networks you belong to"), coerce=int, validators=[Optional()])
    expertise = CheckboxesField(
        _l("Themes you have expertise in"),
        coerce=int,
        validators=[Optional()],
        description=_l("Moderators can verify your expertise; until then it shows as claimed."),
    )
    bio = TextAreaField(
        _l("About you"),
        validators=[
            Optional(),
            Length(max=BIO_MAX, message=_l("Keep your bio under %(n)d characters.", n=BIO_MAX)),
        ],
        description=_l("Markdown works. Your experience, training and field of work."),
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(self, networks, themes, **kwargs) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.country.choices = choices(reference.countries().items(), blank=_l("Not given"))
        self.languages.choices = choices(reference.languages().items())
        self.networks.choices = choices((n.id, n.display_name) for n in networks)
        self.expertise.choices = choices((t.id, t.display_name) for t in themes)


class LanguageForm(ForumForm):
    """The footer's switcher: one button per language, each named in its own language."""

    language = SelectField(_l("Language"), choices=choices(LANGUAGES.items()))
    next = HiddenField()
