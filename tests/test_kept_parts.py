"""What members' pages share with everyone (board cards, thread lists) is kept as parts, and
feeds are kept whole for everyone, under the same content version as visitors' pages: never
stale, never holding anyone's own things."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from forum import standing
from forum.database import write_transaction
from forum.models import Notification
from forum.models import NotificationKind as Kind
from forum.models._time import utcnow
from forum.page_cache import HEADER
from forum.services import accounts, browsing, sanctions
from tests.conftest import (
    CSRF_PATTERN,
    Person,
    counting_queries,
    make_person,
    readable,
    reply_ids,
    thread_id_from,
)

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


def _actions(page: str) -> list[str]:
    """Each post's buttons, in order, as words."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", block).split())
        for block in re.findall(r'<div class="post-actions">(.*?)</div>', page, re.DOTALL)
    ]


def _token(page: str) -> set[str]:
    """The session's tokens in a page: each is signed afresh with the second it is made."""
    return {_session_token(token) for token in CSRF_PATTERN.findall(page)}


def _session_token(token: str) -> str:
    return token.split(".", 1)[0]


def test_each_member_gets_their_own_buttons_on_a_kept_thread(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Gas test before entry", "Which order?"))
    other_member.reply(thread_id, "Oxygen first, then flammables, then toxics.")
    page = f"/threads/{thread_id}"
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    voter = make_person(app, "voter")
    assert voter.post(f"/posts/{reply_ids(app, thread_id)[0]}/vote").status_code == 302

    anonymous.get(page)  # a visitor's page makes the posts' parts first
    seen = {}
    for person in (voter, member, other_member, moderator, voter):
        text = person.get(page).get_data(as_text=True)
        assert len(_token(text)) == 1  # the person's own token, in every form
        assert _token(text) == {_session_token(person.csrf_token())}
        seen[person.username] = _actions(text)
    opening, reply = 0, 1
    assert "Withdraw my vote" in seen["voter"][reply]
    assert "Helpful" not in seen["voter"][reply]
    assert "Helpful" in seen["amina"][reply]
    assert "Accept as answer" in seen["amina"][reply]
    assert "Edit" in seen["amina"][opening]
    assert "Edit" not in seen["amina"][reply]
    assert "Edit" in seen["kemal"][reply]
    assert "Helpful" not in seen["kemal"][reply]
    assert "Accept as answer" not in seen["kemal"][reply]
    assert "Hide" in seen["oic.mod"][reply]
    assert "Hide" not in seen["voter"][reply]


def test_a_reply_form_from_a_kept_part_posts_with_the_members_own_token(
    member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Lockout padlocks", "One per worker?"))
    page = f"/threads/{thread_id}"
    member.get(page)  # makes the reply form's part with amina's token in it
    text = other_member.get(page).get_data(as_text=True)
    form = text[text.index('<section class="reply-box"') :]
    token = CSRF_PATTERN.search(form).group(1)
    replied = other_member.client.post(
        f"/threads/{thread_id}/reply", data={"csrf_token": token, "body": "Yes, and one key."}
    )
    assert replied.status_code == 302
    assert "Yes, and one key." in member.get(page).get_data(as_text=True)


def test_a_hidden_post_is_never_shared_between_its_readers(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Harness inspection", "How often?"))
    other_member.reply(thread_id, "Buy the cheapest harness online.")
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    reply_id = reply_ids(app, thread_id)[0]
    hidden = moderator.post(f"/mod/posts/{reply_id}/hide", {"reason": "Unsafe advice"})
    assert hidden.status_code == 302
    page = f"/threads/{thread_id}"
    for person in (moderator, other_member, member, moderator):
        text = person.get(page).get_data(as_text=True)
        shows_body = "Buy the cheapest harness online." in text
        assert shows_body == (person is moderator), person.username
        assert ("Reason: Unsafe advice" in text) == (person is not member), person.username


def test_a_kept_thread_page_spares_its_queries(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Noise at 85 dB(A)", "Which protectors?"))
    page = f"/threads/{thread_id}"
    with counting_queries(app) as making:
        member.get(page)
    with counting_queries(app) as keeping:
        member.get(page)
    assert keeping.count < making.count  # the authors' expertise was not asked for again


def test_a_hidden_accepted_answer_shown_under_the_question_is_never_shared(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Ladder angle", "What ratio?"))
    filler = make_person(app, "filler")
    for number in range(9):  # page 1: the question and these (ten posts a page in tests)
        filler.reply(thread_id, f"Another view, number {number}.")
    other_member.reply(thread_id, "One out for every four up, and tie it off.")
    answer_id = reply_ids(app, thread_id)[-1]  # on page 2, shown on page 1 once accepted
    assert member.post(f"/threads/{thread_id}/accept/{answer_id}").status_code == 302
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    hidden = moderator.post(f"/mod/posts/{answer_id}/hide", {"reason": "Check the standard"})
    assert hidden.status_code == 302
    reader = make_person(app, "reader")
    page = f"/threads/{thread_id}"
    assert "Reason: Check the standard" not in reader.get(page).get_data(as_text=True)
    assert "Reason: Check the standard" in other_member.get(page).get_data(as_text=True)


def test_the_inbox_is_kept_for_its_member_alone_and_changes_at_once(
    app: Flask, member: Person, other_member: Person
) -> None:
    inbox = "/notifications"
    thread_id = thread_id_from(member.start_thread("Silo entry", "Who holds the permit?"))
    other_member.reply(thread_id, "The entry supervisor.")
    with counting_queries(app) as making:
        first = readable(member.get(inbox).get_data(as_text=True))
    with counting_queries(app) as keeping:
        again = readable(member.get(inbox).get_data(as_text=True))
    assert keeping.count < making.count
    assert again.count("replied to your thread “Silo entry”") == 1
    assert _token(again) == {_session_token(member.csrf_token())}
    assert "Silo entry" not in other_member.get(inbox).get_data(as_text=True)

    # one read and one arriving, as many unread as before, and nothing else changed
    opened = re.search(r'action="(/notifications/\d+/open)"', first).group(1)
    assert member.post(opened).status_code == 302
    with app.app_context(), write_transaction() as session:
        recipient = accounts.find_user("amina")
        session.add(Notification(recipient_id=recipient.id, kind=Kind.moderation, data={}))
    assert "A moderator acted on your content." in member.get(inbox).get_data(as_text=True)
    member.post("/notifications/read")  # all are read
    assert "tag-new" in first
    assert "tag-new" not in member.get(inbox).get_data(as_text=True)


def test_a_members_own_thread_view_follows_what_no_content_change_moves(
    app: Flask, member: Person, other_member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their view of a thread is kept for them alone: watching it, and a suspension that ends
    with time, change it with no content changing."""
    thread_id = thread_id_from(member.start_thread("Trench shoring", "From which depth?"))
    page = f"/threads/{thread_id}"
    assert "You are watching." not in other_member.get(page).get_data(as_text=True)
    other_member.post(f"/threads/{thread_id}/watch/watch")
    assert "You are watching." in other_member.get(page).get_data(as_text=True)
    assert "You are watching." in member.get(page).get_data(as_text=True)  # they started it
    member.post(f"/threads/{thread_id}/watch/mute")
    assert "Muted." in member.get(page).get_data(as_text=True)
    assert "You are watching." in other_member.get(page).get_data(as_text=True)

    make_person(app, "root", admin=True)
    with app.app_context():
        sanctions.suspend(
            accounts.find_user("root"),
            accounts.find_user("kemal"),
            browsing.get_network("oic-oshnet"),
            utcnow() + timedelta(days=1),
            "Off-topic adverts",
        )
    for _ in range(2):
        suspended = other_member.get(page).get_data(as_text=True)
        assert "Off-topic adverts" in suspended
        assert f'action="/threads/{thread_id}/reply"' not in suspended
    monkeypatch.setattr(standing, "utcnow", lambda: utcnow() + timedelta(days=2))
    assert f'action="/threads/{thread_id}/reply"' in other_member.get(page).get_data(as_text=True)


def test_the_pages_frame_is_made_once_per_language_and_holds_no_one(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    """The navigation and footer are kept for good (page_cache.frame); the account links,
    the token and the address the language switcher returns to are each page's own."""
    for person, name in ((member, "amina"), (other_member, "kemal")):
        page = person.get("/themes").get_data(as_text=True)
        assert "Unanswered for me" in page
        assert f"<bdi>{name}</bdi>" in page
        assert _token(page) == {_session_token(person.csrf_token())}
    visitors = anonymous.get(BOARD).get_data(as_text=True)
    assert "Unanswered for me" not in visitors
    assert '<input type="hidden" name="next" value="/n/oic-oshnet/confined-spaces?">' in visitors
    member.post("/language", {"language": "fr", "next": "/themes"})
    french = member.get("/themes").get_data(as_text=True)
    assert "Sans réponse pour moi" in french
    assert 'aria-current="true">Français' in french
    assert "Unanswered for me" in other_member.get("/themes").get_data(as_text=True)
