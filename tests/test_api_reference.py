"""The API reference page (/help/api): every operation of spec.OPERATIONS with who may call
it, its arguments and body fields in tables (type, required, allowed values, limits), its
answer's fields and the statuses the OpenAPI document lists; no script, nothing external."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from flask import Flask

from forum.services import posting
from forum.views.api.document import build
from forum.views.api.spec import OPERATIONS, Operation
from forum.views.main import SHOWN
from tests.conftest import Person, set_user


@dataclass
class Shown:
    heading: str = ""
    text: list[str] = field(default_factory=list)
    # a table's region is labelled by its heading: "<anchor>-arguments", "-body", "-answer"
    tables: dict[str, list[list[str]]] = field(default_factory=dict)


class Page(HTMLParser):
    """The page's operations (by article id), each with its heading, text and tables; and its
    headings' levels in order, its tables' header cells and its links and sources."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.operations: dict[str, Shown] = {}
        self.levels: list[int] = []
        self.header_cells: list[dict[str, str | None]] = []
        self.addresses: list[str] = []
        self.contents: list[str] = []  # the table of contents' links
        self._article: Shown | None = None
        self._in: list[str] = []
        self._table: list[list[str]] | None = None
        self._in_contents = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.addresses += [v for k, v in attrs if k in ("href", "src", "action") and v]
        if tag == "nav" and "api-contents" in (found.get("class") or ""):
            self._in_contents = True
        if tag == "article":
            self._article = self.operations.setdefault(found["id"] or "", Shown())
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
        if tag == "div" and found.get("role") == "region" and self._article is not None:
            self._table = self._article.tables.setdefault(found["aria-labelledby"] or "", [])
        if tag == "tr" and self._table is not None:
            self._table.append([])
        if tag in ("th", "td") and self._table is not None:
            self._table[-1].append("")
            if tag == "th":
                self.header_cells.append(found)
        if tag == "a" and self._in_contents:
            self.contents.append("")
        if tag not in ("wbr", "br", "meta", "link", "img", "input"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = None
        if tag == "table":
            self._table = None
        if tag == "nav":
            self._in_contents = False
        if tag in self._in:
            while self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_contents and "a" in self._in:
            self.contents[-1] += data
        if self._article is None:
            return
        self._article.text.append(data)
        if "h3" in self._in:
            self._article.heading += data
        if self._table is not None and self._table[-1:] and self._table[-1]:
            self._table[-1][-1] += data


def rows(operation: Shown, part: str) -> dict[str, dict[str, str]]:
    """A table as {row name: {column header: cell text}}."""
    label = next(key for key in operation.tables if key.endswith("-" + part))
    header, *body = operation.tables[label]
    return {
        cells[0].strip(): {
            h.strip(): " ".join(c.split()) for h, c in zip(header, cells, strict=True)
        }
        for cells in body
    }


def text(operation: Shown) -> str:
    return " ".join("".join(operation.text).split())


def anchor(declared: Operation) -> str:
    return declared.endpoint.replace(".", "-")


@pytest.fixture
def page(anonymous: Person) -> Page:
    answer = anonymous.get("/help/api")
    assert answer.status_code == 200
    return Page(answer.get_data(as_text=True))


def test_every_operation_is_shown_with_its_method_and_path(page: Page) -> None:
    assert len(page.operations) == len(OPERATIONS)
    for declared in OPERATIONS:
        shown = page.operations[anchor(declared)]
        assert shown.heading.split() == [declared.method, "/api/v1" + declared.path]
        assert str(declared.summary) in text(shown)
        assert f"{declared.method} /api/v1{declared.path}" in page.contents


def test_the_thread_listing_shows_its_arguments_with_their_values_and_limits(
    page: Page,
) -> None:
    arguments = rows(page.operations["api-threads"], "arguments")
    show = arguments["show"]
    assert (show["Where"], show["Type"], show["Required"]) == ("query", "string", "No")
    assert show["Allowed values"].split() == sorted(SHOWN)
    assert arguments["limit"]["Type"] == "integer"
    assert arguments["limit"]["Limits"] == "minimum: 1 maximum: 100"
    posts = rows(page.operations["api-posts"], "arguments")
    assert posts["thread_id"]["Where"] == "path"
    assert posts["thread_id"]["Required"] == "Yes"


def test_the_start_thread_body_shows_required_fields_values_and_lengths(page: Page) -> None:
    body = rows(page.operations["api-start_thread"], "body")
    assert body["kind"]["Required"] == "Yes"
    assert body["kind"]["Allowed values"].split() == ["question", "good_practice", "discussion"]
    assert f"maxLength: {posting.TITLE_MAX}" in body["title"]["Limits"]
    assert body["title"]["Required"] == "Yes"
    assert body["language"]["Required"] == "No"
    assert body["practice_control"]["Type"] == "string | null"
    marked = rows(page.operations["api-mark_read"], "body")
    assert marked["ids"]["Type"] == "array[integer]"
    assert marked["ids"]["Limits"] == "maxItems: 500"
    assert marked["ids[]"]["Limits"].startswith("minimum: 1")


def test_each_operation_says_who_may_call_it(page: Page) -> None:
    assert "needs a token with the write scope" in text(page.operations["api-mark_read"])
    notifications = text(page.operations["api-notifications"])
    assert "needs a token" in notifications
    assert "write scope" not in notifications
    assert "anyone, with or without a token" in text(page.operations["api-threads"])


def test_the_answers_fields_are_listed_and_a_listings_items_too(page: Page) -> None:
    listing = rows(page.operations["api-threads"], "answer")
    assert listing["items"]["Type"] == "array[object]"
    assert listing["items[].title"]["Type"] == "string"
    assert listing["items[].author.username"]["Type"] == "string"
    assert listing["next_cursor"]["Type"] == "string | null"
    started = page.operations["api-start_thread"]
    assert "Status: 201" in text(started)
    assert rows(started, "answer")["kind"]["Allowed values"] == "question good_practice discussion"


def test_the_statuses_are_the_documents_with_their_codes(page: Page) -> None:
    document = build()["paths"]
    for declared in OPERATIONS:
        listed = document["/api/v1" + declared.path][declared.method.lower()]["responses"]
        shown = text(page.operations[anchor(declared)])
        errors_part = shown.split("Errors", 1)[1]
        assert set(re.findall(r"\b([345]\d\d) [a-z_]+", errors_part)) == {
            status for status in listed if int(status) >= 400
        }
        assert ("304 · Unchanged" in shown) == (declared.method == "GET")
        if declared.access == "write":
            assert "401 unauthorized" in errors_part
            assert "429 rate_limited · Retry-After" in errors_part


def test_the_page_is_accessible_and_loads_nothing_from_elsewhere(page: Page) -> None:
    # headings go down one level at a time
    assert page.levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(page.levels))
    assert 4 in page.levels
    # every header cell says what it heads
    assert page.header_cells
    assert all(cell.get("scope") in ("col", "row") for cell in page.header_cells)
    # no external address, no protocol-relative one
    assert page.addresses
    for address in page.addresses:
        assert not address.startswith(("http:", "https:", "//")), address


def test_a_member_reading_in_arabic_gets_the_whole_reference_left_to_right_code(
    app: Flask, member: Person
) -> None:
    set_user(app, "amina", locale="ar")
    html = member.get("/help/api").get_data(as_text=True)
    assert 'dir="rtl"' in html.split(">", 2)[1]
    shown = Page(html)
    assert len(shown.operations) == len(OPERATIONS)
    assert re.search(r'<h3 id="api-threads-title"><code dir="ltr">', html)
    assert '<pre dir="ltr">' in html
    assert "https://" not in html
    assert "http://" not in html
