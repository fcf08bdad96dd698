"""Attachments through the composer: typed by content, images re-encoded without their
metadata, served inertly, and only to those who may read the post."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from forum.attachments import storage
from forum.extensions import db
from forum.models import Attachment, Post, StoredFile
from tests import upload_samples as samples
from tests.conftest import Person, errors_in, make_person, readable, thread_id_from
from tests.upload_samples import post_files


def start_with_files(person: Person, files: list[tuple[bytes, str]], **fields: str):
    fields = {"kind": "good_practice", "title": "Scaffold ties", "body": "See the photo.", **fields}
    return post_files(person, "/n/oic-oshnet/construction/new", files, **fields)


def attachment_links(html: str) -> list[str]:
    return re.findall(r'href="(/attachments/\d+/[^"]+)"', html)


def test_a_good_practice_shows_its_photo_inline_and_lists_its_pdf(app: Flask, member: Person):
    response = start_with_files(
        member, [(samples.small_pdf(), "Fact sheet.pdf"), (samples.photo_with_gps(), "tie.jpg")]
    )
    assert response.status_code == 302, errors_in(response)
    page = member.get(f"/threads/{thread_id_from(response)}").get_data(as_text=True)
    assert '<img src="/attachments/' in page
    assert 'alt="tie.jpg"' in page
    assert "Fact sheet.pdf" in readable(page)
    assert "PDF ·" in readable(page)
    pdf_url, image_url = attachment_links(page)[1], attachment_links(page)[0]

    pdf = member.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Content-Security-Policy"].startswith("sandbox")
    assert pdf.data == samples.small_pdf()

    photo = member.get(image_url)
    assert photo.mimetype == "image/jpeg"
    assert photo.headers["Content-Disposition"].startswith("inline;")
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.size == (1200, 800)
        assert not stored.getexif(), "the camera's EXIF, GPS position included, is gone"
    assert b"PhoneMaker" not in photo.data


def test_a_large_photo_gets_a_thumbnail_and_a_small_one_does_not(app: Flask, member: Person):
    response = start_with_files(
        member, [(samples.photo_with_gps(), "big.jpg"), (samples.image_bytes("PNG"), "small.png")]
    )
    page = member.get(f"/threads/{thread_id_from(response)}").get_data(as_text=True)
    thumbnail = re.search(r'<img src="(/attachments/\d+/thumbnail)"', page).group(1)
    small = member.get(thumbnail)
    assert small.mimetype == "image/webp"
    with Image.open(io.BytesIO(small.data)) as image:
        assert max(image.size) == 480
    assert re.search(r'<img src="/attachments/\d+/small.png"', page)


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (samples.HTML_PAGE, "fact-sheet.pdf", "is not a file we accept"),
        (samples.SVG_WITH_SCRIPT, "logo.svg", "is not a file we accept"),
        (b"MZ\x90\x00" + b"\0" * 200, "setup.docx", "is not a file we accept"),
        (samples.pdf_with_javascript(), "permit.pdf", "contains scripts"),
        (samples.pdf_with_hidden_javascript(), "permit.pdf", "contains scripts"),
        (samples.docx_zip_bomb(), "checklist.docx", "expands to far more"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "broken.png", "could not be read as an image"),
        (b"", "empty.pdf", "is empty"),
        (samples.damaged_odt(), "minutes.odt", "is damaged"),
    ],
    ids=["html-as-pdf", "svg-script", "exe-as-docx", "pdf-js", "pdf-js-escaped", "zip-bomb",
         "broken-png", "empty", "damaged-odt"],
)  # fmt: skip
def test_hostile_or_unknown_files_are_refused_and_the_post_handed_back(
    app: Flask, member: Person, content: bytes, name: str, says: str
):
    response = start_with_files(member, [(content, name)], body="My words stay here.")
    assert response.status_code == 422
    assert says in errors_in(response)
    assert name.split(".")[0] in errors_in(response)
    page = response.get_data(as_text=True)
    assert "My words stay here." in page
    assert 'value="Scaffold ties"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Post.id))) == 0
        assert db.session.scalar(select(func.count(StoredFile.sha256))) == 0


def test_a_polyglot_jpeg_keeps_its_picture_and_loses_its_page(app: Flask, member: Person):
    response = start_with_files(member, [(samples.polyglot_jpeg_html(), "photo.jpg")])
    page = member.get(f"/threads/{thread_id_from(response)}").get_data(as_text=True)
    served = member.get(attachment_links(page)[0])
    assert served.mimetype == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in served.data
    assert b"<html" not in served.data
    Image.open(io.BytesIO(served.data)).verify()


def test_names_lose_folders_and_control_characters_and_get_their_type(app: Flask, member: Person):
    response = start_with_files(
        member, [(samples.small_pdf(), "../../etc/pass\x1b[31mwd\u202egpj.html")]
    )
    with app.app_context():
        name = db.session.scalar(select(Attachment.name))
    assert name == "pass[31mwdgpj.html.pdf"  # the escape and the right-to-left override gone
    page = member.get(f"/threads/{thread_id_from(response)}").get_data(as_text=True)
    served = member.get(attachment_links(page)[0])
    assert "wdgpj.html.pdf" in served.headers["Content-Disposition"]
    assert "/" not in served.headers["Content-Disposition"].split("filename=")[1]


def test_a_declared_ten_gigabytes_is_refused_before_it_is_read(app: Flask, member: Person):
    response = member.client.post(
        "/n/oic-oshnet/construction/new",
        input_stream=io.BytesIO(b"x" * 100),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(10 * 1024**3)},
    )
    assert response.status_code == 413
    assert "at most 5 files of 10 MB each" in readable(response.get_data(as_text=True))
    too_much_text = member.post("/auth/login", {"login": "x" * (2 * 1024 * 1024)})
    assert too_much_text.status_code == 413  # elsewhere the limit stays 1 MB


@pytest.mark.parametrize(
    "app_config", [{"UPLOAD_MAX_MB": 1, "UPLOADS_PER_POST": 2}], ids=["small-limits"]
)
def test_limits_per_file_and_per_post(app: Flask, member: Person):
    big = samples.small_pdf() + b"%" + b"0" * (1024 * 1024)
    response = start_with_files(member, [(big, "huge.pdf")])
    assert "huge.pdf is larger than 1 MB" in errors_in(response)
    three = [(samples.small_pdf(str(n)), f"{n}.pdf") for n in range(3)]
    assert "at most 2 files" in errors_in(start_with_files(member, three))
    assert start_with_files(member, three[:2]).status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"NEW_ACCOUNT_UPLOAD_DAILY_MB": 1, "UPLOAD_DAILY_MB": 3}], ids=["quota"]
)
def test_a_new_account_has_a_lower_daily_quota(app: Flask, member: Person):
    half = samples.small_pdf() + b"%" + b"1" * (600 * 1024)
    assert start_with_files(member, [(half, "a.pdf")]).status_code == 302
    refused = start_with_files(member, [(half + b"2", "b.pdf")], title="Second")
    assert "You can upload 1 MB a day" in errors_in(refused)
    established = make_person(app, "established")
    with app.app_context():
        from datetime import timedelta

        from forum.models import User
        from forum.models._time import utcnow

        user = db.session.scalar(select(User).where(User.username == "established"))
        user.created_at = utcnow() - timedelta(days=30)
        db.session.commit()
    for n in range(2):
        response = start_with_files(established, [(half + bytes([n]), "c.pdf")], title=f"T{n}")
        assert response.status_code == 302


def test_the_same_file_is_stored_once(app: Flask, member: Person, other_member: Person):
    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "a.pdf")]))
    reply = post_files(
        other_member, f"/threads/{thread}/reply", [(samples.small_pdf(), "copy.pdf")], body="Same"
    )
    assert reply.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 2
        assert db.session.scalar(select(func.count(StoredFile.sha256))) == 1
        assert len(storage.current().keys()) == 1


def test_an_edit_adds_files_after_those_the_post_has(app: Flask, member: Person):
    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "first.pdf")]))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread))
    response = post_files(
        member,
        f"/posts/{post_id}/edit",
        [(samples.docx(), "second.docx")],
        title="Scaffold ties",
        body="See the photo.",
    )
    assert response.status_code == 302, errors_in(response)
    page = readable(member.get(f"/threads/{thread}").get_data(as_text=True))
    assert page.index("first.pdf") < page.index("second.docx")
    assert "Text document ·" in page


def test_a_preview_asks_for_the_files_again(app: Flask, member: Person):
    response = start_with_files(member, [(samples.small_pdf(), "a.pdf")], preview="1")
    assert "Choose your files again" in errors_in(response)
    assert "See the photo." in readable(response.get_data(as_text=True))  # the preview


def test_a_hidden_posts_files_are_for_its_moderators_only(
    app: Flask, member: Person, other_member: Person
):
    from forum.services import browsing, moderation

    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "a.pdf")]))
    reply = post_files(
        member, f"/threads/{thread}/reply", [(samples.photo_with_gps(), "p.jpg")], body="More"
    )
    assert reply.status_code == 302
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    elsewhere = make_person(app, "ilo.mod", moderates=("ilo-global",))
    with app.app_context():
        rows = db.session.execute(select(Attachment.id, Attachment.name, Attachment.post_id))
        urls = {post: (f"/attachments/{id_}/{name}", f"/attachments/{id_}/thumbnail")
                for id_, name, post in rows}  # fmt: skip
        reply_id = max(urls)
        from forum.models import User

        mod = db.session.scalar(select(User).where(User.username == "oic.mod"))
        moderation.hide_post(mod, browsing.get_post(reply_id), "Shows a worker's face")
    visitor = Person(app.test_client())
    for url in urls[reply_id]:
        for person in (visitor, other_member, member, elsewhere):
            assert person.get(url).status_code == 404, (url, person.username)
        assert moderator.get(url).status_code == 200
    opening = min(urls)
    assert visitor.get(urls[opening][0]).status_code == 200
    assert visitor.get("/attachments/999999/x.pdf").status_code == 404


def test_a_deleted_posts_files_are_served_to_no_one(app: Flask, member: Person):
    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "a.pdf")]))
    page = member.get(f"/threads/{thread}").get_data(as_text=True)
    url = attachment_links(page)[0]
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread))
    assert member.post(f"/posts/{post_id}/delete").status_code == 302
    admin = make_person(app, "root", admin=True)
    assert member.get(url).status_code == 404
    assert admin.get(url).status_code == 404


def test_a_file_is_asked_again_with_its_etag(app: Flask, member: Person):
    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "a.pdf")]))
    url = attachment_links(member.get(f"/threads/{thread}").get_data(as_text=True))[0]
    first = member.get(url)
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = member.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert not again.data


def test_text_sent_as_files_is_ignored(app: Flask, member: Person):
    """A forged form: text under the files field's name is no file, and no error."""
    response = member.post(
        "/n/oic-oshnet/construction/new",
        {"kind": "question", "title": "Forged", "body": "Text only", "files": ["a", "b"]},
    )
    assert response.status_code == 302


def test_a_file_removed_everywhere_is_whole_again_when_attached_again(app: Flask, member: Person):
    first = thread_id_from(start_with_files(member, [(samples.photo_with_gps(), "tie.jpg")]))
    url = attachment_links(member.get(f"/threads/{first}").get_data(as_text=True))[0]
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    attachment_id = url.split("/")[2]
    removed = moderator.post(f"/mod/attachments/{attachment_id}/remove", {"reason": "Duplicate"})
    assert removed.status_code == 302
    assert member.get(url).status_code == 404
    with app.app_context():
        assert storage.current().keys() == set()  # its bytes and thumbnail went

    again = start_with_files(member, [(samples.photo_with_gps(), "tie.jpg")], title="Again")
    page = member.get(f"/threads/{thread_id_from(again)}").get_data(as_text=True)
    thumbnail = re.search(r'<img src="(/attachments/\d+/thumbnail)"', page).group(1)
    assert member.get(thumbnail).status_code == 200
    assert member.get(attachment_links(page)[0]).mimetype == "image/jpeg"


def test_a_visitor_gets_no_room_for_files(app: Flask, anonymous: Person):
    """Larger bodies are for members' composers: a visitor's is refused at 1 MB, unread."""
    response = anonymous.client.post(
        "/n/oic-oshnet/construction/new",
        data={"files": [(io.BytesIO(b"0" * (2 * 1024 * 1024)), "big.pdf")]},
        content_type="multipart/form-data",
    )
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413


def test_bytes_deleted_while_a_post_is_written_are_kept_again(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
):
    """A moderator's removal (or a cleanup) may delete a file's bytes between the upload's
    check and its post's commit: the post keeps them again under the file's row lock."""
    from forum.services import attachments

    prepare = attachments.prepare

    def prepared_then_forgotten(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        uploads = prepare(*args, **kwargs)
        for upload in uploads:
            storage.current().delete(upload.sha256)
        return uploads

    monkeypatch.setattr(attachments, "prepare", prepared_then_forgotten)
    thread = thread_id_from(start_with_files(member, [(samples.small_pdf(), "a.pdf")]))
    url = attachment_links(member.get(f"/threads/{thread}").get_data(as_text=True))[0]
    assert member.get(url).data == samples.small_pdf()
