"""Hypothesis drives every route in the URL map, forms and JSON alike, with random and hostile
values, as an administrator (who gets furthest into every form) with a valid CSRF token:
whatever comes in, the answer is never a 5xx."""

from __future__ import annotations

import inspect
import re

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import Rule

import forum.forms
from forum import create_app
from forum.extensions import db
from forum.forms import ForumForm
from forum.models import Notification, Post, Report, Sanction, Thread
from tests.conftest import Person, make_person, reply_ids, thread_id_from
from tests.xss_vectors import POLYGLOTS

pytestmark = pytest.mark.sweep  # long: run by .ci/run, not the quick suite

HOSTILE = [
    "", " ", "0", "-1", "99999999999999999999", "1e308", "NaN", "true", "null", "[]", "{}",
    "../../etc/passwd", "%00", "%s%s%s", "{{7*7}}", "' OR 1=1 --", "\u202e\u2066x\u2069",
    "😀" * 50, "a" * 5_000, "x" * 60_000, "2024-02-30", "9999-12-31", "0000-00-00",
    "oic-oshnet", "confined-spaces", "question", "other", "ban", *POLYGLOTS,
]  # fmt: skip
SKIPPED = {"static", "auth.logout"}  # logout would end the session the fuzzing runs in


def form_field_names() -> list[str]:
    names: set[str] = set()
    for module in vars(forum.forms).values():
        if inspect.ismodule(module):
            for form in vars(module).values():
                if inspect.isclass(form) and issubclass(form, ForumForm):
                    names |= {name for name, _ in inspect.getmembers(form) if _is_field(form, name)}
    return sorted(names - {"csrf_token", "meta"})


def _is_field(form: type, name: str) -> bool:
    return hasattr(getattr(form, name, None), "field_class")


# the forms modules are imported by the views; make sure they are loaded
import forum.forms.auth  # noqa: E402, F401
import forum.forms.experts  # noqa: E402, F401
import forum.forms.institution_directory  # noqa: E402, F401
import forum.forms.institutions  # noqa: E402, F401
import forum.forms.moderation  # noqa: E402, F401
import forum.forms.notifications  # noqa: E402, F401
import forum.forms.profiles  # noqa: E402, F401
import forum.forms.search  # noqa: E402, F401
import forum.forms.threads  # noqa: E402, F401

FIELDS = form_field_names()
# any text a client can send: lone surrogates cannot be encoded into a request at all
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
)


@pytest.fixture
def app_config() -> dict[str, object]:
    return {
        "LOGIN_RATE_LIMIT": "100000 per hour",
        "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per hour",
        "SEARCH_RATE_LIMIT": "100000 per hour",
    }


@pytest.fixture
def world(app: Flask, member: Person) -> dict[str, list]:
    """Some of everything, so that ids in URLs often name something real."""
    thread_id = thread_id_from(member.start_thread("Question", "Details"))
    replier = make_person(app, "replier")
    replier.reply(thread_id, "A reply @amina")
    reply_id = reply_ids(app, thread_id)[0]
    member.post(f"/posts/{reply_id}/report", {"reason": "spam"})
    admin = make_person(app, "fuzz_admin", admin=True)
    admin.post("/mod/oic-oshnet/sanctions", {"username": "replier", "ends_on": "2099-01-01",
                                             "reason": "Testing"})  # fmt: skip
    with app.app_context():
        ids = {
            "int": sorted(
                {
                    thread_id,
                    reply_id,
                    *db.session.scalars(select(Post.id)),
                    *db.session.scalars(select(Thread.id)),
                    *db.session.scalars(select(Report.id)),
                    *db.session.scalars(select(Notification.id)),
                    *db.session.scalars(select(Sanction.id)),
                }
            ),  # fmt: skip
            "slug": ["oic-oshnet", "confined-spaces", "fire-safety", "amina", "replier"],
        }
        db.session.remove()
    return ids


ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")  # <int:post_id>, <any(a, b):state>, <name>


def url_for_rule(rule: Rule, draw, ids: dict[str, list]) -> str:  # noqa: ANN001
    """The rule's path with each argument drawn: a real id or slug, or anything at all."""

    def argument(match: re.Match) -> str:
        converter = type(rule._converters[match[1]]).__name__
        if converter == "IntegerConverter":
            return str(draw(st.one_of(st.sampled_from(ids["int"]), st.integers(0, 2**70))))
        if converter == "AnyConverter":
            return draw(st.sampled_from(sorted(rule._converters[match[1]].items)))
        return draw(st.one_of(st.sampled_from(ids["slug"]), st.text("abc-._~", min_size=1)))

    return ARGUMENT.sub(argument, rule.rule)


def routes(method: str) -> list[str]:
    """The rules answering this method, from a throwaway app (no I/O: nothing is opened)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "collect-only"})
    return sorted(
        r.rule
        for r in app.url_map.iter_rules()
        if method in r.methods and r.endpoint not in SKIPPED
    )


# every field any form has, each with a random or hostile value, and some the forms never had
form_data = st.fixed_dictionaries(
    dict.fromkeys(FIELDS, values), optional={"unexpected": values, "csrf_token": values}
)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", p) for p in routes("POST")] + [("GET", p) for p in routes("GET")]
)
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_form_or_endpoint_answers_with_a_server_error(
    app: Flask, world: dict[str, list], method: str, path: str, data: st.DataObject
) -> None:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == path and method in r.methods)
    admin = Person(app.test_client(), "fuzz_admin")
    admin.login("fuzz_admin")
    url = url_for_rule(rule, data.draw, world)
    fields = data.draw(form_data)
    headers = {"Accept": "application/json"} if data.draw(st.booleans()) else {}
    if method == "POST":
        response = admin.post(url, fields, headers=headers)
    else:
        response = admin.get(url, query_string=fields, headers=headers)
    assert response.status_code < 500, (method, url, fields, response.status_code)
