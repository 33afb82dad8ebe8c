"""Letters to requesters, who have no account: what the office told them (registration, extension, forwarding,
the answer or refusal), kept whatever becomes of their e-mail; and the private tracking of a request filed on the
portal, with where it came from (the portal's throttle counts by it)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.models.notifications import OutboxEmail
from db.types import Vocabulary
from db.vocabulary import LetterKind


class RequesterLetter(OutboxEmail, Base):
    __tablename__ = "requester_letters"
    __table_args__ = (
        Index("ix_requester_letters_instance", "instance_id", "id"),
        Index("ix_requester_letters_email_pending", "id", postgresql_where=text("email_status = 'pending'"),
              sqlite_where=text("email_status = 'pending'")),
    )

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    kind: Mapped[LetterKind] = mapped_column(Vocabulary(LetterKind, 16))
    # The requester's e-mail address when they gave one; the letter is kept (and shown to them) either way.
    address: Mapped[str | None] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class PortalRequest(Base):
    """A request filed on the public portal: its private tracking token (only its SHA-256 is kept) and the address
    it came from (an IPv6 address by its /64)."""

    __tablename__ = "portal_requests"
    __table_args__ = (Index("ix_portal_requests_address", "address", "filed_at"),)

    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime]
