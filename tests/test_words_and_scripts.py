"""Words and scripts: names sorted the way each language sorts, members' words isolated from
the sentences around them, and the search help's filter keys kept left to right in Arabic."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask

from tests.conftest import Person, board_id, thread_id_from

OPTION = re.compile(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>')


def options(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no <select id={select_id}>"
    return [unescape(name) for _value, name in OPTION.findall(select.group(1))]


# --- collation ---------------------------------------------------------------------------


def test_french_countries_with_accents_sort_among_the_es(member: Person) -> None:
    member.post("/language", {"language": "fr"})
    page = member.get("/profile").get_data(as_text=True)
    countries = options(page, "country")
    position = countries.index
    assert position("Danemark") < position("Égypte") < position("Espagne")
    assert position("Estonie") < position("États-Unis") < position("Éthiopie") < position("Fidji")
    assert position("Zimbabwe") > position("États-Unis")
    languages = options(page, "languages")
    assert languages.index("espagnol") < languages.index("éwé") < languages.index("féroïen")


def test_the_expert_directory_filter_sorts_countries_in_french(anonymous: Person) -> None:
    page = anonymous.get("/experts", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    countries = options(page, "country")[1:]  # after "Any country"
    assert countries.index("Hongrie") < countries.index("Îles Féroé") < countries.index("Inde")
    assert countries.index("Équateur") < countries.index("Espagne") < countries.index("Fidji")
    assert countries[-1] == "Zimbabwe"


# --- the search help in a right-to-left page -----------------------------------------------


def test_the_search_help_keeps_filter_keys_left_to_right_in_arabic(anonymous: Person) -> None:
    page = anonymous.get("/search", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    hint = re.search(r'<p class="hint" id="q-hint">(.*?)</p>', page, re.S).group(1)
    for key in ("theme:", "network:", "kind:", "is:unanswered", "after:"):
        assert f'<code dir="ltr">{key}</code>' in hint, key
    outside = re.sub(r'<code dir="ltr">[^<]*</code>', "", hint)
    assert not re.search(r"\b(theme|network|board|author|kind|is|before|after):", outside)


# --- members' words isolated inside the page's sentences ----------------------------------

ARABIC_TITLE = "السلامة في الأماكن المغلقة؟"


def test_an_arabic_title_is_isolated_in_the_board_cards_latest_line(
    member: Person, anonymous: Person
) -> None:
    thread_id_from(member.start_thread(ARABIC_TITLE, "ما هي الإجراءات؟"))
    for address in ("/n/oic-oshnet", "/themes/confined-spaces"):
        page = anonymous.get(address).get_data(as_text=True)
        latest = re.search(r'<p class="board-latest">(.*?)</p>', page, re.S)
        assert latest, address
        assert f"<bdi>{ARABIC_TITLE}</bdi></a> · <time" in latest.group(1), address


def test_a_boards_own_name_is_isolated_beside_its_network(
    app: Flask, member: Person, anonymous: Person
) -> None:
    from forum.extensions import db
    from forum.models import Board

    with app.app_context():
        board = db.session.get(Board, board_id(app, "oic-oshnet", "confined-spaces"))
        board.custom_name = "الأماكن المغلقة والخزانات"
        db.session.commit()
    member.start_thread("Tank entry", "Which permit?")
    page = anonymous.get("/themes/confined-spaces").get_data(as_text=True)
    assert "OIC-OSHNET · <bdi>الأماكن المغلقة والخزانات</bdi></a>" in page
