from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup, escape
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Optional, ValidationError

from forum import languages
from forum.forms import ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.languages import lazy_pgettext
from forum.search.query import STATES, SearchQuery, parse

KIND_CHOICES = (
    ("question", _l("Questions")),
    ("good_practice", _l("Good practices")),
    ("discussion", _l("Discussions")),
)
SHOW_CHOICES = (
    ("answered", _l("Answered questions")),
    ("unanswered", _l("Unanswered questions")),
    ("expert", _l("Posts by verified experts")),
)
SORT_CHOICES = (("relevance", _l("Best match")), ("newest", _l("Newest")))
TYPE_CHOICES = (("threads", _l("Threads")), ("institutions", _l("Institutions")))
FILTERS = ("theme", "network", "kind", "show", "author", "after", "before")
FILTER_KEYS = (
    "theme:",
    "network:",
    "board:",
    "author:",
    "kind:",
    "is:answered",
    "is:unanswered",
    "is:expert",
    "before:",
    "after:",
)


class _FilterKeys:
    """The filter keys as typed, each in its own left-to-right <code>: inside an Arabic
    sentence a bare "network:" reads ":network". Separated by the reader's comma (the
    list is of choices, so neither "and" nor "or" fits)."""

    def __html__(self) -> Markup:
        comma = escape("، " if languages.current() == "ar" else ", ")
        return comma.join(Markup('<code dir="ltr">{}</code>').format(k) for k in FILTER_KEYS)

    def __str__(self) -> str:
        return ", ".join(FILTER_KEYS)


class AnyChoiceField(SelectField):
    """A choice that a link may leave out: missing or empty means any (a facet link or a
    shared ?q= names only what it narrows by). A value that is not one of the choices (an
    old bookmark, a typo in an address) is left out too, and the message says so."""

    refused = ""  # the unknown value sent, for the message

    def process_formdata(self, valuelist: list[str]) -> None:
        value = valuelist[0] if valuelist else ""
        self.data = value if value in {choice.value for choice in self.choices} else ""
        self.refused = value if value and not self.data else ""

    def pre_validate(self, form: object) -> None:
        if self.refused:
            raise ValidationError(
                _l(
                    "“%(value)s” is not one of these choices, so this filter was left out.",
                    value=escape(self.refused[:40]),
                )
            )


class SearchForm(ForumForm):
    """The search page: a GET form, nothing changes, so no CSRF token.

    Filters typed as words (theme:fire-safety) and chosen in the controls mean the same;
    what was typed wins, and the page shows it back in the controls.
    """

    class Meta:
        csrf = False

    q = StringField(
        _l("Search for"),
        # Translators: %(filters)s is the list of filter keys (theme:, network:, is:answered...),
        # shown as code and typed as they are; OR and the minus of -without are typed as is too
        description=_l(
            'Words, "an exact phrase", either OR other, -without. '
            "Filters: %(filters)s (dates as YYYY-MM-DD).",
            filters=_FilterKeys(),
        ),
    )
    theme = SelectField(_l("Theme"), validators=[Optional()])
    network = SelectField(_l("Network"), validators=[Optional()])
    kind = AnyChoiceField(_l("Kind"), choices=choices(KIND_CHOICES, blank=_l("Any kind")))
    show = AnyChoiceField(_l("Show"), choices=choices(SHOW_CHOICES, blank=_l("Everything")))
    author = StringField(_l("Author"), validators=[Optional()])
    after = DateField(_l("On or after"), validators=[Optional()])
    before = DateField(
        lazy_pgettext("posts written before a date", "Before"), validators=[Optional()]
    )
    sort = SelectField(_l("Sort by"), choices=choices(SORT_CHOICES), validators=[Optional()])
    type = AnyChoiceField(
        _l("Type of result"), choices=choices(TYPE_CHOICES, blank=_l("Threads and institutions"))
    )
    submit = SubmitField(_l("Search"))

    def __init__(self, themes, networks, **kwargs) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.theme.choices = choices(
            ((t.slug, t.display_name) for t in themes), blank=_l("Any theme")
        )
        self.network.choices = choices(
            ((n.slug, n.display_short_name) for n in networks), blank=_l("Any network")
        )

    @property
    def is_blank(self) -> bool:
        return not (self.q.raw_data and self.q.raw_data[0].strip()) and not any(
            self[name].raw_data and self[name].raw_data[0] for name in FILTERS
        )

    def to_query(self) -> SearchQuery:
        """The words parsed, with each filter they do not set taken from its control.

        Call after validate(): a control whose value was refused shows its error and is
        left out, the rest of the search still runs.
        """
        query = parse(self.q.data or "")

        def chosen(name: str) -> object | None:
            field = self[name]
            return None if field.errors or not field.data else field.data

        answered, expert = STATES.get(chosen("show") or "", (None, False))
        author = chosen("author")
        return replace(
            query,
            theme=query.theme or chosen("theme"),
            network=query.network or chosen("network"),
            kind=query.kind or chosen("kind"),
            author=query.author or (author.strip().lstrip("@").casefold() if author else None),
            answered=query.answered if query.answered is not None else answered,
            expert=query.expert or expert,
            after=query.after or chosen("after"),
            before=query.before or chosen("before"),
        )

    def show_query(self, query: SearchQuery) -> None:
        """Put the filters typed as words into the controls; those without one stay words."""
        both = query.answered is not None and query.expert
        kept = [f"board:{query.board}"] if query.board else []
        kept += ["is:expert"] if both else []
        self.q.data = " ".join([query.words(), *kept]).strip()
        self.theme.data = query.theme or ""
        self.network.data = query.network or ""
        self.kind.data = query.kind or ""
        self.author.data = query.author or ""
        self.after.data, self.before.data = query.after, query.before
        shown = (query.answered, False if both else query.expert)
        self.show.data = next((name for name, state in STATES.items() if state == shown), "")
