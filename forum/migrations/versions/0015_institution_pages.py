"""Institution pages: an index that reads one institution's history (the audit entries about
it, newest first) without reading the whole log

Revision ID: 0015_institution_pages
Revises: 0014_institutions
Create Date: 2026-12-05 21:30:00

"""
from alembic import op


revision = '0015_institution_pages'
down_revision = '0014_institutions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_audit_entries_target', 'audit_entries', ['target_type', 'target_id', 'id']
    )


def downgrade():
    op.drop_index('ix_audit_entries_target', table_name='audit_entries')
