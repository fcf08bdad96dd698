"""Rate limits with the production defaults: log-ins per address and account, registrations,
and what new accounts may post on their first day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from forum.config import DEFAULTS, build_config
from forum.extensions import db
from forum.models import Post, User
from forum.models._time import utcnow
from tests.conftest import GENEROUS_LIMITS, PASSWORD, LimitsClock, Person, thread_id_from


@pytest.fixture
def app_config() -> dict[str, object]:
    return {name: DEFAULTS[name] for name in GENEROUS_LIMITS}


def from_address(number: int) -> dict:
    # the Flask test client only: no packet leaves the process
    return {"environ_base": {"REMOTE_ADDR": f"198.51.100.{number}"}}


def test_the_defaults_are_the_documented_ones() -> None:
    assert DEFAULTS["LOGIN_RATE_LIMIT"] == "6 per minute"
    assert DEFAULTS["LOGIN_ACCOUNT_RATE_LIMIT"] == "6 per minute"
    assert DEFAULTS["REGISTER_RATE_LIMIT"] == "5 per hour"
    assert (DEFAULTS["NEW_ACCOUNT_THREAD_LIMIT"], DEFAULTS["NEW_ACCOUNT_REPLY_LIMIT"]) == (
        "3 per day",
        "10 per day",
    )
    assert DEFAULTS["PREVIEW_RATE_LIMIT"] == "30 per minute"


def test_guesses_from_many_addresses_are_stopped_per_account(
    member: Person, anonymous: Person
) -> None:
    for number in range(6):
        guess = anonymous.post(
            "/auth/login", {"login": "amina", "password": f"guess {number}"}, **from_address(number)
        )
        assert guess.status_code == 422
    refused = anonymous.post(
        "/auth/login", {"login": "AMINA", "password": "guess 7"}, **from_address(99)
    )
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Too many failed log-ins for this account" in refused.get_data(as_text=True)
    # another account is not affected
    other = anonymous.post("/auth/login", {"login": "kemal", "password": "x"}, **from_address(98))
    assert other.status_code == 422


class TestShortLockout:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"LOGIN_ACCOUNT_RATE_LIMIT": "3 per 2 seconds"}

    def test_the_member_gets_in_once_the_guessing_stops(
        self, member: Person, app: Flask, limits_clock: LimitsClock
    ) -> None:
        attacker = Person(app.test_client())
        for number in range(3):
            attacker.post(
                "/auth/login", {"login": "amina", "password": "wrong"}, **from_address(number)
            )
        owner = Person(app.test_client())
        assert owner.login("amina").status_code == 429
        limits_clock.advance(1.5)
        assert owner.login("amina").status_code == 429  # still within the window
        limits_clock.advance(0.6)
        assert owner.login("amina").status_code == 302


class TestSuccessesAreNotCounted:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"LOGIN_RATE_LIMIT": "100 per minute"}

    def test_logging_in_often_is_not_refused(self, member: Person, app: Flask) -> None:
        for _ in range(8):
            person = Person(app.test_client())
            assert person.login("amina").status_code == 302


def test_registrations_per_address(app: Flask) -> None:
    refused_form = Person(app.test_client()).post(
        "/auth/register", {"username": "x", "email": "bad", "password": "1", "confirm": "2"}
    )
    assert refused_form.status_code == 422  # not an account: not counted
    for number in range(5):
        assert Person(app.test_client()).register(f"newcomer{number}").status_code == 302
    refused = Person(app.test_client()).register("newcomer6")
    assert refused.status_code == 429
    assert "Too many accounts were made from your address" in refused.get_data(as_text=True)
    other_address = Person(app.test_client())
    other_address.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert other_address.register("newcomer7").status_code == 302


def test_a_new_account_starts_three_threads_on_its_first_day(member: Person) -> None:
    assert (
        member.post(
            "/n/oic-oshnet/confined-spaces/new",
            {"kind": "question", "title": "Preview only", "body": "Draft", "preview": "1"},
        ).status_code
        == 200
    )  # previews are not posts
    for number in range(3):
        assert member.start_thread(f"Question {number}", "Details").status_code == 302
    refused = member.start_thread("Fourth question", "A long answer I do not want to lose.")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3600
    assert "New members can start only a few threads on their first day" in html
    assert "A long answer I do not want to lose.</textarea>" in html


def test_a_new_account_posts_ten_replies_on_its_first_day(
    member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    for number in range(10):
        assert other_member.reply(thread_id, f"Reply {number}").status_code == 302
    refused = other_member.reply(thread_id, "Eleventh")
    assert refused.status_code == 429
    assert "Eleventh</textarea>" in refused.get_data(as_text=True)
    assert member.reply(thread_id, "The asker has her own count.").status_code == 302


def test_established_members_post_without_a_count(app: Flask, member: Person) -> None:
    with app.app_context():
        db.session.execute(
            update(User).where(User.username == "amina").values(created_at=utcnow() - timedelta(2))
        )
        db.session.commit()
    for number in range(5):
        assert member.start_thread(f"Question {number}", "Details").status_code == 302


def test_a_refusal_for_scripts_is_json(member: Person) -> None:
    for number in range(3):
        member.start_thread(f"Question {number}", "Details")
    refused = member.post(
        "/n/oic-oshnet/confined-spaces/new",
        {"kind": "question", "title": "Fourth", "body": "Details"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 429
    assert "first day" in refused.get_json()["message"]


def test_previews_are_counted_per_member_across_the_composers(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id))
    composers = [
        f"/threads/{thread_id}/reply",
        "/n/oic-oshnet/confined-spaces/new",
        f"/posts/{post_id}/edit",
    ]
    draft = {"kind": "question", "title": "Question", "body": "Draft **answer**", "preview": "1"}
    for number in range(30):
        assert member.post(composers[number % 3], draft).status_code == 200
    refused = member.post(composers[0], {"body": "My long draft", "preview": "1"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    html = refused.get_data(as_text=True)
    assert "Too many previews in a short time. Your text is below." in html
    assert "My long draft</textarea>" in html
    assert member.reply(thread_id, "Posted, not previewed").status_code == 302
    assert other_member.post(composers[0], draft).status_code == 200


def test_the_preview_limit_is_configured_like_the_others(
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    monkeypatch.setenv("FORUM_PREVIEW_RATE_LIMIT", "5 per minute")
    assert build_config(str(tmp_path))["PREVIEW_RATE_LIMIT"] == "5 per minute"


def test_refused_registrations_count_so_the_form_is_no_fast_oracle(
    member: Person, anonymous: Person
) -> None:
    def register(username: str, email: str):  # noqa: ANN202
        form = {"username": username, "email": email, "password": PASSWORD, "confirm": PASSWORD}
        return anonymous.post("/auth/register", form, **from_address(1))

    for number in range(5):  # "has amina@example.org an account?", asked five times
        assert register(f"probe{number}", "amina@example.org").status_code == 409
    assert register("newcomer", "newcomer@example.org").status_code == 429


def test_one_log_in_bucket_per_account_by_name_or_by_address(
    member: Person, anonymous: Person
) -> None:
    for number, login in enumerate(["amina", "AMINA@example.org", "Amina"] * 2):
        guess = anonymous.post(
            "/auth/login", {"login": login, "password": "wrong"}, **from_address(number)
        )
        assert guess.status_code == 422
    refused = anonymous.post(
        "/auth/login", {"login": "amina@example.org", "password": "wrong"}, **from_address(99)
    )
    assert refused.status_code == 429


def test_changing_the_password_keeps_the_first_day_count(member: Person) -> None:
    for number in range(3):
        assert member.start_thread(f"Question {number}", "Details").status_code == 302
    new_password = "a much longer new password"
    changed = member.post(
        "/auth/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert changed.status_code == 302
    assert member.start_thread("Fourth question", "Details").status_code == 429
