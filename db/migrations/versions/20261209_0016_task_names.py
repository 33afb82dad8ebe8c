"""a task's name in every interface language (issue 15, point 1: diagrams speak every language)

A deployed diagram carries its element names per language (engine/procedures/labels.py); the inbox row keeps the
task's, so that the inbox, the task page and the case page show it in the reader's language without reading the
diagram. Rows written before have none: they show the English name through the catalogs, as before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-09 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('names', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('names')
