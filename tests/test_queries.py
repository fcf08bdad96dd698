"""Each page issues a fixed number of SQL queries, whatever the number of rows it shows."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from forum.extensions import db
from forum.models import (
    AcceptedAnswer,
    Board,
    ExpertiseClaim,
    ExpertVerification,
    Network,
    Post,
    SearchOutbox,
    Theme,
    Thread,
    ThreadKind,
    ThreadTopic,
    User,
    Vote,
)
from forum.models._time import utcnow
from forum.services import home_page, inbox
from tests.attachment_rows import attach
from tests.conftest import Person, counting_queries, reply_ids, thread_id_from
from tests.topic_samples import sample_vocabulary  # noqa: F401 (a fixture)

MAX_QUERIES = 12  # a member's thread page, with its posts' attachments and its topics
# its threads (count, page), good practices, experts (count, page, expertise), institutions
# (count, page, their networks and capacities, facets), themes; a member's standing
TOPIC_PAGE_QUERIES = 13


def _fill(app: Flask, threads: int, posts_in_first: int) -> int:
    """Seed directly (fast): many threads and many authors, one thread with many posts."""
    with app.app_context():
        board = (
            db.session.query(Board)
            .join(Network)
            .join(Theme)
            .filter(Network.slug == "oic-oshnet", Theme.slug == "confined-spaces")
            .one()
        )
        authors = [
            User(
                username=f"author{i}",
                username_key=f"author{i}",
                email=f"a{i}@example.org",
                password_hash="x",
            )
            for i in range(max(threads, posts_in_first))
        ]
        db.session.add_all(authors)
        db.session.flush()
        first_id = 0
        for number in range(threads):
            thread = Thread(
                board_id=board.id,
                author_id=authors[number].id,
                # the home lists good practices and open questions in the reader's language
                # first: some of each, whatever the size
                kind=ThreadKind.good_practice if number % 3 == 2 else ThreadKind.question,
                title=f"Thread {number}",
                last_poster_id=authors[-number].id,
                last_activity_at=utcnow(),
            )
            db.session.add(thread)
            db.session.flush()
            count = posts_in_first if number == 0 else 1
            for index in range(count):
                db.session.add(
                    Post(
                        thread_id=thread.id,
                        author_id=authors[index].id,
                        is_opening=index == 0,
                        body_source="b",
                        body_html="<p>b</p>",
                        language="fr" if number % 2 else "en",
                    )
                )
            thread.reply_count = count - 1
            first_id = first_id or thread.id
        _make_experts(board, authors, first_id)
        db.session.commit()
        return first_id


def _make_experts(board: Board, authors: list[User], thread_id: int) -> None:
    """Every author claims the board's theme, half are verified; votes and an accepted answer."""
    for index, author in enumerate(authors):
        db.session.add(ExpertiseClaim(user_id=author.id, theme_id=board.theme_id))
        if index % 2:
            db.session.add(
                ExpertVerification(
                    user_id=author.id,
                    theme_id=board.theme_id,
                    network_id=board.network_id,
                    note="trainer",
                )
            )
    replies = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread_id, Post.is_opening.is_(False))
        .order_by(Post.id)
    ).all()
    for post in replies:  # the asker found every reply helpful
        db.session.add(Vote(post_id=post.id, user_id=authors[0].id))
        post.vote_count = 1
    if replies:
        db.session.add(
            AcceptedAnswer(
                thread_id=thread_id, post_id=replies[-1].id, accepted_by_id=authors[0].id
            )
        )
        db.session.get(Thread, thread_id).is_answered = True


def _queries(app: Flask, person: Person, url: str) -> int:
    person.get(url)  # warm: the first request may load a session's user
    with counting_queries(app) as counter:
        response = person.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.fixture
def app_config() -> dict[str, object]:
    # what a page costs to make: visitors' kept pages (test_page_cache) are not counted here
    return {"THREADS_PER_PAGE": 50, "POSTS_PER_PAGE": 50, "PAGE_CACHE_MB": 0}


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_page_query_counts_do_not_grow_with_rows(
    app: Flask, request: pytest.FixtureRequest, who: str
) -> None:
    person = request.getfixturevalue(who)
    small = _fill(app, threads=5, posts_in_first=5)
    urls = {
        "thread": f"/threads/{small}",
        "board": "/n/oic-oshnet/confined-spaces",
        "home": "/",
        "network": "/n/oic-oshnet",
        "theme": "/themes/confined-spaces",
        "profile": "/u/author0",
        "new reply, live": _fragment(app, small),
    }
    few = {name: _queries(app, person, url) for name, url in urls.items()}

    large = _fill_more(app)
    urls["thread"] = f"/threads/{large}"
    urls["new reply, live"] = _fragment(app, large)
    many = {name: _queries(app, person, url) for name, url in urls.items()}

    for name in urls:
        assert many[name] == few[name], (name, few[name], many[name])
        assert many[name] <= MAX_QUERIES, (name, many[name])


def _fragment(app: Flask, thread_id: int) -> str:
    """A live thread's request for its newest reply (the accepted answer, voted for)."""
    with app.app_context():
        newest = db.session.scalar(select(func.max(Post.id)).where(Post.thread_id == thread_id))
    return f"/threads/{thread_id}/posts/{newest}/fragment"


def _fill_more(app: Flask) -> int:
    with app.app_context():
        for table in (
            SearchOutbox,
            AcceptedAnswer,
            Vote,
            ExpertVerification,
            ExpertiseClaim,
            Post,
            Thread,
        ):
            db.session.query(table).delete()
        db.session.query(User).filter(User.username.like("author%")).delete()
        db.session.commit()
    return _fill(app, threads=50, posts_in_first=50)


def test_a_thread_page_shows_fifty_posts_by_fifty_experts(app: Flask, anonymous: Person) -> None:
    thread_id = _fill(app, threads=1, posts_in_first=50)
    page = anonymous.get(f"/threads/{thread_id}").get_data(as_text=True)
    assert page.count('<li class="post') == 51  # 50 and the accepted answer under the question
    assert "author49" in page
    assert page.count("Verified expert: Confined spaces") == 26  # 25 authors, one shown twice
    assert "Claims: Confined spaces" in page
    assert "1 found this helpful" in page


def test_a_page_of_the_inbox_is_read_in_order_from_its_index(app: Flask, member: Person) -> None:
    """Unread first, newest first, without sorting the member's whole inbox each time
    (migration 0008). SQLite's plan says so whatever the table holds; PostgreSQL chooses by
    its statistics, so it is checked on SQLite."""
    statements: list[tuple[str, object]] = []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's plan depends on its statistics")
        user_id = db.session.scalar(select(User.id).where(User.username == "amina"))

        def keep(_connection, _cursor, statement: str, parameters: object, *_: object) -> None:  # noqa: ANN001
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            inbox.listing(user_id, 1, 25)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        listing = next(s for s in statements if "ORDER BY" in s[0] and "LIMIT" in s[0])
        sql, parameters = listing
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)
        steps = " / ".join(row[-1] for row in plan)
    assert "ix_notifications_listing" in steps
    assert "TEMP B-TREE" not in steps, steps


def test_the_home_reads_all_it_shows_in_four_queries(app: Flask, anonymous: Person) -> None:
    """Three lists of recent activity: the threads of every list in one statement, their
    rows in a second; the boards and their thread counts in two more."""
    _fill_more(app)
    home = _queries(app, anonymous, "/")
    page = anonymous.get("/").get_data(as_text=True)
    for heading in ("newest-questions", "fresh-practices", "unanswered-questions"):
        listed = page.split(f'id="{heading}"')[1].split("</section>")[0]
        assert listed.count('class="activity-row"') == 4, heading
    assert home == 2 + 2


def test_the_homes_lists_are_read_newest_first_from_their_index(app: Flask) -> None:
    """Each list of the home's recent activity stops at its few rows instead of sorting every
    thread of its kind (migration 0013). Checked on SQLite, whose plan does not depend on
    statistics."""
    statements: list[tuple[str, object]] = []
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's plan depends on its statistics")

        def keep(_connection, _cursor, statement: str, parameters: object, *_: object) -> None:  # noqa: ANN001
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            home_page.recent_activity("en")
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        sql, parameters = next(s for s in statements if "UNION ALL" in s[0])
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters)
        steps = [row[-1] for row in plan]
    searches = [step for step in steps if step.startswith(("SEARCH threads", "SCAN threads"))]
    assert len(searches) == 4, steps
    assert all("ix_threads_kind_created" in step for step in searches), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def _tag_every_thread(app: Flask, concept_id: str) -> None:
    with app.app_context():
        db.session.query(ThreadTopic).delete()
        for thread_id in db.session.scalars(select(Thread.id)):
            db.session.add(ThreadTopic(thread_id=thread_id, concept_id=concept_id))
        db.session.commit()


@pytest.mark.usefixtures("sample_vocabulary")
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_a_topic_page_reads_as_many_queries_whatever_its_threads_and_experts(
    app: Flask, request: pytest.FixtureRequest, who: str
) -> None:
    """Its tagged threads and good practices, the verified experts in its themes (the
    fill's), institutions; the search for its names finds nothing here (nothing indexed)."""
    person = request.getfixturevalue(who)
    urls = {"topic": "/topics/gas-detector", "topics": "/topics"}
    _fill(app, threads=5, posts_in_first=2)
    _tag_every_thread(app, "gas-detector")
    few = {name: _queries(app, person, url) for name, url in urls.items()}
    with app.app_context():
        db.session.query(ThreadTopic).delete()
        db.session.commit()
    _fill_more(app)
    _tag_every_thread(app, "gas-detector")
    assert "Thread 49" in person.get(urls["topic"]).get_data(as_text=True)
    many = {name: _queries(app, person, url) for name, url in urls.items()}
    assert many == few
    assert many["topic"] <= TOPIC_PAGE_QUERIES, many


def test_a_thread_page_reads_files_cautions_and_expertise_only_for_posts_that_have_them(
    app: Flask, anonymous: Person, member: Person, other_member: Person
) -> None:
    """Its posts' query says which posts have files or open unsafe-advice reports and which
    authors have expertise in the theme: a page of plain posts reads none of those, and
    each kind present costs one query more, whatever the number of posts."""
    thread_id = thread_id_from(member.start_thread("Wet well entry", "What do we wear?"))
    other_member.reply(thread_id, "A dust mask is enough.")
    reply_id = reply_ids(app, thread_id)[0]
    url = f"/threads/{thread_id}"
    plain = _queries(app, anonymous, url)

    attach(app, reply_id, "entry-permit.pdf")
    assert _queries(app, anonymous, url) == plain + 1
    assert "entry-permit.pdf" in anonymous.get(url).get_data(as_text=True)

    reported = member.post(f"/posts/{reply_id}/report", {"reason": "unsafe_advice"})
    assert reported.status_code == 302
    assert _queries(app, anonymous, url) == plain + 2  # one member's report: counted, no caution

    with app.app_context():
        board = db.session.scalar(select(Board).join(Thread).where(Thread.id == thread_id))
        author_id = db.session.scalar(select(User.id).where(User.username == "kemal"))
        db.session.add(
            ExpertVerification(
                user_id=author_id,
                theme_id=board.theme_id,
                network_id=board.network_id,
                note="trainer",
            )
        )
        db.session.commit()
    assert _queries(app, anonymous, url) == plain + 3
    assert "Verified expert: Confined spaces" in anonymous.get(url).get_data(as_text=True)
