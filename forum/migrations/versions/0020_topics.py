"""Topics: threads tagged with the vocabulary's concepts, the searches that found nothing
(counted per day and language), and moderators' label proposals for the vocabulary

Revision ID: 0020_topics
Revises: 0019_api_tokens
Create Date: 2026-12-06 04:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020_topics"
down_revision = "0019_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "thread_topics",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_topics_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "concept_id", name=op.f("pk_thread_topics")),
    )
    op.create_index("ix_thread_topics_concept", "thread_topics", ["concept_id", "thread_id"])
    op.create_table(
        "search_misses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_misses")),
        sa.UniqueConstraint("day", "language", "query", name="uq_search_misses"),
    )
    op.create_table(
        "label_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "done", "declined", name="proposalstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_label_proposals_proposed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_label_proposals_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_proposals")),
    )
    op.create_index("ix_label_proposals_status", "label_proposals", ["status", "id"])


def downgrade():
    op.drop_index("ix_label_proposals_status", table_name="label_proposals")
    op.drop_table("label_proposals")
    op.drop_table("search_misses")
    op.drop_index("ix_thread_topics_concept", table_name="thread_topics")
    op.drop_table("thread_topics")
