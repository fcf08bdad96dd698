"""Page versions: per thread and per board, and a second content version row for the lists

Revision ID: 0011_page_versions
Revises: 0010_login_sessions
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_page_versions'
down_revision = '0010_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('threads', 'boards'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column('page_version', sa.BigInteger(), nullable=False, server_default='0')
            )
    content_version = sa.table('content_version', sa.column('id'), sa.column('number'))
    op.bulk_insert(content_version, [{'id': 2, 'number': 0}])


def downgrade():
    op.execute('DELETE FROM content_version WHERE id = 2')
    for table in ('boards', 'threads'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('page_version')
