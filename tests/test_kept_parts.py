"""What members' pages share with everyone (board cards, thread lists) is kept as parts, and
feeds are kept whole for everyone, under the same content version as visitors' pages: never
stale, never holding anyone's own things."""

from __future__ import annotations

import re

from flask import Flask

from forum.page_cache import HEADER
from forum.services import browsing
from tests.conftest import CSRF_PATTERN, Person, counting_queries

BOARD = "/n/oic-oshnet/confined-spaces"


def test_a_member_gets_the_kept_part_in_their_own_page(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    member.get("/")  # the welcome message, shown once
    other_member.start_thread("Rescue tripod anchor", "Where do you anchor it?")
    anonymous.get("/")  # a visitor makes the page, and its part
    with counting_queries(app) as made:
        first = member.get("/").get_data(as_text=True)
    other_member.client.get("/notifications")  # a private change: the part stays
    with counting_queries(app) as kept:
        second = member.get("/").get_data(as_text=True)
    assert _board_cards(second) == _board_cards(first)
    assert "Rescue tripod anchor" in _board_cards(second)
    assert "Log out" in second
    assert "Join the forum" not in second  # the visitor's button is outside the part
    assert made.count == kept.count  # both kept: the visitor made it


def test_a_kept_part_spares_the_queries_it_shows(
    app: Flask, member: Person, other_member: Person
) -> None:
    other_member.start_thread("Rescue tripod anchor", "Where do you anchor it?")
    with counting_queries(app) as making:
        member.get("/")
    with counting_queries(app) as keeping:
        member.get("/")
    assert keeping.count < making.count  # the board counts were not asked for again


def _board_cards(page: str) -> str:
    """Every board grid, and nothing after them (the footer's form holds a fresh token)."""
    return "".join(re.findall(r'<ul class="board-grid">.*?</ul>', page, re.DOTALL))


def test_a_new_thread_reaches_a_members_kept_pages_at_once(
    member: Person, other_member: Person
) -> None:
    for page in ("/", "/n/oic-oshnet", BOARD, "/themes/confined-spaces"):
        assert "Silica dust sampling" not in member.get(page).get_data(as_text=True)
    other_member.start_thread("Silica dust sampling", "Cyclone or IOM head?")
    for page in ("/", "/n/oic-oshnet", BOARD, "/themes/confined-spaces"):
        assert "Silica dust sampling" in member.get(page).get_data(as_text=True), page


def test_parts_are_kept_per_language(app: Flask, member: Person) -> None:
    assert "Be the first to ask." in member.get("/").get_data(as_text=True)
    member.post("/language", {"language": "fr"})
    french = member.get("/").get_data(as_text=True)
    assert "Soyez le premier à poser une question." in french
    assert "Be the first to ask." not in french


def test_a_part_holds_nothing_of_the_member_who_made_it(
    app: Flask, member: Person, other_member: Person
) -> None:
    other_member.start_thread("Lone worker alarms", "Man-down devices?")
    with app.app_context():
        board_id = browsing.get_board("oic-oshnet", "confined-spaces").id
    assert member.post(f"/boards/{board_id}/watch/watch", {}).status_code == 302
    board_for_amina = member.get(BOARD).get_data(as_text=True)  # makes the part
    board_for_kemal = other_member.get(BOARD).get_data(as_text=True)
    assert "You are watching." in board_for_amina
    assert "You are watching." not in board_for_kemal
    assert "Lone worker alarms" in board_for_kemal
    assert "amina" not in board_for_kemal
    tokens = set(CSRF_PATTERN.findall(board_for_amina))
    assert tokens
    assert not tokens & set(CSRF_PATTERN.findall(board_for_kemal))


def test_feeds_are_kept_for_members_too_and_never_stale(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    feed = f"{BOARD}/feed.atom"
    member.get("/")  # the welcome message, shown once
    other_member.start_thread("Hot work permits", "Who signs them off?")
    assert anonymous.get(feed).headers[HEADER] == "miss"
    kept = member.get(feed)
    assert kept.headers[HEADER] == "hit"  # the visitor's feed, served to a member
    assert kept.get_data(as_text=True) == anonymous.get(feed).get_data(as_text=True)
    other_member.start_thread("Fire watch after hot work", "How long?")
    fresh = member.get(feed)
    assert fresh.headers[HEADER] == "miss"
    assert "Fire watch after hot work" in fresh.get_data(as_text=True)


def test_profiles_and_the_expert_directory_are_kept_parts_and_never_stale(
    app: Flask, member: Person, other_member: Person
) -> None:
    profile = f"/u/{other_member.username}"
    assert "Fall arrest anchors" not in other_member.get(profile).get_data(as_text=True)
    assert "NIOSH Malaysia" not in member.get("/experts").get_data(as_text=True)
    other_member.start_thread("Fall arrest anchors", "Rated to 12 kN?")
    assert "Fall arrest anchors" in member.get(profile).get_data(as_text=True)
    with app.app_context():
        theme_id = browsing.get_theme("confined-spaces").id
    claimed = other_member.post(
        "/profile", {"institution": "NIOSH Malaysia", "expertise": [theme_id]}
    )
    assert claimed.status_code == 302
    assert "NIOSH Malaysia" in member.get("/experts").get_data(as_text=True)
    own = other_member.get(profile).get_data(as_text=True)  # the owner's buttons: outside
    assert "Edit your profile" in own
    assert "Edit your profile" not in member.get(profile).get_data(as_text=True)


def test_a_kept_directory_spares_its_queries(app: Flask, member: Person) -> None:
    with counting_queries(app) as making:
        member.get("/experts?country=MY")
    with counting_queries(app) as keeping:
        member.get("/experts?country=MY")
    assert keeping.count < making.count
