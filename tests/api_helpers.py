"""Personal access tokens for tests, made through the service as the tokens page does."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import User
from forum.services import api_tokens


def token_for(app: Flask, username: str, write: bool = True) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        _token, raw = api_tokens.create(user, f"test {'write' if write else 'read'}", write)
        db.session.remove()
    return raw


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
