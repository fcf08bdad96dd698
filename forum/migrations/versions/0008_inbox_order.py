"""Inbox order: an index that reads a member's notifications unread first, newest first

Revision ID: 0008_inbox_order
Revises: 0007_content_version
Create Date: 2026-12-02 03:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_inbox_order'
down_revision = '0007_content_version'
branch_labels = None
depends_on = None

# the inbox's ORDER BY, so a page of it is read from the index instead of sorting the inbox
COLUMNS = ['recipient_id', sa.text('(read_at IS NOT NULL)'), sa.text('created_at DESC'),
           sa.text('id DESC')]


def upgrade():
    op.create_index('ix_notifications_listing', 'notifications', COLUMNS)


def downgrade():
    op.drop_index('ix_notifications_listing', table_name='notifications')
