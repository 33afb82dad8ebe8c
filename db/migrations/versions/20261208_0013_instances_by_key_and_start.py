"""cases of a procedure by the moment they started (issue 14, point 4: the office's report)

The office's report and the request figures count a procedure's cases started in a period: an index on
(process_key, started_at) keeps that a range, whatever the history.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-08 10:00:00
"""

from alembic import op

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.create_index('ix_process_instances_key_started', ['process_key', 'started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instances_key_started')
