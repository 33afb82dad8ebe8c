"""audit events sealed by one background step: writers insert events without seq or hashes (issue 19, point 6)

seq, prev_hash and hash become nullable (the sealer sets them); `txid` records the inserting transaction on
PostgreSQL (server default `pg_current_xact_id()`), so the sealer chains only events no earlier open transaction can
still precede; an index finds the unsealed events (partial, `WHERE seq IS NULL`, on PostgreSQL). Existing rows keep
their seq and hashes: all of them are sealed already, and the chain continues from the head unchanged.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-14 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == 'postgresql'
    txid_default = sa.text('(pg_current_xact_id()::text::bigint)') if postgresql else None
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=ID, nullable=True)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column('txid', sa.BigInteger(), server_default=txid_default, nullable=True))
        batch_op.create_index('ix_audit_events_unsealed', ['seq', 'id'], unique=False,
                              postgresql_where=sa.text('seq IS NULL'))


def downgrade() -> None:
    # Only a database whose events are all sealed goes back (`jarchy audit verify` seals them).
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_unsealed', postgresql_where=sa.text('seq IS NULL'))
        batch_op.drop_column('txid')
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('seq', existing_type=ID, nullable=False)
