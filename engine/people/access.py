"""Who may do what: every permission rule of the product, in one place.

The API's views and the pages ask the read permissions here (`check_may_read_audit`, the page decorator's
`may_use_audit_pages`, ...); the engine's write operations check their own (`check_may_administer` in
`engine.people.accounts`, `check_may_cancel` in `engine.runtime.operations`, ...), so a view never states a
role. Each tuple below is named by what it allows; its order is the order the refusal names the roles in.
`tests/unit/test_one_place_for_permissions.py` keeps role checks out of `api/`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session, joinedload

from db.models import HumanTask, ProcessDefinition, ProcessInstance, SavedFilter, Unit, User, UserRole
from engine.core.errors import Code, Forbidden, NotFound
from engine.core.settings import UNIT_BOUND_ROLES

# -- who holds which permission -------------------------------------------------------------------------

READ_ALL_TASKS = frozenset({"admin", "auditor", "pr_head"})
READ_ALL_INSTANCES = frozenset({"admin", "auditor", "pr_head", "pr_department", "leadership"})
MAY_READ_AUDIT = ("auditor", "admin")
MAY_READ_USERS = ("admin", "auditor")  # units and users
MAY_READ_DEFINITIONS = ("admin", "auditor", "pr_head", "pr_department", "press_secretary", "unit_head",
                        "leadership", "legal")
MAY_READ_TIMERS = ("admin", "pr_head", "pr_department", "auditor")
MAY_ADMINISTER = ("admin",)  # users, units, the calendar, deploying diagrams
# Failed cases (docs/failed_cases.md): the administrator mends them (retry, skip); the auditor, who reads everything,
# reads the list of them too. No one else: a failure's details name the diagram's scripts and the engine's errors.
MAY_MEND_CASES = MAY_ADMINISTER
MAY_READ_FAILED_CASES = ("admin", "auditor")
MAY_ASSIGN = ("admin", "pr_head")  # give a task to someone, send it to another role or unit
MAY_CANCEL = ("admin", "pr_head")
# A user records their own absence (leave, a trip); the PR head, who keeps the office's work going, and the
# administrator record one for a member of staff who cannot (illness). Whoever records one may end it; the auditor reads
# them too.
MAY_SET_ABSENCES = ("pr_head", "admin")
MAY_READ_ABSENCES = ("pr_head", "admin", "auditor")
MAY_DELIVER_MESSAGE = ("admin", "pr_head", "pr_department", "press_secretary")
MAY_EXTEND = ("pr_head",)
MAY_READ_REPORTS = ("pr_head", "leadership", "auditor", "admin")  # the figures on requests the law asks for
MAY_CLOSE_REPORTS = ("pr_head", "admin")
# Attach a file to a case they may read: the staff who work cases (an auditor reads, an administrator runs the
# product; neither adds to a case).
MAY_ATTACH = ("pr_head", "pr_department", "press_secretary", "unit_head", "leadership", "legal")
# Comment on a case they may read (its discussion, a task's): the same staff. An auditor and an administrator read
# the discussion (with the case) and add nothing; the portal and the public have no part in it.
MAY_DISCUSS = MAY_ATTACH
# The registry of the media (outlets, journalists, accreditations, distribution lists): the PR department keeps it
# (002 §11: it works with the media), its head and the administrator too; the auditor reads it.
MAY_KEEP_REGISTRY = ("pr_department", "pr_head", "admin")
MAY_READ_REGISTRY = ("pr_department", "pr_head", "admin", "auditor")
# A release's delivery reported undeliverable after it was sent: whoever keeps the registry (told by the
# journalist, or the mail system's bounce processor signed in with an account of one of these roles).
MAY_RECORD_BOUNCE = MAY_KEEP_REGISTRY
# The media plan (the leadership's planned appearances, 000 §4.5, 002 §5): the PR department keeps it, its head and
# the administrator too. Those who prepare or take part in the appearances read it (leadership, press secretaries,
# unit heads), and the auditor, who reads everything; the legal department has no part in them.
MAY_KEEP_MEDIA_PLAN = ("pr_department", "pr_head", "admin")
MAY_READ_MEDIA_PLAN = ("pr_department", "pr_head", "admin", "leadership", "press_secretary", "unit_head", "auditor")
# Draft acts under public discussion (003 items 5, 11): the PR department moderates the public's comments and may
# extend a discussion period (never shorten it); its head too. The comments, pending ones included, are read by
# them, the auditor and whoever may read the case (the unit that summarises them).
MAY_MODERATE_COMMENTS = ("pr_department", "pr_head")
MAY_EXTEND_DISCUSSION = ("pr_department", "pr_head")
# The pages are a person's daily work, one set a kind of user: staff work the inbox and the cases, the
# administrator the admin pages, the auditor the audit pages, leadership and the PR head also see the dashboard.
# (The API serves everyone by the permissions above alone: an administrator reads the audit trail there.)
MAY_USE_STAFF_PAGES = ("pr_head", "pr_department", "press_secretary", "unit_head", "leadership", "legal")
MAY_USE_AUDIT_PAGES = ("auditor",)
MAY_SEE_DASHBOARD = ("leadership", "pr_head")
# Its figures through the API: also those who read every case and the reports (the auditor, the administrator).
MAY_READ_DASHBOARD = ("leadership", "pr_head", "auditor", "admin")
# The public portal (no account) may file a request for public information, and nothing else; the audit trail
# names it as the one who started the case.
PORTAL = "portal"
PORTAL_PROCEDURES = frozenset({"public_information_request"})

# Who asks for a write: a signed-in User, or the system under a name (a str): the CLI (`jarchy users add`,
# `jarchy deploy`) and the demo seed act as "system", a test's or a benchmark's setup names itself. The system
# runs the product on its own machine, so it may do every administrative write; it starts no case and works
# on no task (those take a User). A view always passes the User, never a name.
Actor = User | str


def actor_name(actor: Actor) -> str:
    """How the audit trail names who acted."""
    return actor if isinstance(actor, str) else actor.username


def _holds(user: User, roles: Iterable[str]) -> bool:
    return bool(set(roles).intersection(user.roles))


def _require(user: User, roles: tuple[str, ...]) -> None:
    if not _holds(user, roles):
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}", code=Code.ROLE_REQUIRED,
                        params={"roles": list(roles)})


# -- reading ----------------------------------------------------------------------------------------------

def may_read_audit(user: User) -> bool:
    return _holds(user, MAY_READ_AUDIT)


def check_may_read_audit(user: User) -> None:
    """Search, export and verify the audit trail."""
    _require(user, MAY_READ_AUDIT)


def check_may_read_users(user: User) -> None:
    """The units and the users with their roles."""
    _require(user, MAY_READ_USERS)


def check_may_read_definitions(user: User) -> None:
    """The deployed procedures, their versions and diagrams."""
    _require(user, MAY_READ_DEFINITIONS)


def check_may_read_timers(user: User) -> None:
    _require(user, MAY_READ_TIMERS)


# -- the pages --------------------------------------------------------------------------------------------

def may_use_staff_pages(user: User) -> bool:
    """The inbox, a task, starting a case, the cases and a case (each task and case is then checked itself)."""
    return _holds(user, MAY_USE_STAFF_PAGES)


def may_use_audit_pages(user: User) -> bool:
    """The audit pages: for auditors (who read the trail), not for administrators, whose pages are the admin
    pages."""
    return may_read_audit(user) and _holds(user, MAY_USE_AUDIT_PAGES)


def may_read_reports(user: User) -> bool:
    return _holds(user, MAY_READ_REPORTS)


def check_may_read_reports(user: User) -> None:
    _require(user, MAY_READ_REPORTS)


def check_may_close_reports(user: User) -> None:
    _require(user, MAY_CLOSE_REPORTS)


def may_see_dashboard(user: User) -> bool:
    return _holds(user, MAY_SEE_DASHBOARD)


def check_may_read_dashboard(user: User) -> None:
    """`GET /api/v1/dashboard`."""
    _require(user, MAY_READ_DASHBOARD)


# -- the registry of the media ------------------------------------------------------------------------

def may_keep_registry(user: User) -> bool:
    """The registry's pages, and every change to it."""
    return _holds(user, MAY_KEEP_REGISTRY)


def check_may_keep_registry(actor: Actor) -> None:
    """Add or change outlets, journalists, accreditations and distribution lists (the system may, see `Actor`)."""
    if not isinstance(actor, str):
        _require(actor, MAY_KEEP_REGISTRY)


def check_may_read_registry(user: User) -> None:
    _require(user, MAY_READ_REGISTRY)


def check_may_record_bounce(user: User) -> None:
    _require(user, MAY_RECORD_BOUNCE)


# -- the media plan -------------------------------------------------------------------------------------

def may_read_media_plan(user: User) -> bool:
    """The media plan's pages, the API's reads and the calendar feed (a user who loses it gets no feed)."""
    return user.active and _holds(user, MAY_READ_MEDIA_PLAN)


def check_may_read_media_plan(user: User) -> None:
    _require(user, MAY_READ_MEDIA_PLAN)


def may_keep_media_plan(user: User) -> bool:
    return _holds(user, MAY_KEEP_MEDIA_PLAN)


def check_may_keep_media_plan(actor: Actor) -> None:
    """Add, change, postpone, cancel an entry, or record that it was held (the system may, see `Actor`)."""
    if not isinstance(actor, str):
        _require(actor, MAY_KEEP_MEDIA_PLAN)
# -- draft acts under discussion --------------------------------------------------------------------

def may_moderate_comments(user: User) -> bool:
    return _holds(user, MAY_MODERATE_COMMENTS)


def check_may_moderate_comments(user: User) -> None:
    """Approve or reject a public comment on a draft act."""
    _require(user, MAY_MODERATE_COMMENTS)


def check_may_extend_discussion(user: User) -> None:
    """Extend a draft act's discussion period."""
    _require(user, MAY_EXTEND_DISCUSSION)


# -- administering ----------------------------------------------------------------------------------------

def may_administer(actor: Actor) -> bool:
    """Users, units, the calendar and deploying diagrams: administrators, and the system (see `Actor`)."""
    return isinstance(actor, str) or _holds(actor, MAY_ADMINISTER)


def check_may_administer(actor: Actor) -> None:
    if not isinstance(actor, str):
        _require(actor, MAY_ADMINISTER)


# -- absences -------------------------------------------------------------------------------------------

def check_may_mend_cases(user: User) -> None:
    """Retry a failed case's failed steps, correct its data for them, or skip a failed step."""
    _require(user, MAY_MEND_CASES)


def may_mend_cases(user: User) -> bool:
    return _holds(user, MAY_MEND_CASES)


def check_may_read_failed_cases(user: User) -> None:
    """The list of failed cases with their errors (the engine's English and the exception's type)."""
    _require(user, MAY_READ_FAILED_CASES)


def may_record_absence(user: User) -> bool:
    """Every signed-in user records their own absences (the absences page)."""
    return user.active


def may_set_absences(user: User) -> bool:
    """Record and end absences of other users (each user does so for themselves)."""
    return _holds(user, MAY_SET_ABSENCES)


def check_may_set_absence(actor: Actor, user: User) -> None:
    """Record or end an absence of `user`: the user, the PR head, the administrator (and the system)."""
    if isinstance(actor, str) or actor.id == user.id:
        return
    _require(actor, MAY_SET_ABSENCES)


def check_may_read_absences(actor: User, user: User) -> None:
    if actor.id != user.id:
        _require(actor, MAY_READ_ABSENCES)


# -- a case -----------------------------------------------------------------------------------------------

def may_start(user: User, definition: ProcessDefinition) -> bool:
    """The diagram names its starter roles."""
    return _holds(user, definition.meta.get("starters", []))


def check_may_start(user: User, definition: ProcessDefinition) -> None:
    if not may_start(user, definition):
        starters = definition.meta.get("starters", [])
        raise Forbidden(f"only {', '.join(starters)} may start {definition.key!r}", code=Code.MAY_NOT_START,
                        params={"process": definition.key})


def check_portal_may_start(process_key: str) -> None:
    if process_key not in PORTAL_PROCEDURES:
        raise Forbidden(f"the public portal may not start {process_key!r}", code=Code.MAY_NOT_START,
                        params={"process": process_key})


def check_may_cancel(user: User) -> None:
    _require(user, MAY_CANCEL)


def check_may_deliver_message(user: User) -> None:
    _require(user, MAY_DELIVER_MESSAGE)


def check_may_extend(user: User) -> None:
    """Move a case's statutory deadline."""
    _require(user, MAY_EXTEND)


# -- a task -----------------------------------------------------------------------------------------------

def is_candidate(user: User, task: HumanTask) -> bool:
    if task.role not in user.roles:
        return False
    return task.role not in UNIT_BOUND_ROLES or (task.unit_key is not None and task.unit_key == user.unit_key)


def lane_members(session: Session, task: HumanTask) -> list[User]:
    """The active users who are candidates for `task` (its role, and its unit for a unit-bound role), by username."""
    if not task.role:
        return []  # routing failed: nobody is a candidate; admin and pr_head see it in every list
    return role_members(session, task.role, task.unit_key)


def role_members(session: Session, role: str, unit_key: str | None) -> list[User]:
    """The active users who hold `role` (in the unit `unit_key` for a unit-bound role), by username."""
    query = lanes_members_query([(role, unit_key)])
    return [] if query is None else list(session.scalars(query).unique())


def lanes_members_query(lanes: Iterable[tuple[str, str | None]]) -> Select[tuple[User, str, str | None]] | None:
    """The active users who hold one of `lanes` (a role, and for a unit-bound role the unit's key), by username,
    each with the role and unit key it holds it by (one row a lane held), for a caller that reads more of each
    along; None where no lane can have members (a unit-bound role without a unit)."""
    held = [UserRole.role == role if role not in UNIT_BOUND_ROLES else and_(UserRole.role == role, Unit.key == unit)
            for role, unit in dict.fromkeys(lanes) if role not in UNIT_BOUND_ROLES or unit is not None]
    if not held:
        return None
    # A user's roles load with them (a second statement of their own by default): joined here, one statement.
    return (select(User, UserRole.role, Unit.key)
            .join(UserRole, UserRole.user_id == User.id).outerjoin(Unit, Unit.id == User.unit_id)
            .where(User.active.is_(True), or_(*held))
            .options(joinedload(User.role_rows)).order_by(User.username))


def may_be_given(user: User, task: HumanTask) -> bool:
    """Whom a task may be assigned to: an active candidate, and nobody else. (A task whose routing failed has no
    candidates: it is sent to a role and unit first, `engine.runtime.operations.reroute`.)"""
    return user.active and is_candidate(user, task)


def may_read_all_tasks(user: User) -> bool:
    return _holds(user, READ_ALL_TASKS)


def check_may_read_all_tasks(user: User) -> None:
    """Every open task, whoever holds it (the inbox's view "Everyone's")."""
    _require(user, tuple(sorted(READ_ALL_TASKS)))


def can_read_task(user: User, task: HumanTask) -> bool:
    return _holds(user, READ_ALL_TASKS) or task.assignee_id == user.id or is_candidate(user, task) \
        or task.completed_by_id == user.id


def check_may_read_task(user: User, task: HumanTask) -> None:
    if not can_read_task(user, task):
        raise Forbidden("you may not read this task", code=Code.TASK_NOT_YOURS)


def may_work_on(user: User, task: HumanTask) -> bool:
    """Claim or complete: the assignee, or a candidate when nobody holds the task."""
    return task.assignee_id == user.id or (task.assignee_id is None and is_candidate(user, task))


def may_assign(user: User) -> bool:
    return _holds(user, MAY_ASSIGN)


def check_may_assign(user: User) -> None:
    """Give a task to someone, or send it to another role or unit."""
    _require(user, MAY_ASSIGN)


def may_release(user: User, task: HumanTask) -> bool:
    """Give a task back to its lane: its assignee, whoever assigns, or a candidate of an unheld task (a no-op)."""
    return task.assignee_id == user.id or may_assign(user) or (task.assignee_id is None and is_candidate(user, task))


def check_may_release(user: User, task: HumanTask) -> None:
    if not may_release(user, task):
        raise Forbidden("only the assignee, pr_head or admin may release this task", code=Code.MAY_NOT_RELEASE)


def check_may_learn_state(user: User, task: HumanTask) -> None:
    """Claim or complete, asked first: someone who could never work on the task is refused before being
    told whether it is still open, done or held by another."""
    if task.assignee_id != user.id and task.completed_by_id != user.id and not is_candidate(user, task):
        raise Forbidden("you are not among the candidates of this task", code=Code.TASK_NOT_YOURS)


def check_may_work_on(user: User, task: HumanTask) -> None:
    """Claim or complete: the assignee, or a candidate when nobody holds the task."""
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Forbidden("the task is assigned to someone else", code=Code.TASK_TAKEN)
    if task.assignee_id != user.id and not is_candidate(user, task):
        raise Forbidden("you are not among the candidates of this task", code=Code.TASK_NOT_YOURS)


def candidate_clause(user: User) -> ColumnElement[bool]:
    """SQL for 'the user is among the task's candidates'."""
    clauses = []
    for role in user.roles:
        if role in UNIT_BOUND_ROLES:
            if user.unit_key is not None:
                clauses.append(and_(HumanTask.role == role, HumanTask.unit_key == user.unit_key))
        else:
            clauses.append(HumanTask.role == role)
    return or_(*clauses) if clauses else false()


def readable_instances_clause(user: User) -> ColumnElement[bool] | None:
    """None when the user reads every instance."""
    if _holds(user, READ_ALL_INSTANCES):
        return None
    involved = select(HumanTask.instance_id).where(_involved_in_task(user))
    return or_(ProcessInstance.started_by_id == user.id, ProcessInstance.id.in_(involved))


def _involved_in_task(user: User) -> ColumnElement[bool]:
    """A task of a case its reader may read: one they hold, completed or are (or were) a candidate for."""
    return or_(candidate_clause(user), HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id)


def may_read_instance(session: Session, user: User, instance: ProcessInstance) -> bool:
    """As `readable_instances_clause` says, asked of this case's own tasks alone (ix_human_tasks_instance_id): the
    clause's list of every case the reader is involved in grows with the archive (95 ms a check on SQLite and 129
    on PostgreSQL at 100,000 finished cases, tests/perf/bench_case_reading.py), and each case page, comment and
    file asks it."""
    if _holds(user, READ_ALL_INSTANCES) or instance.started_by_id == user.id:
        return True
    involved = select(HumanTask.id).where(HumanTask.instance_id == instance.id, _involved_in_task(user)).exists()
    return bool(session.scalar(select(involved)))


def check_may_read_files(session: Session, user: User, instance: ProcessInstance) -> None:
    """A case's files, and the files themselves: to anyone who may not read the case they do not exist (404,
    not 403: whether a file id exists is not told)."""
    if not may_read_instance(session, user, instance):
        raise NotFound("no such file or case", code=Code.CASE_NOT_FOUND)


def may_attach(session: Session, user: User, instance: ProcessInstance) -> bool:
    return _holds(user, MAY_ATTACH) and may_read_instance(session, user, instance)


def check_may_attach(session: Session, user: User, instance: ProcessInstance) -> None:
    check_may_read_files(session, user, instance)
    _require(user, MAY_ATTACH)


def may_discuss(session: Session, user: User, instance: ProcessInstance) -> bool:
    return _holds(user, MAY_DISCUSS) and may_read_instance(session, user, instance)


def check_may_discuss(session: Session, user: User, instance: ProcessInstance) -> None:
    """Comment on the case (403 to a reader who may not; the case's own refusal to anyone who may not read it)."""
    check_may_read_instance(session, user, instance)
    _require(user, MAY_DISCUSS)


def check_may_read_instance(session: Session, user: User, instance: ProcessInstance) -> None:
    if not may_read_instance(session, user, instance):
        raise Forbidden("you may not read this case", code=Code.CASE_NOT_YOURS)


# -- saved filters ------------------------------------------------------------------------------------------

def lanes_of(user: User) -> list[tuple[str, str | None]]:
    """The lanes a user belongs to, and may share a saved filter with: each of their roles, with their unit for a
    unit-bound role (press_secretary, unit_head: one unit's are a lane of their own; without a unit, none)."""
    return [(role, user.unit_key if role in UNIT_BOUND_ROLES else None) for role in user.roles
            if role not in UNIT_BOUND_ROLES or user.unit_key is not None]


def readable_filters_clause(user: User) -> ColumnElement[bool]:
    """A user reads their own saved filters and those shared with a lane they belong to."""
    shared = [and_(SavedFilter.lane_role == role,
                   SavedFilter.lane_unit.is_(None) if unit is None else SavedFilter.lane_unit == unit)
              for role, unit in lanes_of(user)]
    return or_(SavedFilter.owner_id == user.id, *shared)


def check_may_change_filter(user: User, row: SavedFilter) -> None:
    if row.owner_id != user.id:
        raise Forbidden("only its owner changes or deletes a saved filter", code=Code.FILTER_NOT_YOURS)
