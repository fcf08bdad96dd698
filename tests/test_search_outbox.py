"""Nothing lost from the index: the outbox is written with the content and drained after it."""

from __future__ import annotations

import gc
import time
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from forum import create_app, search
from forum.extensions import db
from forum.models import Post, SearchOutbox
from forum.search import documents, outbox
from forum.search.backend import Document
from forum.search.whoosh_backend import SMALL_SEGMENT, WhooshBackend
from tests.conftest import Person, make_config, thread_id_from
from tests.search_helpers import Forum


@pytest.fixture
def forum(app: Flask) -> Iterator[Forum]:
    with app.app_context():
        yield Forum(app)
        db.session.remove()


def pending() -> int:
    query = select(func.count(SearchOutbox.id)).where(SearchOutbox.indexed_at.is_(None))
    count = db.session.scalar(query)
    db.session.commit()
    return count


def test_each_change_is_written_down_with_it_and_indexed_after_commit(forum: Forum) -> None:
    thread = forum.thread("Sewer entry", "Gas test first.")
    reply = forum.reply(thread, "And ventilate.")
    rows = db.session.execute(
        select(SearchOutbox.thread_id, SearchOutbox.post_id, SearchOutbox.indexed_at)
    ).all()
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id, Post.is_opening))
    assert [(r.thread_id, r.post_id) for r in rows] == [(thread.id, opening), (thread.id, reply.id)]
    assert all(r.indexed_at is not None for r in rows)
    assert forum.titles("ventilate") == ["Sewer entry"]


def test_a_failed_index_write_loses_nothing(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object):  # noqa: ANN202
        raise OSError("No space left on device")

    with monkeypatch.context() as broken_disk:
        broken_disk.setattr(WhooshBackend, "writer", broken)
        response = member.start_thread("Scaffold collapse", "Base plates sank.")
        assert response.status_code == 302  # the post is saved all the same
        thread_id = thread_id_from(response)
        assert "Base plates sank." in member.get(f"/threads/{thread_id}").get_data(as_text=True)
        assert "0 threads found" in member.get("/search?q=scaffold").get_data(as_text=True)
        with app.app_context():
            assert pending() == 1

    member.start_thread("Another thread", "The next write drains what waited.")
    assert "1 thread found" in member.get("/search?q=scaffold").get_data(as_text=True)
    with app.app_context():
        assert pending() == 0


def test_a_busy_index_makes_writers_wait_then_leave_it_for_later(
    app: Flask, member: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "LOCK_TIMEOUT", 0.3)
    with app.app_context():
        backend = search.backend()
        backend.create()
    with backend._lock(timeout=1):  # another process is writing
        started = time.monotonic()
        response = member.start_thread("Forklift", "Seat belts.")
        assert response.status_code == 302
        assert 0.3 <= time.monotonic() - started < 5
    with app.app_context():
        assert pending() == 1
        assert outbox.drain() == 1
        assert pending() == 0
    assert "1 thread found" in member.get("/search?q=forklift").get_data(as_text=True)


def test_the_background_drainer_catches_up(
    forum: Forum, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "drain_committed", lambda: 0)  # requests cannot index
    forum.thread("Ammonia leak", "Refrigeration plant.")
    assert pending() == 1
    monkeypatch.undo()
    monkeypatch.setattr(outbox, "DRAIN_EVERY", 0.05)
    drainer = outbox.start_background_drainer(app)
    try:
        deadline = time.monotonic() + 10
        while pending() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        drainer.stopping.set()
        drainer.join(5)
    assert forum.titles("ammonia") == ["Ammonia leak"]


def test_a_missing_or_stale_index_is_rebuilt(forum: Forum) -> None:
    thread = forum.thread("Welding fumes", "Local exhaust ventilation.")
    forum.reply(thread, "Use on-tool extraction.")
    assert outbox.ensure_current() is None

    with search.backend().writer(timeout=1) as writer:
        writer.delete_thread(thread.id)  # the index lost something
    assert forum.titles("welding") == []
    assert outbox.ensure_current() == "stale"
    assert forum.titles("welding") == ["Welding fumes"]

    fresh = Forum(forum.app)
    search.backend().close()
    forum.app.extensions["forum_search"] = WhooshBackend(
        Path(forum.app.config["SEARCH_INDEX"]) / "gone"
    )
    assert fresh.titles("welding") == []
    assert outbox.ensure_current() == "missing"
    assert fresh.titles("extraction") == ["Welding fumes"]


def test_a_damaged_index_is_rebuilt_instead_of_stopping_the_forum(forum: Forum) -> None:
    forum.thread("Crane lift plan", "Outriggers on mats.")
    folder = Path(forum.app.config["SEARCH_INDEX"])
    live = folder / (folder / "CURRENT").read_text()
    for segment in live.iterdir():  # a disk error, or a copy cut short
        segment.write_bytes(b"\x00garbage" * 10)
    search.backend().close()
    forum.app.extensions["forum_search"] = None  # a new process: nothing cached

    # Whoosh leaves the damaged TOC's file open: let it go here, where we know why
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        rebuilt = outbox.ensure_current()
        gc.collect()
    assert rebuilt is not None
    assert forum.titles("outriggers") == ["Crane lift plan"]


def test_reindex_command_builds_a_new_index_and_swaps_it_in(forum: Forum, app: Flask) -> None:
    forum.thread("Heat stress", "Water, rest, shade.")
    forum.thread("Cold stress", "Warm-up breaks.")
    folder = Path(app.config["SEARCH_INDEX"])
    before = (folder / "CURRENT").read_text()
    db.session.remove()

    result = app.test_cli_runner().invoke(args=["reindex"])

    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 2 posts." in result.output
    after = (folder / "CURRENT").read_text()
    assert after != before
    # the one it replaced stays for searches under way there, until the next swap
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted([before, after])
    assert sorted(forum.titles("stress")) == ["Cold stress", "Heat stress"]
    assert search.backend().document_count() == documents.indexable_count() == 2
    db.session.remove()
    assert app.test_cli_runner().invoke(args=["reindex"]).exit_code == 0
    latest = (folder / "CURRENT").read_text()
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted([after, latest])


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SEARCH_BACKEND": "elastic"}, "FORUM_SEARCH_BACKEND must be one of whoosh, postgres"),
        (
            {"SEARCH_BACKEND": "postgres", "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"},
            "needs a PostgreSQL FORUM_DATABASE_URL",
        ),
    ],
)
def test_a_search_backend_that_cannot_work_is_refused_at_start(
    settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        create_app(make_config("sqlite:///unused.db", **settings))


def _document(post_id: int) -> Document:
    return Document(post_id, post_id, "Permit to work", "Isolation and gas testing.", "en",
                    "amina", "oic-oshnet", "confined-spaces", "question", False, False, False,
                    datetime(2026, 1, 1))  # fmt: skip


def test_commits_merge_small_segments_and_leave_large_ones(tmp_path: Path) -> None:
    """A reply's commit merges small segments as they pile up and never rewrites a large one."""
    index = WhooshBackend(tmp_path / "index")
    index.create()
    with index.writer(timeout=1) as writer:
        for post_id in range(1, SMALL_SEGMENT + 2):
            writer.add(_document(post_id))
    for post_id in range(5_000, 5_035):  # 35 replies, one commit each
        with index.writer(timeout=1) as writer:
            writer.add(_document(post_id))

    sizes = sorted(s.doc_count_all() for s in index._index()._segments())
    assert sizes[-1] == SMALL_SEGMENT + 1  # the large segment, untouched
    assert len(sizes) < 12  # the small ones were merged as they came
    assert sum(sizes) == SMALL_SEGMENT + 1 + 35
    assert index.document_count() == SMALL_SEGMENT + 1 + 35


def test_relevance_is_whooshs_own_bm25_for_documents_of_every_length(tmp_path: Path) -> None:
    """hits() reads document lengths from memory, not through Whoosh: same scores, in a
    rebuilt segment and in one grown a commit at a time, with a deletion in between."""
    from dataclasses import replace

    from forum.search.query import parse
    from forum.search.whoosh_schema import searched

    def document(post_id: int) -> Document:
        body = " ".join(["Isolation and gas testing."] * (post_id % 7) + ["permit"] * (post_id % 3))
        return replace(_document(post_id), body=body or "Gas.")

    index = WhooshBackend(tmp_path / "index")
    index.rebuild((document(n) for n in range(300, 0, -1)), lambda _writer: None, timeout=1)
    for post_id in range(301, 320):
        with index.writer(timeout=1) as writer:
            writer.add(document(post_id))
            writer.delete_post(post_id - 150)

    query = parse("permit gas")
    found = {hit.post_id: hit.score for hit in index.hits(query, 1_000)}
    with index._index().searcher() as searcher:
        own = {
            int(searcher.stored_fields(docnum)["post_id"]): score
            for docnum, score in searcher.search(searched(query), limit=None).items()
        }
    assert len(found) > 200
    assert found == pytest.approx(own)
    index.close()


def test_an_index_written_before_the_analysis_had_its_own_module_still_opens() -> None:
    """Whoosh pickles the schema into each index, naming the analysis filters by class path;
    indexes written before forum/search/whoosh_analysis.py name them in whoosh_schema."""
    import pickle

    from forum.search.whoosh_analysis import LANGUAGE_MARK
    from forum.search.whoosh_schema import SCHEMA

    written_then = pickle.dumps(SCHEMA, protocol=0)
    for name in (b"_TitleWeight", b"_ArabicNormaliser", b"_ByLanguage"):  # those of then
        written_then = written_then.replace(
            b"forum.search.whoosh_analysis\n" + name, b"forum.search.whoosh_schema\n" + name
        )
    assert b"forum.search.whoosh_schema\n_ByLanguage" in written_then
    analyzer = pickle.loads(written_then)["text"].analyzer  # noqa: S301 (our own bytes)
    assert [token.text for token in analyzer(f"{LANGUAGE_MARK}en Permits")] == ["permit"]
