"""an entry of the media plan names the case that supports it (issue 14: one support an appearance)

`media_plan_entries.supported_by` is the `event_support` case started from the entry: set under the entry's row
lock when the support starts, so that two starts at once cannot both succeed, and read by the entry's key instead of
scanning every running case's data. The running supports of existing entries are linked here.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('media_plan_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supported_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_media_plan_entries_supported_by_process_instances'),
                                    'process_instances', ['supported_by'], ['id'])
    bind = op.get_bind()
    running = bind.execute(sa.text("SELECT id, data FROM process_instances WHERE process_key = 'event_support' "
                                   "AND status = 'running' ORDER BY id"))
    for instance_id, data in running:
        data = json.loads(data) if isinstance(data, str) else data
        entry = (data or {}).get('media_plan_entry')
        if isinstance(entry, int):
            bind.execute(sa.text("UPDATE media_plan_entries SET supported_by = :case WHERE id = :entry"),
                         {"case": instance_id, "entry": entry})


def downgrade() -> None:
    with op.batch_alter_table('media_plan_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_media_plan_entries_supported_by_process_instances'),
                                 type_='foreignkey')
        batch_op.drop_column('supported_by')
