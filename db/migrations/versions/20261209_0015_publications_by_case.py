"""a case's publications by its key (issue 14, gaps of point 3: the public list of drafts)

The public list of drafts reads each listed draft's adopted text by the draft's case, however old the draft: an index
on publications (feed, instance_id) keeps that a lookup by key instead of a scan of the feed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-09 10:00:00
"""

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_publications_feed_instance', 'publications', ['feed', 'instance_id'])


def downgrade() -> None:
    op.drop_index('ix_publications_feed_instance', table_name='publications')
