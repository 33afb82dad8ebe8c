"""the tasks a user completed, with their cases (issue 19, point 4: the inbox at 1,000,000 finished cases)

The inbox's "completed by me" tab is counted on every page, with the page's search. With a search the count is the
reader's completed tasks whose case holds the words: the cases found by the full-text index, probed in
`ix_human_tasks_completed_by`. With (completed_by_id, status) the probe read every completed task of the reader
from the table for its case (222,224 rows for the transport secretary at 1,000,000 finished cases,
tests/perf/bench_inbox.py); with instance_id third the index alone answers each probe.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-15 10:00:00
"""

from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_human_tasks_completed_by', table_name='human_tasks')
    op.create_index('ix_human_tasks_completed_by', 'human_tasks', ['completed_by_id', 'status', 'instance_id'])


def downgrade() -> None:
    op.drop_index('ix_human_tasks_completed_by', table_name='human_tasks')
    op.create_index('ix_human_tasks_completed_by', 'human_tasks', ['completed_by_id', 'status'])
