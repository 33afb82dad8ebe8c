"""definition origin: shipped by `jarchy init`, or deployed by an administrator

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 20:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='deployed', nullable=False))
    # Before 0.5 nothing recorded where a version came from. A version deployed by no user came from
    # `jarchy init` (or an operator's `jarchy deploy`): taken as shipped; one deployed by a user, as an edit.
    op.execute("UPDATE process_definitions SET origin = 'shipped' WHERE deployed_by_id IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_column('origin')
