"""the tasks a user completed, with their ids (issue 19, point 4: the completed tab at 1,000,000 finished cases)

The inbox's "completed by me" tab lists, as it counts, one's latest completed tasks: read backwards from
`ix_human_tasks_completed_by`, a bounded number of entries. The list needs each entry's task id, which the index
lacked: PostgreSQL walked `ix_human_tasks_instance_id` backwards instead, filtering out the tasks of others (12,476
entries read for 1,000 kept at 100,000 finished cases, tests/perf/bench_inbox.py), and SQLite read each task's row
for its id. With the id fourth the index alone gives the window.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-17 10:00:00
"""

from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_human_tasks_completed_by', table_name='human_tasks')
    op.create_index('ix_human_tasks_completed_by', 'human_tasks', ['completed_by_id', 'status', 'instance_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_human_tasks_completed_by', table_name='human_tasks')
    op.create_index('ix_human_tasks_completed_by', 'human_tasks', ['completed_by_id', 'status', 'instance_id'])
