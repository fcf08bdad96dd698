"""Attachments: files stored once by content hash, attached to posts; their bytes in
file_blobs when FORUM_UPLOADS=database

Revision ID: 0017_attachments
Revises: 0016_institution_search
Create Date: 2026-12-06 00:49:51.640289

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_attachments'
down_revision = '0016_institution_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('file_blobs',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_file_blobs'))
    )
    op.create_table('stored_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'image', 'document', 'spreadsheet', name='filekind', native_enum=False, length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_state', sa.Enum('pending', 'done', 'failed', 'none', name='textstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_files'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index('ix_stored_files_text_state', ['text_state'], unique=False)
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_files.sha256'], name=op.f('fk_attachments_file_sha256_stored_files')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_attachments_post_id_posts')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_attachments_removed_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_attachments_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index('ix_attachments_library', ['removed_at', 'reviewed_at', 'created_at'], unique=False)
        batch_op.create_index('ix_attachments_post', ['post_id', 'position'], unique=False)
        batch_op.create_index('ix_attachments_uploader_created', ['uploader_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_uploader_created')
        batch_op.drop_index('ix_attachments_post')
        batch_op.drop_index('ix_attachments_library')
        batch_op.drop_index(batch_op.f('ix_attachments_file_sha256'))

    op.drop_table('attachments')
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_files_text_state')
    op.drop_table('stored_files')
    op.drop_table('file_blobs')
