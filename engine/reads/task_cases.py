"""The cases of the tasks a list shows, read with what presenting their forms and clocks asks next: each case's
version's nonce (engine.procedures.case_definition keeps a deployed version by it, so the version is not read
again) and the calendar overrides' fingerprint (engine.calendar.overrides). One statement for what were three on
every inbox page."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.calendar import overrides
from engine.procedures import case_definition

# Built once: every inbox page runs it (see engine.runtime.steps._LOCKS for why).
_CASES = select(ProcessInstance, case_definition.along(), *overrides.fingerprint()) \
    .where(ProcessInstance.id.in_(bindparam("ids", expanding=True)))


def read(session: Session, ids: Iterable[int]) -> dict[int, ProcessInstance]:
    """The cases by id (those not found left out), their versions' nonces and the calendar's fingerprint read
    along for this transaction."""
    rows = session.execute(_CASES, {"ids": sorted(ids)}).all()
    for row in rows:
        case_definition.read_along(session, row[0].definition_id, row[1])
    if rows:
        overrides.read_along(session, tuple(rows[0][2:]))
    return {row[0].id: row[0] for row in rows}
