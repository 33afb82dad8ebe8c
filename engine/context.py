"""What every engine operation runs with: settings, the clock, the business calendar, the sandbox, the file store.

Built once per process (web app, worker, CLI) and passed down; nothing here is global."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.calendar.days import BusinessCalendar
from engine.core import jurisdiction
from engine.core.jurisdiction import Profile
from engine.core.settings import Settings
from engine.files.opening import open_store
from engine.files.store import FileStore
from engine.spiff import clock as clock_module
from engine.spiff.clock import Clock, SystemClock
from engine.spiff.requester_texts import RequesterTexts
from engine.spiff.sandbox_bounds import Limits, make_script_engine
from engine.spiff.script_functions import OfficeFunctions, Overrides, overrides_of


@dataclass
class EngineContext:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    calendar: BusinessCalendar | None = None
    calendar_fingerprint: tuple[Any, ...] | None = field(default=None, init=False, repr=False)
    jurisdiction: Profile = field(init=False, repr=False)
    _requester_texts: RequesterTexts = field(init=False, repr=False)
    _clocks: tuple[tuple[tuple[str, bool, int, str], ...], int] = field(init=False, repr=False)
    _script_engine: PythonScriptEngine | None = field(default=None, init=False, repr=False)
    _overrides: tuple[BusinessCalendar, Overrides] | None = field(default=None, init=False, repr=False)
    _files: FileStore | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Read at start: a malformed profile stops the process with a message naming its file and key.
        self.jurisdiction = jurisdiction.load(self.settings.jurisdiction_key)
        self._requester_texts = RequesterTexts.of(self.jurisdiction, self.settings.publication_languages[0])
        self._clocks = _clocks(self.jurisdiction, self.settings.request_deadline_days)
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
            settings = self.settings
            self._script_engine = make_script_engine(self.script_functions, Limits(
                settings.script_seconds, settings.script_memory_mb, settings.script_operation_seconds))
        return self._script_engine

    @property
    def files(self) -> FileStore:
        """Where attachments' bytes are kept (JARCHY_FILES_URL), opened when first needed."""
        if self._files is None:
            self._files = open_store(self.settings.files_location)
        return self._files

    def use_overrides(self, overrides: Mapping[date, tuple[bool, str]]) -> None:
        """Replace the administrators' overrides (the package's holidays stay)."""
        self.calendar = BusinessCalendar(self.settings.country, self.settings.timezone, overrides,
                                         workday_end=self.settings.workday_end)

    def script_functions(self) -> OfficeFunctions:
        """What scripts and expressions may call besides the case data, as of now: the calendar as it stands
        (an administrator's change applies at once) and the clock of the operation under way."""
        cal = self.cal
        if self._overrides is None or self._overrides[0] is not cal:
            self._overrides = (cal, overrides_of(cal))
        settings = self.settings
        return OfficeFunctions(
            country=cal.country, timezone=cal.timezone.key, workday_end=cal.workday_end,
            overrides=self._overrides[1], moment=clock_module.active(self.clock).now(),
            request_deadline_days=self._clocks[1],
            request_extension_days=settings.request_extension_days,
            response_observation_days=settings.response_observation_days,
            publication_languages=tuple(settings.publication_languages),
            requester_texts=self._requester_texts, clocks=self._clocks[0])


def _clocks(profile: Profile, media_days: int | None) -> tuple[tuple[tuple[str, bool, int, str], ...], int]:
    """The profile's clocks, with the media request's set to `JARCHY_REQUEST_DEADLINE_DAYS` working days where that
    is set; and the media request's working days as scripts read them (`REQUEST_DEADLINE_DAYS`)."""
    clocks = profile.clocks()
    if media_days is not None:
        clocks = tuple(c for c in clocks if c[0] != "information_request") + (
            ("information_request", False, media_days, "working_days"),)
    media = next((c for c in clocks if c[0] == "information_request" and not c[1]), None)
    return clocks, media[2] if media is not None and media[3] == "working_days" else 14
