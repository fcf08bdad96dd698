"""Topics: threads tagged with the vocabulary's concepts, the searches that found nothing,
and the labels moderators propose for the vocabulary (forum/vocabulary/data stays the source
of truth: nothing here changes it)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models._time import utcnow

CONCEPT_ID_MAX = 64
MISS_QUERY_MAX = 100
LABEL_MAX = 120
NOTE_MAX = 1_000


class ThreadTopic(db.Model):
    """A concept of the vocabulary the thread's author confirmed it is about."""

    __tablename__ = "thread_topics"
    __table_args__ = (Index("ix_thread_topics_concept", "concept_id", "thread_id"),)

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    concept_id: Mapped[str] = mapped_column(String(CONCEPT_ID_MAX), primary_key=True)


class SearchMiss(db.Model):
    """How many searches for these words, in this language, found nothing on this day. Who
    searched is not kept."""

    __tablename__ = "search_misses"
    __table_args__ = (UniqueConstraint("day", "language", "query", name="uq_search_misses"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    language: Mapped[str] = mapped_column(String(8))
    query: Mapped[str] = mapped_column(String(MISS_QUERY_MAX))
    count: Mapped[int] = mapped_column(default=1)


class ProposalStatus(enum.StrEnum):
    open = "open"
    done = "done"
    declined = "declined"


class LabelProposal(db.Model):
    """A moderator's proposal for the vocabulary: a label for an existing concept, or a note
    for a new one. A reviewer edits the data file; this row only says what to consider."""

    __tablename__ = "label_proposals"
    __table_args__ = (Index("ix_label_proposals_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[str] = mapped_column(String(CONCEPT_ID_MAX), default="")  # "": new
    language: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="")
    kind: Mapped[str] = mapped_column(String(10), default="alt")  # pref, alt or acronyms
    note: Mapped[str] = mapped_column(Text, default="")
    query: Mapped[str] = mapped_column(String(MISS_QUERY_MAX), default="")  # the search seen
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(ProposalStatus, native_enum=False, length=10, validate_strings=True),
        default=ProposalStatus.open,
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
