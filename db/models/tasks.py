"""Human tasks: the inbox's projection of the ready user tasks of every instance."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.types import Vocabulary
from db.vocabulary import TaskStatus


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_inbox", "status", "role", "unit_key", "due_at"),
        Index("ix_human_tasks_assignee", "assignee_id", "status"),
        # The tasks a user completed, counted on every page of the inbox (migration 0022), and their cases: a search
        # probes the cases holding its words here, without reading the tasks' rows (migration 0027); with their ids,
        # the completed tab's window of one's latest is the index's alone (migration 0029).
        Index("ix_human_tasks_completed_by", "completed_by_id", "status", "instance_id", "id"),
    )

    # SpiffWorkflow's task UUID, stable across serialization.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str]
    # The task's name in the interface languages other than English, as its diagram gives them
    # (engine/procedures/labels.py).
    names: Mapped[dict[str, str] | None] = mapped_column(JSON)
    lane: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    unit_key: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    status: Mapped[TaskStatus] = mapped_column(Vocabulary(TaskStatus, 16))
    form_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
