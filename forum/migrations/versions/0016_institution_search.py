"""Institutions in full-text search: the search outbox holds institutions' changes too

Revision ID: 0016_institution_search
Revises: 0015_institution_pages
Create Date: 2026-12-05 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_institution_search'
down_revision = '0015_institution_pages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.alter_column('thread_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('institution_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_search_outbox_institution_id_institutions'),
            'institutions', ['institution_id'], ['id'],
        )


def downgrade():
    op.execute('DELETE FROM search_outbox WHERE thread_id IS NULL')
    with op.batch_alter_table('search_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_search_outbox_institution_id_institutions'), type_='foreignkey'
        )
        batch_op.drop_column('institution_id')
        batch_op.alter_column('thread_id', existing_type=sa.Integer(), nullable=False)
