"""notifications people choose: e-mail at once, in a daily summary or none, per kind (issue 16, point 5)

`notification_choices` holds a user's choice for a kind (a kind without a row has its default);
`email_summaries` is the outbox of the daily summaries, one a user and office day; a notification in a summary
names it (`notifications.summary_id`). Two partial indexes serve the unread count in the bar and the summary's
gathering of what waits for it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'notification_choices',
        sa.Column('user_id', BIG, nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('email', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_choices_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_choices')),
    )
    op.create_table(
        'email_summaries',
        sa.Column('id', BIG, autoincrement=True, nullable=False),
        sa.Column('user_id', BIG, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('subject', sa.String(length=400), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('email_status', sa.String(length=16), nullable=False),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email_claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email_next_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_summaries_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_summaries')),
        sa.UniqueConstraint('user_id', 'day', name=op.f('uq_email_summaries_user_id_day')),
    )
    with op.batch_alter_table('email_summaries') as batch:
        batch.create_index('ix_email_summaries_email_pending', ['id'], unique=False,
                           postgresql_where=sa.text("email_status = 'pending'"),
                           sqlite_where=sa.text("email_status = 'pending'"))
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('summary_id', BIG, nullable=True))
        batch.create_foreign_key(op.f('fk_notifications_summary_id_email_summaries'), 'email_summaries',
                                 ['summary_id'], ['id'])
        batch.create_index('ix_notifications_unread', ['user_id'], unique=False,
                           postgresql_where=sa.text("read_at IS NULL"), sqlite_where=sa.text("read_at IS NULL"))
        batch.create_index('ix_notifications_email_summary', ['user_id', 'id'], unique=False,
                           postgresql_where=sa.text("email_status = 'summary'"),
                           sqlite_where=sa.text("email_status = 'summary'"))


def downgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.drop_index('ix_notifications_email_summary')
        batch.drop_index('ix_notifications_unread')
        batch.drop_constraint(op.f('fk_notifications_summary_id_email_summaries'), type_='foreignkey')
        batch.drop_column('summary_id')
    with op.batch_alter_table('email_summaries') as batch:
        batch.drop_index('ix_email_summaries_email_pending')
    op.drop_table('email_summaries')
    op.drop_table('notification_choices')
