"""Every deployed version of every procedure, as administrators compare them side by side.

engine.procedures.definitions answers for one version or the latest; this lists them all with who deployed each
and how many cases still run on it, in two queries whatever the number of procedures and versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance, User
from db.vocabulary import InstanceStatus
from engine.procedures import labels


@dataclass(frozen=True)
class Version:
    key: str
    name: str
    version: int
    checksum: str
    deployed_at: datetime
    deployed_by: str | None
    running: int
    names: dict[str, str]  # the procedure's name in the other interface languages
    missing: dict[str, list[dict[str, str]]]  # engine.procedures.labels.missing
    missing_documentation: dict[str, list[dict[str, str]]]  # engine.procedures.labels.missing_documentation
    labels: dict[str, dict[str, str]]  # each element's names by language, to name the missing ones


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    latest: int
    versions: list[Version]  # newest first

    @property
    def names(self) -> dict[str, str]:
        return self.versions[0].names

    @property
    def missing(self) -> dict[str, list[dict[str, str]]]:
        """The latest version's labels without a translation, only the languages that lack some."""
        return {lang: listed for lang, listed in self.versions[0].missing.items() if listed}

    @property
    def missing_documentation(self) -> dict[str, list[dict[str, str]]]:
        """The latest version's documentation without a translation, only the languages that lack some."""
        return {lang: listed for lang, listed in self.versions[0].missing_documentation.items() if listed}

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        return self.versions[0].labels

    @property
    def running(self) -> int:
        return sum(v.running for v in self.versions)


def procedures(session: Session) -> list[Procedure]:
    """Each deployed procedure (by key, named as its latest version) with all its versions, newest first."""
    running = {(key, version): count for key, version, count in session.execute(
        select(ProcessInstance.process_key, ProcessInstance.version, func.count())
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.process_key, ProcessInstance.version))}
    rows = session.execute(
        select(ProcessDefinition.key, ProcessDefinition.version, ProcessDefinition.name, ProcessDefinition.checksum,
               ProcessDefinition.deployed_at, User.username, ProcessDefinition.meta)
        .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    )
    versions: dict[str, list[Version]] = {}
    for key, version, name, checksum, at, by, meta in rows:
        count = running.get((key, version), 0)
        versions.setdefault(key, []).append(Version(key, name, version, checksum, at, by, count,
                                                    labels.names_of(meta, key), labels.missing(meta),
                                                    labels.missing_documentation(meta), meta.get("labels", {})))
    return [Procedure(key, listed[0].name, listed[0].version, listed) for key, listed in versions.items()]
