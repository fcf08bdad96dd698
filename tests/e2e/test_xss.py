"""180 cross-site scripting vectors through the real forms, rendered in Chromium.

Post bodies, thread titles, profile fields, report reasons and search queries each take the
corpus in tests/xss_vectors.py. The browser runs with the Content-Security-Policy bypassed:
the policy would stop inline script anyway, and this test is about the sanitiser and the
templates, so with the policy off a vector that got through would really run. A page passes
when nothing called alert (or a sibling), no element carries an event handler or a script
URL, and user content holds only allowed elements. The stored HTML is checked on its own:
only allowed elements, attributes and URL schemes, and sanitising it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from sqlalchemy import select

from forum import create_app, markup
from forum.extensions import db
from forum.models import Post, User
from tests.conftest import make_config
from tests.e2e.people import PASSWORD, make_moderator
from tests.live import (
    close_sessions,
    csrf_token,
    log_in_over_http,
    register_over_http,
    start_thread_over_http,
    thread_id_in,
)
from tests.xss_vectors import VECTORS

pytestmark = pytest.mark.browser
CORPUS = list(dict.fromkeys(VECTORS))
PROFILES = 10

TRAP = """
window.__xss = 0;
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = () => { window.__xss += 1; };
}
"""
# Everything the page holds that could run script, and what user content may not contain.
INSPECT = """
() => {
  const allowed = new Set(%s);
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data",
                         "background", "poster", "srcdoc"];
  const found = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) found.push(`${element.tagName} ${name}`);
      const value = attribute.value;
      if (urlAttributes.includes(name) && /^\\s*(javascript|vbscript|data):/i.test(value)) {
        found.push(`${element.tagName} ${name}=${value.slice(0, 40)}`);
      }
    }
  }
  for (const script of document.scripts) {
    if (!script.src || !new URL(script.src).pathname.startsWith("/static/")) {
      found.push(`script ${script.outerHTML.slice(0, 60)}`);
    }
  }
  for (const element of document.querySelectorAll("iframe, object, embed, base, body meta")) {
    found.push(`element ${element.tagName}`);
  }
  for (const element of document.querySelectorAll(".post-body *, .snippet *, .report-details *")) {
    if (!allowed.has(element.tagName.toLowerCase())) found.push(`content ${element.tagName}`);
    if (element.id || element.getAttribute("name")) {
      found.push(`clobbering ${element.outerHTML.slice(0, 60)}`);
    }
  }
  // what a visitor might do: point at, focus or open anything in user content
  for (const element of document.querySelectorAll(".post-body *, .snippet *, h1, h2, h3")) {
    for (const kind of ["mouseover", "mouseenter", "focus", "toggle", "load", "error"]) {
      element.dispatchEvent(new Event(kind));
    }
  }
  return found;
}
""" % sorted(markup.ALLOWED_TAGS | {"mark"})  # noqa: UP031 (mark: search's own highlight)


@pytest.fixture(scope="module")
def submitted(server: str, database_url: str) -> Iterator[dict[str, list[str]]]:
    """Every vector through the forms; returns the pages to look at."""
    writer = register_over_http(server, "xss_writer")
    opening = start_thread_over_http(server, writer, "XSS corpus in bodies", body=CORPUS[0])
    thread_id = thread_id_in(opening)
    for vector in CORPUS[1:]:
        url = f"{server}/threads/{thread_id}"
        writer.post(
            f"{url}/reply", data={"csrf_token": csrf_token(writer, url), "body": vector}, timeout=30
        )
    for vector in CORPUS:
        start_thread_over_http(
            server, writer, vector[:200], board="oic-oshnet/fire-safety", body="Title test."
        )
    profiles = []
    for number in range(PROFILES):
        name = f"xss_profile{number}"
        member = register_over_http(server, name)
        chunk = CORPUS[number::PROFILES]
        url = f"{server}/profile"
        member.post(url, timeout=30, data={
            "csrf_token": csrf_token(member, url),
            "display_name": chunk[0][:80],
            "institution": chunk[1][:160],
            "bio": "\n\n".join(chunk)[:5000],
        })  # fmt: skip
        profiles.append(f"/u/{name}")
    _report_each(server, database_url, thread_id)
    make_moderator(database_url, "xss_moderator", "oic-oshnet")
    moderator = log_in_over_http(server, "xss_moderator", PASSWORD)
    assert "Moderation" in moderator.get(f"{server}/mod", timeout=30).text
    pages = {
        "bodies": [f"/threads/{thread_id}?page={n}" for n in range(1, len(CORPUS) // 20 + 2)],
        "titles": [f"/n/oic-oshnet/fire-safety?page={n}" for n in range(1, len(CORPUS) // 25 + 2)],
        "profiles": profiles,
        "search": [f"/search?q={quote(vector)}" for vector in CORPUS],
    }
    yield pages
    close_sessions()


def _report_each(server: str, database_url: str, thread_id: int) -> None:
    """One report per reply, its details a vector, by a member who is not the writer."""
    reporter = register_over_http(server, "xss_reporter")
    app = create_app(make_config(database_url))
    with app.app_context():
        post_ids = db.session.scalars(
            select(Post.id).where(Post.thread_id == thread_id, Post.is_opening.is_(False))
        ).all()
        db.session.remove()
        db.engine.dispose()
    for post_id, vector in zip(post_ids, CORPUS, strict=False):
        url = f"{server}/posts/{post_id}/report"
        reporter.post(url, timeout=30, data={
            "csrf_token": csrf_token(reporter, url), "reason": "other", "details": vector[:1000],
        })  # fmt: skip


def inspect(browser, server: str, paths: list[str], session_cookies=None) -> list[str]:  # noqa: ANN001
    context = browser.new_context(bypass_csp=True)
    if session_cookies:
        context.add_cookies(session_cookies)
    context.add_init_script(TRAP)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    problems = []
    for path in paths:
        page.goto(server + path)
        found = page.evaluate(INSPECT)
        page.wait_for_timeout(50)  # handlers run after the page has loaded
        called = page.evaluate("window.__xss")
        if found or called or dialogs:
            problems.append(f"{path}: {found} alert calls={called} dialogs={dialogs}")
            dialogs.clear()
    context.close()
    return problems


@pytest.mark.parametrize("where", ["bodies", "titles", "profiles", "search"])
def test_no_vector_runs_in_the_browser(browser, server: str, submitted, where: str) -> None:  # noqa: ANN001
    pages = submitted[where] if where != "search" else submitted[where][::3]
    assert inspect(browser, server, pages) == []


def test_no_report_reason_runs_in_the_moderators_queue(browser, server: str, submitted) -> None:  # noqa: ANN001
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/auth/login")
    page.get_by_label("Username or email address").fill("xss_moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()
    cookies = context.cookies()
    context.close()
    queue = [f"/mod/oic-oshnet/reports?page={n}" for n in range(1, len(CORPUS) // 20 + 2)]
    problems = inspect(browser, server, queue, cookies)
    assert problems == []


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in markup.ALLOWED_TAGS:
            self.problems.append(f"element {tag}")
        allowed = markup.ALLOWED_ATTRIBUTES.get(tag, [])
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"{tag} {name}")
            if name == "href" and not _safe_url(value or ""):
                self.problems.append(f"href {value}")


def _safe_url(url: str) -> bool:
    return markup.scheme_of(url) in (None, "http", "https", "mailto")


def test_the_stored_html_is_only_what_the_allow_list_allows(submitted, database_url: str) -> None:  # noqa: ANN001
    app = create_app(make_config(database_url))
    with app.app_context():
        stored = list(db.session.scalars(select(Post.body_html)))
        stored += [html for html in db.session.scalars(select(User.bio_html)) if html]
        db.session.remove()
        db.engine.dispose()
    assert len(stored) >= 2 * len(CORPUS)  # bodies, titles' opening posts, profiles
    for html in stored:
        checker = _Structure()
        checker.feed(html)
        assert checker.problems == [], html
        assert markup.sanitise(html) == html
