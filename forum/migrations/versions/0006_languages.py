"""Languages: a member's interface language, each post's language

Revision ID: 0006_languages
Revises: 0005_search_outbox
Create Date: 2026-11-23 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_languages'
down_revision = '0005_search_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=False, server_default=''))
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
