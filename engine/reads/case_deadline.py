"""A case's statutory deadline as it was derived (engine.calendar.deadline_story), on the calendar in force with
the office's overrides: what the case page shows and `GET /process-instances/{id}/deadline` returns."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.calendar import overrides
from engine.calendar.deadline_story import Story, story
from engine.context import EngineContext


def of_case(session: Session, ctx: EngineContext, instance: ProcessInstance, language: str) -> Story | None:
    """The derivation of the case's deadline, holidays named in `language`; None for a case that keeps none."""
    data = instance.data or {}
    return story(data.get("deadline"), overrides.current(session, ctx), language, closed_at=instance.completed_at,
                 catalogs=ctx.settings.catalogs)
