from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import PASSWORD, Person, errors_in


def test_register_logs_the_new_member_in(anonymous: Person) -> None:
    response = anonymous.register("siti.nurhaliza")
    assert response.status_code == 302
    page = anonymous.get("/").get_data(as_text=True)
    assert "siti.nurhaliza" in page
    assert "Log out" in page


@pytest.mark.parametrize("taken", ["amina", "AMINA", "Amina"])
def test_usernames_are_unique_whatever_their_case(
    anonymous: Person, member: Person, taken: str
) -> None:
    response = anonymous.register(taken, email="new@example.org")
    assert response.status_code == 409
    assert "That username is taken." in errors_in(response)


def test_email_addresses_are_unique(anonymous: Person, member: Person) -> None:
    response = anonymous.register("someone", email="AMINA@example.org")
    assert response.status_code == 409
    assert "could not create an account with this email address" in errors_in(response)
    assert "Log out" not in anonymous.get("/").get_data(as_text=True)


def test_password_needs_ten_characters_and_a_matching_confirmation(anonymous: Person) -> None:
    short = anonymous.register("fatou", password="short")
    assert short.status_code == 422
    assert "Use between 10 and 256 characters." in errors_in(short)
    mismatch = anonymous.post(
        "/auth/register",
        {
            "username": "fatou",
            "email": "f@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD + "x",
        },
    )
    assert mismatch.status_code == 422
    assert "The passwords differ." in errors_in(mismatch)
    assert "Log out" not in anonymous.get("/").get_data(as_text=True)


def test_a_thousand_character_username_is_refused_with_a_message(anonymous: Person) -> None:
    response = anonymous.register("a" * 1000)
    assert response.status_code == 422
    assert "Use 3 to 32 letters, digits, dots, dashes or underscores." in errors_in(response)


def test_usernames_with_spaces_or_symbols_are_refused(anonymous: Person) -> None:
    response = anonymous.register("bad name<script>", email="bad@example.org")
    assert response.status_code == 422
    assert "Use 3 to 32 letters, digits, dots, dashes or underscores." in errors_in(response)


def test_log_in_with_username_or_email_and_log_out(app, member: Person) -> None:  # noqa: ANN001
    person = Person(app.test_client())
    assert person.login("AMINA").status_code == 302
    assert "Log out" in person.get("/").get_data(as_text=True)
    assert person.post("/auth/logout").status_code == 302
    assert "Log out" not in person.get("/").get_data(as_text=True)
    assert person.login("amina@example.org").status_code == 302


def test_wrong_password_gets_a_message_that_does_not_reveal_the_account(
    app, member: Person
) -> None:  # noqa: ANN001
    person = Person(app.test_client())
    wrong_password = person.login("amina", "not the password")
    unknown_user = person.login("nobody-here", PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 422
        assert "That username or password is not correct." in errors_in(response)


def test_logout_is_post_only(member: Person) -> None:
    assert member.get("/auth/logout").status_code == 405
    assert "Log out" in member.get("/").get_data(as_text=True)


def test_changing_the_password_logs_out_other_sessions(app, member: Person) -> None:  # noqa: ANN001
    laptop = Person(app.test_client())
    laptop.login("amina", remember=True)
    assert "Log out" in laptop.get("/").get_data(as_text=True)

    new_password = "a much longer new password"
    response = member.post(
        "/auth/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert "Log out" in member.get("/").get_data(as_text=True)  # this session goes on
    assert "Log out" not in laptop.get("/").get_data(
        as_text=True
    )  # the other one, cookie and all, ends
    assert Person(app.test_client()).login("amina", PASSWORD).status_code == 422
    assert Person(app.test_client()).login("amina", new_password).status_code == 302


def test_change_password_checks_the_current_one(member: Person) -> None:
    response = member.post(
        "/auth/password",
        {"current_password": "wrong wrong wrong", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 422
    assert "Your current password is not correct." in errors_in(response)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/n/oic-oshnet", "/n/oic-oshnet"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_login_redirects_only_to_this_site(
    app, member: Person, next_url: str, expected: str
) -> None:  # noqa: ANN001
    person = Person(app.test_client())
    response = person.post(
        "/auth/login", {"login": "amina", "password": PASSWORD}, query_string={"next": next_url}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_session_cookies_are_httponly_and_samesite_lax(app) -> None:  # noqa: ANN001
    person = Person(app.test_client())
    response = person.register("cookie.test")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_remember_me_cookie_lasts_weeks_not_a_year(app, member: Person) -> None:  # noqa: ANN001
    person = Person(app.test_client())
    response = person.login("amina", remember=True)
    remember = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    assert "HttpOnly" in remember
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert timedelta(days=14) < expires - datetime.now(UTC) < timedelta(days=60)


def test_login_page_redirects_a_member_who_is_already_logged_in(member: Person) -> None:
    response = member.get("/auth/login")
    assert response.status_code == 302


def test_repeated_log_in_attempts_get_a_friendly_429_with_when_to_retry(
    app, member: Person
) -> None:  # noqa: ANN001
    attacker = Person(app.test_client())
    for _ in range(6):
        assert attacker.login("amina", "wrong password!").status_code == 422
    response = attacker.login("amina", PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Slow down" in page
    assert "You can try again in" in page
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "Log out" not in attacker.get("/").get_data(as_text=True)


def test_production_hashes_passwords_with_werkzeugs_default(database_url: str) -> None:
    from forum import create_app
    from forum.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})
    with app.app_context():
        user = User(username="x", username_key="x", email="x@example.org")
        user.set_password("a long password")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("a long password")
