"""/institutions.csv and /institutions.json: what visitors can see, in the import's columns."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    Affiliation,
    AffiliationStatus,
    Capacity,
    Institution,
    InstitutionNetwork,
    SearchOutbox,
    User,
)
from tests.conftest import Person, counting_queries
from tests.institution_helpers import make_institution


def _institutions(app: Flask) -> list[str]:
    return [
        make_institution(app),
        make_institution(
            app,
            name='=HYPERLINK("http://evil.example","click")',
            acronym="@SUM",
            country="SN",
            kind="research",
            other_names={"fr": "Institut d'hygiène", "ar": "معهد"},
            website="",
            description="- first point\n- second | point",
            networks={"ilo-global": "secretariat"},
            capacities=[
                ("fire-safety", "training", "+10 courses a year | in French"),
                ("chemical-safety", "research", "-20 °C storage, back\\slash"),
            ],
        ),
    ]


def _affiliate(app: Flask, member: Person, slug: str, status: AffiliationStatus) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == member.username))
        institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
        db.session.add(Affiliation(user_id=user.id, institution_id=institution.id, status=status))
        db.session.commit()


def test_the_csv_is_an_attachment_safe_for_spreadsheets(
    app: Flask, anonymous: Person, member: Person, other_member: Person
) -> None:
    niosh, evil = _institutions(app)
    _affiliate(app, member, niosh, AffiliationStatus.confirmed)
    _affiliate(app, other_member, evil, AffiliationStatus.pending)
    response = anonymous.get("/institutions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="institutions.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["slug"] for row in rows] == [niosh, evil]  # by country: MY, then SN
    evil_row = rows[1]
    assert evil_row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil_row["acronym"] == "'@SUM"
    assert evil_row["description"].startswith("'- first point")
    assert evil_row["name_fr"] == "Institut d'hygiène"
    assert evil_row["networks"] == "ilo-global:secretariat"
    assert evil_row["capacities"] == (
        "chemical-safety:research:-20 °C storage, back\\\\slash"
        "|fire-safety:training:+10 courses a year \\| in French"
    )
    assert evil_row["page"] == f"http://localhost/institutions/{evil}"
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    assert rows[0]["networks"] == "oic-oshnet:focal_point;asean-oshnet:member"
    for secret in ("@example.org", member.username, other_member.username, "pending"):
        assert secret not in text


def test_an_export_imports_again_to_nothing_changes(
    app: Flask, anonymous: Person, tmp_path: Path
) -> None:
    _institutions(app)
    runner = app.test_cli_runner()
    for name in ("institutions.csv", "institutions.json"):
        path = tmp_path / name
        path.write_bytes(anonymous.get(f"/{name}").get_data())
        result = runner.invoke(args=["import-institutions", str(path)])
        assert "0 created, 0 updated, 2 unchanged, 0 refused." in result.output, result.output
    # and into an empty forum, the same institutions
    with app.app_context():
        before = [_fields(i) for i in db.session.scalars(select(Institution).order_by("id"))]
        db.session.query(SearchOutbox).filter(SearchOutbox.institution_id.isnot(None)).delete()
        for model in (InstitutionNetwork, Capacity):
            db.session.query(model).delete()
        db.session.query(Institution).delete()
        db.session.commit()
    result = runner.invoke(args=["import-institutions", str(tmp_path / "institutions.csv")])
    assert "2 created" in result.output, result.output
    with app.app_context():
        after = [_fields(i) for i in db.session.scalars(select(Institution).order_by("id"))]
    assert sorted(after, key=str) == sorted(before, key=str)


def _fields(institution: Institution) -> dict[str, object]:
    from dataclasses import asdict

    from forum.services.institutions import fields_of

    return asdict(fields_of(institution))


def test_the_json_holds_networks_and_capacities_as_data(app: Flask, anonymous: Person) -> None:
    niosh, _evil = _institutions(app)
    response = anonymous.get("/institutions.json")
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="institutions.json"'
    first = json.loads(response.get_data(as_text=True))[0]
    assert first["slug"] == niosh
    assert first["name_ar"] == "المعهد الوطني للسلامة والصحة المهنية"
    assert first["networks"] == {"oic-oshnet": "focal_point", "asean-oshnet": "member"}
    assert first["capacities"] == [
        {
            "theme": "chemical-safety",
            "kind": "laboratory",
            "note": "Respirable crystalline silica, NIOSH 7500",
        }
    ]


def test_the_exports_are_kept_for_visitors_until_an_institution_changes(
    app: Flask, anonymous: Person, member: Person
) -> None:
    make_institution(app)
    member.get("/")  # shows the log-in's flash: a page with one waiting is never kept
    for url in ("/institutions.csv", "/institutions.json"):
        assert anonymous.get(url).headers["X-Page-Cache"] == "miss"
        kept = anonymous.get(url)
        assert kept.headers["X-Page-Cache"] == "hit"
        assert kept.headers["Content-Disposition"].startswith("attachment")
        assert member.get(url).headers["X-Page-Cache"] == "hit"
    make_institution(app, name="Institut National de Santé au Travail", country="SN")
    fresh = anonymous.get("/institutions.csv")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert "Institut National de Santé au Travail" in fresh.get_data(as_text=True)


def test_the_exports_cost_the_same_queries_however_many_institutions(
    app: Flask, anonymous: Person
) -> None:
    app.extensions.pop("forum_page_cache", None)
    make_institution(app)

    def cost(url: str) -> int:
        anonymous.get(url)
        with counting_queries(app) as counter:
            assert anonymous.get(url).status_code == 200
        return counter.count

    few = {url: cost(url) for url in ("/institutions.csv", "/institutions.json")}
    for number in range(20):
        make_institution(app, name=f"Institute {number}", acronym=f"I{number}")
    many = {url: cost(url) for url in few}
    assert many == few
