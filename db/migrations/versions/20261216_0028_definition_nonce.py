"""a random nonce on each deployed version (issue 19, point 2: a completion reads nothing the process already holds)

A deployed version never changes, so a process keeps what it read of one (its diagram's meta, the forms it pinned)
from request to request, and the case's lock reads the version's nonce along to check that what is kept is that
row: an id alone may name another database's row (tests, `jarchy` commands on two databases) or, on SQLite, a row
written after a rolled-back deployment took the same id. Existing versions get one each here.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-16 10:00:00
"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('process_definitions', sa.Column('nonce', sa.String(length=32), nullable=True))
    definitions = sa.table('process_definitions', sa.column('id', sa.BigInteger), sa.column('nonce', sa.String))
    bind = op.get_bind()
    for (definition_id,) in bind.execute(sa.select(definitions.c.id)).all():
        bind.execute(definitions.update().where(definitions.c.id == definition_id).values(nonce=uuid4().hex))


def downgrade() -> None:
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('nonce')
