"""The definition a case runs on, read once a session, and once a process where its nonce proves it.

A deployed version never changes, and SQLAlchemy's identity map keeps an object only while something else refers
to it: without a hold, each step of one request (validating the form, loading the workflow, presenting the answer)
read the same row again. Across requests a process keeps a detached copy of each version it read, by id and nonce
(db.models.definitions): the lock of a case reads its version's nonce along (`along`, engine.runtime.steps), and a
kept copy whose id and nonce match is that very row, merged into the session without a statement. Written by hand:
SQLAlchemy caches statements, not rows."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from db.models import ProcessDefinition, ProcessInstance
from db.session import held_for_transaction, transaction_dict
from engine.calendar import overrides

_HELD = "jarchy_definitions"  # session.info: the definitions this session read, by id
_NONCES = "jarchy_definition_nonces"  # session.info: the nonces read along with a lock this transaction, by id
_KEPT: dict[tuple[int, str], ProcessDefinition] = {}  # detached copies, by (id, nonce)
_KEPT_LIMIT = 256


def along() -> Any:
    """The nonce of the locked case's version, a scalar subquery for the lock's statement to read along."""
    return select(ProcessDefinition.nonce).where(ProcessDefinition.id == ProcessInstance.definition_id) \
        .scalar_subquery()


def read_along(session: Session, definition_id: int, nonce: str | None) -> None:
    transaction_dict(session, _NONCES)[definition_id] = nonce


def of_case(session: Session, instance: ProcessInstance) -> ProcessDefinition | None:
    return of_version(session, instance.definition_id)


def of_version(session: Session, definition_id: int) -> ProcessDefinition | None:
    """The version by id: held by this session, kept by the process with the nonce this transaction read along, or
    read (and then kept)."""
    held: dict[int, ProcessDefinition] = session.info.setdefault(_HELD, {})
    definition = held.get(definition_id)
    nonce = (held_for_transaction(session, _NONCES) or {}).get(definition_id)
    # Another row under that id since this session read it (on SQLite, after a rolled-back deployment): read anew.
    stale = definition is not None and bool(nonce) and definition.nonce != nonce
    if definition is None or stale:
        definition = _kept(session, definition_id, nonce)
        if definition is None:
            definition = session.get(ProcessDefinition, definition_id, populate_existing=stale)
            if definition is not None:
                _keep(definition)
        if definition is not None:
            held[definition_id] = definition
    return definition


# Built once: every start runs it (see engine.runtime.steps._LOCKS for why).
_LATEST = select(ProcessDefinition.id, ProcessDefinition.nonce, *overrides.fingerprint()) \
    .where(ProcessDefinition.key == bindparam("key")).order_by(ProcessDefinition.version.desc()).limit(1)


def latest(session: Session, key: str) -> ProcessDefinition | None:
    """The latest version of the procedure `key` (None if none is deployed), as the process keeps it, with the
    calendar overrides' fingerprint read along: what starting a case reads first, in one statement."""
    row = session.execute(_LATEST, {"key": key}).first()
    if row is None:
        return None
    read_along(session, row[0], row[1])
    overrides.read_along(session, tuple(row[2:]))
    return of_version(session, row[0])


def _kept(session: Session, definition_id: int, nonce: str | None) -> ProcessDefinition | None:
    copy = _KEPT.get((definition_id, nonce)) if nonce else None
    return session.merge(copy, load=False) if copy is not None else None


def _keep(definition: ProcessDefinition) -> None:
    """A detached copy of the loaded columns of `definition` (a deferred diagram stays unloaded: the copy merged
    into a session loads it from there if asked)."""
    if not definition.nonce:
        return
    unloaded = inspect(definition).unloaded
    # Its own JSON (the diagram's meta, the pinned forms): the session that read the row keeps the row's.
    copy = ProcessDefinition(**{attribute.key: deepcopy(getattr(definition, attribute.key))
                                for attribute in inspect(ProcessDefinition).column_attrs
                                if attribute.key not in unloaded})
    make_transient_to_detached(copy)
    if len(_KEPT) >= _KEPT_LIMIT:
        _KEPT.clear()  # an office has a few dozen versions: starting over costs a statement a version, once
    _KEPT[(definition.id, definition.nonce)] = copy
