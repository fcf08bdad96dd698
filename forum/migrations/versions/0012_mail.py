"""Mail: the mail outbox, confirmed addresses, each member's mail choices and digest

Revision ID: 0012_mail
Revises: 0011_page_versions
Create Date: 2026-12-04 22:10:00

Accounts made before this are unconfirmed: their addresses were never checked, so the forum
mails them nothing but a confirmation until the member confirms.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_mail'
down_revision = '0011_page_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=254), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('group_key', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_by', sa.String(length=32), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'due_at'], unique=False)
    op.create_index('ix_mail_outbox_group', 'mail_outbox', ['group_key', 'status'], unique=False)
    op.create_index(op.f('ix_mail_outbox_user_id'), 'mail_outbox', ['user_id'], unique=False)
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))
        batch.add_column(
            sa.Column('mail_choices', sa.JSON(), nullable=False, server_default='{}')
        )
        batch.add_column(
            sa.Column('digest_every', sa.String(length=8), nullable=False, server_default='weekly')
        )
        batch.add_column(sa.Column('digest_sent_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch:
        for column in (
            'last_seen_at', 'digest_sent_at', 'digest_every', 'mail_choices', 'pending_email',
            'email_confirmed_at',
        ):
            batch.drop_column(column)
    op.drop_index(op.f('ix_mail_outbox_user_id'), table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_group', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
