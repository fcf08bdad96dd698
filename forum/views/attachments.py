"""Downloads of attachments, served inert: typed as stored, never sniffed, sandboxed, and
offered as a download unless they are images (re-encoded when they were uploaded)."""

from __future__ import annotations

import io
import logging

from flask import Blueprint, abort, send_file
from flask.wrappers import Response

from forum import permissions
from forum.attachments import storage
from forum.models import Attachment, FileKind
from forum.services import attachment_pages

bp = Blueprint("attachments", __name__)
logger = logging.getLogger(__name__)

# nothing in a served file runs, even if a browser were made to render it as a page
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


@bp.get("/attachments/<int:attachment_id>/<path:name>")
def download(attachment_id: int, name: str) -> Response:
    attachment = _readable(attachment_id)
    return _served(attachment, attachment.file_sha256, attachment.file.media_type, name=True)


@bp.get("/attachments/<int:attachment_id>/thumbnail")
def thumbnail(attachment_id: int) -> Response:
    attachment = _readable(attachment_id)
    if not attachment.file.has_thumbnail:
        abort(404)
    return _served(
        attachment, storage.thumbnail_key(attachment.file_sha256), "image/webp", name=False
    )


def _readable(attachment_id: int) -> Attachment:
    """404 for whoever may not read it: a hidden post's file is not even said to exist."""
    attachment = attachment_pages.find(attachment_id)
    if attachment is None or not permissions.may("read_attachment", attachment):
        abort(404)
    return attachment


def _served(attachment: Attachment, key: str, media_type: str, *, name: bool) -> Response:
    data = storage.current().get(key)
    if data is None:
        logger.error("attachment %s: no bytes in storage for %s", attachment.id, key)
        abort(404)
    is_image = attachment.file.kind == FileKind.image
    response = send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=not is_image,
        download_name=attachment.name if name else f"thumbnail-{attachment.id}.webp",
        etag=key,
        conditional=True,
        max_age=None,
    )
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    # kept by the member's own browser only, and asked again each time: a moderator may hide
    # the post, and its file then goes with it
    response.headers["Cache-Control"] = "private, no-cache"
    return response
