"""The API tokens page's form."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from forum.forms import ForumForm
from forum.languages import lazy_gettext as _l
from forum.services.api_tokens import NAME_LENGTH


class NewTokenForm(ForumForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=NAME_LENGTH)],
        description=_l("What will use it, e.g. “Institute website”."),
    )
    write = BooleanField(
        _l("May also write (post, edit, vote, accept answers, watch)"),
        description=_l("Leave unticked for a token that may only read."),
    )
