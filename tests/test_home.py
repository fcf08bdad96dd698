"""Issue 23, item 5: the home shows life. Recent activity across networks first (newest
questions, fresh good practices, open questions in the reader's language first), then each
network with only the boards that have threads; empty boards stay on the network's page."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post
from forum.services import home_page
from tests.conftest import Person, board_id, make_person, reply_ids, thread_id_from

OIC = "OIC-OSHNET"


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by that heading."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert found, heading_id
    return found.group(0)


def titles(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(r'class="activity-title"[^>]*><bdi>(.*?)</bdi>', html)
    ]


def ask(
    person: Person,
    title: str,
    *,
    kind: str = "question",
    board: str = "oic-oshnet/confined-spaces",
    language: str = "en",
) -> int:
    body = "Comment choisir un détecteur ?" if language == "fr" else "Which detector to choose?"
    response = person.post(
        f"/n/{board}/new", {"kind": kind, "title": title, "body": body, "language": language}
    )
    return thread_id_from(response)


def opening_post(app: Flask, thread_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(True))
        )


def home(person: Person, language: str = "en") -> str:
    return person.get("/", headers={"Accept-Language": language}).get_data(as_text=True)


def test_networks_show_only_boards_with_threads_and_link_to_the_others(
    member: Person, anonymous: Person
) -> None:
    page = home(anonymous)
    # nothing written yet: each network, and a way to its twelve boards
    assert "ILO global OSH community" in page
    assert "OIC Occupational Safety and Health Network" in page
    assert 'href="/n/oic-oshnet/confined-spaces"' not in page
    oic = section(page, "network-oic-oshnet")
    assert "No threads yet." in oic
    assert f'<a href="/n/oic-oshnet">12 boards in {OIC}</a>' in oic

    ask(member, "Silo entry permit")
    ask(member, "Evacuation drills", board="oic-oshnet/fire-safety")
    ask(member, "Fire doors", board="oic-oshnet/fire-safety")
    oic = section(home(anonymous), "network-oic-oshnet")
    boards = re.findall(r'<li[^>]*><a href="/n/oic-oshnet/([a-z-]+)">', oic)
    assert boards == ["confined-spaces", "fire-safety"]  # in the network's order
    assert re.search(r'fire-safety">Fire safety</a>\s*<span class="board-count">2 threads', oic)
    assert f'<a href="/n/oic-oshnet">10 more boards in {OIC}</a>' in oic
    assert "No threads yet." not in oic
    # the empty boards are one click away, on the network's page
    network = anonymous.get("/n/oic-oshnet").get_data(as_text=True)
    assert 'href="/n/oic-oshnet/hazardous-work"' in network
    assert 'href="/n/ilo-global/' not in section(home(anonymous), "network-oic-oshnet")


def test_recent_activity_lists_the_newest_questions_and_good_practices(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    for number in range(1, 6):
        ask(member, f"Question {number}", board="ilo-global/mining")
    ask(member, "Guardrails on every roof", kind="good_practice", board="oic-oshnet/construction")
    ask(member, "A discussion, not a question", kind="discussion")
    newest = ask(other_member, "Newest question <b>bold</b>")
    other_member.reply(newest, "A first reply.")
    member.reply(newest, "A second reply.")

    page = home(anonymous)
    questions = section(page, "newest-questions")
    assert titles(questions) == [
        "Newest question <b>bold</b>",
        "Question 5",
        "Question 4",
        "Question 3",
    ]
    assert "&lt;b&gt;bold&lt;/b&gt;" in questions  # a title is text, never markup
    first_row = questions.split('<li class="activity-row">')[1]
    assert f"{OIC} · Confined spaces" in first_row
    assert 'href="/n/oic-oshnet/confined-spaces"' in first_row
    assert 'Asked by <a href="/u/kemal"><bdi>kemal</bdi></a> on <time' in first_row
    assert "2 replies" in first_row
    assert "0 replies" in questions.split('<li class="activity-row">')[2]
    assert 'href="/search?kind=question&amp;sort=newest">See all questions</a>' in questions

    practices = section(page, "fresh-practices")
    assert titles(practices) == ["Guardrails on every roof"]
    assert "Shared by" in practices
    assert f"{OIC} · Construction" in practices
    assert "A discussion, not a question" not in page.split('id="networks-heading"')[0]


def test_unanswered_questions_come_in_the_readers_language_first(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    ask(member, "Quel détecteur de gaz ?", language="fr")
    ask(member, "Which gas detector?")
    answered = ask(member, "Who signs the permit?")
    other_member.reply(answered, "The area authority.")
    accepted = member.post(f"/threads/{answered}/accept/{reply_ids(app, answered)[0]}")
    assert accepted.status_code == 302
    replied = ask(member, "Tripod or davit arm?")
    other_member.reply(replied, "A davit arm, if the opening allows.")  # replied, not answered

    english_page = section(home(anonymous, "en"), "unanswered-questions")
    assert titles(english_page) == [
        "Tripod or davit arm?",  # replied to, but no answer accepted
        "Which gas detector?",
        "Quel détecteur de gaz ?",
    ]
    assert "Who signs the permit?" not in english_page
    assert "Questions in English first." in english_page
    french_page = section(home(anonymous, "fr"), "unanswered-questions")
    assert titles(french_page)[0] == "Quel détecteur de gaz ?"
    assert 'href="/search?show=unanswered&amp;sort=newest"' in english_page


def test_unanswered_fills_up_with_other_languages_up_to_its_length(
    member: Person, anonymous: Person
) -> None:
    for number in range(home_page.ROWS_PER_LIST + 1):
        ask(member, f"English question {number}")
    ask(member, "Question en français", language="fr")
    listed = titles(section(home(anonymous, "fr"), "unanswered-questions"))
    assert listed[0] == "Question en français"
    assert len(listed) == home_page.ROWS_PER_LIST
    assert listed[1:] == [f"English question {n}" for n in (4, 3, 2)]


def test_the_home_shows_only_what_anyone_may_read(
    app: Flask, member: Person, anonymous: Person
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    admin = make_person(app, "root.admin", admin=True)
    deleted = ask(member, "Deleted question")
    hidden = ask(member, "Question whose opening post is hidden")
    locked = ask(member, "Locked question")
    ask(member, "Question in an archived board", board="oic-oshnet/mining")
    ask(member, "Open question")
    deleting = moderator.post(f"/mod/threads/{deleted}/delete", {"reason": "Spam"})
    assert deleting.status_code == 302
    opening = opening_post(app, hidden)
    assert moderator.post(f"/mod/posts/{opening}/hide", {"reason": "Unsafe"}).status_code == 302
    assert moderator.post(f"/mod/threads/{locked}/lock").status_code == 302
    mining = board_id(app, "oic-oshnet", "mining")
    assert admin.post(f"/mod/boards/{mining}/archive").status_code == 302

    for person in (anonymous, member, moderator):
        page = home(person)
        questions = titles(section(page, "newest-questions"))
        unanswered = titles(section(page, "unanswered-questions"))
        assert "Deleted question" not in page
        assert "Question whose opening post is hidden" not in page
        # still readable where they are, but no one can answer them there
        assert {"Locked question", "Question in an archived board"} <= set(questions)
        assert unanswered == ["Open question"]


def test_an_empty_forum_says_so_in_each_list(anonymous: Person) -> None:
    page = home(anonymous)
    assert "No questions yet." in section(page, "newest-questions")
    assert "No good practices yet." in section(page, "fresh-practices")
    assert "Every question has an answer." in section(page, "unanswered-questions")
