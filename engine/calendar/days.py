"""Business calendar of a press office: working days, deadlines counted in working days.

What comes from the `holidays` package: the public holidays of the country and its
`is_working_day`, which also knows the days moved by decree (a Saturday worked to bridge a holiday,
e.g. UZ 2026-12-12 for the day off on 2026-12-31), so a working day is *not* "weekday and not a
holiday". What is hand-written here, because the package has no notion of it: administrators'
overrides (which win both ways), the office time zone (a deadline instant is turned into the office's
local date before counting), the end of the working day, counting working days forwards and
backwards with a bound, and the reason texts. Pure: no Flask, no database.

Holiday names are asked for in `en_US` explicitly: with no language the package picks the
translation from the process locale (LANG), so names would change with the server's environment.
`holiday_names` gives them in a reader's language: the package's translation where it has one for the country,
else the catalogs' reviewed names (engine.calendar.holiday_names). A day's `kind` (and, for a weekend day worked
by decree, the day off it was moved to) is what a page words; the English `reason` is for the API.
One holiday object per country is cached for the process and grows year by year (under a lock).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from holidays import HolidayBase

from engine.calendar.holiday_names import COUNTRY_NAMES, LABELS, SUBSTITUTED, worded
from engine.core.words import Words, words

MAX_SPAN_DAYS = 3660  # about 10 years: the bound of every search and range
_LANGUAGE = "en_US"
_lock = threading.Lock()
_by_country: dict[str, HolidayBase] = {}

DateLike = date | datetime | str


@dataclass(frozen=True)
class CalendarDay:
    date: date
    working: bool
    reason: str | None  # in English (the API's); a page words `kind`
    kind: str  # BusinessCalendar.kind: what a page words
    day_off_on: date | None  # a weekend day worked by decree: the day off it was moved to


def _names_language(package_language: str) -> str:
    """The pages' language (engine.core.settings.LANGUAGES) a package translation serves.

    The package's `uz` is Uzbek in Latin script, so it serves the pages' `uz-Latn`; the pages' `uz` is Uzbek in
    Cyrillic, which the package would name `uz_Cyrl` (it has none for Uzbekistan: those pages show the catalogs'
    reviewed names, engine.calendar.holiday_names, rather than a transliteration made at run time)."""
    if package_language in ("uz", "uz_Latn"):
        return "uz-Latn"
    return "uz" if package_language == "uz_Cyrl" else package_language.split("_")[0]


def _country_holidays(country: str, language: str | None = None) -> HolidayBase:
    """The country's holidays named in `language` (an ISO 639-1 code such as "ru") where the package translates
    them for that country, else in English."""
    with _lock:
        found = _by_country.get(f"{country}/{language}")
        if found is None:
            try:
                probe = holidays.country_holidays(country, years=[])
            except NotImplementedError as exc:
                raise ValueError(f"unknown country code {country!r} for public holidays") from exc
            supported = sorted(probe.supported_languages)
            wanted = next((s for s in supported if language and _names_language(s) == language), None)
            name_language = wanted or (_LANGUAGE if _LANGUAGE in supported else probe.default_language)
            found = holidays.country_holidays(country, years=[], language=name_language)
            _by_country[f"{country}/{language}"] = found
        return found


# The package's attribute holding each of its labels (engine.calendar.holiday_names.LABELS), in its source language.
PACKAGE_LABELS = {" (observed, estimated)": "observed_estimated_label", " (observed)": "observed_label",
                  " (estimated)": "estimated_label"}


class BusinessCalendar:
    def __init__(
        self,
        country: str = "KG",
        timezone: str = "Asia/Bishkek",
        overrides: Mapping[date, tuple[bool, str]] | None = None,
        workday_end: time = time(18, 0),
    ) -> None:
        self.country = country.strip().upper()
        try:
            self.timezone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}") from exc
        self.workday_end = workday_end
        self._holidays = _country_holidays(self.country)
        self.package_languages = frozenset(_names_language(s) for s in self._holidays.supported_languages)
        self._overrides: dict[date, tuple[bool, str]] = {}
        for key, (working, why) in (overrides or {}).items():
            self._overrides[self.local_date(key)] = (bool(working), str(why or ""))

    def overrides(self) -> dict[date, tuple[bool, str]]:
        """The administrators' overrides by office-local date: (working, reason)."""
        return dict(self._overrides)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.country!r}, {self.timezone.key!r}, {len(self._overrides)} overrides)"

    # --- dates -------------------------------------------------------------------------------------
    def local_date(self, value: DateLike) -> date:
        """The office-local date of `value`; naive datetimes are taken as office-local."""
        if isinstance(value, str):
            text = value.strip()
            try:
                value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
            except ValueError as exc:
                raise ValueError(f"not an ISO date or datetime: {value!r}") from exc
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self.timezone)
            return value.date()
        if isinstance(value, date):
            return value
        raise TypeError(f"expected a date, datetime or ISO string, got {type(value).__name__}")

    def _ensure_years(self, day: date) -> None:
        # Substituted days may cross a year boundary: populate the neighbours too.
        h = self._holidays
        missing = [y for y in (day.year - 1, day.year, day.year + 1) if 0 < y < 10000 and y not in h.years]
        if missing:
            with _lock:
                for year in missing:
                    if year not in h.years:
                        _ = date(year, 1, 1) in h  # expand=True: the package populates the year

    # --- verdicts ----------------------------------------------------------------------------------
    def is_working_day(self, day: DateLike) -> bool:
        d = self.local_date(day)
        if d in self._overrides:
            return self._overrides[d][0]
        self._ensure_years(d)
        return self._holidays.is_working_day(d)

    def reason(self, day: DateLike) -> str | None:
        d = self.local_date(day)
        if d in self._overrides:
            working, why = self._overrides[d]
            return why or ("working day by override" if working else "day off by override")
        self._ensure_years(d)
        h = self._holidays
        weekend = h.is_weekend(d)
        if h.is_working_day(d):
            return self._worked_by_decree(d) if weekend else None
        names = h.get_list(d)
        if names:
            return "; ".join(names)
        return "weekend" if weekend else "day off"

    def kind(self, day: DateLike) -> str:
        """Why `day` counts or not, as a word a page translates: `working`, `weekend`, `holiday`, `day_off`,
        `worked_by_decree` (a weekend day worked), `office_day_off` / `office_working_day` (an override)."""
        d = self.local_date(day)
        if d in self._overrides:
            return "office_working_day" if self._overrides[d][0] else "office_day_off"
        self._ensure_years(d)
        h = self._holidays
        if h.is_working_day(d):
            return "worked_by_decree" if h.is_weekend(d) else "working"
        if h.get_list(d):
            return "holiday"
        return "weekend" if h.is_weekend(d) else "day_off"

    def holiday_names(self, day: DateLike, language: str, catalogs: Path | None = None) -> list[str]:
        """The public holidays of `day` named in `language`: the package's names where it translates them for the
        country, else the reviewed names of the compiled `catalogs` (`Settings.catalogs`; English without)."""
        d = self.local_date(day)
        self._ensure_years(d)
        h = self._holidays
        with _lock:
            english = list(h.get_list(d))
        said = words(language, catalogs)
        date_format = h.tr(h.substituted_date_format)
        if language in self.package_languages:
            named = _country_holidays(self.country, language)
            with _lock:
                translated = list(named.get_list(d))
            # A day off moved by decree, and a holiday's "(observed)" or "(estimated)", are worded as on every
            # install, with the catalogs' reviewed labels and the date in the reader's words: the package writes a
            # numeric date of its own ("Выходной (перенесено с 08.01.2024)") and labels of its own ("көрүлгөн
            # күнү"). The holiday itself keeps the package's name, the country's own.
            if len(translated) == len(english):
                return [self._labelled(e, t, named, said, date_format)
                        for e, t in zip(english, translated, strict=True)]
            return translated
        return [worded(name, said, date_format, self.country) for name in english]

    def _labelled(self, english: str, translated: str, named: HolidayBase, said: Words, date_format: str) -> str:
        if SUBSTITUTED.fullmatch(english):
            return worded(english, said, date_format)
        for label, message in LABELS:
            if english.endswith(label):
                base = english.removesuffix(label)
                # The package's own label in the reader's language ("%s (көрүлгөн күнү)") taken off its name.
                form = named.tr(getattr(named, PACKAGE_LABELS[label], "") or "")
                prefix, found, suffix = form.partition("%s")
                own = self._country_name(base, said)
                if own is None and found and suffix and translated.startswith(prefix) and translated.endswith(suffix):
                    own = translated[len(prefix):len(translated) - len(suffix)]
                return said(message, holiday=own) if own is not None else translated
        return self._country_name(english, said) or translated

    def _country_name(self, english: str, said: Words) -> str | None:
        """The catalogs' name of a holiday several countries share, with this country's name in it; None where
        the catalogs give none."""
        if (self.country, english) not in COUNTRY_NAMES:
            return None
        text = said.name_in(self.country, english)
        return text if text != said.name(english) else None

    def day_off_on(self, day: DateLike) -> date | None:
        """For a weekend day worked by decree, the day off it was moved to (the package names only that day off,
        "Day off (substituted from 12/12/2026)"); None for any other day, or where the package does not say."""
        d = self.local_date(day)
        if d in self._overrides or self.kind(d) != "worked_by_decree":
            return None
        h = self._holidays
        try:
            stamp = d.strftime(h.tr(h.substituted_date_format))
        except (AttributeError, TypeError):
            return None
        with _lock:
            near = sorted(k for k in h if abs((k - d).days) <= 400)
            return next((k for k in near if any(stamp in n for n in h.get_list(k))), None)

    def _worked_by_decree(self, d: date) -> str:
        """A weekend day worked by decree, in English: the day off it was moved to, as the package names it."""
        moved_to = self.day_off_on(d)
        if moved_to is None:
            return "working day by decree"
        named = next(n for n in self._holidays.get_list(moved_to) if d.strftime(
            self._holidays.tr(self._holidays.substituted_date_format)) in n)
        return f"working day by decree: {named} on {moved_to.isoformat()}"

    # --- counting ----------------------------------------------------------------------------------
    def add_working_days(self, start: DateLike, days: int) -> date:
        """The `days`-th working day after (or, negative, before) start's local date; start never counts."""
        d = self.local_date(start)
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        walked = 0
        while remaining:
            d += timedelta(days=step)
            walked += 1
            if walked > MAX_SPAN_DAYS:
                raise ValueError(f"no {abs(days)} working days within {MAX_SPAN_DAYS} days of {start!r}")
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: DateLike, b: DateLike) -> int:
        """Working days d with a < d <= b; negative (antisymmetric) when b is before a."""
        first, last = self.local_date(a), self.local_date(b)
        if last < first:
            return -self.working_days_between(last, first)
        span = (last - first).days
        if span > MAX_SPAN_DAYS:
            raise ValueError(f"range over {MAX_SPAN_DAYS} days")
        return sum(self.is_working_day(first + timedelta(days=i)) for i in range(1, span + 1))

    def end_of_working_day(self, day: DateLike) -> datetime:
        return datetime.combine(self.local_date(day), self.workday_end, tzinfo=self.timezone)

    def days(self, start: DateLike, end: DateLike) -> list[CalendarDay]:
        """One CalendarDay a day, both ends included."""
        first, last = self.local_date(start), self.local_date(end)
        if last < first:
            raise ValueError("end is before start")
        count = (last - first).days + 1
        if count > MAX_SPAN_DAYS:
            raise ValueError(f"range over {MAX_SPAN_DAYS} days")
        out = []
        for i in range(count):
            d = first + timedelta(days=i)
            out.append(CalendarDay(d, self.is_working_day(d), self.reason(d), self.kind(d), self.day_off_on(d)))
        return out

    def with_overrides(self, overrides: Mapping[date, tuple[bool, str]]) -> BusinessCalendar:
        """A new calendar with these overrides on top of the current ones (the new ones win)."""
        merged: dict[DateLike, tuple[bool, str]] = dict(self._overrides)
        merged.update({self.local_date(k): v for k, v in overrides.items()})
        return BusinessCalendar(self.country, self.timezone.key, merged, self.workday_end)
