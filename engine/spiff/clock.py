"""The one clock of the engine. Tests move it instead of sleeping.

SpiffWorkflow reads `datetime.now(timezone.utc)` inside its timer module; we point that module at a
`datetime` whose `now()` asks the clock of the operation under way (a context variable), so that a
timer's due moment and its firing follow the same clock as everything else."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, **delta: float) -> datetime:
        self._at = self._at + timedelta(**delta)
        return self._at


_current: ContextVar[Clock | None] = ContextVar("jarchy_clock", default=None)


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[None]:
    """Make `clock` the one SpiffWorkflow's timers read while the block runs."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


def active(default: Clock) -> Clock:
    """The clock of the operation under way (a timer sweep fires as of its own moment), else `default`."""
    return _current.get() or default


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _current.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)


_spiff_timer.datetime = _ClockedDatetime
