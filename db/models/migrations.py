"""Moves of running cases from one version of a procedure to another (docs/migrations.md): the migration as the
administrator asked for it, and each case's verdict and move, with what the case was before (to move it back)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import MigrationCaseStatus, MigrationStatus


class Migration(Base):
    __tablename__ = "migrations"

    id: Mapped[intpk]
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    from_version: Mapped[int]
    to_version: Mapped[int]
    # old element id -> new element id: the administrator's entries only (the same id maps by default).
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # {"timers": "keep" | "recompute", "cases": [ids] | null, "batch_size": n}
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MigrationStatus] = mapped_column(Vocabulary(MigrationStatus, 16))
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # The plan's figures: {"movable", "blocked", "by_reason": {code: n}}.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MigrationCase(Base):
    __tablename__ = "migration_cases"
    __table_args__ = (
        UniqueConstraint("migration_id", "instance_id"),
        # A resumed run reads the pending cases of its migration, in order.
        Index("ix_migration_cases_pending", "migration_id", "status", "instance_id"),
    )

    id: Mapped[intpk]
    migration_id: Mapped[int] = mapped_column(BigId, ForeignKey("migrations.id"))
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"), index=True)
    status: Mapped[MigrationCaseStatus] = mapped_column(Vocabulary(MigrationCaseStatus, 16))
    # Why a case is blocked: a `Code` (no_target, form_lacks, ...) and its params ({element_id, fields, ...}).
    reason: Mapped[str | None] = mapped_column(String(32))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Where the case stood when planned: its waiting elements (bpmn ids).
    at_elements: Mapped[list[str] | None] = mapped_column(JSON)
    moved_at: Mapped[datetime | None]
    # The case before its move, for moving it back while it has not advanced (revision still `revision_after`).
    before_definition_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("process_definitions.id"))
    before_called_versions: Mapped[dict[str, int] | None] = mapped_column(JSON)
    before_state: Mapped[str | None] = deferred(mapped_column(Text))
    revision_after: Mapped[int | None]
