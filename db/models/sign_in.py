"""What sign-in keeps between requests: recent wrong passwords (the throttle) and revoked credentials (sign-out).

Both live in the database so that every web process, thread and worker sees the same counts and revocations."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk


class SignInFailure(Base):
    """One wrong password (or unknown username), kept while it still counts towards a throttle."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_username", "username", "failed_at"),
        Index("ix_sign_in_failures_address", "address", "failed_at"),
        Index("ix_sign_in_failures_failed_at", "failed_at"),
    )

    id: Mapped[intpk]
    # The username as typed (an account may not exist by that name) and the client's address.
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime]


class RevokedCredential(Base):
    """A bearer token or page session ended before its time, by its id; kept until it would have expired anyway."""

    __tablename__ = "revoked_credentials"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # token, session
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    revoked_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
