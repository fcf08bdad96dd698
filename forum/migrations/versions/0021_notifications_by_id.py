"""Notifications by id: an index that reads a member's notifications newest first, for the
API's list (read on after the last one sent)

Revision ID: 0021_notifications_by_id
Revises: 0020_topics
Create Date: 2026-12-06 16:50:00

"""

from alembic import op

revision = "0021_notifications_by_id"
down_revision = "0020_topics"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notifications_recent", "notifications", ["recipient_id", "id"])


def downgrade():
    op.drop_index("ix_notifications_recent", table_name="notifications")
