"""Finding institutions: the directory with its facet counts, a country's page, and a network's
focal points. Each reads a fixed number of queries whatever the number of institutions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.orm import selectinload

from forum.database import escape_like
from forum.extensions import db
from forum.models import Network, Theme, Thread, User
from forum.models.institutions import (
    Capacity,
    CapacityKind,
    Institution,
    InstitutionKind,
    InstitutionNetwork,
    NetworkRole,
    search_key,
)
from forum.services import browsing, slices
from forum.services.browsing import Page, paginate

FACETS = ("country", "kind", "network", "theme", "capacity")


@dataclass(frozen=True)
class InstitutionFilter:
    country: str | None = None
    kind: InstitutionKind | None = None
    network: Network | None = None
    theme: Theme | None = None
    capacity: CapacityKind | None = None
    text: str = ""
    themes: tuple[Theme, ...] = ()  # capacity in any of these (a topic's themes)


@dataclass
class CardNetwork:
    slug: str
    short_name: str
    role: NetworkRole


@dataclass
class CardCapacity:
    kind: CapacityKind
    themes: list[str] = field(default_factory=list)


@dataclass
class InstitutionCard:
    """What a directory card shows of an institution, in the reader's language."""

    slug: str
    name: str
    acronym: str
    country: str
    kind: InstitutionKind
    networks: list[CardNetwork]
    capacities: list[CardCapacity]


def directory(
    criteria: InstitutionFilter, page: int, per_page: int, language: str
) -> tuple[Page, dict[str, dict[str, int]]]:
    """One page of cards, sorted by name, and for each facet how many institutions match the
    other filters and each of its values (facet -> value -> count)."""
    query = select(Institution).where(*_conditions(criteria).values())
    ordered = query.order_by(*slices.order_by(slices.INSTITUTIONS))
    found = paginate(_with_card_details(ordered), page, per_page)
    found.items = cards(found.items, language)
    return found, facet_counts(criteria)


def cards_after(
    criteria: InstitutionFilter, after: Sequence[object] | None, limit: int, language: str
) -> tuple[list[InstitutionCard], slices.Slice]:
    """The API's list: cards by name, read on after a cursor's institution (no facets)."""
    query = _with_card_details(select(Institution).where(*_conditions(criteria).values()))
    found = slices.read(query, slices.INSTITUTIONS, after, limit)
    return cards(found.items, language), found


def cards(institutions: Sequence[Institution], language: str) -> list[InstitutionCard]:
    """Cards of institutions loaded with _with_card_details()."""
    theme_order = {t.id: t.position for t in browsing.all_themes()}
    made = []
    for institution in institutions:
        networks = sorted(institution.networks, key=lambda n: (n.network.position, n.network.id))
        by_kind: dict[CapacityKind, CardCapacity] = {}
        for capacity in sorted(
            institution.capacities, key=lambda c: theme_order.get(c.theme_id, 0)
        ):
            entry = by_kind.setdefault(capacity.kind, CardCapacity(capacity.kind))
            entry.themes.append(capacity.theme.display_name)
        made.append(
            InstitutionCard(
                slug=institution.slug,
                name=institution.name_in(language),
                acronym=institution.acronym,
                country=institution.country,
                kind=institution.kind,
                networks=[
                    CardNetwork(n.network.slug, n.network.display_short_name, n.role)
                    for n in networks
                ],
                capacities=[by_kind[k] for k in CapacityKind if k in by_kind],
            )
        )
    return made


def _with_card_details(query):  # noqa: ANN001, ANN202
    return query.options(
        selectinload(Institution.networks).joinedload(InstitutionNetwork.network),
        selectinload(Institution.capacities).joinedload(Capacity.theme),
    )


def _conditions(criteria: InstitutionFilter) -> dict[str, ColumnElement[bool]]:
    """One condition per filter in use: facet name -> condition ("text" too). Theme and kind
    of capacity are one condition, on the same capacity: "a laboratory for silica"."""
    found: dict[str, ColumnElement[bool]] = {}
    if criteria.country:
        found["country"] = Institution.country == criteria.country
    if criteria.kind is not None:
        found["kind"] = Institution.kind == criteria.kind
    if criteria.network is not None:
        found["network"] = exists().where(
            InstitutionNetwork.institution_id == Institution.id,
            InstitutionNetwork.network_id == criteria.network.id,
        )
    capacity = _capacity_condition(criteria.theme, criteria.capacity)
    if capacity is not None:
        found["capacity"] = exists().where(Capacity.institution_id == Institution.id, capacity)
    if criteria.themes:
        found["themes"] = (
            exists()
            .where(
                Capacity.institution_id == Institution.id,
                Capacity.theme_id.in_([theme.id for theme in criteria.themes]),
            )
            .correlate(Institution)  # the facets' statements join capacities themselves
        )
    words = search_key(criteria.text).split()
    if words:
        found["text"] = and_(
            *(Institution.search_text.like(f"%{escape_like(w)}%", escape="\\") for w in words)
        )
    return found


def _capacity_condition(
    theme: Theme | None, kind: CapacityKind | None
) -> ColumnElement[bool] | None:
    parts = []
    if theme is not None:
        parts.append(Capacity.theme_id == theme.id)
    if kind is not None:
        parts.append(Capacity.kind == kind)
    return and_(*parts) if parts else None


def facet_counts(criteria: InstitutionFilter) -> dict[str, dict[str, int]]:
    """Every facet's counts in one statement: for each facet, the institutions that match the
    other filters, grouped by that facet's value."""
    conditions = _conditions(criteria)
    others = {
        "country": [c for k, c in conditions.items() if k != "country"],
        "kind": [c for k, c in conditions.items() if k != "kind"],
        "network": [c for k, c in conditions.items() if k != "network"],
        # theme and kind of capacity share a condition: each facet keeps the other's half
        "theme": [c for k, c in conditions.items() if k != "capacity"],
        "capacity": [c for k, c in conditions.items() if k != "capacity"],
    }
    counted = func.count(func.distinct(Institution.id))
    statements = [
        select(literal("country"), Institution.country, counted)
        .where(*others["country"])
        .group_by(Institution.country),
        select(literal("kind"), Institution.kind, counted)
        .where(*others["kind"])
        .group_by(Institution.kind),
        select(literal("network"), cast(InstitutionNetwork.network_id, String), counted)
        .join(InstitutionNetwork, InstitutionNetwork.institution_id == Institution.id)
        .where(*others["network"])
        .group_by(InstitutionNetwork.network_id),
    ]
    in_theme = [Capacity.kind == criteria.capacity] if criteria.capacity is not None else []
    of_kind = [Capacity.theme_id == criteria.theme.id] if criteria.theme is not None else []
    statements += [
        select(literal("theme"), cast(Capacity.theme_id, String), counted)
        .join(Capacity, Capacity.institution_id == Institution.id)
        .where(*others["theme"], *in_theme)
        .group_by(Capacity.theme_id),
        select(literal("capacity"), cast(Capacity.kind, String), counted)
        .join(Capacity, Capacity.institution_id == Institution.id)
        .where(*others["capacity"], *of_kind)
        .group_by(Capacity.kind),
    ]
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    union = statements[0].union_all(*statements[1:])
    for facet, value, number in db.session.execute(union):
        counts[facet][str(value)] = number
    return counts


@dataclass
class CountryPage:
    code: str
    institutions: list[InstitutionCard]
    institution_count: int
    experts: Page
    threads: Page


COUNTRY_INSTITUTIONS = 20
COUNTRY_THREADS = 10
COUNTRY_EXPERTS = 20


def country_page(code: str, language: str) -> CountryPage:
    from forum.services import experts  # its module reads ours nowhere: no cycle, but heavy

    institutions = paginate(
        _with_card_details(
            select(Institution)
            .where(Institution.country == code)
            .order_by(Institution.name_key, Institution.id)
        ),
        1,
        COUNTRY_INSTITUTIONS,
    )
    members = experts.directory(
        experts.DirectoryFilter(country=code, verified_only=True), 1, COUNTRY_EXPERTS
    )
    from_country = select(User.id).where(User.country == code)
    threads = db.session.scalars(
        browsing.with_list_details(
            select(Thread).where(
                Thread.deleted_at.is_(None),
                or_(Thread.practice_country == code, Thread.author_id.in_(from_country)),
            )
        )
        .order_by(*slices.order_by(slices.THREADS))
        .limit(COUNTRY_THREADS)
    ).all()
    return CountryPage(
        code,
        cards(institutions.items, language),
        institutions.total,
        members,
        Page(threads, 1, COUNTRY_THREADS, len(threads)),
    )


@dataclass
class NetworkInstitutions:
    """A network page's institutions: its focal points by name, how many members in all."""

    focal_points: list[tuple[str, str, str]]  # (slug, name, country)
    member_count: int


def of_network(network: Network, language: str) -> NetworkInstitutions:
    """One statement: every institution in the network with its role, names only."""
    rows = db.session.execute(
        select(
            Institution.slug,
            Institution.name,
            Institution.other_names,
            Institution.country,
            InstitutionNetwork.role,
        )
        .join(InstitutionNetwork, InstitutionNetwork.institution_id == Institution.id)
        .where(InstitutionNetwork.network_id == network.id)
        .order_by(Institution.country, Institution.name_key)
    ).all()
    focal = [
        (slug, (others or {}).get(language) or name, country)
        for slug, name, others, country, role in rows
        if role == NetworkRole.focal_point
    ]
    return NetworkInstitutions(focal, len(rows))
