"""Events of a network, their registrations and waiting lists, members' private calendar
feeds, and the time zone members see event times in

Revision ID: 0018_events
Revises: 0017_attachments
Create Date: 2026-12-06 01:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_events"
down_revision = "0017_attachments"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            _enum("eventkind", "study_visit", "workshop", "conference", "webinar", "meeting"),
            nullable=False,
        ),
        sa.Column(
            "status", _enum("eventstatus", "proposed", "scheduled", "cancelled"), nullable=False
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description_source", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("organiser_institution_id", sa.Integer(), nullable=True),
        sa.Column("organiser_text", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_deadline", sa.DateTime(), nullable=True),
        sa.Column("registered_count", sa.Integer(), nullable=False),
        sa.Column("waiting_count", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("report_source", sa.Text(), nullable=False),
        sa.Column("report_html", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("over_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"], ["networks.id"], name=op.f("fk_events_network_id_networks")
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_events_theme_id_themes")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_institution_id"],
            ["institutions.id"],
            name=op.f("fk_events_organiser_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name=op.f("fk_events_thread_id_threads")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_events_approved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_status_starts", ["status", "starts_at"], unique=False)
        for column in ("network_id", "theme_id", "kind", "starts_at", "country"):
            batch_op.create_index(batch_op.f(f"ix_events_{column}"), [column], unique=False)
        batch_op.create_index(
            batch_op.f("ix_events_organiser_institution_id"),
            ["organiser_institution_id"],
            unique=False,
        )
    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            _enum("registrationstatus", "registered", "waiting", "cancelled"),
            nullable=False,
        ),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_registrations_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_registrations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_registrations_event_user"),
    )
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_registrations_queue", ["event_id", "status", "queued_at", "id"], unique=False
        )
        batch_op.create_index("ix_event_registrations_user", ["user_id", "status"], unique=False)
    op.create_table(
        "event_calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_calendar_feeds_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_event_calendar_feeds")),
        sa.UniqueConstraint("token", name=op.f("uq_event_calendar_feeds_token")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
    op.drop_table("event_calendar_feeds")
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_event_registrations_user")
        batch_op.drop_index("ix_event_registrations_queue")
    op.drop_table("event_registrations")
    with op.batch_alter_table("events", schema=None) as batch_op:
        for column in ("organiser_institution_id", "network_id", "theme_id", "kind", "starts_at"):
            batch_op.drop_index(batch_op.f(f"ix_events_{column}"))
        batch_op.drop_index(batch_op.f("ix_events_country"))
        batch_op.drop_index("ix_events_status_starts")
    op.drop_table("events")
