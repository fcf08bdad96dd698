"""A thread's topics: the vocabulary's concepts its author confirmed it is about.

The composer offers the concepts its title and body name (suggested()); the author keeps the
ones that apply, and the posting service stores them in the thread's own transaction
(clean() before it, tag() or retag() in it). Ids not in the vocabulary are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from forum import vocabulary
from forum.extensions import db
from forum.languages import lazy_gettext as _l
from forum.models import ThreadTopic
from forum.models.topics import CONCEPT_ID_MAX
from forum.services import ServiceError

MOST_TOPICS = 8  # on one thread
SUGGESTED_TEXT_MAX = 4_000  # of a draft read for suggestions: its title and opening
MOST_SUGGESTED = 12


def suggested(text: str) -> list[vocabulary.Concept]:
    """The concepts a draft names, in the order it names them: what the composer offers."""
    found = vocabulary.load().find_concepts((text or "")[:SUGGESTED_TEXT_MAX])
    return [item.concept for item in found[:MOST_SUGGESTED]]


def clean(chosen: Iterable[str]) -> list[str]:
    """The concept ids an author chose, each once, or a ServiceError saying what is wrong."""
    ids = list(dict.fromkeys(str(value).strip() for value in chosen if str(value).strip()))
    concepts = vocabulary.load().concepts
    unknown = [value for value in ids if value not in concepts]
    if unknown:
        shown = unknown[0][:CONCEPT_ID_MAX]
        raise ServiceError(
            _l("“%(topic)s” is not a topic of the vocabulary: choose from the list.", topic=shown),
            "topics",
        )
    if len(ids) > MOST_TOPICS:
        raise ServiceError(_l("Choose at most %(n)d topics.", n=MOST_TOPICS), "topics")
    return ids


def of_thread(thread_id: int) -> list[str]:
    # plain rows: the connection's, without the session's ORM work (every thread page asks)
    return list(db.session.connection().execute(_OF_THREAD, {"thread_id": thread_id}).scalars())


def of_threads(thread_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each listed thread's topics, in one query."""
    found: dict[int, list[str]] = {thread_id: [] for thread_id in thread_ids}
    if thread_ids:
        rows = db.session.execute(
            select(ThreadTopic.thread_id, ThreadTopic.concept_id)
            .where(ThreadTopic.thread_id.in_(thread_ids))
            .order_by(ThreadTopic.concept_id)
        )
        for thread_id, concept_id in rows:
            found[thread_id].append(concept_id)
    return found


def exists(concept_id: str) -> bool:
    return concept_id in vocabulary.load().concepts


_OF_THREAD = (
    select(ThreadTopic.concept_id)
    .where(ThreadTopic.thread_id == bindparam("thread_id"))
    .order_by(ThreadTopic.concept_id)
)


def concepts_of(concept_ids: Iterable[str]) -> list[vocabulary.Concept]:
    """The concepts still in the vocabulary (one removed from the file is no longer shown)."""
    concepts = vocabulary.load().concepts
    return [concepts[cid] for cid in concept_ids if cid in concepts]


def tag(session: Session, thread_id: int, concept_ids: Sequence[str]) -> None:
    """A new thread's topics, in its transaction."""
    # rows, not an insert statement: the page versions place them by their thread
    session.add_all(ThreadTopic(thread_id=thread_id, concept_id=cid) for cid in concept_ids)


def retag(session: Session, thread_id: int, concept_ids: Sequence[str]) -> None:
    """An edited thread's topics, in the edit's transaction: those unchecked go."""
    session.execute(
        delete(ThreadTopic).where(
            ThreadTopic.thread_id == thread_id, ThreadTopic.concept_id.not_in(concept_ids)
        )
    )
    kept = set(
        session.scalars(select(ThreadTopic.concept_id).where(ThreadTopic.thread_id == thread_id))
    )
    tag(session, thread_id, [cid for cid in concept_ids if cid not in kept])
