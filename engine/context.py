"""What every engine operation runs with: settings, the clock, the business calendar and the sandbox.

Built once per process (web app, worker, CLI) and passed down; nothing here is global."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine import clock as clock_module
from engine import deadlines
from engine.calendar import BusinessCalendar
from engine.clock import Clock, SystemClock
from engine.sandbox import make_script_engine
from engine.settings import Settings


@dataclass
class EngineContext:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    calendar: BusinessCalendar | None = None
    calendar_fingerprint: tuple[Any, ...] | None = field(default=None, init=False, repr=False)
    _script_engine: PythonScriptEngine | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.calendar is None:
            self.calendar = BusinessCalendar(self.settings.country, self.settings.timezone,
                                             workday_end=self.settings.workday_end)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def cal(self) -> BusinessCalendar:
        assert self.calendar is not None
        return self.calendar

    @property
    def script_engine(self) -> PythonScriptEngine:
        if self._script_engine is None:
            self._script_engine = make_script_engine(self.sandbox_functions())
        return self._script_engine

    def use_overrides(self, overrides: Mapping[date, tuple[bool, str]]) -> None:
        """Replace the administrators' overrides (the package's holidays stay)."""
        self.calendar = BusinessCalendar(self.settings.country, self.settings.timezone, overrides,
                                         workday_end=self.settings.workday_end)

    def sandbox_functions(self) -> dict[str, Any]:
        """What scripts and expressions may call besides the case data. They read the calendar at call
        time, so an administrator's change to it applies at once."""

        def add_working_days(start: Any, days: int) -> str:
            return self.cal.add_working_days(start, days).isoformat()

        def working_days_between(a: Any, b: Any) -> int:
            return self.cal.working_days_between(a, b)

        def is_working_day(day: Any) -> bool:
            return self.cal.is_working_day(day)

        def end_of_working_day(day: Any) -> str:
            return self.cal.end_of_working_day(day).isoformat()

        def now() -> datetime:
            return clock_module.active(self.clock).now()

        def start_deadline(start: Any, days: int) -> dict[str, Any]:
            return deadlines.start(start, days, self.cal)

        def deadline_due(deadline: dict[str, Any]) -> str:
            return deadlines.due(deadline, self.cal)

        def pause_deadline(deadline: dict[str, Any]) -> dict[str, Any]:
            return deadlines.pause(deadline, now())

        def resume_deadline(deadline: dict[str, Any]) -> dict[str, Any]:
            return deadlines.resume(deadline, now(), self.cal)

        settings = self.settings
        return {
            "add_working_days": add_working_days,
            "working_days_between": working_days_between,
            "is_working_day": is_working_day,
            "end_of_working_day": end_of_working_day,
            "now": now,
            "start_deadline": start_deadline,
            "deadline_due": deadline_due,
            "pause_deadline": pause_deadline,
            "resume_deadline": resume_deadline,
            "REQUEST_DEADLINE_DAYS": settings.request_deadline_days,
            "REQUEST_EXTENSION_DAYS": settings.request_extension_days,
            "PUBLICATION_LANGUAGES": list(settings.publication_languages),
            "date": date,
            "datetime": datetime,
            "timedelta": timedelta,
            "timezone": timezone,
        }
