"""The institution directory's filters: a GET form, nothing changes, so no CSRF token."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flask_babel import format_number
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from forum import reference
from forum.forms import ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.models import Network, Theme

Q_MAX = 100


class InstitutionDirectoryForm(ForumForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or acronym"), validators=[Optional(), Length(max=Q_MAX)])
    country = SelectField(_l("Country"), validators=[Optional()])
    kind = SelectField(_l("Type"), validators=[Optional()])
    network = SelectField(_l("Network"), validators=[Optional()])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    capacity = SelectField(_l("Capacity"), validators=[Optional()])
    submit = SubmitField(_l("Find institutions"))

    def __init__(self, themes: Sequence[Theme], networks: Sequence[Network], **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.country.choices = choices(reference.countries().items(), blank=_l("Any country"))
        self.kind.choices = choices(
            ((k.value, label) for k, label in reference.INSTITUTION_KIND_LABELS.items()),
            blank=_l("Any type"),
        )
        self.network.choices = choices(
            ((n.slug, n.display_short_name) for n in networks), blank=_l("Any network")
        )
        self.theme.choices = choices(
            ((t.slug, t.display_name) for t in themes), blank=_l("Any theme")
        )
        self.capacity.choices = choices(
            ((k.value, label) for k, label in reference.CAPACITY_KIND_LABELS.items()),
            blank=_l("Any capacity"),
        )

    def accepted(self, name: str) -> str | None:
        """A filter's value if it is one we know, else None (its error says why)."""
        field = self[name]
        # Optional() passes a blank ' ' without an error: only a listed choice is a filter
        known = {choice.value for choice in field.choices if choice.value}
        return field.data if field.data in known and not field.errors else None

    def show_counts(self, counts: dict[str, dict[str, int]], keys: dict[str, dict]) -> None:
        """Each option labelled with how many institutions it would find, given the other
        filters; countries only where there are some (and the chosen one)."""
        for name, by_value in counts.items():
            field = self[name]
            kept = []
            for choice in field.choices:
                if not choice.value:
                    kept.append(choice)
                    continue
                number = by_value.get(keys.get(name, {}).get(choice.value, choice.value), 0)
                if name == "country" and not number and choice.value != field.data:
                    continue
                # plain text, escaped when rendered: names are not trusted markup
                label = f"{choice.label} ({format_number(number)})"
                kept.append(replace(choice, label=label))
            field.choices = kept
