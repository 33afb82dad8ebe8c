"""Read-side queries: the inbox, case lists, timers and audit events, each an index query with paging."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, nulls_last, or_, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, HumanTask, ProcessInstance, Timer, User
from db.vocabulary import EventType, InstanceStatus, TaskStatus, TimerStatus
from engine.calendar.days import BusinessCalendar
from engine.core.paging import Paged, paged
from engine.people.access import (
    candidate_clause,
    check_may_read_all_tasks,
    may_read_all_tasks,
    readable_instances_clause,
)
from engine.people.list_search import CASE_SORTS, INBOX_SORTS, Find, check
from engine.reads import in_session
from engine.reads.case_filters import CaseFilters
from engine.reads.finding import (
    case_holds_words,
    due_window,
    held_by,
    matching_cases,
    ordered,
    unit_cases,
)
from engine.runtime import standing

SERIOUSLY_OVERDUE_DAYS = 5
# The inbox's tab of the tasks one completed lists, and counts on every page of the inbox, one's latest
# COMPLETED_COUNTED_UP_TO completed tasks (by case, newest first) that its filters keep, with the page's words
# among them; beyond them the count says "at least" and the list says there are older ones (found through the
# cases list). All one ever completed grows with the archive (222,224 tasks for the transport secretary at
# 1,000,000 finished cases), and so do the cases that hold a common word (100,000 hold an outlet's name): a list,
# a sort or a count over either is not flat with age (tests/perf/bench_inbox.py). The open tabs are whole.
COMPLETED_COUNTED_UP_TO = 1_000


def matches(column: Any, vocabulary: type[StrEnum], value: str) -> ColumnElement[bool]:
    """`column == value` for a value a reader asked for: a word the vocabulary does not hold matches nothing (the
    column would refuse to bind it, and a search for an unknown status or event type is not an error)."""
    try:
        return column == vocabulary(value)  # type: ignore[no-any-return]
    except ValueError:
        return false()


def inbox(session: Session, user: User, *, now: datetime, status: str = TaskStatus.OPEN, process_key: str | None = None,
          instance_id: int | None = None, assigned: str | None = None, overdue: bool | None = None,
          page: int = 1, per_page: int = 20, tz: tzinfo | None = None, **find: Any) -> Paged[HumanTask]:
    """`find`: the words, filters and order of engine.people.list_search.Find."""
    asked = Find(**find)
    someone = check(session, asked, INBOX_SORTS)
    filters: list[ColumnElement[bool]] = []
    if process_key:
        filters.append(HumanTask.process_key == process_key)
    if instance_id:
        filters.append(HumanTask.instance_id == instance_id)
    if overdue is True:
        filters.append(HumanTask.due_at < now)
    elif overdue is False:
        filters.append(or_(HumanTask.due_at.is_(None), HumanTask.due_at >= now))
    if status == TaskStatus.COMPLETED:
        done = [*filters, *_task_finding(session, user, asked, someone, now, tz, with_words=False)]
        window = _latest_completed(user, done, HumanTask.id).limit(COMPLETED_COUNTED_UP_TO)
        query = select(HumanTask).where(HumanTask.id.in_(window), *_words_only(session, asked))
        found = _sorted_page(session, query, asked.sort, page, per_page)
        beyond = bool(session.scalar(select(_more_completed(user, done))))
        return Paged(found.items, found.total, found.page, found.per_page, beyond=beyond)
    query = select(HumanTask).where(matches(HumanTask.status, TaskStatus, status), *filters)
    if assigned == "me":
        query = query.where(HumanTask.assignee_id == user.id)
    elif assigned == "unassigned":
        query = query.where(HumanTask.assignee_id.is_(None), candidate_clause(user))
    elif assigned == "anyone":
        # The office's open tasks, whoever holds them: for whoever reads every task (the PR head, to reassign).
        check_may_read_all_tasks(user)
    else:
        query = query.where(or_(HumanTask.assignee_id == user.id,
                                HumanTask.assignee_id.is_(None) & candidate_clause(user)))
    query = query.where(*_task_finding(session, user, asked, someone, now, tz))
    return _sorted_page(session, query, asked.sort, page, per_page)


def _sorted_page(session: Session, query: Select[Any], sort: str | None, page: int,
                 per_page: int) -> Paged[HumanTask]:
    """The page of the inbox's tasks `query` finds, earliest due first or in the order `sort` names."""
    if not sort:
        return paged(session, query.order_by(nulls_last(HumanTask.due_at.asc()), HumanTask.created_at, HumanTask.id),
                     page, per_page)
    name = sort.removeprefix("-")
    if name == "case":
        query = query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    elif name == "assignee":
        query = query.outerjoin(User, User.id == HumanTask.assignee_id)
    by = {"task": HumanTask.name, "case": ProcessInstance.business_key, "procedure": HumanTask.process_key,
          "due": HumanTask.due_at, "assignee": User.username, "created": HumanTask.created_at}[name]
    return paged(session, ordered(query, by, sort.startswith("-"), HumanTask.id), page, per_page)


def _words_only(session: Session, asked: Find) -> list[ColumnElement[bool]]:
    """The words of `asked`, each task's case checked by key."""
    holds = case_holds_words(session, asked.q, HumanTask.instance_id)
    return [] if holds is None else [holds]


def _latest_completed(user: User, done: list[ColumnElement[bool]], *columns: Any) -> Select[Any]:
    """`columns` of the tasks `user` completed that `done` keeps, newest case first (a case's tasks by id, so that
    the window is the same for a page and its count): read backwards from ix_human_tasks_completed_by
    (completed_by_id, status, instance_id, id) alone, so that a bound on it bounds what is read."""
    return select(*columns).where(HumanTask.status == TaskStatus.COMPLETED, HumanTask.completed_by_id == user.id,
                                  *done).order_by(HumanTask.instance_id.desc(), HumanTask.id.desc())


def _more_completed(user: User, done: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """Whether `user` completed more tasks that `done` keeps than the inbox lists and counts of them."""
    return _latest_completed(user, done, HumanTask.instance_id).offset(COMPLETED_COUNTED_UP_TO).limit(1).exists()


def _task_finding(session: Session, user: User, asked: Find, someone: User | None, now: datetime,
                  tz: tzinfo | None, *, with_words: bool = True) -> list[ColumnElement[bool]]:
    """The words and filters of `asked` as conditions on the inbox's tasks (the tabs' counts take the same); the
    filters alone without `with_words`.

    The inbox's tasks do not grow with the archive (its open work, one's latest completed tasks): each task's own
    case is checked for the words, where the index of every case that holds a common word would list a tenth of
    the archive (tests/perf/bench_inbox.py)."""
    where = _words_only(session, asked) if with_words else []
    if asked.unit:
        where.append(HumanTask.instance_id.in_(unit_cases(asked.unit)))
    if asked.assignee:
        where.append(held_by(user if asked.assignee == "me" else someone))
    return where + due_window(asked, HumanTask.due_at, now, tz or now.tzinfo or UTC)


def inbox_counts(session: Session, user: User, *, now: datetime, process_key: str | None = None,
                 tz: tzinfo | None = None, **find: Any) -> dict[str, int]:
    """How many tasks each view of the inbox holds (all open, mine, unassigned, overdue, completed by me), in two
    queries: the same words and filters as `inbox` (`find`, its order aside), counted side by side, so that a tab
    says how many rows it would list with the search it keeps. "completed" counts among one's latest
    COMPLETED_COUNTED_UP_TO completed tasks only; "completed_beyond" is 1 when one completed more (that the
    filters keep), and "completed" is then a least number."""
    asked = Find(**find)
    someone = check(session, asked, INBOX_SORTS)
    found = _task_finding(session, user, asked, someone, now, tz)
    done = _task_finding(session, user, asked, someone, now, tz, with_words=False)
    if process_key:
        found.append(HumanTask.process_key == process_key)
        done.append(HumanTask.process_key == process_key)
    mine = HumanTask.assignee_id == user.id
    unassigned = HumanTask.assignee_id.is_(None) & candidate_clause(user)
    query = select(func.count(), func.count().filter(mine), func.count().filter(unassigned),
                   func.count().filter(HumanTask.due_at < now)).where(HumanTask.status == TaskStatus.OPEN,
                                                                      mine | unassigned, *found)
    # One's latest completed tasks, as the tab lists them, from the index alone; each one's case then checked for the
    # words by key, as the open tasks are: the cost follows the bound, whatever the archive or the word.
    latest = _latest_completed(user, done, HumanTask.instance_id).limit(COMPLETED_COUNTED_UP_TO).subquery()
    holds = case_holds_words(session, asked.q, latest.c.instance_id)
    completed = select(func.count() if holds is None else func.count().filter(holds), _more_completed(user, done)) \
        .select_from(latest)
    every, assigned, free, overdue = session.execute(query).one()
    held, beyond = session.execute(completed).one()
    counts = {"": every, "mine": assigned, "unassigned": free, "overdue": overdue, "completed": held,
              "completed_beyond": int(bool(beyond))}
    if may_read_all_tasks(user):
        anyone = select(func.count()).where(HumanTask.status == TaskStatus.OPEN, *found)
        counts["everyone"] = session.scalar(anyone) or 0
    return counts


def overdue_level(calendar: BusinessCalendar, due_at: datetime | None, now: datetime) -> str | None:
    if due_at is None or now <= due_at:
        return None
    late = calendar.working_days_between(due_at, now)
    return "seriously" if late >= SERIOUSLY_OVERDUE_DAYS else "overdue"


def instances(session: Session, user: User, *, process_key: str | None = None, status: str | None = None,
              business_key: str | None = None, filters: CaseFilters | None = None, page: int = 1,
              per_page: int = 20, now: datetime | None = None, tz: tzinfo | None = None,
              **find: Any) -> Paged[ProcessInstance]:
    """`filters`: a dashboard figure's (engine.reads.case_filters); `find`: the words, filters and order of
    engine.people.list_search.Find (a due window needs `now`)."""
    asked = Find(**find)
    someone = check(session, asked, CASE_SORTS)
    query = select(ProcessInstance)
    clause = readable_instances_clause(user)
    if clause is not None:
        query = query.where(clause)
    if process_key:
        query = query.where(ProcessInstance.process_key == process_key)
    if status:
        query = query.where(matches(ProcessInstance.status, InstanceStatus, status))
    if business_key:
        query = query.where(ProcessInstance.business_key == business_key)
    if filters is not None:
        query = query.where(*filters.clauses(session))
    found = matching_cases(session, asked.q)
    if found is not None:
        query = query.where(ProcessInstance.id.in_(found))
    if asked.unit:
        query = query.where(ProcessInstance.unit_key == asked.unit)
    if asked.assignee:
        # Cases with open work held by the user asked (or by nobody).
        held = select(HumanTask.instance_id).where(HumanTask.status == TaskStatus.OPEN,
                                                   held_by(user if asked.assignee == "me" else someone))
        query = query.where(ProcessInstance.id.in_(held))
    if asked.due or asked.due_from or asked.due_to:
        at = now or datetime.now(UTC)
        query = query.where(*due_window(asked, ProcessInstance.due_at, at, tz or at.tzinfo or UTC))
        if asked.due == "overdue":
            query = query.where(ProcessInstance.status == InstanceStatus.RUNNING)
    if not asked.sort:
        return paged(session, query.order_by(ProcessInstance.id.desc()), page, per_page)
    by = {"case": ProcessInstance.business_key, "procedure": ProcessInstance.process_key,
          "status": ProcessInstance.status, "due": ProcessInstance.due_at,
          "started": ProcessInstance.started_at}[asked.sort.removeprefix("-")]
    return paged(session, ordered(query, by, asked.sort.startswith("-"), ProcessInstance.id), page, per_page)


def open_tasks(session: Session, instance_id: int) -> list[HumanTask]:
    """Oldest first; as a step of this transaction left them where one did (engine.runtime.standing)."""
    kept = standing.of(session, instance_id)
    if kept is not None:
        return kept.open_tasks()
    return list(session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.created_at, HumanTask.id)))


def pending_timers(session: Session, *, instance_id: int | None = None, due_before: datetime | None = None,
                   page: int = 1, per_page: int = 100) -> Paged[Timer]:
    query = select(Timer).where(Timer.status == TimerStatus.PENDING)
    if instance_id:
        query = query.where(Timer.instance_id == instance_id)
    if due_before:
        query = query.where(Timer.due_at < due_before)
    return paged(session, query.order_by(Timer.due_at, Timer.id), page, per_page)


def case_timers(session: Session, instance_id: int) -> list[Timer]:
    """A case's pending timers, soonest first; as a step of this transaction left them where one did."""
    kept = standing.of(session, instance_id)
    timers = kept.pending_timers() if kept is not None else None
    if timers is not None:
        return timers
    return list(session.scalars(select(Timer).where(Timer.instance_id == instance_id,
                                                    Timer.status == TimerStatus.PENDING)
                                .order_by(Timer.due_at, Timer.id)))


def audit_events(session: Session, *, instance_id: int | None = None, actor: str | None = None,
                 type: str | None = None, since: datetime | None = None, until: datetime | None = None) -> Select[Any]:
    query = select(AuditEvent)
    if instance_id:
        query = query.where(AuditEvent.instance_id == instance_id)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if type:
        query = query.where(matches(AuditEvent.type, EventType, type))
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query.order_by(AuditEvent.id)  # the order written: seq is null until sealed


def usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    """The users' usernames; those the session holds (the caller, a task's candidates) or this transaction read
    along (a locked case's starter) are not read again."""
    wanted = {i for i in ids if i is not None}
    along = standing.usernames(session)
    known = {i: along[i] for i in wanted if i in along}
    known |= {i: user.username for i, user in in_session.held(session, User, wanted - known.keys()).items()}
    rest = wanted - known.keys()
    if rest:
        known |= dict(session.execute(select(User.id, User.username).where(User.id.in_(rest))).all())
    return known


def business_keys(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(
        select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(ids))).all())

