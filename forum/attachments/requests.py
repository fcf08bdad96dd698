"""Request bodies: at most MAX_CONTENT_LENGTH (1 MB) everywhere, more only where a view takes
files (@accepts_uploads) and a member is signed in: there, a post's files at their largest and
its text. Larger bodies are refused (413) before they are read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Request, current_app, request
from flask_login import current_user

View = TypeVar("View", bound=Callable[..., Any])
MB = 1024 * 1024


def accepts_uploads(view: View) -> View:
    view.accepts_uploads = True  # type: ignore[attr-defined]
    return view


def takes_uploads() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "accepts_uploads", False)


def upload_body_limit() -> int:
    config = current_app.config
    return config["UPLOADS_PER_POST"] * config["UPLOAD_MAX_MB"] * MB + config["MAX_CONTENT_LENGTH"]


class ForumRequest(Request):
    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        if not current_app:
            return super().max_content_length
        # members only: a visitor's body is refused at 1 MB before anything reads it
        if self.url_rule is not None and takes_uploads() and current_user.is_authenticated:
            return upload_body_limit()
        return current_app.config["MAX_CONTENT_LENGTH"]
