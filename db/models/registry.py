"""The registry of the media the office works with: outlets, journalists, their accreditations and the
distribution lists releases are sent to."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import OutletKind


class Outlet(Base):
    __tablename__ = "outlets"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OutletKind] = mapped_column(Vocabulary(OutletKind, 16))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2: foreign media are told apart
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Journalist(Base):
    __tablename__ = "journalists"
    __table_args__ = (Index("ix_journalists_outlet", "outlet_id"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    outlet_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("outlets.id"))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    # The languages they read, most preferred first (codes such as ky, ru): a release goes out in the first one
    # it has.
    languages: Mapped[list[Any]] = mapped_column(JSON)
    # A journalist no longer working with the office stays in the registry (the history names them) but is sent
    # nothing and cannot be accredited.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    outlet: Mapped["Outlet | None"] = relationship(lazy="joined")


class Accreditation(Base):
    """A journalist admitted to the office's events from `valid_from` to `valid_until` (both days included, the
    office's calendar), granted by someone; revoked early with a reason, by someone, at a moment."""

    __tablename__ = "accreditations"
    __table_args__ = (Index("ix_accreditations_journalist", "journalist_id", "valid_until"),)

    id: Mapped[intpk]
    journalist_id: Mapped[int] = mapped_column(BigId, ForeignKey("journalists.id"))
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class DistributionList(Base):
    __tablename__ = "distribution_lists"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DistributionListMember(Base):
    __tablename__ = "distribution_list_members"
    __table_args__ = (UniqueConstraint("list_id", "journalist_id"),
                      Index("ix_distribution_list_members_journalist", "journalist_id"))

    id: Mapped[intpk]
    list_id: Mapped[int] = mapped_column(BigId, ForeignKey("distribution_lists.id"))
    journalist_id: Mapped[int] = mapped_column(BigId, ForeignKey("journalists.id"))
