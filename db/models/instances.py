"""Process instances with their serialized SpiffWorkflow state, and registration-number sequences."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import InstanceStatus


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    __table_args__ = (
        Index("ix_process_instances_key_status", "process_key", "status"),
        # A procedure's cases started in a period (the office's report, the request figures), as a range.
        Index("ix_process_instances_key_started", "process_key", "started_at"),
        # Those that ended in or after a period, e.g. the press conferences held in it (the office's report).
        Index("ix_process_instances_key_completed", "process_key", "completed_at"),
    )

    id: Mapped[intpk]
    definition_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_definitions.id"))
    process_key: Mapped[str] = mapped_column(String(128))
    version: Mapped[int]
    business_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InstanceStatus] = mapped_column(Vocabulary(InstanceStatus, 16), index=True)
    unit_key: Mapped[str | None] = mapped_column(String(64))
    # The workflow's data as of the last step: a projection for queries and the API, not the state.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    failure: Mapped[str | None] = mapped_column(Text)
    # The state holds the spec by name: the versions of called processes it started with are pinned here.
    called_versions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    serializer_version: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": revision}


class BusinessKeySequence(Base):
    """The last number given per prefix and year, bumped under a row lock."""

    __tablename__ = "business_key_sequences"

    prefix: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
