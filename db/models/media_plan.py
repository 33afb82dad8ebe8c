"""The media plan: the leadership's planned appearances, events and visits (000 §4.5, 001 §2 and §10, 002 §5), and
the private links staff subscribe to it with in their own calendar program."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId, intpk
from db.models.users import Unit
from db.types import Vocabulary
from db.vocabulary import AppearanceFormat, MediaPlanStatus


class MediaPlanEntry(Base):
    """One appearance. `starts_at`/`ends_at` are moments; an all-day entry runs from the start of its first day to
    the start of the day after its last (the office's days), as iCalendar's DTEND does. `sequence` counts the
    changes (iCalendar's SEQUENCE): a calendar program replaces its copy when it grows."""

    __tablename__ = "media_plan_entries"
    __table_args__ = (Index("ix_media_plan_entries_starts_at", "starts_at"),
                      Index("ix_media_plan_entries_ends_at", "ends_at"))

    id: Mapped[intpk]
    uid: Mapped[str] = mapped_column(String(80), unique=True)  # iCalendar's UID, stable for the entry's life
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    official: Mapped[str] = mapped_column(String(200))  # who appears: the mayor, a deputy, the head of the office
    format: Mapped[AppearanceFormat] = mapped_column(Vocabulary(AppearanceFormat, 32))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    all_day: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str | None] = mapped_column(String(300))
    open_to_press: Mapped[bool]
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("units.id"))
    status: Mapped[MediaPlanStatus] = mapped_column(Vocabulary(MediaPlanStatus, 16))
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it was postponed or cancelled
    postponed_from: Mapped[datetime | None]  # the start it had before its latest postponement
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    # The `event_support` case started from the entry (the latest): set under the entry's row lock, so that one
    # support runs at a time; a case no longer running leaves the entry free for a new one (migration 0014).
    supported_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("process_instances.id"))

    unit: Mapped[Unit | None] = relationship(lazy="joined")


class CalendarFeedToken(Base):
    """A user's private link to the media plan's iCalendar feed: only the SHA-256 of the token is kept; renewing
    replaces it (the old link stops working), revoking deletes the row."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
