"""Publishing or proposing an event, its follow-up (materials and report), and the filters of
the events list. The rules are the service's (forum.services.events_fields): the form gathers
what was typed, and each refusal is shown next to its field."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from forum import reference
from forum.forms import ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.languages import lazy_pgettext
from forum.models import EventKind
from forum.services.events_fields import EventFields

EVENT_KIND_LABELS = {
    EventKind.study_visit.value: _l("Study visit"),
    EventKind.workshop.value: _l("Training workshop"),
    EventKind.conference.value: _l("Conference or panel session"),
    EventKind.webinar.value: _l("Webinar"),
    EventKind.meeting.value: _l("Meeting"),
}
MATERIAL_ROWS = 5
_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class EventForm(ForumForm):
    kind = SelectField(_l("Kind of event"), validate_choice=False)
    title = StringField(_l("Title"))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown works. The programme, for whom, how to prepare."),
    )
    theme = SelectField(_l("Theme"), validate_choice=False)
    time_zone = StringField(
        _l("Time zone"),
        description=_l("Where the event happens, like Africa/Nouakchott or Asia/Kuala_Lumpur."),
    )
    starts = DateTimeLocalField(_l("Starts (local time)"), format=_FORMATS, validators=[Optional()])
    ends = DateTimeLocalField(_l("Ends (local time)"), format=_FORMATS, validators=[Optional()])
    registration_deadline = DateTimeLocalField(
        _l("Registration deadline (local time)"),
        format=_FORMATS,
        validators=[Optional()],
        description=_l("Optional. Registration closes at the start anyway."),
    )
    capacity = IntegerField(
        _l("Places"), validators=[Optional()], description=_l("Leave empty for no limit.")
    )
    city = StringField(_l("City"))
    country = SelectField(_l("Country"), validate_choice=False)
    venue = StringField(_l("Venue"))
    online_url = StringField(_l("Online link"), description=_l("For a webinar or a hybrid event."))
    organiser_institution = SelectField(_l("Organising institution"), validate_choice=False)
    organiser_text = StringField(
        _l("Organiser (if not in the directory)"), description=_l("Optional.")
    )
    languages = SelectMultipleField(_l("Languages"), validate_choice=False)
    submit = SubmitField(_l("Save the event"))

    def __init__(
        self, themes: Sequence, institutions: Sequence[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)
        self.kind.choices = choices(EVENT_KIND_LABELS.items(), blank=_l("Choose a kind"))
        self.theme.choices = choices(
            [(t.slug, t.display_name) for t in themes], blank=_l("The whole network")
        )
        self.country.choices = choices(reference.countries().items(), blank=_l("Online only"))
        self.organiser_institution.choices = choices(institutions, blank=_l("None of these"))
        self.languages.choices = choices(reference.languages().items())

    def fields(self) -> EventFields:
        return EventFields(
            kind=self.kind.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            theme=self.theme.data or "",
            starts=self.starts.data,
            ends=self.ends.data,
            time_zone=self.time_zone.data or "",
            city=self.city.data or "",
            country=self.country.data or "",
            venue=self.venue.data or "",
            online_url=self.online_url.data or "",
            organiser_institution=self.organiser_institution.data or "",
            organiser_text=self.organiser_text.data or "",
            languages=list(self.languages.data or []),
            capacity=self.capacity.data,
            registration_deadline=self.registration_deadline.data,
        )

    def start_from(self, fields: EventFields) -> None:
        for name, value in vars(fields).items():
            getattr(self, name).data = value

    def apply_service_error(self, error: object) -> None:
        if getattr(error, "field", None) == "organiser":
            error.field = "organiser_institution"  # type: ignore[attr-defined]
        super().apply_service_error(error)


class TimeZoneForm(ForumForm):
    time_zone = StringField(
        _l("My time zone"),
        description=_l("Event times are shown in it, like Europe/Paris. Empty: each event's own."),
    )
    submit = SubmitField(_l("Save my time zone"))


class FollowUpForm(ForumForm):
    """After the event: material links (rows of plain controls) and a short report."""

    report = TextAreaField(
        lazy_pgettext("what happened at an event, written after it", "Report"),
        description=_l("Markdown works. What was seen and learnt."),
    )
    submit = SubmitField(_l("Save materials and report"))
