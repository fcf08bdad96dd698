"""Reference lists: countries (ISO 3166-1), languages (ISO 639-1), ISIC sections, controls.

Country and language names come from CLDR through Babel, in the reader's language, and are
sorted the way that language sorts: by the Unicode Collation Algorithm (pyuca), so that in
French "Égypte" and "États-Unis" stand among the E's, not after "Zimbabwe" as code points would
have them.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import get_locale
from pyuca import Collator

from forum.languages import lazy_gettext as _l
from forum.models import ControlLevel, FileKind
from forum.models.institutions import CapacityKind, InstitutionKind, NetworkRole

# CLDR territories that are not ISO 3166-1 countries (Kosovo, XK, is kept)
_NOT_COUNTRIES = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "ZZ",
    "XA",
    "XB",
}

ISIC_SECTIONS = {
    "A": _l("Agriculture, forestry and fishing"),
    "B": _l("Mining and quarrying"),
    "C": _l("Manufacturing"),
    "D": _l("Electricity, gas, steam and air conditioning supply"),
    "E": _l("Water supply, sewerage, waste management and remediation"),
    "F": _l("Construction"),
    "G": _l("Wholesale and retail trade; repair of motor vehicles"),
    "H": _l("Transportation and storage"),
    "I": _l("Accommodation and food service activities"),
    "J": _l("Information and communication"),
    "K": _l("Financial and insurance activities"),
    "L": _l("Real estate activities"),
    "M": _l("Professional, scientific and technical activities"),
    "N": _l("Administrative and support service activities"),
    "O": _l("Public administration and defence; compulsory social security"),
    "P": _l("Education"),
    "Q": _l("Human health and social work activities"),
    "R": _l("Arts, entertainment and recreation"),
    "S": _l("Other service activities"),
    "T": _l("Activities of households as employers"),
    "U": _l("Activities of extraterritorial organizations and bodies"),
}

CONTROL_LABELS = {
    ControlLevel.elimination: _l("Elimination"),
    ControlLevel.substitution: _l("Substitution"),
    ControlLevel.engineering: _l("Engineering controls"),
    ControlLevel.administrative: _l("Administrative controls"),
    ControlLevel.ppe: _l("Personal protective equipment"),
}

FILE_KIND_LABELS = {
    FileKind.pdf: _l("PDF"),
    FileKind.image: _l("Image"),
    FileKind.document: _l("Text document"),
    FileKind.spreadsheet: _l("Spreadsheet"),
}

INSTITUTION_KIND_LABELS = {
    InstitutionKind.national_institute: _l("National OSH institute or centre"),
    InstitutionKind.inspectorate: _l("Labour inspectorate or ministry"),
    InstitutionKind.research: _l("Research institute or university"),
    InstitutionKind.social_security: _l("Social security or insurance body"),
    InstitutionKind.employers: _l("Employers' organisation"),
    InstitutionKind.workers: _l("Workers' organisation"),
    InstitutionKind.training: _l("Training provider"),
    InstitutionKind.international: _l("International organisation"),
    InstitutionKind.enterprise: _l("Enterprise"),
}

NETWORK_ROLE_LABELS = {
    NetworkRole.member: _l("Member institution"),
    NetworkRole.focal_point: _l("National focal point"),
    NetworkRole.secretariat: _l("Secretariat"),
    NetworkRole.coordinator: _l("Coordinator"),
}

CAPACITY_KIND_LABELS = {
    CapacityKind.research: _l("Research"),
    CapacityKind.training: _l("Training"),
    CapacityKind.laboratory: _l("Laboratory and testing"),
    CapacityKind.information: _l("Information and advisory services"),
    CapacityKind.inspection: _l("Inspection and enforcement"),
    CapacityKind.awareness: _l("Awareness raising"),
}


@cache
def _collator() -> Collator:
    """The default Unicode collation (DUCET): read once (a fifth of a second), then only read,
    so every thread may share it. English, French, Spanish and Arabic need no tailoring of it
    for names: accents and case count only between names that are otherwise equal."""
    return Collator()


def collation_key(name: str) -> tuple[int, ...]:
    """Sorts names as a dictionary of the reader's language does, not by code point."""
    return _collator().sort_key(name)


@cache
def _countries(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return dict(sorted(pairs, key=lambda pair: collation_key(pair[1])))


@cache
def _languages(locale: str) -> dict[str, str]:
    names = Locale.parse(locale).languages
    pairs = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    return dict(sorted(pairs, key=lambda pair: collation_key(pair[1])))


def _locale() -> str:
    return str(get_locale() or "en")


def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name, sorted by name."""
    return _countries(_locale())


def languages() -> dict[str, str]:
    """ISO 639-1 code -> language name, sorted by name."""
    return _languages(_locale())


def country_name(code: str | None) -> str:
    return countries().get(code or "", code or "")
