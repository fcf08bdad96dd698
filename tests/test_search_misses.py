"""Searches that found nothing: counted without who searched, reported to moderators, and the
labels they propose for the vocabulary, reviewed by admins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from forum.extensions import db
from forum.models import LabelProposal, ProposalStatus, SearchMiss
from forum.models._time import utcnow
from forum.services import search_misses
from tests.conftest import Person, errors_in, make_person
from tests.topic_samples import sample_vocabulary  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("sample_vocabulary")


def _misses(app: Flask) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(SearchMiss.language, SearchMiss.query, SearchMiss.count).order_by(
                SearchMiss.query
            )
        )
        return [tuple(row) for row in rows]


def test_a_search_with_words_that_finds_nothing_is_counted_per_day_and_language(
    app: Flask, member: Person, anonymous: Person
) -> None:
    member.start_thread("Silo entry", "Which harness for a silo?")
    anonymous.get("/search?q=Quuxfoo++Barbaz")
    member.get("/search?q=quuxfoo+barbaz")
    anonymous.get("/search?q=silo")  # found something
    anonymous.get("/search?q=theme:mining")  # filters only
    anonymous.get("/search?q=" + "zork" * 100, headers={"Accept-Language": "fr"})
    assert _misses(app) == [("en", "quuxfoo barbaz", 2), ("fr", ("zork" * 100)[:100], 1)]


def test_moderators_see_the_report_and_members_are_refused(
    app: Flask, member: Person, anonymous: Person
) -> None:
    for _ in range(3):
        anonymous.get("/search?q=bowtie+analysis")
    anonymous.get("/search?q=hazop")
    with app.app_context():  # an old count: in the 90 days' report, not the 30 days'
        db.session.add(SearchMiss(day=utcnow().date() - timedelta(days=60), language="en",
                                  query="old words", count=9))  # fmt: skip
        db.session.add(SearchMiss(day=utcnow().date() - timedelta(days=400), language="en",
                                  query="ancient words", count=1))  # fmt: skip
        db.session.commit()
    moderator = make_person(app, "ilo.mod", moderates=("ilo-global",))
    page = moderator.get("/mod/searches").get_data(as_text=True)
    assert page.index("bowtie analysis") < page.index("hazop")  # the most frequent first
    assert "old words" not in page
    assert "old words" in moderator.get("/mod/searches?days=90").get_data(as_text=True)
    filled = moderator.get("/mod/searches?words=hazop&language=fr").get_data(as_text=True)
    assert 'name="label" type="text" value="hazop"' in filled
    assert '<option selected value="fr">' in filled
    assert member.get("/mod/searches").status_code == 403
    assert anonymous.get("/mod/searches").status_code == 302
    assert member.get("/mod/vocabulary").status_code == 403
    assert moderator.get("/mod/vocabulary").status_code == 403  # admins review
    with app.app_context():
        assert search_misses.prune() == 1
    assert ("en", "ancient words", 1) not in _misses(app)


def test_a_proposal_is_kept_for_admins_with_the_lines_to_add_and_marked_by_them(
    app: Flask,
) -> None:
    moderator = make_person(app, "oic.mod", moderates=("oic-oshnet",))
    admin = make_person(app, "root.admin", admin=True)
    proposed = moderator.post(
        "/mod/searches/propose",
        {
            "concept": "gas-detector",
            "language": "fr",
            "label": "détecteur 4 gaz",
            "kind": "alt",
            "query": "detecteur 4 gaz",
        },  # fmt: skip
    )
    assert proposed.status_code == 302
    unknown = moderator.post(
        "/mod/searches/propose", {"concept": "<b>nope</b>", "language": "fr", "label": "x"}
    )
    assert unknown.status_code == 422
    assert "no concept" in errors_in(unknown)
    bad_acronym = moderator.post(
        "/mod/searches/propose",
        {"concept": "gas-detector", "language": "en", "label": "not one", "kind": "acronyms"},
    )
    assert bad_acronym.status_code == 422
    new = moderator.post(
        "/mod/searches/propose",
        {"language": "en", "label": "bowtie analysis", "note": "A risk analysis method."},
    )
    assert new.status_code == 302
    page = admin.get("/mod/vocabulary").get_data(as_text=True)
    assert "alt = [&#34;explosimètre&#34;, &#34;détecteur 4 gaz&#34;]" in page
    assert "id = &#34;bowtie-analysis&#34;" in page
    with app.app_context():
        first = db.session.scalar(select(LabelProposal.id).order_by(LabelProposal.id))
    assert admin.post(f"/mod/vocabulary/{first}/done").status_code == 302
    assert moderator.post(f"/mod/vocabulary/{first}/declined").status_code == 403
    with app.app_context():
        proposal = db.session.get(LabelProposal, first)
        assert proposal.status == ProposalStatus.done
        assert proposal.decided_by_id is not None
