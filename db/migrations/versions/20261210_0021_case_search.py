"""the cases' full-text index and saved filters (issue 16, point 1)

`case_words` holds one row a case: the index words of its registration number and of the text in its data
(db.search_terms.case_text), searched like the archive (migration 0010): on SQLite an FTS5 external-content table
`case_fts` kept by three triggers, on PostgreSQL a stored generated `tsvector` column with a GIN index. Every case
already registered is indexed here. `saved_filters` holds the users' named queries of the inbox and the cases list.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-10 10:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from db.search_terms import case_text

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
SQLITE_TRIGGERS = {
    "case_words_indexed": """
        CREATE TRIGGER case_words_indexed AFTER INSERT ON case_words BEGIN
          INSERT INTO case_fts(rowid, words) VALUES (new.instance_id, new.words);
        END""",
    "case_words_unindexed": """
        CREATE TRIGGER case_words_unindexed AFTER DELETE ON case_words BEGIN
          INSERT INTO case_fts(case_fts, rowid, words) VALUES ('delete', old.instance_id, old.words);
        END""",
    "case_words_reindexed": """
        CREATE TRIGGER case_words_reindexed AFTER UPDATE ON case_words BEGIN
          INSERT INTO case_fts(case_fts, rowid, words) VALUES ('delete', old.instance_id, old.words);
          INSERT INTO case_fts(rowid, words) VALUES (new.instance_id, new.words);
        END""",
}


def upgrade() -> None:
    words = op.create_table('case_words',
    sa.Column('instance_id', ID, autoincrement=False, nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_case_words_instance_id_process_instances')),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_case_words'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE case_words ADD COLUMN search tsvector GENERATED ALWAYS AS ("
                   "to_tsvector('simple'::regconfig, words)) STORED")
        op.execute("CREATE INDEX ix_case_words_search ON case_words USING gin (search)")
    else:
        op.execute("CREATE VIRTUAL TABLE case_fts USING fts5(words, content='case_words', content_rowid='instance_id', "
                   "tokenize='unicode61 remove_diacritics 2')")
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)
    op.bulk_insert(words, list(_registered()))

    op.create_table('saved_filters',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('owner_id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('list', sa.String(length=16), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('lane_role', sa.String(length=32), nullable=True),
    sa.Column('lane_unit', sa.String(length=64), nullable=True),
    sa.Column('start', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_saved_filters_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filters')),
    sa.UniqueConstraint('owner_id', 'name', name=op.f('uq_saved_filters_owner_id_name'))
    )
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_filters_lane_role'), ['lane_role'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_filters_owner_id'), ['owner_id'], unique=False)


def _registered() -> Any:
    instances = sa.table('process_instances', sa.column('id', ID), sa.column('business_key', sa.String()),
                         sa.column('data', sa.JSON()))
    for row in op.get_bind().execute(sa.select(instances).order_by(instances.c.id)):
        yield {'instance_id': row.id, 'words': case_text(row.business_key, row.data or {})}


def downgrade() -> None:
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_filters_owner_id'))
        batch_op.drop_index(batch_op.f('ix_saved_filters_lane_role'))
    op.drop_table('saved_filters')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_case_words_search")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE case_fts")
    op.drop_table('case_words')
