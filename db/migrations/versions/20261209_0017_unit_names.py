"""a unit's name in each interface language (issue 15, point 2)

`units.names` is a JSON object keyed by the interface languages' codes (engine.core.settings.LANGUAGES); `name`
stays the default-language name that a language without its own falls back to. A column, not a table: a unit has
six names at most, always read together with the unit.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('names', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('names')
