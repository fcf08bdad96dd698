"""Topics: the composer's suggested topics, confirmed by the author; the topic pages; tags
kept in step with kept pages."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEntry, ThreadTopic
from forum.services import browsing, moderation, thread_posts
from tests.conftest import Person, errors_in, make_person, thread_id_from
from tests.topic_samples import sample_vocabulary  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sample_vocabulary")
NEW = "/n/oic-oshnet/confined-spaces/new"


def _start(person: Person, title: str, body: str, *topics: str, **more: str):
    return person.post(
        NEW, {"kind": "question", "title": title, "body": body, "topics": list(topics), **more}
    )


def _tags(app: Flask, thread_id: int) -> set[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(ThreadTopic.concept_id).where(ThreadTopic.thread_id == thread_id)
        )
        return set(rows)


def test_the_composer_suggests_topics_and_keeps_only_those_ticked(
    app: Flask, member: Person
) -> None:
    text = ("Which gas detector?", "Before entering we use a fall arrest system and air testing.")
    previewed = member.post(
        NEW, {"kind": "question", "title": text[0], "body": text[1], "preview": "1"}
    )
    html = previewed.get_data(as_text=True)
    assert previewed.status_code == 200
    for offered in ("gas-detector", "fall-arrest-system", "atmospheric-testing"):
        assert f'name="topics" value="{offered}">' in html  # offered, not ticked
    assert "checked" not in html.split('id="topic-choice"')[1].split("</fieldset>")[0]

    posted = _start(member, *text, "gas-detector", "atmospheric-testing")
    thread_id = thread_id_from(posted)
    assert _tags(app, thread_id) == {"gas-detector", "atmospheric-testing"}
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert 'href="/topics/gas-detector"' in page
    assert "gas detector" in page
    assert 'href="/topics/fall-arrest-system"' not in page  # offered, not ticked

    ticked = member.post(NEW, {"kind": "question", "title": "t", "body": "b",
                               "topics": ["gas-detector"], "preview": "1"})  # fmt: skip
    assert 'value="gas-detector" checked' in ticked.get_data(as_text=True)


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "x" * 5000, "gas-detector'--"])
def test_topic_ids_the_vocabulary_does_not_know_are_refused_with_a_message(
    app: Flask, member: Person, hostile: str
) -> None:
    refused = _start(member, "Gas", "Which gas detector?", "gas-detector", hostile)
    assert refused.status_code == 422
    assert "is not a topic of the vocabulary" in errors_in(refused)
    assert "<script>alert" not in refused.get_data(as_text=True)
    asked = member.post("/ask", {"board": "1", "kind": "question", "title": "G", "body": "B",
                                 "topics": [hostile]})  # fmt: skip
    assert asked.status_code in (403, 422)
    with app.app_context():
        assert db.session.scalar(select(ThreadTopic.thread_id)) is None


def test_editing_the_first_post_changes_its_topics_and_the_topic_page(
    app: Flask, member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(
        _start(member, "Gas alarms", "A gas detector beeps.", "gas-detector")
    )
    assert "Gas alarms" in anonymous.get("/topics/gas-detector").get_data(as_text=True)
    kept = anonymous.get("/topics/gas-detector")
    assert kept.headers.get("X-Page-Cache") == "hit"
    with app.app_context():
        opening = browsing.get_thread(thread_id)
        post_id = min(post.id for post in thread_posts.page_of(opening, 1, 10).items)
    edit = f"/posts/{post_id}/edit"
    form = member.get(edit).get_data(as_text=True)
    assert 'value="gas-detector" checked' in form
    # a client that shows no topics keeps them
    assert (
        member.post(edit, {"body": "A gas detector beeps!", "title": "Gas alarms"}).status_code
        == 302
    )
    assert _tags(app, thread_id) == {"gas-detector"}
    anonymous.get("/topics/gas-detector")
    assert anonymous.get("/topics/gas-detector").headers.get("X-Page-Cache") == "hit"
    unticked = member.post(
        edit,
        {
            "body": "A gas detector beeps!",
            "title": "Gas alarms",
            "topics_shown": "1",
            "topics": ["fall-arrest-system"],
        },  # fmt: skip
    )
    assert unticked.status_code == 302
    assert _tags(app, thread_id) == {"fall-arrest-system"}
    moved = anonymous.get("/topics/gas-detector")
    assert moved.headers.get("X-Page-Cache") == "miss"
    html = moved.get_data(as_text=True)
    assert "Gas alarms" not in _section(html, "topic-threads")
    assert "Gas alarms" in _section(html, "topic-found")  # its text still names it
    refused = member.post(edit, {"body": "x", "topics_shown": "1", "topics": ["nope"]})
    assert refused.status_code == 422
    assert "not a topic" in errors_in(refused)


def test_a_topic_page_shows_its_names_neighbours_and_threads_but_no_deleted_one(
    app: Flask, member: Person, anonymous: Person
) -> None:
    shown = thread_id_from(_start(member, "Calibrating detectors", "How often?", "gas-detector"))
    gone = thread_id_from(_start(member, "Spam about detectors", "Buy", "gas-detector"))
    _start(member, "Practice: bump tests", "Daily.", "gas-detector", kind="good_practice")
    with app.app_context():
        mod = make_person(app, "oic.mod", moderates=("oic-oshnet",))
        assert mod.post(f"/mod/threads/{gone}/delete", {"reason": "spam"}).status_code == 302
        assert browsing.get_thread(gone).is_deleted
    html = anonymous.get("/topics/gas-detector").get_data(as_text=True)
    for label in ("gas detector", "gas monitor", "détecteur de gaz", "explosimètre",
                  "كاشف الغاز", "detector de gases", "DG"):  # fmt: skip
        assert label in html, label
    assert 'href="/topics/atmospheric-testing"' in html  # broader
    assert f'href="/threads/{shown}"' in html
    assert "Practice: bump tests" in _section(html, "topic-practices")
    assert "Practice: bump tests" not in _section(html, "topic-threads")
    assert "Spam about detectors" not in html
    assert "Spam about detectors" not in mod.get("/topics/gas-detector").get_data(as_text=True)
    assert 'href="/topics/gas-detector"' in anonymous.get("/topics/atmospheric-testing").get_data(
        as_text=True
    )  # narrower
    index = anonymous.get("/topics").get_data(as_text=True)
    assert 'href="/topics/fall-arrest-system"' in _section(index, "topics-confined-spaces")
    assert anonymous.get("/topics/no-such-concept").status_code == 404
    assert anonymous.get("/topics/gas-detector?page=2").status_code == 404
    assert moderation  # the moderator deleted the thread through the page


def test_the_suggestions_endpoint_reads_the_draft_for_members_only(
    member: Person, anonymous: Person
) -> None:
    found = member.get("/suggest/topics?text=" + "a gas monitor and PFAS " * 300).get_json()
    assert [topic["id"] for topic in found["topics"]] == ["gas-detector", "fall-arrest-system"]
    assert anonymous.get("/suggest/topics?text=gas+detector").status_code == 302


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_a_moderator_changing_only_the_topics_goes_on_the_record(
    app: Flask, member: Person
) -> None:
    thread_id = thread_id_from(
        _start(member, "Gas alarms", "A gas detector beeps.", "gas-detector")
    )
    moderator = make_person(app, "mod", moderates=("oic-oshnet",))
    with app.app_context():
        opening = browsing.get_thread(thread_id)
        post_id = min(post.id for post in thread_posts.page_of(opening, 1, 10).items)
    retagged = moderator.post(
        f"/posts/{post_id}/edit",
        {
            "body": "A gas detector beeps.",
            "title": "Gas alarms",
            "topics_shown": "1",
            "topics": ["fall-arrest-system"],
        },  # fmt: skip
    )
    assert retagged.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "post.edit"))
    assert entry is not None
    assert entry.before == {"topics": ["gas-detector"]}
    assert entry.after == {"topics": ["fall-arrest-system"]}
