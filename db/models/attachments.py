"""Files attached to a case: what they are (decided from their content), how large, their SHA-256 (where the bytes
are kept: engine.files), who attached them and when."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId
from db.types import Vocabulary
from db.vocabulary import AttachmentKind


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_instance", "instance_id", "uploaded_at"),)

    # Random, so that a form's field holds an id that says nothing of how many files the office keeps.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(BigId, ForeignKey("process_instances.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[AttachmentKind] = mapped_column(Vocabulary(AttachmentKind, 16))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    has_thumbnail: Mapped[bool]
    uploaded_by_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]
