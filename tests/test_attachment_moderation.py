"""Moderators remove attachments (for the record; the file goes when no post uses it) and mark
reviewed resources; everyone else is refused, and what they may not see is not found."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from forum.attachments import storage
from forum.extensions import db
from forum.models import Attachment, AuditEntry, StoredFile, TextState
from forum.services import browsing, moderation, thread_posts
from tests.attachment_rows import attach, opening_post
from tests.conftest import Person, make_person, readable, thread_id_from


@pytest.fixture
def moderator(app: Flask) -> Person:
    return make_person(app, "oic.mod", moderates=("oic-oshnet",))


@pytest.fixture
def thread_id(member: Person) -> int:
    return thread_id_from(member.start_thread("Silo entry", "The permit form is attached."))


def _attachment(app: Flask, attachment_id: int) -> Attachment:
    with app.app_context():
        attachment = db.session.get(Attachment, attachment_id)
        db.session.expunge(attachment)
        return attachment


def _text(response) -> str:  # noqa: ANN001
    return re.sub(r"<[^>]+>", "", readable(response.get_data(as_text=True)))


def _keys(app: Flask) -> set[str]:
    with app.app_context():
        return storage.current().keys()


def _entries(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.action, AuditEntry.reason)
            .where(AuditEntry.action.startswith("attachment."))
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def test_a_removed_attachment_s_file_goes_when_no_post_uses_it(
    app: Flask, member: Person, moderator: Person, thread_id: int
) -> None:
    post_id = opening_post(app, thread_id)
    attachment_id = attach(app, post_id, "permit.pdf", content=b"%PDF permit", thumbnail=True)
    sha = _attachment(app, attachment_id).file_sha256
    assert moderator.get(f"/mod/attachments/{attachment_id}/remove").status_code == 200
    response = moderator.post(
        f"/mod/attachments/{attachment_id}/remove", {"reason": "Personal data"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/n/oic-oshnet/confined-spaces/resources")
    removed = _attachment(app, attachment_id)
    assert removed.removed_at is not None
    assert removed.removed_by_id is not None
    assert ("attachment.remove", "Personal data") in _entries(app)
    assert not {sha, sha + ".thumb"} & _keys(app)
    with app.app_context():
        stored = db.session.get(StoredFile, sha)  # kept while the removed attachment names it
        assert stored.text == ""
        assert stored.text_state == TextState.none
    log = _text(moderator.get("/mod/oic-oshnet/audit"))
    assert "oic.mod removed the attachment permit.pdf from a post by amina in" in log
    assert "Silo entry" in log
    # removed: nothing to find any more
    again = moderator.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "Again"})
    assert again.status_code == 404


def test_a_file_another_post_uses_is_kept(
    app: Flask, member: Person, moderator: Person, thread_id: int
) -> None:
    post_id = opening_post(app, thread_id)
    first = attach(app, post_id, "permit.pdf", content=b"the same form")
    attach(app, post_id, "permit (copy).pdf", content=b"the same form")
    sha = _attachment(app, first).file_sha256
    moderator.post(f"/mod/attachments/{first}/remove", {"reason": "Duplicate"})
    assert _attachment(app, first).removed_at is not None
    assert sha in _keys(app)
    with app.app_context():
        assert db.session.get(StoredFile, sha).text_state == TextState.done


def test_a_reason_is_needed(app: Flask, moderator: Person, thread_id: int) -> None:
    attachment_id = attach(app, opening_post(app, thread_id), "permit.pdf")
    response = moderator.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "  "})
    assert response.status_code == 422
    assert _attachment(app, attachment_id).removed_at is None


def test_only_the_network_s_moderators_may_remove_or_review(
    app: Flask, member: Person, other_member: Person, thread_id: int
) -> None:
    attachment_id = attach(app, opening_post(app, thread_id), "permit.pdf")
    elsewhere = make_person(app, "ilo.mod", moderates=("ilo-global",))
    for person in (member, other_member, elsewhere):
        refused = person.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "x"})
        assert refused.status_code == 403
        assert "Only the moderators of this network" in refused.get_data(as_text=True)
        assert person.post(f"/mod/attachments/{attachment_id}/review").status_code == 403
    visitor = Person(app.test_client())
    assert visitor.post(f"/mod/attachments/{attachment_id}/review").status_code == 302  # log in
    assert _attachment(app, attachment_id).removed_at is None
    assert _attachment(app, attachment_id).reviewed_at is None
    assert _entries(app) == []
    assert elsewhere.post("/mod/attachments/999999/review").status_code == 404


def test_a_hidden_post_s_attachment_is_not_found_by_members(
    app: Flask, member: Person, other_member: Person, moderator: Person, thread_id: int
) -> None:
    assert member.reply(thread_id, "My own form").status_code == 302
    with app.app_context():
        reply = thread_posts.page_of(browsing.get_thread(thread_id), 1, 10).items[-1].id
    attachment_id = attach(app, reply, "reply.pdf")
    with app.app_context():
        mod = db.session.scalar(
            select(moderation.User).where(moderation.User.username == "oic.mod")
        )
        moderation.hide_post(mod, browsing.get_post(reply), "Unsafe")
        db.session.remove()
    for person in (member, other_member):
        url = f"/mod/attachments/{attachment_id}/remove"
        assert person.post(url, {"reason": "x"}).status_code == 404
        assert person.get(url).status_code == 404
    response = moderator.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "Unsafe"})
    assert response.status_code == 302


def test_marking_and_withdrawing_a_review(
    app: Flask, moderator: Person, member: Person, thread_id: int
) -> None:
    attachment_id = attach(app, opening_post(app, thread_id), "permit.pdf")
    page = moderator.get("/n/oic-oshnet/confined-spaces/resources").get_data(as_text=True)
    assert "Mark as reviewed" in page
    assert f"/mod/attachments/{attachment_id}/remove" in page
    assert "Mark as reviewed" not in member.get("/n/oic-oshnet/confined-spaces/resources").get_data(
        as_text=True
    )
    assert moderator.post(f"/mod/attachments/{attachment_id}/review").status_code == 302
    reviewed = _attachment(app, attachment_id)
    assert reviewed.reviewed_at is not None
    assert reviewed.reviewed_by_id is not None
    page = moderator.get("/n/oic-oshnet/confined-spaces/resources").get_data(as_text=True)
    assert "Withdraw the review" in page
    assert moderator.post(f"/mod/attachments/{attachment_id}/unreview").status_code == 302
    assert _attachment(app, attachment_id).reviewed_at is None
    assert [action for action, _ in _entries(app)] == ["attachment.review", "attachment.unreview"]
    log = _text(moderator.get("/mod/oic-oshnet/audit"))
    assert "oic.mod marked permit.pdf in Silo entry as a reviewed resource." in log
    assert "oic.mod withdrew the review of permit.pdf in Silo entry." in log


def test_a_post_without_its_token_changes_nothing(
    app: Flask, moderator: Person, thread_id: int
) -> None:
    attachment_id = attach(app, opening_post(app, thread_id), "permit.pdf")
    moderator.client.post(f"/mod/attachments/{attachment_id}/review")
    moderator.client.post(f"/mod/attachments/{attachment_id}/remove", data={"reason": "x"})
    attachment = _attachment(app, attachment_id)
    assert attachment.reviewed_at is None
    assert attachment.removed_at is None
