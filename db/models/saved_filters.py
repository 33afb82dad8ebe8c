"""A user's saved query of the inbox or the cases list, by name; shared with one lane, or the user's start page.

A lane is the users holding one role, and for a unit-bound role (press_secretary, unit_head) those of one unit:
`lane_role` (and `lane_unit`) say which; both None means the filter is its owner's alone (docs/search.md)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class SavedFilter(Base):
    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[intpk]
    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Which list it filters: "inbox" or "cases"; `query` holds its parameters as the list's URL takes them.
    list: Mapped[str] = mapped_column(String(16))
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    lane_role: Mapped[str | None] = mapped_column(String(32), index=True)
    lane_unit: Mapped[str | None] = mapped_column(String(64))
    # The owner's landing after sign-in (at most one of theirs).
    start: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
