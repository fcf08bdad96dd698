"""What an event form (or any other way in) gives, and the rules it must meet: one message
for each thing refused, named by the field it concerns (ServiceError.field).

Times are typed as wall-clock times in the event's own zone; they are stored as naive UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from forum import markup, reference
from forum.languages import lazy_gettext as _l
from forum.models import EventKind
from forum.models._time import utcnow
from forum.services import ServiceError

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
PLACE_MAX = 120
VENUE_MAX = 200
URL_MAX = 500
ORGANISER_MAX = 200
CAPACITY_MAX = 100_000
LANGUAGES_MAX = 10
WEB_ADDRESS = re.compile(r"^https?://[^\s/<>\"]+\.[^\s<>\"]+$", re.IGNORECASE)


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zone(name: str) -> bool:
    return name in time_zones()


@dataclass
class EventFields:
    kind: str = ""
    title: str = ""
    description: str = ""
    theme: str = ""  # a theme's slug, or "" for the whole network
    starts: datetime | None = None  # wall-clock, in time_zone
    ends: datetime | None = None
    time_zone: str = ""
    city: str = ""
    country: str = ""
    venue: str = ""
    online_url: str = ""
    organiser_institution: str = ""  # an institution's slug
    organiser_text: str = ""
    languages: list[str] = field(default_factory=list)
    capacity: int | None = None
    registration_deadline: datetime | None = None  # wall-clock, in time_zone


@dataclass(frozen=True)
class CheckedEvent:
    """Fields that passed every rule: times in naive UTC, the description rendered."""

    fields: EventFields
    starts_at: datetime
    ends_at: datetime
    deadline_at: datetime | None
    description_html: str


def to_utc(wall_clock: datetime, zone: str) -> datetime:
    aware = wall_clock.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


YEARS_AHEAD = 10


def _moment(wall_clock: datetime, zone: str, field: str) -> datetime:
    """A time as written in the event's zone, in UTC: refused when it is too far off to be
    meant, or when that zone's clocks skip it (the hour a summer time begins)."""
    last_year = utcnow().year + YEARS_AHEAD
    if not 2000 <= wall_clock.year <= last_year:
        raise ServiceError(_l("Choose a date from 2000 to %(year)d.", year=last_year), field)
    moment = to_utc(wall_clock, zone)
    if from_utc(moment, zone).replace(tzinfo=None) != wall_clock:
        raise ServiceError(
            _l(
                "%(time)s does not exist in %(zone)s: the clocks go forward then. Choose "
                "another time.",
                time=wall_clock.strftime("%H:%M"),
                zone=zone,
            ),
            field,
        )
    return moment


def from_utc(moment: datetime, zone: str) -> datetime:
    """The aware time in that zone of a stored naive-UTC moment."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))


def cleaned(fields: EventFields) -> EventFields:
    strip = str.strip
    return EventFields(
        kind=strip(fields.kind),
        title=" ".join(fields.title.split()),
        description=fields.description.strip(),
        theme=strip(fields.theme),
        starts=fields.starts,
        ends=fields.ends,
        time_zone=strip(fields.time_zone),
        city=strip(fields.city),
        country=strip(fields.country).upper(),
        venue=strip(fields.venue),
        online_url=strip(fields.online_url),
        organiser_institution=strip(fields.organiser_institution),
        organiser_text=strip(fields.organiser_text),
        languages=sorted({code.strip().lower() for code in fields.languages if code.strip()}),
        capacity=fields.capacity,
        registration_deadline=fields.registration_deadline,
    )


def checked(fields: EventFields) -> CheckedEvent:
    """The first rule broken is raised as a ServiceError naming its field."""
    _check_words(fields)
    _check_place(fields)
    if not fields.time_zone:
        raise ServiceError(_l("Choose the time zone the event happens in."), "time_zone")
    if not known_zone(fields.time_zone):
        raise ServiceError(
            _l(
                "Unknown time zone %(zone)s: use a name like Africa/Nouakchott or "
                "Asia/Kuala_Lumpur.",
                zone=fields.time_zone,
            ),
            "time_zone",
        )
    if fields.starts is None:
        raise ServiceError(_l("Give the date and time the event starts."), "starts")
    if fields.ends is None:
        raise ServiceError(_l("Give the date and time the event ends."), "ends")
    starts_at = _moment(fields.starts, fields.time_zone, "starts")
    ends_at = _moment(fields.ends, fields.time_zone, "ends")
    if ends_at <= starts_at:
        raise ServiceError(_l("The event must end after it starts."), "ends")
    deadline_at = None
    if fields.registration_deadline is not None:
        deadline_at = _moment(
            fields.registration_deadline, fields.time_zone, "registration_deadline"
        )
        if deadline_at > starts_at:
            raise ServiceError(
                _l("The registration deadline must be before the event starts."),
                "registration_deadline",
            )
    if fields.capacity is not None and not 0 < fields.capacity <= CAPACITY_MAX:
        raise ServiceError(
            _l(
                "The number of places must be between 1 and %(n)d; leave it empty for no limit.",
                n=CAPACITY_MAX,
            ),
            "capacity",
        )
    try:
        html = markup.render(fields.description) if fields.description else ""
    except markup.TooComplex as error:
        raise ServiceError(error.message, "description") from None
    return CheckedEvent(fields, starts_at, ends_at, deadline_at, html)


def _check_words(fields: EventFields) -> None:
    if fields.kind not in EventKind.__members__:
        raise ServiceError(_l("Choose what kind of event it is."), "kind")
    if not fields.title:
        raise ServiceError(_l("Give the event a title."), "title")
    if len(fields.title) > TITLE_MAX:
        raise ServiceError(_l("Keep the title under %(n)d characters.", n=TITLE_MAX), "title")
    if len(fields.description) > DESCRIPTION_MAX:
        raise ServiceError(
            _l("Keep the description under %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    if len(fields.organiser_text) > ORGANISER_MAX:
        raise ServiceError(
            _l("Keep the organiser's name under %(n)d characters.", n=ORGANISER_MAX),
            "organiser_text",
        )
    known_languages = reference.languages()
    unknown = [code for code in fields.languages if code not in known_languages]
    if unknown or len(fields.languages) > LANGUAGES_MAX:
        raise ServiceError(_l("Choose the event's languages from the list."), "languages")


def _check_place(fields: EventFields) -> None:
    if len(fields.city) > PLACE_MAX or len(fields.venue) > VENUE_MAX:
        raise ServiceError(_l("Keep the city and venue short."), "venue")
    if fields.country and fields.country not in reference.countries():
        raise ServiceError(_l("Choose the country from the list."), "country")
    if fields.online_url and (
        len(fields.online_url) > URL_MAX or not WEB_ADDRESS.match(fields.online_url)
    ):
        raise ServiceError(
            _l("Give the online link as a full address, like https://meet.example.org/osh."),
            "online_url",
        )
    if not (fields.city or fields.venue or fields.online_url):
        raise ServiceError(
            _l("Say where the event happens: a city and venue, or an online link."), "city"
        )
