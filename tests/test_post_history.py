"""Edits in the open: readers see what changed in a post and when; a moderator's redaction
stays hidden from everyone but the network's moderators."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import Person, counting_queries, make_person, reply_ids, thread_id_from

ADVICE = (
    "Test the air before entry.\n"
    "A half-mask respirator is enough in the wet well.\n"
    "Keep a watcher outside."
)
SAFER = (
    "Test the air before entry.\n"
    "A self-contained breathing apparatus is needed in the wet well.\n"
    "Keep a watcher outside."
)


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Wet well entry", "What do we wear?"))


@pytest.fixture
def reply_id(app: Flask, other_member: Person, thread_id: int) -> int:
    other_member.reply(thread_id, ADVICE)
    return reply_ids(app, thread_id)[0]


def _edit(person: Person, post_id: int, body: str):  # noqa: ANN202
    response = person.post(f"/posts/{post_id}/edit", {"body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _history_url(thread_id: int, post_id: int) -> str:
    return f"/threads/{thread_id}/posts/{post_id}/history"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_a_visitor_sees_what_changed_in_edited_advice(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, SAFER)
    thread_page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    # the "edited" mark on the post links to its history
    assert re.search(rf'<a class="edited" href="{_history_url(thread_id, reply_id)}"', thread_page)

    page = anonymous.get(_history_url(thread_id, reply_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<del>half-mask respirator</del><ins>self-contained breathing apparatus</ins>" in html
    assert "<del>enough</del><ins>needed</ins>" in html
    assert "Edited by <bdi>kemal</bdi> on" in html
    assert "Test the air before entry." in html  # context around the change


def test_a_long_post_shows_the_change_with_a_little_context_not_the_whole_text(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    lines = [f"Step {number}: check the gas monitor." for number in range(1, 13)]
    _edit(other_member, reply_id, "\n".join(lines))
    lines[9] = "Step 10: call the rescue team."
    _edit(other_member, reply_id, "\n".join(lines))
    html = anonymous.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
    start = html.index('class="history-edit"')
    newest = html[start : html.index("</li>", start)]
    assert "<del>check</del><ins>call</ins>" in newest
    assert "Step 8: check" in newest  # two lines of context either side
    assert "Step 12: check" in newest
    assert "Step 3: check" not in newest
    assert "Unchanged lines left out" in newest


def test_the_author_sees_their_own_history_and_each_edit_newest_first(
    other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, SAFER)
    _edit(other_member, reply_id, SAFER + "\nCall the rescue team before entry.")
    html = other_member.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
    assert html.count('class="history-edit"') == 2
    assert html.index("<ins>Call the rescue team") < html.index(
        "<ins>self-contained breathing apparatus</ins>"
    )


def test_the_source_is_shown_as_text_never_as_html(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, '<img src=x onerror="alert(1)"> and <b>bold</b>')
    html = anonymous.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert "<b>bold</b>" not in html


def test_a_moderators_redaction_stays_hidden_from_readers(
    app: Flask,
    anonymous: Person,
    member: Person,
    other_member: Person,
    thread_id: int,
    reply_id: int,
) -> None:
    oic_mod = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    _edit(other_member, reply_id, ADVICE + "\nCall me on +90 555 123 4567.")
    _edit(oic_mod, reply_id, ADVICE + "\n(phone number removed)")
    _edit(other_member, reply_id, SAFER + "\n(phone number removed)")
    for reader in (anonymous, member, other_member):  # the author too
        html = reader.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
        assert "555 123 4567" not in html
        assert "A moderator edited this post on" in html
        assert (
            "<ins>self-contained breathing apparatus</ins>" in html
        )  # what came after the redaction
        assert html.count('class="history-edit"') == 1
    moderator = oic_mod.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
    assert "555 123 4567" in moderator
    assert "Edited by <bdi>oic.mod</bdi>, a moderator, on" in moderator
    assert moderator.count('class="history-edit"') == 3
    # the moderators' old address shows the same history
    assert "555 123 4567" in oic_mod.get(f"/mod/posts/{reply_id}/history").get_data(as_text=True)


def test_a_hidden_posts_history_is_for_its_moderators_only(
    app: Flask, anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    oic_mod = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    _edit(other_member, reply_id, SAFER)
    oic_mod.post(f"/mod/posts/{reply_id}/hide", {"reason": "Under review"})
    url = _history_url(thread_id, reply_id)
    assert anonymous.get(url).status_code == 403
    assert other_member.get(url).status_code == 403
    assert "self-contained" not in anonymous.get(url).get_data(as_text=True)
    thread_page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert url not in thread_page
    assert "self-contained" in oic_mod.get(url).get_data(as_text=True)


def test_a_deleted_posts_history_is_shown_to_no_reader(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, SAFER)
    other_member.post(f"/posts/{reply_id}/delete")
    url = _history_url(thread_id, reply_id)
    assert anonymous.get(url).status_code == 403
    assert "self-contained" not in other_member.get(url).get_data(as_text=True)


def test_a_post_from_another_thread_is_not_found(
    member: Person, anonymous: Person, thread_id: int, reply_id: int
) -> None:
    other = thread_id_from(member.start_thread("Another thread", "x"))
    assert anonymous.get(_history_url(other, reply_id)).status_code == 404


def test_an_unedited_post_says_so(anonymous: Person, thread_id: int, reply_id: int) -> None:
    html = anonymous.get(_history_url(thread_id, reply_id)).get_data(as_text=True)
    assert "This post was never edited." in html


def test_a_visitors_history_page_is_kept_until_the_post_changes(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, SAFER)
    url = _history_url(thread_id, reply_id)
    assert anonymous.get(url).headers.get("X-Page-Cache") == "miss"
    assert anonymous.get(url).headers.get("X-Page-Cache") == "hit"
    _edit(other_member, reply_id, SAFER + "\nAnd a tripod.")
    fresh = anonymous.get(url)
    assert fresh.headers.get("X-Page-Cache") == "miss"
    assert "tripod" in fresh.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PAGE_CACHE_MB": 0}])
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_history_page_costs_the_same_queries_whatever_its_edits(
    app: Flask,
    request: pytest.FixtureRequest,
    who: str,
    other_member: Person,
    thread_id: int,
    reply_id: int,
) -> None:
    reader = request.getfixturevalue(who)
    url = _history_url(thread_id, reply_id)
    _edit(other_member, reply_id, SAFER)
    reader.get(url)
    with counting_queries(app) as one:
        assert reader.get(url).status_code == 200
    for number in range(6):
        _edit(other_member, reply_id, f"{SAFER}\nEdit {number}")
    reader.get(url)
    with counting_queries(app) as seven:
        assert reader.get(url).status_code == 200
    assert one.count == seven.count
    assert seven.count <= 10


def test_a_huge_edit_of_repeated_lines_is_not_aligned_line_by_line() -> None:
    """Aligned, these would take about a minute per request: past the bound the whole old
    text shows removed and the new added (an aligned diff would add 1,000 lines, not all)."""
    from forum.services.post_history import diff_lines

    before, after = "a\n" * 25_000, "a\n" * 24_000 + "b\n" * 1_000
    lines = diff_lines(before, after)
    assert [line.kind for line in lines].count("ins") == 25_000
    small = diff_lines("keep\nold line\n", "keep\nnew line\n")
    assert [line.kind for line in small] == ["same", "changed"]


def test_the_edited_mark_gives_its_date_as_the_posts_date_is_given(
    anonymous: Person, other_member: Person, thread_id: int, reply_id: int
) -> None:
    _edit(other_member, reply_id, SAFER)
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    date = r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d"
    posted = re.findall(rf'class="post-date"><time datetime="[^"]+">({date})</time>', page)
    edited = re.findall(rf'class="edited" href="[^"]+" title="Edited ({date})"', page)
    assert len(posted) == 2
    assert len(edited) == 1  # the same words as the post's date: no time zone of its own
