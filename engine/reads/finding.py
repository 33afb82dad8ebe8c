"""Finding work: the words, filters and order shared by the inbox and the cases list (issue 16, point 1).

Words search the cases' full-text index (db.models.case_words), made the way the archive's are (db.search_terms,
engine.reads.archive): every word must match, and a word of three or more letters also finds the longer words it
begins. Filters: the case's unit, a due window (overdue, due today, due this week, or a range of days in the office's
time zone) and who holds the work (me, nobody, a user). `sort` names a shown column, `-` before it for descending;
rows that tie keep the order of their ids. A value the list does not know is refused, naming its field."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, literal, literal_column, select, table
from sqlalchemy.orm import Session

from db.models import CaseWords, HumanTask, ProcessInstance, User
from db.models.case_words import CASE_FTS_TABLE, CASE_VECTOR_COLUMN
from db.search_terms import words
from db.session import is_postgresql
from engine.people.list_search import Find
from engine.reads.fulltext import PREFIX_FROM, fts5_phrase, tsquery


def matching_cases(session: Session, asked: str | None) -> Select[Any] | None:
    """The ids of the cases whose words hold every word asked; None when no word is asked."""
    terms = words(asked)
    if not terms:
        return None
    if is_postgresql(session):
        vector = literal_column(f"{CaseWords.__tablename__}.{CASE_VECTOR_COLUMN}")
        return select(CaseWords.instance_id).where(vector.op("@@")(tsquery(terms)))
    fts = table(CASE_FTS_TABLE, column("rowid"))
    return select(fts.c.rowid).where(literal_column(CASE_FTS_TABLE).op("MATCH")(fts5_phrase(terms)))


def case_holds_words(session: Session, asked: str | None, instance_id: Any) -> ColumnElement[bool] | None:
    """Whether the case `instance_id` names holds every word asked, checked on that case's own words; None when no
    word is asked. For a list whose rows are few whatever the archive holds (the open tasks of an inbox): each row
    reads its case's words by key, where `matching_cases` would list every case in the archive that holds the word,
    a tenth of 100,000 cases for an outlet's name (tests/perf/bench_inbox.py). The same words match: on PostgreSQL the
    same tsquery on the case's tsvector; on SQLite the index words (db.search_terms), one space between, compared as
    FTS5 compares them, a word of PREFIX_FROM letters or more as the start of a word, a shorter one as a whole word
    (the words hold letters and digits only, so no LIKE wildcard)."""
    terms = words(asked)
    if not terms:
        return None
    if is_postgresql(session):
        vector = select(literal_column(f"{CaseWords.__tablename__}.{CASE_VECTOR_COLUMN}")).select_from(
            CaseWords).where(CaseWords.instance_id == instance_id).scalar_subquery()
        return vector.op("@@")(tsquery(terms))  # type: ignore[no-any-return]
    held = literal(" ") + select(CaseWords.words).where(CaseWords.instance_id == instance_id).scalar_subquery() \
        + literal(" ")
    return and_(*(held.like(f"% {t}%" if len(t) >= PREFIX_FROM else f"% {t} %") for t in terms))


def due_window(find: Find, due_at: Any, now: datetime, tz: tzinfo) -> list[ColumnElement[bool]]:
    """The due filters as conditions on `due_at`: a week is Monday to Sunday, days are the office's."""
    where: list[ColumnElement[bool]] = []
    today = now.astimezone(tz).date()
    if find.due == "overdue":
        where.append(due_at < now)
    elif find.due == "today":
        where += [due_at >= _midnight(today, tz), due_at < _midnight(today, tz, days=1)]
    elif find.due == "week":
        monday = today - timedelta(days=today.weekday())
        where += [due_at >= _midnight(monday, tz), due_at < _midnight(monday, tz, days=7)]
    if find.due_from:
        where.append(due_at >= _midnight(find.due_from, tz))
    if find.due_to:
        where.append(due_at < _midnight(find.due_to, tz, days=1))
    return where


EARLIEST, LATEST = date(1900, 1, 1), date(9999, 12, 1)  # a day asked outside them means "from ever", "until ever"


def _midnight(day: date, tz: tzinfo, days: int = 0) -> datetime:
    """The start of `day` (plus `days`) in `tz`; a year 1 or 9999 would overflow on its way to UTC."""
    return datetime.combine(min(max(day, EARLIEST), LATEST) + timedelta(days=days), time.min, tzinfo=tz)


def ordered(query: Select[Any], by: Any, descending: bool, tie: Any) -> Select[Any]:
    """`by` ascending or descending, empty values last either way, ties by `tie` in the same direction."""
    if descending:
        return query.order_by(by.desc().nulls_last(), tie.desc())
    return query.order_by(by.asc().nulls_last(), tie.asc())


def unit_cases(unit: str) -> Select[Any]:
    return select(ProcessInstance.id).where(ProcessInstance.unit_key == unit)


def held_by(user: User | None) -> ColumnElement[bool]:
    """Open work held by `user`, or by nobody when None."""
    return HumanTask.assignee_id.is_(None) if user is None else HumanTask.assignee_id == user.id
