"""An institution as it is given (by a form or an imported row) and the rules for what is
given that need no database: cleaned() tidies it, checked() refuses what is wrong, field by
field, in words fit to show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from forum import languages, markup, reference
from forum.languages import lazy_gettext as _l
from forum.models import CapacityKind, InstitutionKind, NetworkRole
from forum.models.institutions import ACRONYM_MAX, NAME_MAX, NOTE_MAX, search_key
from forum.services import ServiceError

DESCRIPTION_MAX = 10_000
WEBSITE_MAX = 300
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WEBSITE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)


@dataclass
class InstitutionFields:
    """An institution as a form or an imported row gives it; slugs and codes, not ids."""

    name: str
    country: str
    kind: str
    acronym: str = ""
    other_names: dict[str, str] = field(default_factory=dict)  # language -> name
    website: str = ""
    description: str = ""  # Markdown
    networks: dict[str, str] = field(default_factory=dict)  # network slug -> role
    capacities: list[tuple[str, str, str]] = field(default_factory=list)  # theme, kind, note


def cleaned(fields: InstitutionFields) -> InstitutionFields:
    def line(text: str) -> str:
        return " ".join((text or "").split())

    return InstitutionFields(
        name=line(fields.name),
        country=line(fields.country).upper(),
        kind=line(fields.kind),
        acronym=line(fields.acronym),
        other_names={
            code: line(name) for code, name in sorted(fields.other_names.items()) if line(name)
        },
        website=line(fields.website),
        description=(fields.description or "").strip(),
        networks={line(slug): line(role) for slug, role in sorted(fields.networks.items())},
        capacities=[
            (theme, kind, note)
            for (theme, kind), note in sorted(
                {(line(t), line(k)): line(n) for t, k, n in fields.capacities}.items()
            )
        ],
    )


def _texts(fields: InstitutionFields) -> Iterator[tuple[str, str]]:
    """(field, text) for every text an institution is given, wherever it came from."""
    yield from (("name", fields.name), ("acronym", fields.acronym), ("website", fields.website))
    yield "description", fields.description
    yield from (("other_names", name) for name in fields.other_names.values())
    yield from (("networks", f"{slug} {role}") for slug, role in fields.networks.items())
    yield from (("capacities", " ".join(row)) for row in fields.capacities)


def checked(fields: InstitutionFields) -> str:
    """Refuse what no database lookup is needed to refuse; the description's HTML."""
    for name, text in _texts(fields):
        if _CONTROL_CHARACTERS.search(text):  # a NUL even breaks PostgreSQL's insert
            raise ServiceError(_l("This field contains characters that are not allowed."), name)
    if not fields.name:
        raise ServiceError(_l("Give the institution's name."), "name")
    # the key may be longer than the name: "ß" is "ss" once casefolded
    if len(fields.name) > NAME_MAX or len(search_key(fields.name)) > NAME_MAX:
        raise ServiceError(_l("Keep the name under %(n)d characters.", n=NAME_MAX), "name")
    if len(fields.acronym) > ACRONYM_MAX:
        raise ServiceError(_l("Keep the acronym under %(n)d characters.", n=ACRONYM_MAX), "acronym")
    for code, name in fields.other_names.items():
        if not languages.is_supported(code):
            raise ServiceError(
                _l("Names in other languages are for English, French, Arabic and Spanish."),
                "other_names",
            )
        if len(name) > NAME_MAX:
            raise ServiceError(
                _l("Keep the name under %(n)d characters.", n=NAME_MAX), "other_names"
            )
    if fields.country not in reference.countries():
        raise ServiceError(
            _l(
                "Unknown country %(code)s: use its ISO 3166 two-letter code, like MY or SN.",
                code=fields.country or "-",
            ),
            "country",
        )
    if fields.kind not in InstitutionKind.__members__:
        raise ServiceError(
            _l(
                "Unknown type %(kind)s: use one of %(known)s.",
                kind=fields.kind or "-",
                known=", ".join(InstitutionKind.__members__),
            ),
            "kind",
        )
    if fields.website and (len(fields.website) > WEBSITE_MAX or not _WEBSITE.match(fields.website)):
        raise ServiceError(
            _l("Give the website as a full address, like https://www.niosh.com.my."), "website"
        )
    for _slug, role in fields.networks.items():
        if role not in NetworkRole.__members__:
            raise ServiceError(
                _l(
                    "Unknown role %(role)s in a network: use one of %(known)s.",
                    role=role or "-",
                    known=", ".join(NetworkRole.__members__),
                ),
                "networks",
            )
    for _theme, kind, note in fields.capacities:
        if kind not in CapacityKind.__members__:
            raise ServiceError(
                _l(
                    "Unknown kind of capacity %(kind)s: use one of %(known)s.",
                    kind=kind or "-",
                    known=", ".join(CapacityKind.__members__),
                ),
                "capacities",
            )
        if len(note) > NOTE_MAX:
            raise ServiceError(
                _l("Keep each capacity's note under %(n)d characters.", n=NOTE_MAX), "capacities"
            )
    if len(fields.description) > DESCRIPTION_MAX:
        raise ServiceError(
            _l("Keep the description under %(n)d characters.", n=DESCRIPTION_MAX), "description"
        )
    try:
        return markup.render(fields.description) if fields.description else ""
    except markup.TooComplex as error:
        raise ServiceError(error.message, "description") from None
