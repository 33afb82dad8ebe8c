"""cases of a procedure by the moment they started and ended (issue 14, point 4: the office's report)

The office's report and the request figures count a procedure's cases started in a period, and the report the press
conferences held in it, whose cases ended in or after it (or still run): indexes on (process_key, started_at) and
(process_key, completed_at) keep both a range, whatever the history; and the releases' language versions published
in it, by an index on archive_entries (source, published_at).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00
"""

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch): archive_entries keeps its full-text triggers on SQLite.
    op.create_index('ix_process_instances_key_started', 'process_instances', ['process_key', 'started_at'])
    op.create_index('ix_process_instances_key_completed', 'process_instances', ['process_key', 'completed_at'])
    op.create_index('ix_archive_entries_source_published', 'archive_entries', ['source', 'published_at'])


def downgrade() -> None:
    op.drop_index('ix_archive_entries_source_published', table_name='archive_entries')
    op.drop_index('ix_process_instances_key_completed', table_name='process_instances')
    op.drop_index('ix_process_instances_key_started', table_name='process_instances')
