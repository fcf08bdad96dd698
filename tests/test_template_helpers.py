"""What templates call on every page: messages in the reader's language (forum/languages.py)
and addresses built once (forum/template_urls.py). Both are the fast paths of a page made
afresh; here they must say exactly what Jinja's and Flask's own would."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale

from forum.template_urls import remembered_url_for


def _in_text(app: Flask, source: str, **values: object) -> str:
    """A template rendered as plain text (mail's .txt templates): no HTML escaping."""
    return app.jinja_env.overlay(autoescape=False).from_string(source).render(**values)


def test_a_messages_values_are_escaped_in_html_and_left_alone_in_text(app: Flask) -> None:
    source = '{{ _("Reason: %(reason)s", reason=reason) }}'
    with app.test_request_context("/"):
        assert render_template_string(source, reason="<b>&") == "Reason: &lt;b&gt;&amp;"
        assert _in_text(app, source, reason="<b>&") == "Reason: <b>&"


def test_a_message_without_values_is_the_same_text_jinja_would_give(app: Flask) -> None:
    """Newstyle gettext %-formats every message: "%%" is a percent sign, values or none
    (the forum's own fast path skips the formatting only where it would change nothing)."""
    source = '{{ _("Done: 100%% checked") }}|{{ _("Safety & health") }}'
    with app.test_request_context("/"):
        assert render_template_string(source) == "Done: 100% checked|Safety & health"
    assert _in_text(app, source) == "Done: 100% checked|Safety & health"


def test_a_message_after_a_forced_language_when_none_was_chosen_yet(app: Flask) -> None:
    """force_locale puts back "no locale" as None (mail composed inside a request does it)."""
    with app.test_request_context("/"):
        with force_locale("fr"):
            assert render_template_string('{{ _("Networks") }}') == "Réseaux"
        assert render_template_string('{{ _("Networks") }}') == "Networks"


def test_messages_plurals_and_contexts_speak_the_readers_language(app: Flask) -> None:
    page = (
        '{{ _("Networks") }}|{{ ngettext("%(num)s reply", "%(num)s replies", n) }}|'
        '{{ pgettext("a question\'s state", "Answered") }}'
    )
    with app.test_request_context("/"), force_locale("fr"):
        assert render_template_string(page, n=1) == "Réseaux|1 réponse|Résolue"
        assert render_template_string(page, n=3) == "Réseaux|3 réponses|Résolue"
    with app.test_request_context("/"):
        assert render_template_string(page, n=3) == "Networks|3 replies|Answered"


def test_a_plural_takes_a_formatted_number_in_place_of_the_count(app: Flask) -> None:
    source = '{{ ngettext("%(num)s reply", "%(num)s replies", 1234, num="1,234") }}'
    with app.test_request_context("/"):
        assert render_template_string(source) == "1,234 replies"


def test_a_template_address_is_the_one_flask_builds(app: Flask) -> None:
    url_for = remembered_url_for(app)
    with app.test_request_context("/"):
        for endpoint, values in [
            ("main.home", {}),
            ("static", {"filename": "css/forum.css"}),
            ("threads.show", {"thread_id": 7, "sort": "votes"}),
            ("profiles.show", {"username": "Zoë Ngozi"}),
            ("search.results", {"q": ["a", "b"]}),  # unhashable: built each time
        ]:
            assert url_for(endpoint, **values) == app.url_for(endpoint, **values)
            assert url_for(endpoint, **values) == app.url_for(endpoint, **values)
    assert url_for.cache_info().hits == 4  # all but the list, asked again


def test_equal_values_of_other_types_are_other_addresses(app: Flask) -> None:
    url_for = remembered_url_for(app)
    with app.test_request_context("/"):
        built = [url_for("search.results", q=value) for value in (1, True, 1.0, 0.0, -0.0)]
    assert built == [
        "/search?q=1",
        "/search?q=True",
        "/search?q=1.0",
        "/search?q=0.0",
        "/search?q=-0.0",
    ]


def test_a_visitors_long_text_is_not_remembered(app: Flask) -> None:
    url_for = remembered_url_for(app)
    with app.test_request_context("/"):
        for n in range(3):
            url_for("auth.login", next=f"/search?q={'x' * 200}{n}")
            url_for("auth.login", next=f"/search?q=short{n}")
    assert url_for.cache_info().currsize == 3


def test_links_follow_the_path_the_forum_is_mounted_at(app: Flask, anonymous) -> None:  # noqa: ANN001
    # one forum behind a proxy at /forum and reached directly: each page's own links
    mounted = anonymous.get("/", environ_overrides={"SCRIPT_NAME": "/forum"})
    direct = anonymous.get("/")
    assert 'href="/forum/themes"' in mounted.get_data(as_text=True)
    assert 'href="/themes"' in direct.get_data(as_text=True)
    assert "/forum/" not in direct.get_data(as_text=True)


def test_absolute_addresses_follow_each_requests_host(app: Flask) -> None:
    url_for = remembered_url_for(app)
    with app.test_request_context("/", base_url="http://one.example"):
        first = url_for("main.home", _external=True)
    with app.test_request_context("/", base_url="http://two.example"):
        second = url_for("main.home", _external=True)
    assert (first, second) == ("http://one.example/", "http://two.example/")
