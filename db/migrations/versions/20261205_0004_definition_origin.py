"""definition origin: shipped by `jarchy init`, or deployed by an administrator

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 20:45:00
"""

import hashlib
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='deployed', nullable=False))
    # Before 0.5 nothing recorded where a version came from. A version is taken as shipped only if no user
    # deployed it and it is byte for byte a diagram this release ships: an operator's `jarchy deploy` of an
    # edited file (no user either) stays the administrator's, so `jarchy init` never deploys above it.
    shipped = sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in resources.files("workflows").iterdir()
                     if path.name.endswith(".bpmn"))
    if shipped:
        definitions = sa.table("process_definitions", sa.column("origin", sa.String), sa.column("checksum", sa.String),
                               sa.column("deployed_by_id", sa.Integer))
        op.execute(definitions.update().where(definitions.c.deployed_by_id.is_(None),
                                              definitions.c.checksum.in_(shipped)).values(origin="shipped"))


def downgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_column('origin')
