"""the media plan and its private calendar feeds (issue 14, point 1)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('media_plan_entries',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('official', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('open_to_press', sa.Boolean(), nullable=False),
    sa.Column('unit_id', ID, nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('postponed_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_media_plan_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_plan_entries')),
    sa.UniqueConstraint('uid', name=op.f('uq_media_plan_entries_uid'))
    )
    with op.batch_alter_table('media_plan_entries', schema=None) as batch_op:
        batch_op.create_index('ix_media_plan_entries_starts_at', ['starts_at'], unique=False)
        batch_op.create_index('ix_media_plan_entries_ends_at', ['ends_at'], unique=False)

    op.create_table('calendar_feed_tokens',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feed_tokens_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_tokens_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feed_tokens_user_id'))
    )


def downgrade() -> None:
    op.drop_table('calendar_feed_tokens')
    with op.batch_alter_table('media_plan_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_media_plan_entries_ends_at')
        batch_op.drop_index('ix_media_plan_entries_starts_at')
    op.drop_table('media_plan_entries')
