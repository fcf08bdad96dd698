"""No HTML from translated strings with values in them.

Flask-Babel's lazy strings tell Jinja they are safe HTML, values and all: a suspension reason,
a ban reason or a network's short name put into one was rendered as markup. Every message of
the catalogue with a %(name)s in it is rendered here, in every language, through every way the
app shows translated text, with hostile values; then the pages that show such values.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.json.tag import TaggedJSONSerializer
from flask_babel import force_locale, gettext, ngettext
from markupsafe import escape

from forum.languages import LANGUAGES, lazy_gettext
from tests.conftest import Person, errors_in, make_person, thread_id_from

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = (
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    '<form action="/mod/oic-oshnet/sanctions" method="post"><button>OK</button></form>',
    '"><script>alert(1)</script>',
)
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
LAZY_FUNCTIONS = {"lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext"}


def _messages_with_values() -> list[tuple[str, ...]]:
    with open(ROOT / "forum/translations/messages.pot", "rb") as catalogue:
        messages = read_po(catalogue)
    found = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.id and any(PLACEHOLDER.search(text) for text in ids):
            found.append(ids)
    return found


MESSAGES = _messages_with_values()


def _values(ids: tuple[str, ...], hostile: str) -> dict[str, object]:
    return {
        name: 3 if kind == "d" else hostile
        for text in ids
        for name, kind in PLACEHOLDER.findall(text)
        if name != "num" or len(ids) == 1  # a plural's num is its count
    }


def _shown(app: Flask) -> Iterator[tuple[str, Callable[[tuple[str, ...], dict], str]]]:
    """(how, render): each way a translated message with values reaches a page."""
    env = app.jinja_env
    page = env.from_string("{{ message }}")
    joined = env.from_string("{{ [message, message]|join(' ') }}")  # form errors are joined
    in_template = env.from_string("{{ _(ids[0], **values) }}")
    plural_in_template = env.from_string("{{ ngettext(ids[0], ids[1], 2, **values) }}")
    session = TaggedJSONSerializer()  # a flashed message goes through the session cookie

    def python(ids: tuple[str, ...], values: dict) -> object:
        if len(ids) == 2:
            return ngettext(ids[0], ids[1], 2, **values)
        return gettext(ids[0], **values)

    def lazy(ids: tuple[str, ...], values: dict) -> object:
        return lazy_gettext(ids[0], **({"num": 2} if len(ids) == 2 else {}), **values)

    for how, make in (("gettext", python), ("lazy_gettext", lazy)):
        yield f"{how} in a page", lambda i, v, make=make: page.render(message=make(i, v))
        yield f"{how} joined", lambda i, v, make=make: joined.render(message=make(i, v))
        yield f"{how} escaped (WTForms)", lambda i, v, make=make: str(escape(make(i, v)))
        yield (
            f"{how} flashed",
            lambda i, v, make=make: page.render(message=session.loads(session.dumps(make(i, v)))),
        )
    yield (
        "_() in a template",
        lambda i, v: (plural_in_template if len(i) == 2 else in_template).render(ids=i, values=v),
    )


def test_the_catalogue_has_messages_with_values() -> None:
    assert len(MESSAGES) > 50
    assert ("Only moderators of %(network)s can do that.",) in MESSAGES


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_value_in_every_translated_message_is_escaped(app: Flask, language: str) -> None:
    unescaped = []
    with app.test_request_context(), force_locale(language):
        for how, render in _shown(app):
            for ids in MESSAGES:
                for hostile in HOSTILE:
                    shown = render(ids, _values(ids, hostile))
                    # the catalogue has no markup of its own: any "<" came from a value
                    if "<" in shown:
                        unescaped.append((how, ids[0], shown))
    assert not unescaped, unescaped[:5]


def test_a_value_is_shown_as_text_once_escaped_not_twice(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        for how, render in _shown(app):
            shown = render(("Reason: %(reason)s",), {"reason": "<b> & co"})
            assert "Reason: &lt;b&gt; &amp; co" in shown, how
            assert "&amp;lt;" not in shown, how
            assert "&amp;amp;" not in shown, how


def test_the_app_takes_lazy_strings_only_from_forum_languages() -> None:
    """Flask-Babel's own lazy strings interpolate values into 'safe' HTML."""
    offenders = []
    for path in sorted((ROOT / "forum").rglob("*.py")):
        if path.name == "languages.py" and path.parent.name == "forum":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel"):
                offenders += [
                    f"{path.relative_to(ROOT)}: {alias.name}"
                    for alias in node.names
                    if alias.name in LAZY_FUNCTIONS
                ]
    assert not offenders


# --- the pages that show such values -----------------------------------------------------


def _no_markup_from(page: str, hostile: str) -> None:
    assert hostile not in page
    assert str(escape(hostile)) in page


@pytest.mark.parametrize("hostile", HOSTILE[:2])
def test_a_suspension_reason_is_text_on_the_suspended_moderator_s_pages(
    app: Flask, member: Person, hostile: str
) -> None:
    """The attack as found: a moderator of one network suspends a moderator of another."""
    attacker = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    victim = make_person(app, "ilo.mod", moderates=("ilo-global",))
    thread_id = thread_id_from(member.start_thread("Entering a silo", "Is a harness enough?"))
    until = (date.today() + timedelta(days=7)).isoformat()
    suspended = attacker.post(
        "/mod/oic-oshnet/sanctions", {"username": "ilo.mod", "ends_on": until, "reason": hostile}
    )
    assert suspended.status_code == 302
    _no_markup_from(victim.get(f"/threads/{thread_id}").get_data(as_text=True), hostile)
    refused = victim.reply(thread_id, "A reply")
    assert refused.status_code == 403
    _no_markup_from(refused.get_data(as_text=True), hostile)


def test_a_ban_reason_is_text_on_the_log_in_page(
    app: Flask, other_member: Person, anonymous: Person
) -> None:
    admin = make_person(app, "root.admin", admin=True)
    hostile = HOSTILE[0]
    assert admin.post("/admin/bans", {"username": "kemal", "reason": hostile}).status_code == 302
    refused = anonymous.login("kemal")
    assert refused.status_code == 403
    _no_markup_from(refused.get_data(as_text=True), hostile)
    assert f"Reason: {escape(hostile)}" in errors_in(refused)


def test_a_network_s_short_name_is_text_where_a_refusal_names_it(app: Flask) -> None:
    admin = make_person(app, "root.admin", admin=True)
    hostile = "<meta http-equiv=refresh content=0>"  # a short name has 40 characters at most
    created = admin.post(
        "/admin",
        {"slug": "evil-net", "short_name": hostile, "name": "Evil", "create_network": "1"},
    )
    assert created.status_code == 302
    _no_markup_from(admin.get("/admin", follow_redirects=True).get_data(as_text=True), hostile)
    outsider = make_person(app, "ilo.mod", moderates=("ilo-global",))
    for address in ("/mod/evil-net/reports", "/mod/evil-net/sanctions", "/mod/evil-net/audit"):
        refused = outsider.get(address)
        assert refused.status_code == 403
        _no_markup_from(refused.get_data(as_text=True), hostile)
