"""What scripts and expressions may call besides the case's data: the business calendar, the statutory clock,
the engine clock's `now()` and the deployment's constants.

Scripts run in a sandbox process (engine.spiff.sandbox_process), so what they call is described here as plain data
(`OfficeFunctions`: the calendar's country, time zone, working-day end and administrators' overrides, the
clock's moment when the evaluation began, the constants) that crosses to that process with every evaluation
and is turned into functions there. A change of the calendar applies at the next evaluation. Hand-written:
it only binds our calendar and deadline rules to a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from engine.calendar import deadlines
from engine.calendar.days import BusinessCalendar
from engine.spiff.requester_texts import RequesterTexts

Overrides = tuple[tuple[date, bool, str], ...]


@lru_cache(maxsize=8)
def _calendar(country: str, zone: str, overrides: Overrides, workday_end: time) -> BusinessCalendar:
    return BusinessCalendar(country, zone, {day: (working, why) for day, working, why in overrides},
                            workday_end=workday_end)


def overrides_of(cal: BusinessCalendar) -> Overrides:
    return tuple(sorted((day, working, why) for day, (working, why) in cal.overrides().items()))


# The names `OfficeFunctions.build` gives scripts and expressions (deploy-time checks read them: a name among these
# is never case data).
FUNCTION_NAMES = frozenset({
    "add_working_days", "working_days_between", "is_working_day", "end_of_working_day", "now", "start_deadline",
    "statutory_deadline", "deadline_due", "pause_deadline", "resume_deadline", "refusal_notice", "requester_letter",
    "REQUEST_DEADLINE_DAYS", "REQUEST_EXTENSION_DAYS", "RESPONSE_OBSERVATION_DAYS", "PUBLICATION_LANGUAGES",
    "date", "datetime", "timedelta", "timezone"})


@dataclass(frozen=True)
class OfficeFunctions:
    country: str
    timezone: str
    workday_end: time
    overrides: Overrides
    moment: datetime  # the engine clock's now() when the evaluation began (aware)
    request_deadline_days: int
    request_extension_days: int
    response_observation_days: int
    # The jurisdiction profile's clocks (engine.core.jurisdiction.Profile.clocks), the media request's overridden
    # where JARCHY_REQUEST_DEADLINE_DAYS is set.
    clocks: tuple[tuple[str, bool, int, str], ...]
    publication_languages: tuple[str, ...]
    requester_texts: RequesterTexts

    def office_now(self) -> datetime:
        """The moment in the office's time zone: what `date.today()` and `datetime.now()` read in scripts."""
        return self.moment.astimezone(ZoneInfo(self.timezone))

    def build(self) -> dict[str, Any]:
        cal = _calendar(self.country, self.timezone, self.overrides, self.workday_end)
        moment = self.moment

        def add_working_days(start: Any, days: int) -> str:
            return cal.add_working_days(start, days).isoformat()

        def working_days_between(a: Any, b: Any) -> int:
            return cal.working_days_between(a, b)

        def is_working_day(day: Any) -> bool:
            return cal.is_working_day(day)

        def end_of_working_day(day: Any) -> str:
            return cal.end_of_working_day(day).isoformat()

        def now() -> datetime:
            return moment

        def start_deadline(start: Any, days: int) -> dict[str, Any]:
            return deadlines.start(start, days, cal)

        def statutory_deadline(process_key: str, received: Any, urgent: bool = False) -> dict[str, Any]:
            """The deadline the law in force gives the procedure, on its urgent track when asked and the law has one."""
            tracks = {(key, is_urgent): (amount, unit) for key, is_urgent, amount, unit in self.clocks}
            clock = tracks.get((process_key, bool(urgent))) or tracks.get((process_key, False))
            if clock is None:
                raise ValueError(f"the jurisdiction profile in force sets no deadline for {process_key!r}")
            on_urgent_track = bool(urgent) and (process_key, True) in tracks
            return deadlines.start(received, clock[0], cal, clock[1], urgent=on_urgent_track)

        def deadline_due(deadline: dict[str, Any]) -> str:
            return deadlines.due(deadline, cal)

        def pause_deadline(deadline: dict[str, Any]) -> dict[str, Any]:
            return deadlines.pause(deadline, moment)

        def resume_deadline(deadline: dict[str, Any]) -> dict[str, Any]:
            return deadlines.resume(deadline, moment, cal)

        texts = self.requester_texts


        def refusal_notice(ground: str) -> dict[str, str]:
            return texts.refusal(ground)

        def requester_letter(outcome: str, answer: str | None, refusal: dict[str, Any] | None,
                             withheld: str | None) -> str:
            return texts.letter(outcome, answer, refusal, withheld)

        return {
            "add_working_days": add_working_days,
            "working_days_between": working_days_between,
            "is_working_day": is_working_day,
            "end_of_working_day": end_of_working_day,
            "now": now,
            "start_deadline": start_deadline,
            "statutory_deadline": statutory_deadline,
            "deadline_due": deadline_due,
            "pause_deadline": pause_deadline,
            "resume_deadline": resume_deadline,
            "refusal_notice": refusal_notice,
            "requester_letter": requester_letter,
            "REQUEST_DEADLINE_DAYS": self.request_deadline_days,
            "REQUEST_EXTENSION_DAYS": self.request_extension_days,
            "RESPONSE_OBSERVATION_DAYS": self.response_observation_days,
            "PUBLICATION_LANGUAGES": list(self.publication_languages),
            "date": date,
            "datetime": datetime,
            "timedelta": timedelta,
            "timezone": timezone,
        }
