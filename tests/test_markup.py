"""User Markdown is rendered once, at write time, into HTML that cannot run script."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from forum import markup
from tests.conftest import Person, thread_id_from

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a id="location" name="cookie">clobber</a>',
    '<form action="https://evil.example"><button>Go</button></form>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>` in code is fine",
    "<details open ontoggle=alert(1)>",
    '[x](https://example.org "title" onclick=alert(1))',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]

ALLOWED_TAGS = markup.ALLOWED_TAGS
ALLOWED_ATTRS = {"href", "title", "rel", "start"}


def assert_safe(html: str) -> None:
    for tag, attrs in re.findall(r"<([a-zA-Z0-9]+)([^>]*)>", html):
        assert tag.lower() in ALLOWED_TAGS, (tag, html)
        for name, value in re.findall(r'([a-zA-Z-]+)="([^"]*)"', attrs):
            assert name in ALLOWED_ATTRS, (name, html)
            if name == "href":
                assert re.match(r"(https?:|mailto:)", value), (value, html)
    assert markup.sanitise(html) == html  # cleaning twice changes nothing


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_rendered_harmless(source: str) -> None:
    assert_safe(markup.render(source))


def test_links_get_nofollow_ugc_and_only_safe_schemes() -> None:
    html = markup.render("See https://www.ilo.org/osh and [mail](mailto:osh@example.org)")
    assert '<a href="https://www.ilo.org/osh" rel="nofollow ugc">' in html
    assert '<a href="mailto:osh@example.org" rel="nofollow ugc">mail</a>' in html


def test_images_become_links_and_headings_sit_below_the_page_title() -> None:
    html = markup.render("# Findings\n\n![Silo diagram](https://example.org/silo.png)")
    assert "<h3>Findings</h3>" in html
    assert '<a href="https://example.org/silo.png" rel="nofollow ugc">Silo diagram</a>' in html
    assert "<img" not in html


def test_code_is_shown_not_run() -> None:
    html = markup.render("```\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;" in html
    assert "<script>" not in html


def test_plain_text_for_search_has_no_markup() -> None:
    assert markup.plain_text("# Title\n\n**H2S** & <b>CO</b> [link](https://x.org)") == (
        "Title H2S & <b>CO</b> link"
    )


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=/:&#;()[]!`*_ \n\tajvscriptonerlgfhmx0123")),
        max_size=80,
    )
)
def test_any_text_renders_safe(source: str) -> None:
    assert_safe(markup.render(source))


def test_posts_are_rendered_once_at_write_time(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread_id = thread_id_from(member.start_thread("Stored HTML", "**bold** <script>x</script>"))

    def refuse(_source: str) -> str:
        raise AssertionError("Markdown rendered on read")

    monkeypatch.setattr(markup, "render", refuse)
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x" not in page


def test_titles_are_escaped(member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("<img src=x onerror=alert(1)>", "body"))
    page = member.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page


WORDS = ("confined", "space", "permit", "gas", "ventilation", "rescue", "harness", "H2S")


def realistic_body(number: int) -> str:
    """A short post like no other: its own words, number, link, mention or address."""
    word = WORDS[number % len(WORDS)]
    kinds = [
        f"Before the {word} entry {number}, ask @member{number}: https://osh.example/{number}",
        f"- {word} checked {number}\n- [rescue plan](https://ilo.example/p/{number})",
        f"| step | ppm |\n| --- | --- |\n| {word} | {number} |",
        f"> The {word} is *never* skipped ({number}).",
        f"```\nif ppm > {number}: evacuate\n```",
        f"1. `{word}` mail{number}@osh.example",
    ]
    return kinds[number % len(kinds)]


def render_or_error(body: str, number: int) -> str:
    try:
        return markup.render(body, {f"member{number}": f"Member{number}"})
    except Exception as error:  # a crash is one more post that did not render as its own
        return repr(error)


def test_posts_rendered_at_once_never_mix() -> None:
    """16 threads render 10,000 distinct posts: each one's HTML is exactly its own."""
    count, threads = 10_000, 16
    bodies = [realistic_body(number) for number in range(count)]
    expected = [render_or_error(body, number) for number, body in enumerate(bodies)]
    rendered = [""] * count
    start = threading.Barrier(threads)

    def render_share(first: int) -> None:
        start.wait()
        for number in range(first, count, threads):
            rendered[number] = render_or_error(bodies[number], number)

    with ThreadPoolExecutor(threads) as pool:
        for share in [pool.submit(render_share, first) for first in range(threads)]:
            share.result()
    mixed = [number for number in range(count) if rendered[number] != expected[number]]
    assert not mixed, f"{len(mixed)} of {count} posts differ, e.g. {rendered[mixed[0]]!r}"
