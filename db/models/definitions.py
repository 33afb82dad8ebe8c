"""Deployed BPMN diagrams, one row a version of a process key."""

from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from db.base import Base, BigId, intpk
from db.types import Vocabulary
from db.vocabulary import DefinitionOrigin


class ProcessDefinition(Base):
    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str]
    version: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    # What the engine reads from the diagram, extracted once at deploy (forms, lanes, starters, ...).
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    deployed_at: Mapped[datetime]
    deployed_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    # `shipped`: deployed by `jarchy init` from the product's workflows/; `deployed`: by an administrator (API,
    # modeler, `jarchy deploy`). `jarchy init` never deploys a shipped diagram above the latter.
    origin: Mapped[DefinitionOrigin] = mapped_column(Vocabulary(DefinitionOrigin, 16),
                                                     default=DefinitionOrigin.DEPLOYED,
                                                     server_default=DefinitionOrigin.DEPLOYED.value)
    # The form versions this deployment pinned, `{form_key: version}`: a case keeps the forms of its version.
    forms: Mapped[dict[str, int]] = mapped_column(JSON, default=dict, server_default="{}")
    # Random, set when the version is written: with the id it names this row of this database and no other (an id
    # may be another database's, or on SQLite reused after a rolled-back deployment), so what a process keeps of a
    # version is checked by it (engine.procedures.case_definition). None (a row written by hand without one):
    # nothing is kept of it.
    nonce: Mapped[str | None] = mapped_column(String(32), default=lambda: uuid4().hex)
