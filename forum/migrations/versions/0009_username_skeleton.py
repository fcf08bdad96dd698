"""Username skeletons: what each name looks like, so a look-alike of a member's is refused;
keys in NFKC

Revision ID: 0009_username_skeleton
Revises: 0008_inbox_order
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from forum import usernames


revision = '0009_username_skeleton'
down_revision = '0008_inbox_order'
branch_labels = None
depends_on = None

users = sa.table(
    'users',
    sa.column('id', sa.Integer),
    sa.column('username', sa.String),
    sa.column('username_key', sa.String),
    sa.column('username_skeleton', sa.String),
)


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_skeleton', sa.String(length=255), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.username, users.c.username_key).order_by(users.c.id)
    ).all()
    # The oldest account keeps a key or skeleton that several names now share; a later
    # look-alike keeps its old key and no skeleton (its twin's skeleton refuses the next one).
    keys, skeletons, changes = {row.username_key for row in rows}, set(), []
    for row in rows:
        key, skeleton = usernames.key(row.username), usernames.skeleton(row.username)
        if key in keys and key != row.username_key:
            key = row.username_key
        keys.discard(row.username_key)
        keys.add(key)
        changes.append({
            'row_id': row.id,
            'new_key': key,
            'new_skeleton': None if skeleton in skeletons else skeleton,
        })
        skeletons.add(skeleton)
    if changes:
        connection.execute(
            users.update()
            .where(users.c.id == sa.bindparam('row_id'))
            .values(username_key=sa.bindparam('new_key'),
                    username_skeleton=sa.bindparam('new_skeleton')),
            changes,
        )
    op.create_index('ix_users_username_skeleton', 'users', ['username_skeleton'], unique=True)


def downgrade():
    op.drop_index('ix_users_username_skeleton', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('username_skeleton')
