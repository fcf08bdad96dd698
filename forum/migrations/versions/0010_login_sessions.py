"""Log-in sessions: each log-in named on the server, so a log-out ends it

Revision ID: 0010_login_sessions
Revises: 0009_username_skeleton
Create Date: 2026-12-05 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_login_sessions'
down_revision = '0009_username_skeleton'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_login_sessions')),
    )
    op.create_index(op.f('ix_login_sessions_user_id'), 'login_sessions', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_login_sessions_user_id'), table_name='login_sessions')
    op.drop_table('login_sessions')
