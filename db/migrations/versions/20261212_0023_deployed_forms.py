"""deployed forms: forms are versioned with the diagrams that use them (issue 17, point 0)

A form is a row of `form_versions` (key, version, JSON Schema), no longer only a file of the package, and a
definition pins the form versions it was deployed with (`process_definitions.forms`, `{form_key: version}`), so a
running case keeps the forms of its version while an administrator deploys new ones.

Backfill: every form key an existing definition's `meta` names gets version 1 from the shipped file of this release
(`forms/`, origin shipped), and every existing definition pins version 1 of each of its form keys; a key with no
shipped file is left out (such a definition could not have run its task before either).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-12 10:00:00
"""

import hashlib
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _shipped(key: str) -> dict[str, Any] | None:
    """The shipped file of a form key, read here and not through the engine: a migration stays as it was written."""
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or not p.replace("_", "").replace("-", "").isalnum() for p in parts):
        return None
    node = resources.files("forms")
    for part in parts[:-1]:
        node = node.joinpath(part)
    node = node.joinpath(parts[-1] + ".json")
    try:
        return json.loads(node.read_text(encoding="utf-8")) if node.is_file() else None
    except (OSError, ValueError):
        return None


def _keys(meta: Any) -> set[str]:
    if isinstance(meta, str):
        meta = json.loads(meta)
    if not isinstance(meta, dict):
        return set()
    keys = {meta.get("start_form")} | {t.get("form") for t in (meta.get("tasks") or {}).values() if isinstance(t, dict)}
    return {k for k in keys if isinstance(k, str) and k}


def upgrade() -> None:
    forms = op.create_table(
        'form_versions',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('schema', sa.JSON(), nullable=False),
        sa.Column('checksum', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('origin', sa.String(length=16), server_default='deployed', nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_form_versions_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
        sa.UniqueConstraint('key', 'version', name=op.f('uq_form_versions_key_version')),
    )
    op.create_index(op.f('ix_form_versions_key'), 'form_versions', ['key'], unique=False)
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forms', sa.JSON(), server_default='{}', nullable=False))

    conn = op.get_bind()
    definitions = sa.table("process_definitions", sa.column("id", sa.Integer), sa.column("meta", sa.JSON),
                           sa.column("forms", sa.JSON))
    rows = conn.execute(sa.select(definitions.c.id, definitions.c.meta)).all()
    schemas: dict[str, dict[str, Any] | None] = {}
    now = datetime.now(UTC)
    for row_id, meta in rows:
        pinned = {}
        for key in sorted(_keys(meta)):
            if key not in schemas:
                schemas[key] = _shipped(key)
                if schemas[key] is not None:
                    canonical = json.dumps(schemas[key], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                    conn.execute(forms.insert().values(
                        key=key, version=1, schema=schemas[key], origin='shipped', created_at=now,
                        checksum=hashlib.sha256(canonical.encode("utf-8")).hexdigest()))
            if schemas[key] is not None:
                pinned[key] = 1
        conn.execute(definitions.update().where(definitions.c.id == row_id).values(forms=pinned))


def downgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_column('forms')
    op.drop_index(op.f('ix_form_versions_key'), table_name='form_versions')
    op.drop_table('form_versions')
