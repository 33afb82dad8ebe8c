"""Units, users, roles and their passwords.

Passwords are hashed with argon2 (argon2-cffi) and must pass `engine.people.passwords`. Signing in (with its
throttle) is `engine.people.sign_in`; tokens and page sessions are `engine.people.credentials`. A user's token
generation,
bumped by a password change or a deactivation, ends every token and session of theirs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import HumanTask, Unit, User, UserRole
from db.session import held_for_transaction, hold_for_transaction
from db.vocabulary import EventType, TaskStatus
from engine.audit import chain
from engine.core.errors import Code, Conflict, Invalid, NotFound, problem
from engine.core.settings import LANGUAGES, ROLES, UNIT_BOUND_ROLES
from engine.people import passwords, unit_names
from engine.people.access import MAY_ADMINISTER, Actor, actor_name, check_may_administer, may_administer

_hasher = PasswordHasher()
# Verifying against this keeps a sign-in with an unknown username as slow as one with a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def unit_by_key(session: Session, key: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.key == key)).one_or_none()
    if unit is None:
        raise NotFound(f"unit {key!r} does not exist", [{"field": "unit", "message": f"unknown unit {key!r}"}],
                       code=Code.UNIT_NOT_FOUND, params={"unit": key})
    return unit


_UNIT_KEYS = "jarchy_unit_keys"  # session.info, for the transaction: every unit's key


def unit_exists(session: Session, key: str) -> bool:
    """Whether a unit has the key. The office's unit keys (a few dozen) are read once a transaction: a form names
    several (a triage's unit and its contributing units), each checked."""
    keys = held_for_transaction(session, _UNIT_KEYS)
    if keys is None:
        keys = hold_for_transaction(session, _UNIT_KEYS, frozenset(session.scalars(select(Unit.key))))
    return key in keys


def unit_keys_along() -> Any:
    """Every unit's key in one text, a newline between (a key is a slug), as a scalar subquery for a statement that
    starts a transaction anyway (locking a case: engine.runtime.steps) to read along and hand to
    `read_along_unit_keys`: a completion's form may name units, each checked by `unit_exists`."""
    return select(func.aggregate_strings(Unit.key, "\n")).scalar_subquery()


def read_along_unit_keys(session: Session, keys: str | None) -> None:
    hold_for_transaction(session, _UNIT_KEYS, frozenset(keys.split("\n")) if keys else frozenset())


@event.listens_for(Session, "after_soft_rollback")
def _forget_unit_keys(session: Session, _previous: Any) -> None:
    session.info.pop(_UNIT_KEYS, None)  # a unit made in what rolled back is gone again


def user_by_username(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"user {username!r} does not exist", code=Code.USER_NOT_FOUND, params={"username": username})
    return user


def create_unit(session: Session, *, key: str, name: str, names: dict[str, Any] | None = None, actor: Actor,
                at: datetime) -> Unit:
    """A unit named `name` in the default language and, where given, in others (engine.people.unit_names)."""
    check_may_administer(actor)
    name, all_names = unit_names.checked(name, names)
    if session.scalars(select(Unit).where(Unit.key == key)).one_or_none() is not None:
        raise Conflict(f"unit {key!r} already exists", [{"field": "key", "message": "already exists"}],
                       code=Code.ALREADY_EXISTS, params={"value": key})
    unit = Unit(key=key, name=name, names=all_names, created_at=at)
    session.add(unit)
    _flush_unique(session, "key")
    session.info.pop(_UNIT_KEYS, None)  # read before it
    chain.record(session, type=EventType.UNIT_CREATED, at=at, actor=actor_name(actor), subject=f"unit:{key}",
                 after={"key": key, "name": name, "names": all_names})
    return unit


def update_unit(session: Session, key: str, changes: dict[str, Any], *, actor: Actor, at: datetime) -> Unit:
    """Rename a unit, in the default language (`name`) or any other (`names`; a null removes one)."""
    check_may_administer(actor)
    unit = unit_by_key(session, key)
    before = {"name": unit.name, "names": dict(unit.names or {})}
    name, all_names = unit_names.checked(changes.get("name"), changes.get("names"),
                                         current=before["names"] | {unit_names.DEFAULT_LANGUAGE: unit.name})
    after = {"name": name, "names": all_names}
    if after != before:
        unit.name, unit.names = name, all_names
        session.flush()
        chain.record(session, type=EventType.UNIT_UPDATED, at=at, actor=actor_name(actor), subject=f"unit:{key}",
                     before=before, after=after)
    return unit


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    roles: list[str],
    unit: str | None = None,
    email: str | None = None,
    locale: str = "en",
    actor: Actor,
    at: datetime,
) -> User:
    check_may_administer(actor)
    passwords.check(password)
    _check_roles(roles, unit)
    _check_locale(locale)
    if session.scalars(select(User).where(User.username == username)).one_or_none() is not None:
        raise Conflict(f"user {username!r} already exists", [{"field": "username", "message": "already exists"}],
                       code=Code.ALREADY_EXISTS, params={"value": username})
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        password_hash=_hasher.hash(password),
        unit=_unit_field(session, unit),
        locale=locale,
        active=True,
        created_at=at,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(set(roles))]
    session.add(user)
    _flush_unique(session, "username")
    chain.record(session, type=EventType.USER_CREATED, at=at, actor=actor_name(actor), subject=f"user:{username}",
                 after=describe(user))
    return user


def update_user(session: Session, username: str, changes: dict[str, Any], *, actor: Actor, at: datetime) -> User:
    check_may_administer(actor)
    return _update(session, user_by_username(session, username), changes, actor=actor_name(actor), at=at)


def choose_language(session: Session, user: User, locale: str, *, at: datetime) -> User:
    """Everyone chooses the language of their own pages: this changes nothing else, and no one else's."""
    return _update(session, user, {"locale": locale}, actor=user.username, at=at)


def _update(session: Session, user: User, changes: dict[str, Any], *, actor: str, at: datetime) -> User:
    username = user.username
    before = describe(user)
    roles = changes.get("roles", user.roles)
    unit = changes.get("unit", user.unit_key)
    _check_roles(roles, unit)
    if "locale" in changes:
        _check_locale(changes["locale"])
    if "roles" in changes:
        kept = [row for row in user.role_rows if row.role in roles]
        have = {row.role for row in kept}
        user.role_rows = kept + [UserRole(role=r) for r in sorted(set(roles) - have)]
    if "unit" in changes:
        user.unit = _unit_field(session, unit)
    for field in ("display_name", "email", "locale"):
        if field in changes:
            setattr(user, field, changes[field])
    if "active" in changes and changes["active"] != user.active:
        user.active = changes["active"]
        user.token_generation += 1
        if not user.active:
            _return_tasks_to_their_lanes(session, user, actor=actor, at=at)
    if "password" in changes:
        passwords.check(changes["password"])
        user.password_hash = _hasher.hash(changes["password"])
        user.token_generation += 1
    session.flush()
    was_admin = before["active"] and bool(set(MAY_ADMINISTER).intersection(before["roles"]))
    if was_admin and not (user.active and may_administer(user)):
        _keep_an_admin(session, username)
    after = describe(user)
    if after != before or "password" in changes:
        chain.record(session, type=EventType.USER_UPDATED, at=at, actor=actor, subject=f"user:{username}",
                     before=before, after=after | ({"password": "changed"} if "password" in changes else {}))
    return user


def _keep_an_admin(session: Session, username: str) -> None:
    """Someone must still be able to sign in and administer: the last active admin stays one."""
    others = session.scalar(select(func.count()).select_from(User).join(UserRole).where(
        UserRole.role.in_(MAY_ADMINISTER), User.active.is_(True), User.username != username))
    if not others:
        raise Conflict(f"{username!r} is the last active administrator",
                       [{"field": "roles", "message": "the last active administrator cannot stop being one"}],
                       code=Code.LAST_ADMIN, params={"username": username})


def _return_tasks_to_their_lanes(session: Session, user: User, *, actor: str | None, at: datetime) -> None:
    """A deactivated user's open tasks go back to their lanes' candidates."""
    for task in session.scalars(select(HumanTask).where(HumanTask.assignee_id == user.id,
                                                        HumanTask.status == TaskStatus.OPEN)):
        task.assignee_id = None
        chain.record(session, type=EventType.TASK_UNCLAIMED, at=at, actor=actor, instance_id=task.instance_id,
                     task_id=task.id, subject=task.bpmn_id,
                     before={"assignee": user.username}, after={"reason": "the assignee was deactivated"})


def describe(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "roles": user.roles,
        "unit": user.unit_key,
        "active": user.active,
        "locale": user.locale,
    }


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` is the one hashed; with no hash (no such user) as slow as with one, so timing tells
    nobody who exists."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def upgrade_hash(user: User, password: str) -> None:
    """A hash made with weaker parameters than today's is replaced while the password is at hand."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def _check_locale(locale: str) -> None:
    if locale not in LANGUAGES:
        raise Invalid(f"unknown language {locale!r}",
                      [{"field": "locale", "message": f"one of {', '.join(LANGUAGES)}"}],
                      code=Code.NOT_ONE_OF, params={"value": locale, "choices": list(LANGUAGES)})


def _check_roles(roles: list[str], unit: str | None) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Invalid(f"unknown role(s): {', '.join(unknown)}",
                      # Each entry names its own role, so a page words every one of them.
                      [problem("roles", Code.NOT_A_ROLE, f"unknown role {r!r}; roles are {', '.join(ROLES)}", role=r)
                       for r in unknown], code=Code.NOT_A_ROLE, params={"role": unknown[0]})
    if not roles:
        raise Invalid("a user needs at least one role", [{"field": "roles", "message": "needs at least one role"}],
                      code=Code.REQUIRED)
    bound = sorted(UNIT_BOUND_ROLES.intersection(roles))
    if bound and not unit:
        raise Invalid(f"{', '.join(bound)} act for a unit: give the user's unit",
                      [{"field": "unit", "message": f"required for the role {bound[0]}"}],
                      code=Code.UNIT_REQUIRED, params={"role": bound[0]})


def _unit_field(session: Session, key: str | None) -> Unit | None:
    if key is None:
        return None
    unit = session.scalars(select(Unit).where(Unit.key == key)).one_or_none()
    if unit is None:
        raise Invalid(f"unit {key!r} does not exist", [{"field": "unit", "message": f"unknown unit {key!r}"}],
                      code=Code.UNIT_NOT_FOUND, params={"unit": key})
    return unit


def _flush_unique(session: Session, field: str) -> None:
    """Two concurrent creations of the same key: the loser's flush hits the unique constraint."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{field} already exists", [{"field": field, "message": "already exists"}],
                       code=Code.ALREADY_EXISTS, params={"field": field}) from exc
