from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Network, Post, Theme, Thread, User
from tests.conftest import Person


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Theme, Network, Board, User, Thread, Post)
        }


def test_seeded_reference_data(app: Flask) -> None:
    counts = _counts(app)
    assert counts["Theme"] >= 12
    assert counts["Network"] >= 2
    assert counts["Board"] == counts["Theme"] * counts["Network"]
    with app.app_context():
        slugs = set(db.session.scalars(select(Network.slug)))
        assert {"ilo-global", "oic-oshnet"} <= slugs


def test_init_db_twice_changes_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    before = _counts(app)
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "Database ready." in second.output
    assert _counts(app) == before


def test_seed_demo_adds_realistic_content_once(app: Flask, anonymous: Person) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    once = _counts(app)
    assert once["Thread"] >= 10
    assert once["Post"] > once["Thread"]
    result = runner.invoke(args=["seed-demo"])
    assert "Demo content present." in result.output
    assert _counts(app) == once
    page = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert "Gas testing sequence before entering a wastewater wet well" in page


def test_create_user_and_admin(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "inspector",
            "--email",
            "i@example.org",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    admin = runner.invoke(
        args=[
            "create-user",
            "root.admin",
            "--email",
            "r@example.org",
            "--password",
            "long enough pw",
            "--admin",
        ]
    )
    assert admin.exit_code == 0, admin.output
    with app.app_context():
        users = {u.username: u.is_admin for u in db.session.scalars(select(User))}
    assert users == {"inspector": False, "root.admin": True}
    assert Person(app.test_client()).login("inspector", "long enough pw").status_code == 302


def test_create_user_refuses_duplicates_and_short_passwords(app: Flask) -> None:
    runner = app.test_cli_runner()
    runner.invoke(
        args=["create-user", "inspector", "--email", "i@example.org", "--password", "x" * 12]
    )
    duplicate = runner.invoke(
        args=["create-user", "Inspector", "--email", "j@example.org", "--password", "x" * 12]
    )
    assert duplicate.exit_code != 0
    assert "That username is taken." in duplicate.output
    short = runner.invoke(
        args=["create-user", "other", "--email", "o@example.org", "--password", "short"]
    )
    assert short.exit_code != 0
    assert "at least 10 characters" in short.output


@pytest.mark.skipif(
    not shutil.which("forum", path=str(Path(sys.executable).parent)),
    reason="the forum command is installed by pip install -e .",
)
def test_the_installed_command_builds_a_fresh_sqlite_database(tmp_path: Path) -> None:
    forum = str(Path(sys.executable).parent / "forum")
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "FORUM_SECRET_KEY": "only-for-this-test",
    }
    first = subprocess.run([forum, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "Seeded networks and themes." in first.stdout
    second = subprocess.run([forum, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "Seeded" not in second.stdout
