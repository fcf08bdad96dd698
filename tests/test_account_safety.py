"""What an attacker could learn or keep from the account forms: whether an account or an e-mail
address exists, a session after its log-out, a CSRF token from before a log-in, a look-alike
of another member's name."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import check_password_hash

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD, Person, errors_in


def logged_in(person: Person) -> bool:
    return "Log out" in person.get("/").get_data(as_text=True)


def counting_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every stored hash a password is checked against, in order."""
    import forum.models.users

    checked: list[str] = []
    real_check = forum.models.users.check_password_hash

    def check(stored: str, password: str) -> bool:
        checked.append(stored)
        return real_check(stored, password)

    monkeypatch.setattr(forum.models.users, "check_password_hash", check)
    return checked


def test_an_unknown_account_costs_one_password_check_like_a_known_one(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = counting_password_checks(monkeypatch)
    person = Person(app.test_client())
    for login in ("amina", "nobody-here", "nobody@example.org"):
        checked.clear()
        assert person.login(login, "not the password").status_code == 422
        assert len(checked) == 1, login
        # the same algorithm and cost as a real account's hash
        assert checked[0].split("$")[0] == app.config["PASSWORD_HASH_METHOD"]


class TestProductionHashing:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"PASSWORD_HASH_METHOD": None, "LOGIN_RATE_LIMIT": "1000 per minute"}

    def test_an_unknown_account_costs_the_same_hash_check_as_a_wrong_password(
        self, app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Counted, not timed: one check of a hash made the same way (method and cost), so a
        log-in does not tell by its time which names have accounts (it was 20 times faster)."""
        from forum.models import users

        checked: list[str] = []

        def counting(pwhash: str, password: str) -> bool:
            checked.append(pwhash.split("$")[0])  # the method and its parameters
            return check_password_hash(pwhash, password)

        monkeypatch.setattr(users, "check_password_hash", counting)
        person = Person(app.test_client())
        with app.app_context():
            db.session.scalars(select(User).filter_by(username="amina")).one().set_password(
                "a long enough one"
            )
            db.session.commit()
        assert person.login("amina", "not the password").status_code == 422
        known = checked[:]
        checked.clear()
        assert person.login("nobody-here", "not the password").status_code == 422
        assert len(known) == 1
        assert checked == known
        assert known[0].startswith("scrypt:")  # production's method, not the tests' fast one


def test_registering_a_taken_email_address_does_not_say_so(
    anonymous: Person, member: Person
) -> None:
    response = anonymous.register("someone", email="AMINA@example.org")
    assert response.status_code == 409
    message = errors_in(response)
    assert "already exists" not in message
    assert "taken" not in message
    assert "could not create an account with this email address" in message
    assert not logged_in(anonymous)


def test_logging_out_ends_the_session_on_the_server(app: Flask, member: Person) -> None:
    laptop = Person(app.test_client())
    laptop.login("amina", remember=True)
    copied_session = Person(app.test_client())
    copied_remember = Person(app.test_client())
    for name, target in (("session", copied_session), ("remember_token", copied_remember)):
        target.client.set_cookie(name, laptop.client.get_cookie(name).value)
    assert logged_in(copied_session)
    assert logged_in(copied_remember)

    assert laptop.post("/auth/logout").status_code == 302

    assert not logged_in(laptop)
    assert not logged_in(copied_session)
    assert not logged_in(copied_remember)
    assert logged_in(member)  # log-out ends this browser's session, not the member's others


def test_a_csrf_token_from_before_logging_in_is_refused_after(app: Flask, member: Person) -> None:
    person = Person(app.test_client())
    token_before = person.csrf_token()
    assert person.login("amina").status_code == 302
    refused = person.client.post("/auth/logout", data={"csrf_token": token_before})
    assert refused.status_code == 400
    assert logged_in(person)
    assert person.post("/auth/logout").status_code == 302  # the new token works


@pytest.mark.parametrize(
    ("lookalike", "message"),
    [
        ("\u0430dmin", "That username looks too much like an existing member's."),  # Cyrillic а
        ("\u0391DMIN", "That username looks too much like an existing member's."),  # Greek Α
        ("adm\u0456n", "That username looks too much like an existing member's."),  # Cyrillic і
        ("\uff41\uff44\uff4d\uff49\uff4e", "That username is taken."),  # full-width: "admin"
    ],
)
def test_a_username_confusable_with_an_existing_one_is_refused(
    app: Flask, lookalike: str, message: str
) -> None:
    assert Person(app.test_client()).register("admin").status_code == 302
    impostor = Person(app.test_client())
    response = impostor.register(lookalike, email="impostor@example.org")
    assert response.status_code == 409
    assert message in errors_in(response)
    assert not logged_in(impostor)


def test_usernames_are_stored_in_their_nfkc_form_and_log_in_so(app: Flask) -> None:
    full_width = "\uff4b\uff45\uff4d\uff41\uff4c"  # ｋｅｍａｌ
    assert Person(app.test_client()).register(full_width).status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(User.username)).all() == ["kemal"]
    assert Person(app.test_client()).login("KEMAL", PASSWORD).status_code == 302
    assert Person(app.test_client()).login(full_width, PASSWORD).status_code == 302
    assert Person(app.test_client()).get("/u/kemal").status_code == 200


def test_a_name_that_case_folding_lengthens_past_the_limit_is_refused(anonymous: Person) -> None:
    response = anonymous.register("\u00df" * 32)  # ß: its key is "ss" * 32
    assert response.status_code == 422
    assert "Use 3 to 32 letters, digits, dots, dashes or underscores." in errors_in(response)


def test_a_login_holding_a_nul_byte_names_no_account(anonymous: Person) -> None:
    """Found by the sweep on PostgreSQL, which refuses NUL in a comparison: the log-in form's
    rate limit looked the account up before the form was checked, and answered 500."""
    response = anonymous.post("/auth/login", {"login": "amina\x00", "password": PASSWORD})
    assert response.status_code == 422  # the form's own refusal of the character
