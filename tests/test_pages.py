from __future__ import annotations

import re

import pytest
from flask import Flask

from forum.extensions import db
from forum.models import Thread
from tests.conftest import Person, thread_id_from

THEMES = [
    "Confined spaces",
    "Fire safety",
    "Hazardous work",
    "Chemical safety",
    "Construction",
    "Mining",
    "Agriculture",
    "Ergonomics",
    "Occupational health services",
    "Psychosocial risks",
    "OSH management systems",
    "Electrical safety",
]


def test_each_network_has_a_board_per_theme_reached_from_the_home(anonymous: Person) -> None:
    page = anonymous.get("/").get_data(as_text=True)
    assert "ILO global OSH community" in page
    assert "OIC Occupational Safety and Health Network" in page
    for network in ("oic-oshnet", "ilo-global"):
        assert f'href="/n/{network}"' in page
        boards = anonymous.get(f"/n/{network}").get_data(as_text=True)
        for theme in THEMES:
            assert f"<bdi>{theme}</bdi></a>" in boards, (network, theme)
    assert 'href="/n/oic-oshnet/confined-spaces"' in anonymous.get("/n/oic-oshnet").get_data(
        as_text=True
    )


def test_home_shows_thread_counts_and_the_newest_threads(member: Person, anonymous: Person) -> None:
    member.start_thread("Older question", "a")
    member.start_thread("Newest question", "b")
    page = anonymous.get("/").get_data(as_text=True)
    networks = page.split('id="networks-heading"')[1]
    board = re.search(r'href="/n/oic-oshnet/confined-spaces">.*?</li>', networks, re.S).group(0)
    assert "2 threads" in board
    newest = page.index("Newest question")
    assert newest < page.index("Older question") < page.index('id="networks-heading"')


def test_network_page_lists_its_boards_and_recent_threads(
    member: Person, anonymous: Person
) -> None:
    member.start_thread("Silo rescue", "x", board="oic-oshnet/confined-spaces")
    member.start_thread("ILO thread", "y", board="ilo-global/fire-safety")
    page = anonymous.get("/n/oic-oshnet").get_data(as_text=True)
    assert "OIC Occupational Safety and Health Network" in page
    assert "Silo rescue" in page
    assert "ILO thread" not in page
    assert anonymous.get("/n/no-such-network").status_code == 404


def test_theme_page_shows_one_theme_across_every_network(member: Person, anonymous: Person) -> None:
    member.start_thread("Gas detectors in OIC", "x", board="oic-oshnet/confined-spaces")
    member.start_thread("Gas detectors at the ILO", "y", board="ilo-global/confined-spaces")
    member.start_thread("Fire doors", "z", board="ilo-global/fire-safety")
    page = anonymous.get("/themes/confined-spaces").get_data(as_text=True)
    assert "Gas detectors in OIC" in page
    assert "Gas detectors at the ILO" in page
    assert "Fire doors" not in page
    assert "OIC-OSHNET" in page
    assert "ILO Global OSH" in page

    only_ilo = anonymous.get("/themes/confined-spaces?network=ilo-global").get_data(as_text=True)
    only_ilo = only_ilo[only_ilo.index("Threads across networks") :]
    assert "Gas detectors at the ILO" in only_ilo
    assert "Gas detectors in OIC" not in only_ilo
    assert anonymous.get("/themes/no-such-theme").status_code == 404


def test_themes_index_links_every_theme(anonymous: Person) -> None:
    page = anonymous.get("/themes").get_data(as_text=True)
    for slug in ("confined-spaces", "fire-safety", "hazardous-work", "electrical-safety"):
        assert f'href="/themes/{slug}"' in page


def test_board_lists_pinned_threads_first(app: Flask, member: Person, anonymous: Person) -> None:
    pinned = thread_id_from(member.start_thread("Read me first: board rules", "x"))
    member.start_thread("A later question", "y")
    with app.app_context():
        db.session.get(Thread, pinned).is_pinned = True
        db.session.commit()
    page = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert page.index("Read me first") < page.index("A later question")
    assert "Pinned" in page


def test_board_pages_link_their_neighbours(app: Flask, member: Person, anonymous: Person) -> None:
    for number in range(23):  # 10 per page in tests: three pages
        member.start_thread(f"Thread number {number:02d}", "body")
    first = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert 'rel="next" href="/n/oic-oshnet/confined-spaces?page=2"' in first
    assert 'rel="prev"' not in first
    second = anonymous.get("/n/oic-oshnet/confined-spaces?page=2").get_data(as_text=True)
    assert 'rel="prev" href="/n/oic-oshnet/confined-spaces"' in second
    assert 'rel="next" href="/n/oic-oshnet/confined-spaces?page=3"' in second
    third = anonymous.get("/n/oic-oshnet/confined-spaces?page=3").get_data(as_text=True)
    assert "Thread number 00" in third
    assert 'rel="next"' not in third


def test_filters_survive_pagination(member: Person, anonymous: Person) -> None:
    for number in range(12):
        member.start_thread(f"Practice {number}", "b", kind="good_practice")
    page = anonymous.get("/n/oic-oshnet/confined-spaces?show=good_practice").get_data(as_text=True)
    assert 'rel="next" href="/n/oic-oshnet/confined-spaces?show=good_practice&amp;page=2"' in page


def test_thread_pages_link_their_neighbours(member: Person, other_member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Long discussion", "opening"))
    for number in range(12):
        other_member.reply(thread_id, f"reply {number}")
    first = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'rel="next" href="/threads/{thread_id}?page=2"' in first
    second = member.get(f"/threads/{thread_id}?page=2").get_data(as_text=True)
    assert "reply 11" in second
    assert "opening" not in second
    assert f'rel="prev" href="/threads/{thread_id}"' in second


@pytest.mark.parametrize(
    "url",
    [
        "/n/oic-oshnet/no-such-theme",
        "/n/no-such-network/confined-spaces",
        "/threads/999999",
        "/threads/not-a-number",
        "/posts/999999",
        "/u/nobody-by-that-name",
        "/n/oic-oshnet/confined-spaces?page=99",
        "/n/oic-oshnet/confined-spaces?page=0",
        "/n/oic-oshnet/confined-spaces?page=-3",
        "/n/oic-oshnet/confined-spaces?page=99999999999999999999999",
    ],
)
def test_unknown_things_get_a_friendly_404(anonymous: Person, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_post_permalink_leads_to_its_page_and_anchor(
    member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Anchors", "opening"))
    for number in range(11):
        other_member.reply(thread_id, f"reply {number}")
    last = other_member.reply(thread_id, "the twelfth post")
    location = last.headers["Location"]
    assert f"/threads/{thread_id}?page=2#post-" in location
    post_id = location.rsplit("#post-", 1)[1]
    assert member.get(f"/posts/{post_id}").headers["Location"] == location


def test_profile_lists_the_members_threads(member: Person, anonymous: Person) -> None:
    member.start_thread("My first question", "x")
    page = anonymous.get("/u/amina").get_data(as_text=True)
    assert "amina" in page
    assert "My first question" in page


def test_pages_are_accessible_landmarks_and_labels(member: Person) -> None:
    page = member.get("/n/oic-oshnet/confined-spaces/new").get_data(as_text=True)
    assert 'class="skip-link" href="#content"' in page
    assert "<main" in page
    assert "<header" in page
    assert "<footer" in page
    assert "<nav" in page
    controls = re.findall(
        r'<(?:input|textarea|select)(?![^>]*type="(?:hidden|submit)")[^>]*id="([^"]+)"', page
    )
    assert len(controls) >= 5  # three kinds, title, body
    for control in controls:
        assert f'for="{control}"' in page, control


def test_security_headers_forbid_inline_script_and_framing(anonymous: Person) -> None:
    response = anonymous.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)
