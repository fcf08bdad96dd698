"""What is indexed of an institution: its names, and the words someone looking for it types.

Names (every language's and the acronym) weigh as a thread's title does. The rest: its
country and type as each of the forum's languages names them ("Malaysia", "Malaisie"),
the plain text of its description, and each capacity's theme, kind and note ("silica").
Everything is folded by search_key, so accents, case and Arabic marks never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import force_locale
from sqlalchemy import func, select

from forum import markup, reference
from forum.extensions import db
from forum.languages import LANGUAGES, translated
from forum.models import Capacity, Institution, InstitutionNetwork, Network, Theme
from forum.models.institutions import search_key
from forum.search.backend import InstitutionDocument

BATCH = 500


def for_institutions(ids: Collection[int]) -> list[InstitutionDocument]:
    if not ids:
        return []
    return _documents(select(Institution).where(Institution.id.in_(ids)))


def every_institution() -> Iterator[InstitutionDocument]:
    after = 0
    while True:
        query = select(Institution).where(Institution.id > after)
        batch = _documents(query.order_by(Institution.id).limit(BATCH))
        if not batch:
            return
        yield from batch
        after = batch[-1].institution_id


def institution_count() -> int:
    return db.session.scalar(select(func.count(Institution.id))) or 0


@dataclass
class _Words:
    """Labels as every language says them, read once for a batch."""

    countries: dict[str, list[str]]
    kinds: dict[str, list[str]]
    capacity_kinds: dict[str, list[str]]
    themes: dict[int, list[str]]


def _words(theme_names: dict[int, str]) -> _Words:
    if not has_request_context():  # the background drainer: locales need a request
        with current_app.test_request_context():
            return _words(theme_names)
    words = _Words(defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list))
    for code in LANGUAGES:
        with force_locale(code):
            for country, name in reference.countries().items():
                words.countries[country].append(name)
            for kind, label in reference.INSTITUTION_KIND_LABELS.items():
                words.kinds[kind.value].append(str(label))
            for kind, label in reference.CAPACITY_KIND_LABELS.items():
                words.capacity_kinds[kind.value].append(str(label))
            for theme_id, name in theme_names.items():
                words.themes[theme_id].append(translated(name))
    return words


def _unique(texts: list[str]) -> str:
    return " ".join(dict.fromkeys(texts))


def _documents(query) -> list[InstitutionDocument]:  # noqa: ANN001
    institutions = list(db.session.scalars(query))
    if not institutions:
        return []
    ids = [institution.id for institution in institutions]
    networks: dict[int, list[str]] = defaultdict(list)
    for institution_id, slug in db.session.execute(
        select(InstitutionNetwork.institution_id, Network.slug)
        .join(Network, Network.id == InstitutionNetwork.network_id)
        .where(InstitutionNetwork.institution_id.in_(ids))
    ):
        networks[institution_id].append(slug)
    capacities = db.session.execute(
        select(
            Capacity.institution_id, Capacity.kind, Capacity.note, Theme.id, Theme.slug, Theme.name
        )
        .join(Theme, Theme.id == Capacity.theme_id)
        .where(Capacity.institution_id.in_(ids))
        .order_by(Capacity.id)
    ).all()
    words = _words({row.id: row.name for row in capacities})
    held: dict[int, list] = defaultdict(list)
    for row in capacities:
        held[row.institution_id].append(row)
    documents = []
    for institution in institutions:
        names = [institution.name, institution.acronym, *institution.other_names.values()]
        rows = held[institution.id]
        text = [
            _unique(words.countries.get(institution.country, [institution.country])),
            _unique(words.kinds.get(institution.kind.value, [])),
            markup.html_to_text(institution.description_html),
        ]
        for row in rows:
            text += [
                _unique(words.themes[row.id]),
                _unique(words.capacity_kinds.get(row.kind.value, [])),
                row.note,
            ]
        documents.append(
            InstitutionDocument(
                institution_id=institution.id,
                names=search_key(" ".join(name for name in names if name)),
                text=search_key(" ".join(text)),
                networks=tuple(sorted(networks[institution.id])),
                themes=tuple(sorted({row.slug for row in rows})),
            )
        )
    return documents
