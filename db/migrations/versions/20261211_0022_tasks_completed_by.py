"""the tasks a user completed, by the user (issue 16, point 8: the inbox at 100,000 finished cases)

The inbox counts the tasks its reader completed on every page (its "completed" tab) and lists them in that tab. Without
an index on `completed_by_id` both read every completed task of the office through `ix_human_tasks_inbox` (status
first): three times the finished cases, 300,000 rows at 100,000 cases (tests/perf/bench_inbox.py). With
`ix_human_tasks_completed_by` (completed_by_id, status) they read the reader's own.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-11 10:00:00
"""

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_human_tasks_completed_by', 'human_tasks', ['completed_by_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_human_tasks_completed_by', table_name='human_tasks')
