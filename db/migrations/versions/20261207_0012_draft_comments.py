"""public comments on draft acts (issue 14, point 3)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('draft_comments',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('instance_id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('moderated_by', sa.String(length=64), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_draft_comments_instance_id_process_instances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_comments'))
    )
    with op.batch_alter_table('draft_comments', schema=None) as batch_op:
        batch_op.create_index('ix_draft_comments_instance', ['instance_id', 'status', 'submitted_at'], unique=False)
        batch_op.create_index('ix_draft_comments_address', ['address', 'submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('draft_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_draft_comments_address')
        batch_op.drop_index('ix_draft_comments_instance')
    op.drop_table('draft_comments')
