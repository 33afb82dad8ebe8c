"""The statutory clock each case runs on, read in one statement for a page of tasks: its unit (working days,
calendar days, hours), whether it is the urgent track, and the case's due moment, so that a task's due date can be
read as "N working days left" and tied to its legal ground."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.reads import in_session


@dataclass(frozen=True)
class CaseClock:
    process_key: str
    unit: str  # working_days, calendar_days or hours; working_days for a case with no statutory deadline
    urgent: bool
    statutory: bool  # the case keeps a statutory deadline (`deadline` in its data)
    due_at: datetime | None


def of_cases(session: Session, instance_ids: Iterable[int]) -> dict[int, CaseClock]:
    """The cases' clocks: of a case the session holds, from its row as held; of the others, in one statement."""
    held = {i: of_case(case) for i, case in in_session.held(session, ProcessInstance, set(instance_ids)).items()}
    ids = sorted(set(instance_ids) - held.keys())
    if not ids:
        return held
    deadline = ProcessInstance.data["deadline"]
    rows = session.execute(select(
        ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.due_at,
        deadline["unit"].as_string(), deadline["urgent"].as_boolean(), deadline["from"].as_string(),
    ).where(ProcessInstance.id.in_(ids)))
    return held | {row[0]: CaseClock(process_key=row[1], unit=row[3] or "working_days", urgent=bool(row[4]),
                                     statutory=row[5] is not None, due_at=row[2]) for row in rows}


def of_case(case: ProcessInstance) -> CaseClock:
    """The clock of a case in hand, read from its data as `of_cases` reads it from the column."""
    deadline = (case.data or {}).get("deadline")
    deadline = deadline if isinstance(deadline, dict) else {}
    unit = deadline.get("unit")
    return CaseClock(process_key=case.process_key, unit=unit if isinstance(unit, str) and unit else "working_days",
                     urgent=deadline.get("urgent") is True, statutory=deadline.get("from") is not None,
                     due_at=case.due_at)
