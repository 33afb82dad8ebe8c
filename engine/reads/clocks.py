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


@dataclass(frozen=True)
class CaseClock:
    process_key: str
    unit: str  # working_days, calendar_days or hours; working_days for a case with no statutory deadline
    urgent: bool
    statutory: bool  # the case keeps a statutory deadline (`deadline` in its data)
    due_at: datetime | None


def of_cases(session: Session, instance_ids: Iterable[int]) -> dict[int, CaseClock]:
    ids = sorted(set(instance_ids))
    if not ids:
        return {}
    deadline = ProcessInstance.data["deadline"]
    rows = session.execute(select(
        ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.due_at,
        deadline["unit"].as_string(), deadline["urgent"].as_boolean(), deadline["from"].as_string(),
    ).where(ProcessInstance.id.in_(ids)))
    return {row[0]: CaseClock(process_key=row[1], unit=row[3] or "working_days", urgent=bool(row[4]),
                              statutory=row[5] is not None, due_at=row[2]) for row in rows}
