"""The forum in English, French, Arabic and Spanish: who gets which language, the switcher,
right-to-left pages, each post's language, and members' words isolated from the page."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from flask_babel import force_locale, format_datetime
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import datetimes
from sqlalchemy import select, update

from forum.extensions import db, socketio
from forum.languages import LANGUAGE_COOKIE, detect, short_datetime
from forum.models import Post, User
from tests.conftest import Person, readable, thread_id_from


def html_tag(person: Person, url: str = "/", **headers: str) -> str:
    page = person.get(url, headers=headers).get_data(as_text=True)
    return re.search(r"<html[^>]*>", page).group(0)


# --- which language a page speaks --------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", '<html lang="fr" dir="ltr">'),
        ("ar-MA", '<html lang="ar" dir="rtl">'),
        ("es-CL,es;q=0.8", '<html lang="es" dir="ltr">'),
        ("de-DE,de;q=0.9", '<html lang="en" dir="ltr">'),  # not offered: English
        ("xx-ZZ;q=abc,,;;=", '<html lang="en" dir="ltr">'),  # malformed: English
        ("", '<html lang="en" dir="ltr">'),
    ],
)
def test_the_browser_language_is_used_when_offered(
    anonymous: Person, header: str, expected: str
) -> None:
    assert html_tag(anonymous, **{"Accept-Language": header}) == expected


def test_the_home_page_reads_in_arabic_with_names_translated(anonymous: Person) -> None:
    page = anonymous.get("/themes", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "المنتدى الإلكتروني للسلامة والصحة المهنية" in page
    assert "الأماكن المحصورة" in page  # Confined spaces
    for english in ("Confined spaces", "Fire safety", "Search", "Log in", "Themes"):
        assert f">{english}<" not in page, english


def test_the_switcher_remembers_the_choice_for_visitors(anonymous: Person) -> None:
    response = anonymous.post("/language", {"language": "es", "next": "/themes?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/themes?x=1"
    cookie = anonymous.client.get_cookie(LANGUAGE_COOKIE)
    assert cookie.value == "es"
    assert cookie.http_only
    # the choice beats the browser's own language
    assert html_tag(anonymous, **{"Accept-Language": "fr"}) == '<html lang="es" dir="ltr">'


def test_a_members_profile_language_follows_them_everywhere(app: Flask, member: Person) -> None:
    member.post("/language", {"language": "ar", "next": "/"})
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.username == "amina")) == "ar"
    elsewhere = Person(app.test_client())
    elsewhere.login("amina")
    assert html_tag(elsewhere, **{"Accept-Language": "fr"}) == '<html lang="ar" dir="rtl">'

    edit = member.get("/profile").get_data(as_text=True)
    assert '<option selected value="ar">العربية</option>' in edit
    member.post("/profile", {"locale": ""})  # back to the browser's choice
    assert html_tag(elsewhere, **{"Accept-Language": "fr"}) == '<html lang="fr" dir="ltr">'


def test_a_profile_language_the_forum_does_not_offer_falls_back(app: Flask, member: Person) -> None:
    with app.app_context():
        db.session.execute(update(User).values(locale="xx"))
        db.session.commit()
    assert html_tag(member) == '<html lang="en" dir="ltr">'


@pytest.mark.parametrize(
    "data",
    [{"language": "xx"}, {"language": ""}, {"language": "fr\x00"}, {"language": "f" * 5000}],
)
def test_the_switcher_refuses_unknown_languages_with_a_message(
    anonymous: Person, data: dict[str, str]
) -> None:
    response = anonymous.post("/language", {**data, "next": "/"})
    assert response.status_code == 303
    assert anonymous.client.get_cookie(LANGUAGE_COOKIE) is None
    assert "Choose a language from the list." in anonymous.get("/").get_data(as_text=True)


def test_the_switcher_needs_a_members_token_and_goes_nowhere_else(
    member: Person, anonymous: Person
) -> None:
    """A visitor's pages hold no token (they are kept for all): their choice, which only sets
    their own cookie, needs none. A member's is saved in their profile: it needs theirs."""
    switched = anonymous.client.post("/language", data={"language": "fr", "next": "/themes"})
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/themes"
    assert anonymous.client.get_cookie(LANGUAGE_COOKIE).value == "fr"
    refused = member.client.post("/language", data={"language": "fr"})
    assert refused.status_code == 400
    assert "Unanswered questions" in member.get("/").get_data(as_text=True)  # still English
    assert member.post("/language", {"language": "fr"}).status_code == 303
    assert "Questions non résolues" in member.get("/").get_data(as_text=True)
    assert anonymous.get("/language").status_code == 405
    away = anonymous.post("/language", {"language": "fr", "next": "//evil.example/"})
    assert away.headers["Location"] == "/"


def test_the_profile_form_refuses_an_unknown_language(member: Person) -> None:
    response = member.post("/profile", {"locale": "klingon"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


MONTHS = {  # as CLDR abbreviates them
    "fr": "janv.|févr.|mars|avr.|mai|juin|juil.|août|sept.|oct.|nov.|déc.",
    "es": "ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic",
}


def test_dates_follow_the_page_language(member: Person, anonymous: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Dated", "When?"))
    for language, months in MONTHS.items():
        page = anonymous.get(f"/threads/{thread_id}", headers={"Accept-Language": language})
        dates = re.findall(r"<time [^>]*>([^<]+)</time>", page.get_data(as_text=True))
        assert dates
        assert all(re.search(months, date) for date in dates), (language, dates)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moment=datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_short_dates_say_what_flask_babel_says_in_utc(app: Flask, moment: datetime) -> None:
    with app.test_request_context("/"):
        for language in ("en", "fr", "ar", "es"):
            with force_locale(language):
                expected = format_datetime(moment, "d MMM yyyy, HH:mm")
                assert short_datetime(moment) == expected, language


# --- each post's language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How often should we test the gas detectors?", "en"),
        ("Comment organiser le sauvetage dans une cuve ?", "fr"),
        ("¿Quién firma el permiso de trabajo en caliente?", "es"),
        ("من يوقّع تصريح العمل داخل الخزان؟", "ar"),
        ("H2S 10 ppm", "en"),  # nothing to tell by: the fallback
    ],
)
def test_the_language_of_a_text_is_recognised(text: str, language: str) -> None:
    assert detect(text) == language


def test_a_post_records_its_language_chosen_or_recognised(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(
        member.start_thread("Permis de travail", "Qui signe le permis pour entrer dans la cuve ?")
    )
    other_member.post(f"/threads/{thread_id}/reply", {"body": "Ok.", "language": "es"})
    with app.app_context():
        languages = db.session.scalars(select(Post.language).order_by(Post.id)).all()
    assert languages == ["fr", "es"]
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert '<div class="post-body" dir="auto" lang="fr">' in page
    assert '<span class="content-language" lang="fr">Français</span>' in page
    # a French reader sees no label on French posts, only on the others
    french = anonymous.get(f"/threads/{thread_id}", headers={"Accept-Language": "fr"})
    assert 'class="content-language" lang="fr"' not in french.get_data(as_text=True)
    assert '<span class="content-language" lang="es">Español</span>' in french.get_data(
        as_text=True
    )


def test_editing_can_change_a_posts_language(app: Flask, member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Mixed", "Hello there, how are you?"))
    with app.app_context():
        post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread_id))
    form = member.get(f"/posts/{post_id}/edit").get_data(as_text=True)
    assert '<option selected value="en">English</option>' in form
    member.post(f"/posts/{post_id}/edit", {"title": "Mixed", "body": "Hola", "language": "es"})
    with app.app_context():
        assert db.session.get(Post, post_id).language == "es"


def test_the_composer_refuses_an_unknown_post_language(member: Person) -> None:
    response = member.post(
        "/n/oic-oshnet/confined-spaces/new",
        {"kind": "question", "title": "Kept", "body": "My long text", "language": "xx"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "My long text" in page  # nothing typed is lost


# --- members' words cannot reorder the page -------------------------------------------------

RIGHT_TO_LEFT_OVERRIDE = "\u202e"


def test_bidi_controls_in_a_title_stay_inside_their_isolate(
    member: Person, anonymous: Person
) -> None:
    title = f"Gas test {RIGHT_TO_LEFT_OVERRIDE}reversed"
    thread_id = thread_id_from(member.start_thread(title, "Body"))
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f"<title>\u2068{title}\u2069 · OSH e-Forum</title>" in page
    assert f"<h1><bdi>{title}</bdi></h1>" in page
    board = anonymous.get("/n/oic-oshnet/confined-spaces").get_data(as_text=True)
    assert f"<bdi>{title}</bdi>" in board


# --- notifications in the reader's language --------------------------------------------------


def test_notifications_speak_each_readers_language(
    app: Flask, member: Person, other_member: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Silo", "Ventilation?"))
    member.post("/language", {"language": "fr"})
    socket = socketio.test_client(app, flask_test_client=member.client)
    socket.get_received()
    other_member.reply(thread_id, "Oui.")
    [event] = [e for e in socket.get_received() if e["name"] == "notification"]
    payload = event["args"][0]
    assert readable(payload["text"]) == "kemal a répondu à votre sujet «\u00a0Silo\u00a0»"
    assert readable(payload["texts"]["ar"]) == "ردّ kemal على موضوعك «Silo»"
    assert readable(payload["texts"]["en"]) == "kemal replied to your thread “Silo”"
    inbox = readable(member.get("/notifications").get_data(as_text=True))
    assert "kemal a répondu à votre sujet «\u00a0Silo\u00a0»" in inbox
