from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from forum import reference
from forum.forms import ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.services.experts import NOTE_MAX


class VerifyForm(ForumForm):
    theme = SelectField(_l("Theme"), coerce=int, validators=[DataRequired()])
    network = SelectField(_l("Verified by the network"), coerce=int, validators=[DataRequired()])
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("Why, for the record. For example: NIOSH Malaysia confined spaces trainer."),
    )
    unclaimed_ok = BooleanField(_l("Verify even though it is not claimed"))
    submit = SubmitField(_l("Verify expertise"))

    def __init__(self, themes, networks, **kwargs) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.theme.choices = choices((t.id, t.display_name) for t in themes)
        self.network.choices = choices((n.id, n.short_name) for n in networks)
        self.network_ids = {n.id for n in networks}


class DirectoryForm(ForumForm):
    """The expert directory's filters: a GET form, nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or institution"), validators=[Optional(), Length(max=100)])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    network = SelectField(_l("Network"), validators=[Optional()])
    verified = BooleanField(_l("Verified experts only"))
    # an institution's slug, from its page or the directory's cards: shown, not typed
    institution = HiddenField(validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Find experts"))

    def __init__(self, themes, networks, **kwargs) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.theme.choices = choices(
            ((t.slug, t.display_name) for t in themes), blank=_l("Any theme")
        )
        self.network.choices = choices(
            ((n.slug, n.display_short_name) for n in networks), blank=_l("Any network")
        )
        self.country.choices = choices(reference.countries().items(), blank=_l("Any country"))
