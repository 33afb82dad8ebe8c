"""the Merkle tree over the audit events, its signed checkpoints and their pushes outside (issue 18)

Nothing is backfilled: the first checkpoint integrates every event already recorded, in seq order.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-13 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('audit_tree_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'idx', name=op.f('pk_audit_tree_nodes'))
    )
    op.create_table('audit_tree',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('size', ID, nullable=False),
    sa.Column('root', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_tree'))
    )
    op.create_table('audit_checkpoints',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('size', ID, nullable=False),
    sa.Column('root', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('timestamp_token', sa.LargeBinary(), nullable=True),
    sa.Column('timestamped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('timestamp_error', sa.String(length=500), nullable=True),
    sa.Column('timestamp_tried_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('size', name=op.f('uq_audit_checkpoints_size'))
    )
    op.create_table('audit_checkpoint_pushes',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('checkpoint_id', ID, nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['audit_checkpoints.id'],
                            name=op.f('fk_audit_checkpoint_pushes_checkpoint_id_audit_checkpoints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint_pushes'))
    )
    with op.batch_alter_table('audit_checkpoint_pushes', schema=None) as batch_op:
        batch_op.create_index('ix_audit_checkpoint_pushes_checkpoint', ['checkpoint_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_checkpoint_pushes', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_checkpoint_pushes_checkpoint')
    op.drop_table('audit_checkpoint_pushes')
    op.drop_table('audit_checkpoints')
    op.drop_table('audit_tree')
    op.drop_table('audit_tree_nodes')
