"""The composer's topics: the concepts its text names, as checkboxes the author confirms."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from forum import vocabulary
from forum.forms import ForumForm
from forum.languages import LANGUAGES
from forum.languages import lazy_gettext as _l
from forum.models.topics import CONCEPT_ID_MAX, LABEL_MAX, NOTE_MAX
from forum.services import topics


@dataclass(frozen=True)
class TopicOption:
    id: str
    label: str  # in the reader's language
    checked: bool


class TopicsMixin:
    """Checked ids are checked by the service (forum/services/topics.py), not here: an id the
    vocabulary does not know is refused there with a message, like any other bad value."""

    topics = SelectMultipleField(
        _l("Topics"),
        validate_choice=False,
        description=_l(
            "Topics the text names. Tick the ones your thread is about: it is listed on their "
            "topic pages."
        ),
    )
    topics_shown = HiddenField()  # "1": the composer showed its topics, so they are chosen

    def chosen_topics(self) -> list[str] | None:
        """What the author ticked; None when the form showed no topics (keep them)."""
        return list(self.topics.data or []) if self.topics_shown.data else None

    def topic_options(self, text: str, language: str) -> list[TopicOption]:
        """The ticked topics the vocabulary knows, then those the text names."""
        concepts = vocabulary.load().concepts
        ticked = [cid for cid in dict.fromkeys(self.topics.data or []) if cid in concepts]
        offered = [concepts[cid] for cid in ticked] + [
            concept for concept in topics.suggested(text) if concept.id not in ticked
        ]
        return [
            TopicOption(concept.id, concept.label(language), concept.id in ticked)
            for concept in offered
        ]


class ProposalForm(ForumForm):
    """A moderator's proposal for the vocabulary (forum/services/label_proposals.py checks it)."""

    concept = StringField(
        _l("Concept id"),
        validators=[Optional(), Length(max=CONCEPT_ID_MAX)],
        description=_l("The id from the concept's topic page; leave empty for a new concept."),
    )
    language = SelectField(
        _l("Language of the label"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
    )
    label = StringField(_l("Label"), validators=[Optional(), Length(max=LABEL_MAX)])
    kind = SelectField(
        _l("Kind of label"),
        default="alt",
        choices=[
            SelectChoice("alt", _l("Another name (alternative)")),
            SelectChoice("pref", _l("Preferred name")),
            SelectChoice("acronyms", _l("Acronym")),
        ],
    )
    note = TextAreaField(
        _l("Note for the reviewer"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("For a new concept: what it is, and where it belongs."),
    )
    query = HiddenField()
    submit = SubmitField(_l("Propose"))
