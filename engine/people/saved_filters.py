"""Saved filters: a user's named query of the inbox or the cases list, theirs alone or shared with one of their
lanes (engine.people.access.lanes_of), and at most one of theirs their start page (docs/search.md).

A filter's `query` holds the list's parameters as the API takes them (GET /api/v1/tasks or /process-instances,
without paging); it is checked as the list would check it, so a saved filter always opens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import SavedFilter, User
from db.vocabulary import InstanceStatus, TaskStatus
from engine.calendar.periods import FIRST_YEAR, LAST_YEAR
from engine.core.errors import Code, Invalid, NotFound, problem
from engine.people import list_search
from engine.people.access import check_may_change_filter, lanes_of, readable_filters_clause

LISTS = ("inbox", "cases")
MAX_NAME = 100
MAX_VALUE = list_search.MAX_WORDS
# The cases list's filters a dashboard number opens it with (engine.reads.case_filters): days, and the one key
# that takes several values (a list of short texts).
CASE_DAYS = ("started_from", "started_to", "closed_from", "closed_to", "published_from", "published_to")
SEVERAL = ("outcome",)
MAX_SEVERAL = 10
# Each list's keys besides list_search.FIND_KEYS, and the values each takes (None: any short text).
OWN_KEYS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "inbox": {"status": (TaskStatus.OPEN.value, TaskStatus.COMPLETED.value), "process_key": None,
              "assigned": ("me", "unassigned", "anyone"), "overdue": ("true", "false")},
    "cases": {"status": tuple(s.value for s in InstanceStatus), "process_key": None,
              **dict.fromkeys(CASE_DAYS), "overdue": ("1", "0"), "no_unit": ("1",), "outcome": None, "tone": None},
}
SORTS = {"inbox": list_search.INBOX_SORTS, "cases": list_search.CASE_SORTS}


def readable(session: Session, user: User) -> list[SavedFilter]:
    """The user's own filters, then those shared with their lanes, each by name."""
    rows = session.scalars(select(SavedFilter).where(readable_filters_clause(user)).order_by(SavedFilter.name,
                                                                                             SavedFilter.id))
    return sorted(rows, key=lambda row: row.owner_id != user.id)


def get(session: Session, user: User, filter_id: int) -> SavedFilter:
    row = session.scalar(select(SavedFilter).where(SavedFilter.id == filter_id, readable_filters_clause(user)))
    if row is None:
        raise NotFound(f"no saved filter {filter_id}", code=Code.SAVED_FILTER_NOT_FOUND,
                       params={"filter_id": filter_id})
    return row


def start_page(session: Session, user: User) -> SavedFilter | None:
    return session.scalar(select(SavedFilter).where(SavedFilter.owner_id == user.id, SavedFilter.start.is_(True)))


def create(session: Session, user: User, *, name: str, list: str, query: dict[str, Any], lane: str | None = None,
           start: bool = False, at: datetime) -> SavedFilter:
    row = SavedFilter(owner_id=user.id, name="", list=list, query={}, start=False, created_at=at)
    _check_list(list)
    _apply(session, user, row, {"name": name, "query": query, "lane": lane, "start": start})
    session.add(row)
    session.flush()
    return row


def change(session: Session, user: User, filter_id: int, changes: dict[str, Any]) -> SavedFilter:
    """`changes`: any of name, query, lane, start."""
    row = get(session, user, filter_id)
    check_may_change_filter(user, row)
    _apply(session, user, row, changes)
    session.flush()
    return row


def delete(session: Session, user: User, filter_id: int) -> None:
    row = get(session, user, filter_id)
    check_may_change_filter(user, row)
    session.delete(row)
    session.flush()


def _check_list(name: str) -> None:
    if name not in LISTS:
        raise Invalid(f"list: one of {', '.join(LISTS)}", [problem("list", Code.NOT_ONE_OF, f"one of {LISTS}",
                                                                   choices=list(LISTS))], code=Code.INVALID_INPUT)


def _apply(session: Session, user: User, row: SavedFilter, changes: dict[str, Any]) -> None:
    found: list[dict[str, Any]] = []
    if "name" in changes:
        name = " ".join(str(changes["name"] or "").split())
        if not name:
            found.append(problem("name", Code.REQUIRED, "a name is needed"))
        elif len(name) > MAX_NAME:
            found.append(problem("name", Code.TOO_LONG, f"at most {MAX_NAME} characters", limit=MAX_NAME))
        elif session.scalar(select(SavedFilter.id).where(SavedFilter.owner_id == user.id, SavedFilter.name == name,
                                                         SavedFilter.id != row.id if row.id else True)):
            found.append(problem("name", Code.ALREADY_EXISTS, f"you have a filter named {name!r} already",
                                 value=name))
        else:
            row.name = name
    if "query" in changes:
        query = changes["query"] or {}
        found += query_problems(session, row.list, query)
        row.query = dict(query)
    if "lane" in changes:
        lanes = dict(lanes_of(user))
        if changes["lane"] is None:
            row.lane_role, row.lane_unit = None, None
        elif changes["lane"] in lanes:
            row.lane_role, row.lane_unit = changes["lane"], lanes[changes["lane"]]
        else:
            found.append(problem("lane", Code.NOT_ONE_OF, "one of your roles (with a unit where it needs one)",
                                 choices=sorted(lanes)))
    if found:
        raise Invalid("the saved filter has invalid fields: " + ", ".join(p["field"] for p in found), found,
                      code=Code.INVALID_INPUT)
    if changes.get("start"):
        # One start page a user: choosing one unsets the other.
        session.execute(update(SavedFilter).where(SavedFilter.owner_id == user.id, SavedFilter.id != row.id)
                        .values(start=False))
        row.start = True
    elif "start" in changes:
        row.start = False


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def query_problems(session: Session, list_name: str, query: Any) -> list[dict[str, Any]]:
    """What is wrong with a saved query of `list`, each field named `query.<key>`."""
    if not isinstance(query, dict):
        return [problem("query", Code.INVALID_INPUT, "an object of the list's parameters")]
    found: list[dict[str, Any]] = []
    own = OWN_KEYS[list_name]
    for key, value in query.items():
        if key not in own and key not in list_search.FIND_KEYS:
            # (`field` is problem()'s own first argument: the key goes into params by hand)
            found.append(problem(f"query.{key}", Code.UNKNOWN_FIELD, f"not a parameter of the {list_name} list")
                         | {"params": {"field": key}})
        elif key in SEVERAL and isinstance(value, list):
            if len(value) > MAX_SEVERAL:
                found.append(problem(f"query.{key}", Code.TOO_MANY, f"at most {MAX_SEVERAL} values",
                                     limit=MAX_SEVERAL))
            found += [problem(f"query.{key}.{i}", Code.TOO_LONG, f"text of at most {MAX_VALUE} characters",
                              limit=MAX_VALUE)
                      for i, one in enumerate(value) if not isinstance(one, str) or len(one) > MAX_VALUE]
        elif not isinstance(value, str) or len(value) > MAX_VALUE:
            found.append(problem(f"query.{key}", Code.TOO_LONG, f"text of at most {MAX_VALUE} characters",
                                 limit=MAX_VALUE))
        elif (choices := own.get(key)) and value not in choices:
            found.append(problem(f"query.{key}", Code.NOT_ONE_OF, f"one of {', '.join(choices)}",
                                 choices=[*choices]))
        elif list_name == "cases" and key in CASE_DAYS and (day := _day(value)) is None:
            found.append(problem(f"query.{key}", Code.NOT_A_DATE, "a date, YYYY-MM-DD", value=value))
        elif list_name == "cases" and key in CASE_DAYS and not FIRST_YEAR <= day.year <= LAST_YEAR:
            found.append(problem(f"query.{key}", Code.YEAR_OUT_OF_RANGE, f"between {FIRST_YEAR} and {LAST_YEAR}",
                                 first=FIRST_YEAR, last=LAST_YEAR))
    if found:
        return found
    asked: dict[str, Any] = {k: v for k, v in query.items() if k in list_search.FIND_KEYS}
    for key in ("due_from", "due_to"):
        if key in asked:
            try:
                asked[key] = date.fromisoformat(asked[key])
            except ValueError:
                return [problem(f"query.{key}", Code.NOT_A_DATE, "a date, YYYY-MM-DD", value=asked[key])]
    try:
        list_search.check(session, list_search.Find(**asked), SORTS[list_name])
    except Invalid as exc:
        return [p | {"field": f"query.{p['field']}"} for p in exc.errors]
    return []
