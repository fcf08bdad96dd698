"""The schema's upgrade path: a database from the first revision upgrades with its data intact."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import inspect, text

from forum import create_app
from forum.extensions import db
from forum.models import ContentVersion, Post, Thread, User

# rows as the first revision's schema holds them, written without today's models
FIRST_REVISION_ROWS = [
    "INSERT INTO themes (id, slug, name, description, position)"
    " VALUES (1, 'confined-spaces', 'Confined spaces', '', 0)",
    "INSERT INTO networks (id, slug, name, short_name, description, position)"
    " VALUES (1, 'oic-oshnet', 'OIC', 'OIC-OSHNET', '', 0)",
    "INSERT INTO boards (id, network_id, theme_id, custom_name, description, position,"
    " is_archived) VALUES (1, 1, 1, '', '', 0, false)",
    "INSERT INTO users (id, username, username_key, email, password_hash, is_admin,"
    " session_version, created_at)"
    " VALUES (1, 'amina', 'amina', 'a@example.org', '!', false, 1, CURRENT_TIMESTAMP)",
    "INSERT INTO threads (id, board_id, author_id, kind, title, created_at, reply_count,"
    " last_activity_at, is_pinned, is_locked) VALUES (1, 1, 1, 'question', 'Old question',"
    " CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP, false, false)",
    "INSERT INTO posts (id, thread_id, author_id, is_opening, body_source, body_html,"
    " created_at) VALUES (1, 1, 1, true, 'Body', '<p>Body</p>', CURRENT_TIMESTAMP)",
]


def test_a_first_revision_database_upgrades_without_losing_data(scratch: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade(revision="0001_foundation")
        with db.engine.begin() as connection:
            for statement in FIRST_REVISION_ROWS:
                connection.execute(text(statement))

        upgrade()  # to the newest revision

        assert {"votes", "accepted_answers", "expert_verifications"} <= set(
            inspect(db.engine).get_table_names()
        )
        user = db.session.get(User, 1)
        assert user.username == "amina"
        assert user.languages == []
        assert user.display_name == ""
        thread = db.session.get(Thread, 1)
        assert thread.title == "Old question"
        assert thread.is_answered is False
        assert db.session.get(Post, 1).vote_count == 0
        assert db.session.get(Post, 1).language == ""  # recognised from its text when indexed
        assert user.locale == ""  # the browser's language
        assert db.session.get(ContentVersion, 1).number == 0  # what kept pages are checked by
        db.session.remove()
        db.engine.dispose()
