"""Deployed forms, one row a version of a form key (a JSON Schema 2020-12 document)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import DefinitionOrigin


class FormVersion(Base):
    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int]
    schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    # sha256 of the schema's canonical JSON (sorted keys, no spaces): the same schema again is the same version.
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    # `shipped`: from the product's forms/ (`jarchy init`, or a diagram deployed naming a shipped form never
    # deployed before); `deployed`: by an administrator. `jarchy init` never deploys a shipped form above the latter.
    origin: Mapped[DefinitionOrigin] = mapped_column(Vocabulary(DefinitionOrigin, 16),
                                                     default=DefinitionOrigin.DEPLOYED,
                                                     server_default=DefinitionOrigin.DEPLOYED.value)
