"""The media plan as an iCalendar feed (RFC 5545), built with the `icalendar` library: one VEVENT an entry with a
stable UID, DTSTAMP and LAST-MODIFIED (the entry's last change), SEQUENCE (its count of changes), STATUS
(CONFIRMED; TENTATIVE while postponed without a new time; CANCELLED), SUMMARY, DESCRIPTION, LOCATION, CATEGORIES
(the format), times in the office's time zone with its VTIMEZONE, and an all-day entry as dates.

The words in it (the format, "open to the press", the status) come from the caller in the reader's language: the
engine knows no catalogs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from db.models import MediaPlanEntry
from db.vocabulary import MediaPlanStatus
from engine.people import unit_names
from engine.people.media_plan import first_day, last_day

PRODID = "-//Jarchy//Media plan//EN"


@dataclass(frozen=True)
class FeedWords:
    """The feed's words in its reader's language."""

    calendar_name: str
    formats: Mapping[str, str]
    statuses: Mapping[str, str]
    official: str
    unit: str
    open_to_press: str
    closed_to_press: str
    reason: str
    language: str = "en"  # the reader's interface language: a unit is named in it where it has a name in it


def ical_status(row: MediaPlanEntry) -> str:
    if row.status == MediaPlanStatus.CANCELLED:
        return "CANCELLED"
    if row.status == MediaPlanStatus.POSTPONED and row.postponed_from == row.starts_at:
        return "TENTATIVE"  # postponed until a date is fixed
    return "CONFIRMED"


def _description(row: MediaPlanEntry, words: FeedWords) -> str:
    lines = [f"{words.official}: {row.official}", words.formats.get(str(row.format), str(row.format)),
             words.open_to_press if row.open_to_press else words.closed_to_press]
    if row.unit is not None:
        lines.append(f"{words.unit}: {unit_names.name_in(row.unit, words.language)[0]}")
    if row.status != MediaPlanStatus.PLANNED:
        status = words.statuses.get(str(row.status), str(row.status))
        lines.append(f"{status}" + (f" ({words.reason}: {row.status_reason})" if row.status_reason else ""))
    if row.description:
        lines += ["", row.description]
    return "\n".join(lines)


def feed(rows: list[MediaPlanEntry], timezone: ZoneInfo, words: FeedWords) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", words.calendar_name)
    calendar.add("x-wr-timezone", timezone.key)
    for row in rows:
        event = Event()
        event.add("uid", row.uid)
        event.add("dtstamp", row.updated_at)
        event.add("created", row.created_at)
        event.add("last-modified", row.updated_at)
        event.add("sequence", row.sequence)
        event.add("summary", f"{row.title} ({row.official})")
        if row.all_day:
            event.add("dtstart", first_day(row, timezone))
            event.add("dtend", last_day(row, timezone) + timedelta(days=1))
        else:
            event.add("dtstart", row.starts_at.astimezone(timezone))
            event.add("dtend", row.ends_at.astimezone(timezone))
        if row.place:
            event.add("location", row.place)
        event.add("description", _description(row, words))
        event.add("categories", [words.formats.get(str(row.format), str(row.format))])
        event.add("status", ical_status(row))
        event.add("class", "PUBLIC" if row.open_to_press else "CONFIDENTIAL")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
