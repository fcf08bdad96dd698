"""Atom feeds per board, theme, network and thread: valid for feedparser, newest posts first,
announced by the pages, and never showing what readers may not see."""

from __future__ import annotations

import re

import feedparser
import pytest
from flask import Flask

from tests.conftest import Person, make_person, reply_ids, thread_id_from

FEEDS = {
    "board": ("/n/oic-oshnet/confined-spaces", "/n/oic-oshnet/confined-spaces/feed.atom"),
    "theme": ("/themes/confined-spaces", "/themes/confined-spaces/feed.atom"),
    "network": ("/n/oic-oshnet", "/n/oic-oshnet/feed.atom"),
}


def parse(person: Person, url: str) -> feedparser.FeedParserDict:
    response = person.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    return feed


@pytest.mark.parametrize("scope", list(FEEDS))
def test_every_feed_is_valid_atom_with_the_newest_posts_first(
    member: Person, other_member: Person, anonymous: Person, scope: str
) -> None:
    thread_id = thread_id_from(member.start_thread("Tank entry & <permits>", "Who signs?"))
    other_member.reply(thread_id, "The **supervisor** signs, after the gas test.")
    page, url = FEEDS[scope]

    feed = parse(anonymous, url)

    assert [entry.title for entry in feed.entries[:2]] == [
        "Re: Tank entry & <permits>",
        "Tank entry & <permits>",
    ]
    newest = feed.entries[0]
    assert newest.author == "kemal"
    assert newest.link.startswith("http://localhost/posts/")
    assert "<strong>supervisor</strong>" in newest.content[0].value
    assert newest.published_parsed
    assert feed.feed.updated_parsed
    assert feed.feed.link == f"http://localhost{page}"
    html = anonymous.get(page).get_data(as_text=True)
    assert f'<link rel="alternate" type="application/atom+xml" title="Atom feed" href="{url}">' in (
        html
    )


def test_a_thread_feed_holds_its_posts_and_the_page_links_it(
    member: Person, other_member: Person, anonymous: Person
) -> None:
    thread_id = thread_id_from(member.start_thread("Silo rescue", "Plan?"))
    member.start_thread("Another thread", "Elsewhere.")
    for n in range(3):
        other_member.reply(thread_id, f"Answer {n}")

    feed = parse(anonymous, f"/threads/{thread_id}/feed.atom")

    assert [entry.summary for entry in feed.entries] == [
        "<p>Answer 2</p>",
        "<p>Answer 1</p>",
        "<p>Answer 0</p>",
        "<p>Plan?</p>",
    ]
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert f'href="/threads/{thread_id}/feed.atom"' in page


def test_hidden_and_deleted_content_never_appears(
    app: Flask, member: Person, other_member: Person, anonymous: Person
) -> None:
    moderator = make_person(app, "feed.mod", moderates=("oic-oshnet",))
    thread_id = thread_id_from(member.start_thread("Kept thread", "Visible opening."))
    other_member.reply(thread_id, "Hidden advice")
    other_member.reply(thread_id, "Deleted reply")
    other_member.reply(thread_id, "Visible reply")
    hidden, deleted, _ = reply_ids(app, thread_id)
    moderator.post(f"/mod/posts/{hidden}/hide", {"reason": "Unsafe"})
    other_member.post(f"/posts/{deleted}/delete")
    gone_id = thread_id_from(member.start_thread("Gone thread", "Deleted opening."))
    gone_opening = _opening_post_id(anonymous, gone_id)
    member.post(f"/posts/{gone_opening}/delete")

    for url in [*(url for _, url in FEEDS.values()), f"/threads/{thread_id}/feed.atom"]:
        text = anonymous.get(url).get_data(as_text=True)
        assert "Visible reply" in text, url
        for secret in ("Hidden advice", "Deleted reply", "Gone thread", "Deleted opening"):
            assert secret not in text, (url, secret)
    assert anonymous.get(f"/threads/{gone_id}/feed.atom").status_code == 404


def _opening_post_id(person: Person, thread_id: int) -> int:
    page = person.get(f"/threads/{thread_id}").get_data(as_text=True)
    return int(re.search(r'id="post-(\d+)"', page).group(1))


@pytest.mark.parametrize(
    "url",
    [
        "/n/no-such-network/feed.atom",
        "/n/oic-oshnet/no-such-theme/feed.atom",
        "/themes/no-such-theme/feed.atom",
        "/threads/999999/feed.atom",
        "/threads/99999999999/feed.atom",
    ],
)
def test_feeds_of_nothing_are_not_found(anonymous: Person, url: str) -> None:
    assert anonymous.get(url).status_code == 404


def test_an_empty_feed_is_still_valid(anonymous: Person) -> None:
    feed = parse(anonymous, "/n/asean-oshnet/mining/feed.atom")
    assert feed.entries == []


def test_each_entry_says_its_language_and_the_feed_speaks_the_readers(
    member: Person, anonymous: Person
) -> None:
    member.start_thread("Espaces confinés", "Les permis d'entrée sont-ils signés par le chef ?")
    response = anonymous.get(
        "/themes/confined-spaces/feed.atom", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    )
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo
    assert feed.feed.language == "fr"
    assert feed.entries[0].content[0].language == "fr"
    assert feed.feed.title == "Espaces confinés dans tous les réseaux · e-Forum SST"


class TestOnThePublicAddress:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"BASE_URL": "https://forum.example.org/"}

    def test_links_use_the_public_address_whatever_host_the_request_names(
        self, member: Person, anonymous: Person
    ) -> None:
        thread_id = thread_id_from(member.start_thread("Hot work permits", "Who signs?"))
        response = anonymous.get(
            f"/threads/{thread_id}/feed.atom", headers={"Host": "evil.example"}
        )
        feed = feedparser.parse(response.get_data())
        assert feed.feed.link == f"https://forum.example.org/threads/{thread_id}"
        assert feed.entries[0].link.startswith("https://forum.example.org/posts/")
        assert feed.entries[0].author_detail.href == "https://forum.example.org/u/amina"
        self_link = next(link.href for link in feed.feed.links if link.rel == "self")
        assert self_link == f"https://forum.example.org/threads/{thread_id}/feed.atom"
        assert "evil.example" not in response.get_data(as_text=True)
