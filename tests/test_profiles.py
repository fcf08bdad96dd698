from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import Network, Theme, User
from tests.conftest import Person, errors_in, ids_of


def _profile(app: Flask, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": "Amina Rahman",
        "institution": "Department of Occupational Safety and Health",
        "country": "MY",
        "languages": ["ms", "en"],
        "networks": ids_of(app, Network, "oic-oshnet"),
        "expertise": ids_of(app, Theme, "confined-spaces", "fire-safety"),
        "bio": "Trainer for **confined space** rescue. <script>alert(1)</script>",
    }
    data.update(overrides)
    return data


def test_a_member_fills_in_their_profile_and_everyone_sees_it(
    app: Flask, member: Person, anonymous: Person
) -> None:
    response = member.post("/profile", _profile(app))
    assert response.status_code == 302
    page = anonymous.get("/u/amina").get_data(as_text=True)
    assert "Amina Rahman" in page
    assert "Department of Occupational Safety and Health" in page
    assert "Malaysia" in page
    assert "English, Malay" in page or "Malay, English" in page
    assert "OIC-OSHNET" in page
    assert "Claims: Confined spaces" in page
    assert "Claims: Fire safety" in page
    assert "<strong>confined space</strong>" in page
    assert "<script>alert(1)" not in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "amina"))
        assert "&lt;script&gt;" in user.bio_html


def test_the_edit_form_shows_the_saved_profile(app: Flask, member: Person) -> None:
    member.post("/profile", _profile(app))
    page = member.get("/profile").get_data(as_text=True)
    assert 'value="Amina Rahman"' in page
    assert '<option selected value="MY">Malaysia</option>' in page


def test_changing_claims_removes_the_old_ones(
    app: Flask, member: Person, anonymous: Person
) -> None:
    member.post("/profile", _profile(app))
    member.post("/profile", _profile(app, expertise=ids_of(app, Theme, "mining")))
    page = anonymous.get("/u/amina").get_data(as_text=True)
    assert "Claims: Mining" in page
    assert "Claims: Confined spaces" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "Not a valid choice"),
        ("country", "mys", "Not a valid choice"),
        ("languages", ["en", "klingon"], "not a valid choice"),
        ("bio", "b" * 5001, "Keep your bio under 5000 characters."),
        ("display_name", "n" * 81, "Field cannot be longer than 80 characters."),
        ("expertise", [999999], "not a valid choice"),
        ("networks", ["not-a-number"], "Invalid choice(s)"),
    ],
)
def test_bad_profile_values_are_refused_with_a_message(
    app: Flask, member: Person, field: str, value: object, message: str
) -> None:
    response = member.post("/profile", _profile(app, **{field: value}))
    assert response.status_code == 422
    assert message.lower() in errors_in(response).lower()
    with app.app_context():
        assert db.session.scalar(select(User.institution).where(User.username == "amina")) == ""


def test_anonymous_visitors_cannot_edit_profiles(app: Flask, anonymous: Person) -> None:
    response = anonymous.post("/profile", _profile(app))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_a_member_edits_only_their_own_profile(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    other_member.post("/profile", _profile(app, display_name="Kemal Ozturk"))
    assert "Kemal Ozturk" in anonymous.get("/u/kemal").get_data(as_text=True)
    assert "Kemal Ozturk" not in anonymous.get("/u/amina").get_data(as_text=True)
    assert "Edit your profile" not in member.get("/u/kemal").get_data(as_text=True)
    assert "Edit your profile" in member.get("/u/amina").get_data(as_text=True)
