"""The API's finer points, as a script's author meets them: topics read, filtered and written;
input the pages would ignore is refused with the field named; an edit keeps what it does not
mention; answers say their language and how a cache may keep them; one error shape."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.api_helpers import bearer, token_for
from tests.conftest import Person, thread_id_from
from tests.topic_samples import sample_vocabulary  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sample_vocabulary")
QUESTION = {
    "network": "oic-oshnet",
    "theme": "confined-spaces",
    "kind": "question",
    "title": "Which gas detector before entry?",
    "body": "We test the air before entering a tank.",
}


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PAGE_CACHE_MB": 0}


@pytest.fixture
def writer(app: Flask, member: Person) -> dict[str, str]:
    return bearer(token_for(app, member.username))


def _field(response) -> str:  # noqa: ANN001
    assert response.status_code == 400, response.json
    return response.json["errors"][0]["field"]


def test_topics_are_written_read_and_filtered(app: Flask, writer: dict) -> None:
    client = app.test_client()
    made = client.post(
        "/api/v1/threads", json={**QUESTION, "topics": ["gas-detector"]}, headers=writer
    )
    assert made.status_code == 201, made.json
    assert made.json["topics"] == ["gas-detector"]
    untagged = client.post("/api/v1/threads", json={**QUESTION, "title": "Other"}, headers=writer)
    listed = client.get("/api/v1/threads?topic=gas-detector").json["items"]
    assert [t["id"] for t in listed] == [made.json["id"]]
    assert untagged.json["id"] not in [t["id"] for t in listed]
    assert client.get(f"/api/v1/threads/{made.json['id']}").json["topics"] == ["gas-detector"]
    vocabulary = client.get("/api/v1/topics", headers={"Accept-Language": "fr"}).json
    detector = next(topic for topic in vocabulary if topic["id"] == "gas-detector")
    assert detector["threads"] == 1
    assert detector["label"] == detector["labels"]["fr"] != detector["labels"]["en"]
    assert _field(client.get("/api/v1/threads?topic=no-such-concept")) == "topic"
    unknown = client.post("/api/v1/threads", json={**QUESTION, "topics": ["nope"]}, headers=writer)
    assert _field(unknown) == "topics"


def test_details_the_pages_would_ignore_are_refused(app: Flask, writer: dict) -> None:
    client = app.test_client()
    practice = {**QUESTION, "practice_country": "MY"}
    assert _field(client.post("/api/v1/threads", json=practice, headers=writer)) == (
        "practice_country"
    )
    assert _field(client.get("/api/v1/threads?practice_sector=F")) == "practice_sector"
    good = client.get("/api/v1/threads?show=good_practice&practice_sector=F")
    assert good.status_code == 200
    assert _field(client.get("/api/v1/themes?lang=fr")) == "lang"  # declares no arguments
    for written in ("+5", " 5", "1_0", "5.0"):
        assert _field(client.get(f"/api/v1/threads?limit={written}")) == "limit"


def test_an_edit_keeps_what_it_does_not_mention(
    app: Flask, member: Person, other_member: Person, writer: dict
) -> None:
    client = app.test_client()
    made = client.post(
        "/api/v1/threads",
        json={**QUESTION, "language": "fr", "topics": ["gas-detector"]},
        headers=writer,
    ).json
    posts = client.get(f"/api/v1/threads/{made['id']}/posts").json["items"]
    opening = posts[0]["id"]
    edited = client.patch(f"/api/v1/posts/{opening}", json={"body": "Plain words"}, headers=writer)
    assert edited.status_code == 200, edited.json
    assert edited.json["language"] == "fr"  # as the author chose it, not guessed again
    assert client.get(f"/api/v1/threads/{made['id']}").json["topics"] == ["gas-detector"]
    member.reply(made["id"], "A reply of mine")
    reply = client.get(f"/api/v1/threads/{made['id']}/posts").json["items"][1]["id"]
    titled = client.patch(
        f"/api/v1/posts/{reply}", json={"body": "x", "title": "New"}, headers=writer
    )
    assert _field(titled) == "title"


def test_answers_say_their_language_and_how_they_may_be_kept(
    app: Flask, writer: dict, member: Person
) -> None:
    client = app.test_client()
    french = client.get("/api/v1/themes", headers={"Accept-Language": "fr"})
    assert french.headers["Content-Language"] == "fr"
    assert "Accept-Language" in french.headers["Vary"]
    assert french.headers["Cache-Control"] == "no-cache"  # kept, but asked again each time
    mine = client.get("/api/v1/notifications", headers=writer)
    assert mine.headers["Cache-Control"] == "private, no-cache"  # never shared; revalidated
    again = client.get(
        "/api/v1/notifications", headers={**writer, "If-None-Match": mine.headers["ETag"]}
    )
    assert again.status_code == 304
    # the pages keep theirs: a member's page is kept nowhere
    assert member.get("/").headers["Cache-Control"] == "private, no-store"


def test_every_refusal_has_one_shape(app: Flask, writer: dict, member: Person) -> None:
    client = app.test_client()
    thread_id = thread_id_from(member.start_thread("Ladders", "Which?"))
    for response in (
        client.get("/api/v1/no-such-thing"),  # the forum's 404
        client.delete(f"/api/v1/threads/{thread_id}", headers=writer),  # its 405
        client.get("/api/v1/threads/999999"),  # the API's own 404
        client.get("/api/v1/threads?limit=0"),  # a validation error
    ):
        assert response.is_json
        assert set(response.json) <= {"status", "code", "message", "errors"}, response.json
        assert response.json["status"] == response.status_code


@pytest.mark.parametrize("listing", ["boards", "threads", "events", "institutions", "experts"])
def test_a_filter_naming_nothing_is_refused_the_same_way_by_every_list(
    app: Flask, listing: str
) -> None:
    client = app.test_client()
    assert _field(client.get(f"/api/v1/{listing}?network=no-such-network")) == "network"
    assert _field(client.get(f"/api/v1/{listing}?theme=no-such-theme")) == "theme"


def test_a_posts_files_come_with_it_at_whole_addresses(app: Flask, member: Person) -> None:
    from tests import upload_samples as samples
    from tests.upload_samples import post_files

    posted = post_files(
        member,
        "/n/oic-oshnet/construction/new",
        [(samples.small_pdf(), "Fact sheet.pdf")],
        kind="good_practice",
        title="Scaffold ties",
        body="See the fact sheet.",
    )
    client = app.test_client()
    posts = client.get(f"/api/v1/threads/{thread_id_from(posted)}/posts").json["items"]
    (file,) = posts[0]["attachments"]
    assert (file["name"], file["kind"]) == ("Fact sheet.pdf", "pdf")
    assert file["url"].startswith("http://localhost/attachments/")
    assert client.get(file["url"]).mimetype == "application/pdf"
    # where the operator names the forum's address, a forged Host changes no link
    app.config["BASE_URL"] = "https://forum.example.org"
    forged = client.get(
        f"/api/v1/threads/{thread_id_from(posted)}/posts", headers={"Host": "evil.example"}
    )
    assert forged.json["items"][0]["attachments"][0]["url"].startswith(
        "https://forum.example.org/attachments/"
    )


def test_experts_of_an_institution_and_whose_affiliation_is_confirmed(
    app: Flask, member: Person, other_member: Person
) -> None:
    from forum.models import AffiliationStatus
    from tests.institution_helpers import make_institution
    from tests.test_affiliation_shown import _affiliate
    from tests.test_experts import _claim

    slug = make_institution(app)
    _claim(app, member, "confined-spaces", institution="NIOSH Malaysia")
    _claim(app, other_member, "confined-spaces", institution="Says NIOSH too")
    _affiliate(app, member.username, slug, AffiliationStatus.confirmed, "Lab head")
    client = app.test_client()
    experts = client.get(f"/api/v1/experts?institution={slug}").json["items"]
    assert [e["username"] for e in experts] == [member.username]  # kemal only says so
    assert experts[0]["institution"] == "NIOSH"
    assert experts[0]["affiliation"] == {
        "institution": slug,
        "name": "National Institute of Occupational Safety and Health",
        "position": "Lab head",
    }
    profile = client.get(f"/api/v1/members/{other_member.username}").json
    assert (profile["institution"], profile["affiliation"]) == ("Says NIOSH too", None)
    assert _field(client.get("/api/v1/experts?institution=nowhere")) == "institution"


def _notified(app: Flask, member: Person, other_member: Person) -> dict[str, str]:
    for n in range(6):
        thread_id = thread_id_from(member.start_thread(f"Question {n}", "Body"))
        other_member.reply(thread_id, "An answer")
    return bearer(token_for(app, member.username))


def _institutions(app: Flask, member: Person, other_member: Person) -> dict[str, str]:
    from forum.models import AffiliationStatus
    from tests.institution_helpers import make_institution
    from tests.test_affiliation_shown import _affiliate

    for n in range(6):
        slug = make_institution(app, name=f"Institute {n}", acronym=f"I{n}", other_names={})
    _affiliate(app, member.username, slug, AffiliationStatus.confirmed)
    return {}


def _events(app: Flask, member: Person, other_member: Person) -> dict[str, str]:
    from tests.conftest import make_person
    from tests.test_events import create_event

    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    for n in range(6):
        create_event(moderator, title=f"Visit {n}")
    return {}


def _tagged(app: Flask, member: Person, other_member: Person) -> dict[str, str]:
    for n in range(6):
        member.post(
            "/n/oic-oshnet/confined-spaces/new",
            {"kind": "question", "title": f"Gas {n}", "body": "b", "topics": ["gas-detector"]},
        )
    return {}


@pytest.mark.parametrize(
    ("path", "seed"),
    [
        ("/api/v1/notifications?", _notified),
        ("/api/v1/institutions?", _institutions),
        ("/api/v1/events?", _events),
        ("/api/v1/threads?topic=gas-detector", _tagged),
        ("/api/v1/search?q=gas", _tagged),
    ],
)
def test_more_lists_cost_the_same_queries_whatever_their_length(
    app: Flask, member: Person, other_member: Person, path: str, seed
) -> None:  # noqa: ANN001
    from tests.conftest import counting_queries

    headers = seed(app, member, other_member)
    client = app.test_client()

    def cost(limit: int) -> int:
        url = f"{path}&limit={limit}"
        client.get(url, headers=headers)
        with counting_queries(app) as counter:
            answer = client.get(url, headers=headers)
        assert len(answer.json["items"]) == limit, answer.json
        return counter.count

    assert cost(2) == cost(6)
