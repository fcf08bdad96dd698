"""Content version: the number kept pages are checked against; a board activity index

Revision ID: 0007_content_version
Revises: 0006_languages
Create Date: 2026-11-23 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_content_version'
down_revision = '0006_languages'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'number': 0}])
    op.create_index('ix_threads_board_activity', 'threads', ['board_id', 'deleted_at', 'last_activity_at'])


def downgrade():
    op.drop_index('ix_threads_board_activity', table_name='threads')
    op.drop_table('content_version')
