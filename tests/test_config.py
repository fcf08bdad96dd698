from __future__ import annotations

import stat
from pathlib import Path

import pytest

from forum import create_app
from forum.config import build_config, normalise_database_url


def test_secret_key_is_generated_once_into_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    first = build_config(str(tmp_path))["SECRET_KEY"]
    second = build_config(str(tmp_path))["SECRET_KEY"]
    other_install = build_config(str(tmp_path / "other"))["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    assert other_install != first
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_environment_variables_configure_the_forum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORUM_DATABASE_URL", "postgres://postgres@127.0.0.1/forum")
    monkeypatch.setenv("FORUM_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FORUM_SEARCH_BACKEND", "postgres")
    monkeypatch.setenv("FORUM_SECURE_COOKIES", "true")
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1/forum"
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SEARCH_BACKEND"] == "postgres"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FORUM_DATABASE_URL", raising=False)
    config = build_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'forum.db'}"


def test_test_mapping_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUM_DATABASE_URL", "sqlite:///from-env.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///from-test.db", "SECRET_KEY": "t"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-test.db"


def test_psycopg_urls_are_left_alone() -> None:
    assert normalise_database_url("postgresql+psycopg://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"
