"""Every deployed version of every procedure, as administrators compare them side by side.

engine.definitions answers for one version or the latest; this lists them all with who deployed each
and how many cases still run on it, in a fixed number of queries whatever the number of versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, User
from engine.definitions import list_latest, running_counts


@dataclass(frozen=True)
class Version:
    key: str
    name: str
    version: int
    checksum: str
    deployed_at: datetime
    deployed_by: str | None
    running: int


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    latest: int
    versions: list[Version]  # newest first

    @property
    def running(self) -> int:
        return sum(v.running for v in self.versions)


def procedures(session: Session) -> list[Procedure]:
    """Each deployed procedure (by key, named as its latest version) with all its versions, newest first."""
    out = []
    for latest in list_latest(session):
        counts = running_counts(session, latest.key)
        rows = session.execute(
            select(ProcessDefinition.version, ProcessDefinition.name, ProcessDefinition.checksum,
                   ProcessDefinition.deployed_at, User.username)
            .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
            .where(ProcessDefinition.key == latest.key)
            .order_by(ProcessDefinition.version.desc())
        )
        versions = [Version(latest.key, name, version, checksum, at, by, counts.get(version, 0))
                    for version, name, checksum, at, by in rows]
        out.append(Procedure(latest.key, latest.name, latest.version, versions))
    return out
