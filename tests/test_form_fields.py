"""Form fields speak valid ARIA: an attribute that does not apply is left out, never "None"."""

from __future__ import annotations

import re

from tests.conftest import Person

ATTRIBUTE = re.compile(r'\s(aria-[a-z]+)="([^"]*)"')


def aria_of(html: str, field_id: str) -> dict[str, str]:
    tag = re.search(rf'<(?:input|textarea|select)[^>]*\sid="{field_id}"[^>]*>', html)
    assert tag, field_id
    return dict(ATTRIBUTE.findall(tag.group(0)))


def test_a_field_without_errors_carries_no_aria_invalid(anonymous: Person) -> None:
    html = anonymous.get("/auth/register").get_data(as_text=True)
    assert '="None"' not in html
    assert "aria-invalid" not in aria_of(html, "email")
    # a hint is announced with its field
    assert aria_of(html, "username")["aria-describedby"] == "username-hint"
    assert 'id="username-hint"' in html


def test_a_field_with_an_error_says_so_and_points_at_the_message(anonymous: Person) -> None:
    html = anonymous.post("/auth/register", {"username": "x", "email": "nope"}).get_data(
        as_text=True
    )
    email = aria_of(html, "email")
    assert email["aria-invalid"] == "true"
    assert email["aria-describedby"] == "email-error"
    assert 'id="email-error"' in html
    assert '="None"' not in html
