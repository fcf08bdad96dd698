"""The schema's upgrade path: a database from the first revision upgrades with its data intact."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

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


def test_usernames_get_their_skeletons_and_nfkc_keys_the_oldest_account_first(
    scratch: str,
) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch, "SECRET_KEY": "t"})
    insert = (
        "INSERT INTO users (id, username, username_key, email, password_hash, is_admin,"
        " session_version, created_at, display_name, institution, languages, bio_source,"
        " bio_html, locale, muted_kinds)"
        " VALUES (:id, :name, :key, :email, '!', false, 1, CURRENT_TIMESTAMP, '', '', '[]',"
        " '', '', '', '[]')"
    )
    full_width_admin, full_width_kemal = (
        "\uff41\uff44\uff4d\uff49\uff4e",
        "\uff2b\uff25\uff2d\uff21\uff2c",
    )
    names = ["admin", "\u0430dmin", full_width_admin, full_width_kemal]  # the second: Cyrillic а
    with app.app_context():
        upgrade(revision="0008_inbox_order")
        with db.engine.begin() as connection:
            for number, name in enumerate(names, start=1):
                connection.execute(
                    text(insert),
                    {
                        "id": number,
                        "name": name,
                        "key": name.casefold(),
                        "email": f"{number}@e.org",
                    },
                )

        upgrade()

        rows = db.session.execute(
            select(User.username, User.username_key, User.username_skeleton).order_by(User.id)
        ).all()
        assert [tuple(row) for row in rows] == [
            ("admin", "admin", "adrnin"),
            # look-alikes from before are kept, without a skeleton and with their old key
            ("\u0430dmin", "\u0430dmin", None),
            (full_width_admin, full_width_admin, None),
            (full_width_kemal, "kemal", "kernal"),  # found as "kemal" now
        ]
        db.session.remove()
        db.engine.dispose()
