"""moves of running cases between versions of a procedure (issue 17, points 1 and 2)

A migration (from and to which version, the administrator's mapping, the options) and each case's verdict: moved,
blocked with its reason, or pending until a resumed run reaches it; a moved case keeps what it was before, so that
it can be moved back while it has not advanced.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-12 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('migrations',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('process_key', sa.String(length=128), nullable=False),
    sa.Column('from_version', sa.Integer(), nullable=False),
    sa.Column('to_version', sa.Integer(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_migrations_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migrations'))
    )
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_migrations_process_key'), ['process_key'], unique=False)
    op.create_table('migration_cases',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('migration_id', ID, nullable=False),
    sa.Column('instance_id', ID, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('at_elements', sa.JSON(), nullable=True),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('before_definition_id', ID, nullable=True),
    sa.Column('before_called_versions', sa.JSON(), nullable=True),
    sa.Column('before_state', sa.Text(), nullable=True),
    sa.Column('revision_after', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['migration_id'], ['migrations.id'], name=op.f('fk_migration_cases_migration_id_migrations')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_migration_cases_instance_id_process_instances')),
    sa.ForeignKeyConstraint(['before_definition_id'], ['process_definitions.id'],
                            name=op.f('fk_migration_cases_before_definition_id_process_definitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_cases')),
    sa.UniqueConstraint('migration_id', 'instance_id', name=op.f('uq_migration_cases_migration_id_instance_id'))
    )
    with op.batch_alter_table('migration_cases', schema=None) as batch_op:
        batch_op.create_index('ix_migration_cases_pending', ['migration_id', 'status', 'instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_migration_cases_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('migration_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_migration_cases_instance_id'))
        batch_op.drop_index('ix_migration_cases_pending')
    op.drop_table('migration_cases')
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_migrations_process_key'))
    op.drop_table('migrations')
