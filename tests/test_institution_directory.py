"""Finding institutions: the directory, its facets and search, a country's page, a network's
focal points, and the expert directory by institution."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import insert, select

from forum.extensions import db
from forum.models import Network, Theme, Thread, User
from forum.models._time import utcnow
from forum.models.institutions import (
    Affiliation,
    AffiliationStatus,
    Capacity,
    Institution,
    InstitutionNetwork,
    search_key,
)
from forum.page_cache import HEADER
from tests.conftest import Person, counting_queries, make_person
from tests.institution_helpers import make_institution

INSST = {
    "name": "Instituto Nacional de Seguridad y Salud en el Trabajo",
    "acronym": "INSST",
    "country": "ES",
    "kind": "research",
    "other_names": {"fr": "Institut national de sécurité et de santé au travail"},
    "website": "",
    "networks": {"ilo-global": "member"},
    "capacities": [("ergonomics", "research", ""), ("chemical-safety", "laboratory", "")],
}
SENEGAL = {
    "name": "Institut Sénégalais de Santé et Sécurité au Travail",
    "acronym": "ISST",
    "country": "SN",
    "kind": "inspectorate",
    "other_names": {"ar": "المَعْهَد السنغالي للصحة والسلامة في العمل"},
    "website": "",
    "networks": {"oic-oshnet": "focal_point", "ilo-global": "member"},
    "capacities": [("chemical-safety", "training", "")],
}
NIOHS = {
    "name": "National Institute of Occupational Health and Safety",
    "acronym": "NIOHS",
    "country": "EG",
    "kind": "national_institute",
    "other_names": {},
    "website": "",
    "networks": {"oic-oshnet": "member"},
    "capacities": [],
}


@pytest.fixture
def three(app: Flask) -> dict[str, str]:
    """NIOSH Malaysia (OIC focal point, silica lab), Senegal's institute, Spain's INSST."""
    return {
        "niosh": make_institution(app),
        "senegal": make_institution(app, **SENEGAL),
        "insst": make_institution(app, **INSST),
    }


def _cards(page: str) -> list[str]:
    """The slugs of the institutions a page lists, in order."""
    return re.findall(r'class="institution-name"><a href="/institutions/([^"]+)"', page)


def _option(page: str, name: str, value: str) -> str:
    """The label of one option of a filter's select."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    found = re.search(rf'<option[^>]*value="{re.escape(value)}"[^>]*>([^<]*)</option>', select_html)
    return found.group(1) if found else ""


def test_the_directory_lists_every_institution_by_name(
    anonymous: Person, three: dict[str, str]
) -> None:
    page = anonymous.get("/institutions").get_data(as_text=True)
    # Institut Sénégalais, Instituto Nacional, National Institute: accents do not reorder
    assert _cards(page) == [three["senegal"], three["insst"], three["niosh"]]
    assert "3 institutions match" in page
    assert "National focal point" in page  # NIOSH's role in OIC-OSHNET
    assert "Laboratory and testing" in page
    assert "Chemical safety" in page
    assert 'href="/countries/SN"' in page
    assert "Senegal" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=MY", ["niosh"]),
        ("kind=inspectorate", ["senegal"]),
        ("network=oic-oshnet", ["senegal", "niosh"]),
        ("network=ilo-global&country=ES", ["insst"]),
        ("theme=chemical-safety", ["senegal", "insst", "niosh"]),
        ("capacity=laboratory", ["insst", "niosh"]),
        # theme and kind of capacity are one capacity: INSST researches ergonomics only
        ("theme=chemical-safety&capacity=research", []),
        ("theme=ergonomics&capacity=research", ["insst"]),
    ],
)
def test_each_filter_narrows_the_directory(
    anonymous: Person, three: dict[str, str], query: str, expected: list[str]
) -> None:
    page = anonymous.get(f"/institutions?{query}").get_data(as_text=True)
    assert _cards(page) == [three[name] for name in expected]


def test_each_option_counts_what_it_would_find_with_the_other_filters(
    anonymous: Person, three: dict[str, str]
) -> None:
    page = anonymous.get("/institutions?network=oic-oshnet").get_data(as_text=True)
    assert _option(page, "country", "MY") == "Malaysia (1)"
    assert _option(page, "country", "SN") == "Senegal (1)"
    assert _option(page, "country", "ES") == ""  # no institution there: not offered
    assert _option(page, "kind", "inspectorate").endswith("(1)")
    assert _option(page, "kind", "research").endswith("(0)")  # INSST is not in OIC
    # the network facet ignores its own filter: what each network would find
    assert _option(page, "network", "ilo-global") == "ILO Global OSH (2)"
    assert _option(page, "network", "oic-oshnet") == "OIC-OSHNET (2)"
    assert _option(page, "theme", "chemical-safety") == "Chemical safety (2)"
    assert _option(page, "capacity", "laboratory") == "Laboratory and testing (1)"
    assert _option(page, "capacity", "training") == "Training (1)"

    narrowed = anonymous.get("/institutions?theme=chemical-safety&capacity=laboratory")
    narrowed_page = narrowed.get_data(as_text=True)
    # the theme facet keeps the capacity's kind, and the other way round
    assert _option(narrowed_page, "theme", "ergonomics") == "Ergonomics (0)"
    assert _option(narrowed_page, "capacity", "training") == "Training (1)"
    assert _option(narrowed_page, "country", "SN") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("senegalais", "senegal"),
        ("SÉNÉGALAIS", "senegal"),
        ("institut senegalais", "senegal"),
        ("isst", "senegal"),
        ("المعهد السنغالي", "senegal"),  # without the name's diacritics
        ("المَعْهَد السِّنِغالي", "senegal"),  # with them
        ("seguridad salud", "insst"),
        ("national sécurité", "insst"),  # its French name
        ("insst", "insst"),
        ("niohs", "niohs"),
        ("NIOHS", "niohs"),
    ],
)
def test_the_search_ignores_case_accents_and_diacritics_in_every_name(
    app: Flask, anonymous: Person, three: dict[str, str], text: str, expected: str
) -> None:
    three["niohs"] = make_institution(app, **NIOHS)
    page = anonymous.get("/institutions", query_string={"q": text}).get_data(as_text=True)
    assert _cards(page) == [three[expected]]


def test_punctuation_and_like_wildcards_do_not_count(
    anonymous: Person, three: dict[str, str]
) -> None:
    assert len(_cards(anonymous.get("/institutions?q=%25_").get_data(as_text=True))) == 3
    assert _cards(anonymous.get("/institutions?q=%25niosh_").get_data(as_text=True)) == [
        three["niosh"]
    ]


def test_the_reader_sees_the_name_in_their_language(
    anonymous: Person, three: dict[str, str]
) -> None:
    french = anonymous.get("/institutions?country=ES", headers={"Accept-Language": "fr"})
    assert "Institut national de sécurité et de santé au travail" in french.get_data(as_text=True)
    arabic = anonymous.get("/institutions?country=SN", headers={"Accept-Language": "ar"})
    assert "المَعْهَد السنغالي" in arabic.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "kind=palace",
        "network=nowhere",
        "theme=astrology",
        "capacity=lab",
        "q=" + "x" * 500,
        "page=abc",
        "country=my",
    ],
)
def test_unknown_filters_are_explained_and_ignored(
    anonymous: Person, three: dict[str, str], query: str
) -> None:
    response = anonymous.get(f"/institutions?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(_cards(page)) == 3
    if not query.startswith("page"):
        assert 'class="error"' in page


def test_pages_link_their_neighbours_and_a_page_past_the_end_is_not_found(
    app: Flask, anonymous: Person
) -> None:
    _add_institutions(app, 0, 60)
    first = anonymous.get("/institutions?country=MY").get_data(as_text=True)
    assert 'rel="next" href="/institutions?country=MY&amp;page=2"' in first
    second = anonymous.get("/institutions?country=MY&page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    assert anonymous.get("/institutions?country=MY&page=99").status_code == 404


def test_visitors_get_the_kept_directory_until_an_institution_changes(
    app: Flask, anonymous: Person, three: dict[str, str]
) -> None:
    first = anonymous.get("/institutions?country=MY")
    assert first.headers[HEADER] == "miss"
    with counting_queries(app, kept_pages=True) as counter:
        again = anonymous.get("/institutions?country=MY")
    assert again.headers[HEADER] == "hit"
    assert counter.count == 1
    again = anonymous.get(
        "/institutions?country=MY", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304

    make_institution(app, name="Jabatan Keselamatan dan Kesihatan Pekerjaan", acronym="DOSH")
    changed = anonymous.get("/institutions?country=MY")
    assert changed.headers[HEADER] == "miss"
    assert "Jabatan Keselamatan" in changed.get_data(as_text=True)
    assert anonymous.get("/countries/MY").headers[HEADER] == "miss"
    assert anonymous.get("/countries/MY").headers[HEADER] == "hit"


def test_the_country_page_shows_its_institutions_experts_and_threads(
    app: Flask, anonymous: Person, three: dict[str, str]
) -> None:
    from tests.test_experts import _claim, _verify

    siti = make_person(app, "siti")
    _claim(app, siti, "confined-spaces", country="MY")
    _verify(app, make_person(app, "oic.mod", moderates=("oic-oshnet",)), "siti")
    claimer = make_person(app, "rahim")
    _claim(app, claimer, "fire-safety", country="MY")  # claimed only: not listed
    siti.start_thread("Silica exposure in quarries", "Which sampler do you use?")
    french = make_person(app, "jp.martin")
    _claim(app, french, "fire-safety", country="FR")
    french.start_thread("Inspections du travail en France", "Comment faire ?")
    siti.start_thread("Withdrawn question about harnesses", "Deleted by a moderator.")
    with app.app_context():
        gone = db.session.scalar(select(Thread).where(Thread.title.like("Withdrawn%")))
        gone.deleted_at = utcnow()
        db.session.commit()

    assert anonymous.get("/countries/my").headers["Location"].endswith("/countries/MY")
    assert anonymous.get("/countries/XX").status_code == 404
    page = anonymous.get("/countries/MY").get_data(as_text=True)
    assert "<h1>Malaysia</h1>" in page
    assert _cards(page) == [three["niosh"]]
    assert 'href="/u/siti"' in page
    assert 'href="/u/rahim"' not in page
    assert "Silica exposure in quarries" in page
    assert "Inspections du travail" not in page
    assert "Withdrawn question" not in page


def test_a_network_page_names_its_focal_points_and_counts_its_institutions(
    anonymous: Person, three: dict[str, str]
) -> None:
    page = anonymous.get("/n/oic-oshnet").get_data(as_text=True)
    focal = page[page.index("National focal points") :]
    assert f'href="/institutions/{three["niosh"]}"' in focal
    assert f'href="/institutions/{three["senegal"]}"' in focal
    assert "Senegal" in focal
    assert "Malaysia" in focal
    assert '<a href="/institutions?network=oic-oshnet">2 member institutions</a>' in page
    ilo = anonymous.get("/n/ilo-global").get_data(as_text=True)
    assert "National focal points" not in ilo
    assert "2 member institutions" in ilo


def test_the_expert_directory_finds_the_members_of_an_institution(
    app: Flask, anonymous: Person, three: dict[str, str]
) -> None:
    from tests.test_experts import _claim

    for name in ("siti", "rahim", "aziz"):
        _claim(app, make_person(app, name), "confined-spaces")
    with app.app_context():
        institution_id = db.session.scalar(
            select(Institution.id).where(Institution.slug == three["niosh"])
        )
        users = dict(db.session.execute(select(User.username, User.id)).all())
        db.session.add_all(
            [
                Affiliation(
                    user_id=users["siti"],
                    institution_id=institution_id,
                    status=AffiliationStatus.confirmed,
                ),
                Affiliation(user_id=users["rahim"], institution_id=institution_id),  # pending
            ]
        )
        db.session.commit()
    page = anonymous.get(f"/experts?institution={three['niosh']}").get_data(as_text=True)
    assert 'href="/u/siti"' in page
    assert 'href="/u/rahim"' not in page
    assert 'href="/u/aziz"' not in page
    assert "Members who work at" in page
    unknown = anonymous.get("/experts?institution=nowhere")
    assert unknown.status_code == 200
    assert "There is no such institution" in unknown.get_data(as_text=True)
    assert 'href="/u/aziz"' in unknown.get_data(as_text=True)  # ignored, not an empty list


def _add_institutions(app: Flask, start: int, count: int) -> None:
    """Malaysian institutions in OIC-OSHNET with two capacities each, written in bulk."""
    with app.app_context():
        network_id = db.session.scalar(select(Network.id).where(Network.slug == "oic-oshnet"))
        themes = db.session.scalars(select(Theme.id).order_by(Theme.id).limit(2)).all()
        names = [f"Keselamatan Institute {i:05d}" for i in range(start, start + count)]
        db.session.execute(
            insert(Institution),
            [
                {
                    "slug": f"kesel-{i}",
                    "name": name,
                    "name_key": search_key(name),
                    "other_names": {"fr": f"Institut {i}"},
                    "acronym": f"KI{i}",
                    "country": "MY",
                    "kind": "research",
                    "search_text": search_key(name),
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
                for i, name in zip(range(start, start + count), names, strict=True)
            ],
        )
        ids = db.session.scalars(
            select(Institution.id).where(Institution.slug.like("kesel-%")).order_by(Institution.id)
        ).all()[start:]
        db.session.execute(
            insert(InstitutionNetwork),
            [{"institution_id": i, "network_id": network_id, "role": "focal_point"} for i in ids],
        )
        db.session.execute(
            insert(Capacity),
            [
                {"institution_id": i, "theme_id": t, "kind": kind, "note": ""}
                for i in ids
                for t, kind in zip(themes, ("research", "training"), strict=True)
            ],
        )
        db.session.commit()


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_MB": 0}])  # what making a page costs
def test_the_pages_read_a_fixed_number_of_queries_as_institutions_grow(
    app: Flask, anonymous: Person
) -> None:
    urls = [
        "/institutions",
        "/institutions?country=MY&network=oic-oshnet&theme=confined-spaces&capacity=research",
        "/institutions?q=keselamatan&kind=research",
        "/countries/MY",
        "/n/oic-oshnet",
        "/experts?institution=kesel-1",
    ]

    def costs() -> list[int]:
        counted = []
        for url in urls:
            anonymous.get(url)
            with counting_queries(app) as counter:
                assert anonymous.get(url).status_code == 200, url
            counted.append(counter.count)
        return counted

    _add_institutions(app, 0, 3)
    few = costs()
    _add_institutions(app, 3, 400)
    many = costs()
    assert many == few
    assert max(many) <= 8, many
    page = anonymous.get("/institutions").get_data(as_text=True)
    assert "403 institutions match" in page


def test_a_kept_country_page_shows_a_new_thread_from_there(
    app: Flask, anonymous: Person, three: dict[str, str]
) -> None:
    from tests.test_experts import _claim

    siti = make_person(app, "siti")
    _claim(app, siti, "confined-spaces", country="MY")
    assert anonymous.get("/countries/MY").headers[HEADER] == "miss"
    assert anonymous.get("/countries/MY").headers[HEADER] == "hit"
    siti.start_thread("Silica exposure in quarries", "Which sampler do you use?")
    fresh = anonymous.get("/countries/MY")
    assert fresh.headers[HEADER] == "miss"
    assert "Silica exposure in quarries" in fresh.get_data(as_text=True)


def test_the_menu_links_to_the_directory_beside_the_experts(anonymous: Person) -> None:
    page = anonymous.get("/").get_data(as_text=True)
    assert re.search(r'href="/experts">Experts</a></li>\s*<li><a href="/institutions">', page)


def test_moderators_and_admins_find_how_to_add_an_institution(
    app: Flask, anonymous: Person, member: Person
) -> None:
    add = 'href="/institutions/new"'
    assert add not in anonymous.get("/institutions").get_data(as_text=True)
    assert add not in member.get("/institutions").get_data(as_text=True)
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    assert add in moderator.get("/institutions").get_data(as_text=True)
    admin = make_person(app, "root.admin", admin=True)
    assert add in admin.get("/institutions").get_data(as_text=True)


def test_a_blank_filter_is_no_filter(anonymous: Person) -> None:
    response = anonymous.get("/institutions?capacity=+&kind=+&network=+&theme=+&country=+")
    assert response.status_code == 200
