"""What /institutions.csv and /institutions.json give: every institution's public fields, its
networks with their roles and its capacities, in the columns `forum import-institutions` reads
(so an export imports again to "nothing changes"). Never members: no e-mail, no affiliation.
Three queries, whatever the number of institutions."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.models import Capacity, Institution, InstitutionNetwork, Network, Theme
from forum.services.institution_import import (
    COLUMNS,
    FORMULA_STARTS,
    OTHER_NAMES,
    join_capacities,
    join_networks,
)


def institutions() -> list[dict[str, Any]]:
    """Each institution as the JSON export gives it: networks {slug: role}, capacities
    [{theme, kind, note}], ordered by country then name."""
    networks: dict[int, dict[str, str]] = {}
    for institution_id, slug, role in db.session.execute(
        select(InstitutionNetwork.institution_id, Network.slug, InstitutionNetwork.role)
        .join(Network, Network.id == InstitutionNetwork.network_id)
        .order_by(Network.position)
    ):
        networks.setdefault(institution_id, {})[slug] = role.value
    capacities: dict[int, list[dict[str, str]]] = {}
    for institution_id, theme, kind, note in db.session.execute(
        select(Capacity.institution_id, Theme.slug, Capacity.kind, Capacity.note)
        .join(Theme, Theme.id == Capacity.theme_id)
        .order_by(Theme.slug, Capacity.kind)
    ):
        capacities.setdefault(institution_id, []).append(
            {"theme": theme, "kind": kind.value, "note": note}
        )
    rows = []
    for institution in db.session.scalars(
        select(Institution).order_by(Institution.country, Institution.name_key)
    ):
        row: dict[str, Any] = {
            "slug": institution.slug,
            "name": institution.name,
            "acronym": institution.acronym,
            "country": institution.country,
            "type": institution.kind.value,
            "website": institution.website,
            **{
                column: institution.other_names.get(code, "")
                for column, code in OTHER_NAMES.items()
            },
            "networks": networks.get(institution.id, {}),
            "capacities": capacities.get(institution.id, []),
            "description": institution.description_source,
        }
        rows.append({column: row[column] for column in COLUMNS})
    return rows


def as_csv(rows: list[dict[str, Any]], page_url: Any) -> str:
    """The same rows for a spreadsheet: UTF-8 with a BOM (Excel reads Arabic and accents then),
    networks and capacities in one cell each, and every cell that a spreadsheet would take for
    a formula (= + - @) begun with an apostrophe, which the import takes off again."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*COLUMNS, "page"])
    for row in rows:
        cells = dict(row)
        cells["networks"] = join_networks(row["networks"])
        cells["capacities"] = join_capacities(
            [(c["theme"], c["kind"], c["note"]) for c in row["capacities"]]
        )
        writer.writerow([_neutralised(cells[column]) for column in COLUMNS] + [page_url(row)])
    return out.getvalue()


def _neutralised(cell: str) -> str:
    return f"'{cell}" if cell[:1] in FORMULA_STARTS and cell else cell
