"""Writing content through the real services, and searching it, inside one app context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from forum import search
from forum.extensions import db
from forum.models import Post, Thread, ThreadKind, User
from forum.services import accounts, browsing, posting
from tests.conftest import PASSWORD


class Forum:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.members: dict[str, User] = {}

    def member(self, name: str, *, admin: bool = False) -> User:
        if name not in self.members:
            self.members[name] = accounts.register(
                name, f"{name}@example.org", PASSWORD, is_admin=admin, confirmed=True
            )
        return self.members[name]

    def thread(
        self,
        title: str,
        body: str = "Details to follow.",
        *,
        author: str = "amina",
        board: str = "oic-oshnet/confined-spaces",
        kind: str = "question",
        language: str = "",
    ) -> Thread:
        network, theme = board.split("/")
        return posting.start_thread(
            self.member(author),
            browsing.get_board(network, theme),
            ThreadKind(kind),
            title,
            body,
            language=language,
        )

    def reply(self, thread: Thread, body: str, *, author: str = "kemal") -> Post:
        return posting.reply(self.member(author), thread, body)

    def find(  # noqa: ANN201
        self,
        text: str,
        *,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        expand: bool = True,
    ):
        """expand False: the words typed only, not the labels of the concepts they name."""
        return search.search(search.parse(text), page, per_page, sort, expand=expand)

    def indexed(self, text: str) -> set[int]:
        """The posts the index itself holds for these words, before any check on read."""
        return {hit.post_id for hit in search.backend().hits(search.parse(text), 10_000)}

    def titles(self, text: str, **kwargs: object) -> list[str]:
        return [result.thread.title for result in self.find(text, **kwargs).results.items]


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request: pytest.FixtureRequest, database_url: str) -> str:
    """The conformance suite's backends: each test on Whoosh, and on PostgreSQL when the
    tests run against it (FORUM_TEST_DATABASE_URL)."""
    if request.param == "postgres" and not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL backend runs against FORUM_TEST_DATABASE_URL")
    return request.param


@pytest.fixture
def forum(app: Flask) -> Iterator[Forum]:
    """An empty index, written to through the real services."""
    with app.app_context():
        search.backend().clear()
        yield Forum(app)
        db.session.remove()
