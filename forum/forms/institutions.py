"""Adding and editing an institution, and saying one works there.

The rules (known countries, types, themes, networks; lengths; duplicates) are the service's
(forum.services.institutions): the form gathers what was typed, the service says what is wrong,
and each refusal is shown next to the part of the form it concerns. Networks and capacities
are rows of plain named controls, so the page works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from forum import reference
from forum.forms import _CONTROL_CHARACTERS, ForumForm, choices
from forum.languages import lazy_gettext as _l
from forum.services.affiliations import POSITION_MAX
from forum.services.institutions import InstitutionFields

OTHER_NAME_LABELS = {
    "en": _l("Name in English"),
    "fr": _l("Name in French"),
    "ar": _l("Name in Arabic"),
    "es": _l("Name in Spanish"),
}
BLANK_CAPACITY_ROWS = 3  # empty rows offered below the filled ones
CAPACITY_ROWS_MAX = 100  # rows read from a form: more is not a real institution's


class InstitutionForm(ForumForm):
    name = StringField(
        _l("Name"), description=_l("Its official name, in the language it uses most.")
    )
    acronym = StringField(_l("Acronym"), description=_l("For example: NIOSH, DOSH, INRS."))
    name_en = StringField(OTHER_NAME_LABELS["en"])
    name_fr = StringField(OTHER_NAME_LABELS["fr"])
    name_ar = StringField(OTHER_NAME_LABELS["ar"])
    name_es = StringField(OTHER_NAME_LABELS["es"])
    # validate_choice off: an unknown code gets the service's message, which names it
    country = SelectField(_l("Country"), validate_choice=False)
    kind = SelectField(_l("Type"), validate_choice=False)
    website = StringField(
        _l("Website"), description=_l("A full address, like https://www.niosh.com.my.")
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown works. What it does, for whom, and how to reach it."),
    )
    submit = SubmitField(_l("Save the institution"))

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.country.choices = choices(reference.countries().items(), blank=_l("Choose a country"))
        self.kind.choices = choices(
            reference.INSTITUTION_KIND_LABELS.items(), blank=_l("Choose a type")
        )
        self.network_rows: list[NetworkRow] = []
        self.capacity_rows: list[CapacityRow] = []
        # refusals about the rows and the other names, shown above them
        self.group_errors: dict[str, list[object]] = {}
        self.duplicate_url: str | None = None

    def keep_unknown_choices(self) -> None:
        """A refused code stays selected as typed (its message names it), not silently lost."""
        for select in (self.country, self.kind):
            known = {choice[0] if isinstance(choice, tuple) else choice.value
                     for choice in select.choices}  # fmt: skip
            if select.data and select.data not in known:
                select.choices = [*select.choices, SelectChoice(select.data, select.data)]

    def other_name_fields(self) -> list[tuple[str, StringField]]:
        return [(code, getattr(self, f"name_{code}")) for code in OTHER_NAME_LABELS]

    def apply_service_error(self, error: object) -> None:
        field = getattr(error, "field", None)
        if field in ("other_names", "networks", "capacities"):
            self.group_errors.setdefault(field, []).append(getattr(error, "message", error))
        else:
            super().apply_service_error(error)
        if getattr(error, "existing_url", None):
            self.duplicate_url = error.existing_url  # type: ignore[attr-defined]

    def fields(self) -> InstitutionFields:
        """What was typed, for the service to judge."""
        return InstitutionFields(
            name=self.name.data or "",
            country=self.country.data or "",
            kind=self.kind.data or "",
            acronym=self.acronym.data or "",
            other_names={code: f.data or "" for code, f in self.other_name_fields()},
            website=self.website.data or "",
            description=self.description.data or "",
            networks={row.slug: row.role for row in self.network_rows if row.role},
            capacities=[(r.theme, r.kind, r.note) for r in self.capacity_rows if not r.is_blank],
        )

    def start_from(self, fields: InstitutionFields) -> None:
        """An edit form's first showing: the institution as it is."""
        self.process(
            data={
                "name": fields.name,
                "acronym": fields.acronym,
                "country": fields.country,
                "kind": fields.kind,
                "website": fields.website,
                "description": fields.description,
                **{f"name_{code}": name for code, name in fields.other_names.items()},
            }
        )
        self.capacity_rows = [CapacityRow(*row) for row in fields.capacities]


@dataclass
class NetworkRow:
    """One network the institution may be in: its role there ("" for none), and whether this
    reader may change it (a network's moderators and admins)."""

    slug: str
    name: str
    role: str
    editable: bool


@dataclass
class CapacityRow:
    theme: str = ""
    kind: str = ""
    note: str = ""

    @property
    def is_blank(self) -> bool:
        return not (self.theme or self.kind or self.note)


def read_network_rows(
    formdata: MultiDict | None, offered: Iterable[tuple[str, str, bool]], current: dict[str, str]
) -> list[NetworkRow]:
    """A row per network offered (slug, name, editable): what was chosen where the reader may
    choose, the institution's current role elsewhere (a disabled control sends nothing)."""
    rows = []
    for slug, name, editable in offered:
        role = current.get(slug, "")
        if editable and formdata is not None:
            role = (formdata.get(f"network-{slug}") or "").strip()
            role = "-" if _CONTROL_CHARACTERS.search(role) else role  # refused as unknown
        rows.append(NetworkRow(slug, name, role, editable))
    return rows


def read_capacity_rows(formdata: MultiDict) -> tuple[list[CapacityRow], str | None]:
    """The capacity rows as typed (blank ones dropped), and a refusal for a half-filled row."""
    rows, refusal = [], None
    for index in range(CAPACITY_ROWS_MAX):
        row = CapacityRow(
            *(
                " ".join((formdata.get(f"capacity-{index}-{part}") or "").split())
                for part in ("theme", "kind", "note")
            )
        )
        if row.is_blank:
            continue
        if any(_CONTROL_CHARACTERS.search(part) for part in (row.theme, row.kind, row.note)):
            refusal = _l("This field contains characters that are not allowed.")
        elif not (row.theme and row.kind):
            refusal = _l("Choose both a theme and a kind for each capacity, or clear its row.")
        rows.append(row)
    return rows, refusal


class ClaimForm(ForumForm):
    """ "I work here", with an optional position."""

    position = StringField(
        _l("Your position (optional)"),
        validators=[Optional(), Length(max=POSITION_MAX)],
        description=_l("For example: Head of the chemical laboratory."),
    )
    submit = SubmitField(_l("I work here"))
