"""the public archive and its full-text index (issue 13)

One row a language version of every publication (`archive_entries`), indexed by each database's own full-text
search: on SQLite an FTS5 external-content table `archive_fts` kept by three triggers, on PostgreSQL a stored
generated `tsvector` column with a GIN index. Already published releases and responses are indexed here.

A later migration that rebuilds `archive_entries` on SQLite (Alembic's batch mode copies the table) must create
the triggers again; `INSERT INTO archive_fts(archive_fts) VALUES ('rebuild')` then re-reads every row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from db.search_terms import indexed

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
SQLITE_TRIGGERS = {
    "archive_entries_indexed": """
        CREATE TRIGGER archive_entries_indexed AFTER INSERT ON archive_entries BEGIN
          INSERT INTO archive_fts(rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
        END""",
    "archive_entries_unindexed": """
        CREATE TRIGGER archive_entries_unindexed AFTER DELETE ON archive_entries BEGIN
          INSERT INTO archive_fts(archive_fts, rowid, title_words, body_words)
            VALUES ('delete', old.id, old.title_words, old.body_words);
        END""",
    "archive_entries_reindexed": """
        CREATE TRIGGER archive_entries_reindexed AFTER UPDATE ON archive_entries BEGIN
          INSERT INTO archive_fts(archive_fts, rowid, title_words, body_words)
            VALUES ('delete', old.id, old.title_words, old.body_words);
          INSERT INTO archive_fts(rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
        END""",
}


def upgrade() -> None:
    entries = op.create_table('archive_entries',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('lang', sa.String(length=8), nullable=True),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('business_key', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('title_words', sa.Text(), nullable=False),
    sa.Column('body_words', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_archive_entries'))
    )
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.create_index('ix_archive_entries_lang', ['lang', 'published_at'], unique=False)
        batch_op.create_index('ix_archive_entries_listed', ['listed', 'published_at'], unique=False)
        batch_op.create_index('ix_archive_entries_source', ['source', 'source_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # 'simple': no stemming (Kyrgyz and Uzbek have no stemmer, and one configuration must serve five
        # languages); the words are already lower-cased (db.search_terms), whatever the server's locale.
        op.execute("ALTER TABLE archive_entries ADD COLUMN search tsvector GENERATED ALWAYS AS ("
                   "setweight(to_tsvector('simple'::regconfig, title_words), 'A') || "
                   "setweight(to_tsvector('simple'::regconfig, body_words), 'B')) STORED")
        op.execute("CREATE INDEX ix_archive_entries_search ON archive_entries USING gin (search)")
    else:
        op.execute("CREATE VIRTUAL TABLE archive_fts USING fts5(title_words, body_words, content='archive_entries', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)
    op.bulk_insert(entries, list(_published()))


def _published() -> Any:
    """The entries of what was published before this revision (frozen here: the shapes of 0.5's publications)."""
    publications = sa.table('publications', sa.column('id', ID), sa.column('feed', sa.String()),
                            sa.column('kind', sa.String()), sa.column('instance_id', ID),
                            sa.column('business_key', sa.String()),
                            sa.column('published_at', sa.DateTime(timezone=True)), sa.column('content', sa.JSON()))
    instances = sa.table('process_instances', sa.column('id', ID), sa.column('unit_key', sa.String()))
    rows = op.get_bind().execute(
        sa.select(publications, instances.c.unit_key)
        .join(instances, instances.c.id == publications.c.instance_id).order_by(publications.c.id))
    for row in rows:
        content = row.content or {}
        if row.feed == 'releases':
            versions = [(lang, str(t.get('title') or ''), str(t.get('body') or ''))
                        for lang, t in (content.get('translations') or {}).items() if isinstance(t, dict)]
        else:
            explained = [f"{e.get('claim') or ''}: {e.get('explanation') or ''}"
                         for e in content.get('explanations') or [] if isinstance(e, dict)]
            body = "\n\n".join(str(part) for part in (content.get('text'), *explained, content.get('summary')) if part)
            versions = [(None, str(content.get('outlet') or ''), body)]
        for position, (lang, title, body) in enumerate(versions):
            yield {'source': row.feed, 'source_id': row.id, 'kind': row.kind, 'unit': row.unit_key, 'lang': lang,
                   'listed': position == 0, 'business_key': row.business_key, 'published_at': row.published_at,
                   'title': title, 'body': body, 'title_words': indexed(title), 'body_words': indexed(body)}


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_archive_entries_search")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE archive_fts")
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_archive_entries_source')
        batch_op.drop_index('ix_archive_entries_listed')
        batch_op.drop_index('ix_archive_entries_lang')

    op.drop_table('archive_entries')
