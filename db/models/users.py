"""Structural units, users and their roles."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, BigId, intpk


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # The name in the default language (English, the interface's own); `names` holds it per interface language
    # (engine.core.settings.LANGUAGES), where given: a reader whose language has none sees `name`, marked.
    name: Mapped[str]
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime]


class User(Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str]
    email: Mapped[str | None]
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    # Bumped on a password change or deactivation: tokens carry it, so old ones stop working.
    token_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return sorted(r.role for r in self.role_rows)

    @property
    def unit_key(self) -> str | None:
        return self.unit.key if self.unit else None


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32), index=True)
