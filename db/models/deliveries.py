"""A published release's e-mail to one journalist of its distribution lists, and that e-mail's fate."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.models.notifications import OutboxEmail


class Delivery(OutboxEmail, Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("publication_id", "journalist_id"),  # one e-mail a recipient, whatever lists they are in
        Index("ix_deliveries_instance", "instance_id", "id"),
        Index("ix_deliveries_email_pending", "id", postgresql_where=text("email_status = 'pending'"),
              sqlite_where=text("email_status = 'pending'")),
    )

    id: Mapped[intpk]
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    publication_id: Mapped[int] = mapped_column(BigId, ForeignKey("publications.id"))
    journalist_id: Mapped[int] = mapped_column(BigId, ForeignKey("journalists.id"))
    # As they stood when the release was published: a later change of the registry does not rewrite what was sent.
    address: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(400))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Why it failed or bounced, as the server or the mail system said.
    email_error: Mapped[str | None] = mapped_column(Text)
    bounced_at: Mapped[datetime | None]
