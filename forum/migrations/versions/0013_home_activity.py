"""Home activity: an index that reads the newest threads of a kind (questions, good
practices) without sorting every thread

Revision ID: 0013_home_activity
Revises: 0012_mail
Create Date: 2026-12-05 01:30:00

"""
from alembic import op


revision = '0013_home_activity'
down_revision = '0012_mail'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_threads_kind_created', 'threads', ['kind', 'created_at'])


def downgrade():
    op.drop_index('ix_threads_kind_created', table_name='threads')
