"""Who may call what: every endpoint against every member of the cast and an anonymous caller.

One row of TABLE per endpoint (or per kind of target, where the answer depends on the task or case),
one test per (row, caller). Anonymous callers get 401 everywhere but on the three public endpoints;
a caller the contract does not allow gets 403; an allowed caller gets a 2xx, or the 409/422 that a
deliberately harmless request earns once the role check has passed.

Writes are checked for their effect too: a write that is refused (or harmless) leaves the state it
aims at as it was; an allowed write that `changes_state` visibly changes it. Every write that could
change anything gets a case of its own, so the order of the tests does not matter.

The cast, the deployment and the sign-ins are made once per database (module scope): with argon2
hashing the function-scoped `as_` fixture would cost two seconds for each of the ~950 tests."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from engine.people import accreditation, registry
from engine.people.accounts import create_user
from engine.procedures.forms import load_form
from tests.cases import complete_task, open_task, start
from tests.conftest import (
    CAST,
    PASSWORD,
    REQUEST,
    Client,
    deploy_shipped,
    seeded_app,
    shipped_diagram,
)
from tests.files import png

ANONYMOUS = "anonymous"
PRINCIPALS = [ANONYMOUS, *CAST]
PROBLEM = "application/problem+json"
ANSWER = {"answer": "Fares stay as they are in 2027.", "confirm_no_confidential": True, "refuse": False}


# -- the world: one app, cast and deployment per database ---------------------------------------------

class World:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._tokens: dict[str, str] = {}
        self.served = {
            (method, rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1") or rule.rule == "/healthz"
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        }

    def as_(self, who: str) -> Client:
        client = self.app.test_client()
        if who == ANONYMOUS:
            return Client(client, None)
        if who not in self._tokens:
            self._tokens[who] = self._sign_in(client, who)
        return Client(client, self._tokens[who])

    def fresh(self, who: str) -> Client:
        """Signed in with a token of its own, for a call that ends its token (the shared ones must live on)."""
        client = self.app.test_client()
        return Client(client, None if who == ANONYMOUS else self._sign_in(client, who))

    @staticmethod
    def _sign_in(client: Any, who: str) -> str:
        response = client.post("/api/v1/auth/token", json={"username": who, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["access_token"])

    # Cases and tasks, made through the API by the people who would make them.

    def triage_task(self) -> tuple[int, str]:
        """A fresh request registered by the PR department: its open triage task (pr_department)."""
        case = start(self.as_)
        return case["id"], open_task(case, "triage")

    def contribute_task(self) -> tuple[int, str]:
        """A fresh request registered by the transport press secretary, triaged by the PR department with
        the health unit contributing: its open contribute task (unit_head of health)."""
        case = start(self.as_, user="ps_transport")
        after = complete_task(self.as_, "pr", open_task(case, "triage"), handler="pr_department",
                              contributors=["health"])
        return case["id"], open_task(after, "contribute")

    def prepare_task(self) -> tuple[int, str]:
        """A fresh request handed to the transport press secretary: its open prepare_answer task."""
        case = start(self.as_)
        after = complete_task(self.as_, "pr", open_task(case, "triage"), handler="press_secretary", unit="transport",
                              contributors=[])
        return case["id"], open_task(after, "prepare_answer")

    # What a write would change, read by the auditor (who reads everything).

    def task(self, task_id: str) -> dict[str, Any]:
        response = self.as_("auditor").get(f"/api/v1/tasks/{task_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def case(self, instance_id: int) -> dict[str, Any]:
        response = self.as_("auditor").get(f"/api/v1/process-instances/{instance_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with seeded_app(database_url, tmp_path_factory.mktemp("authorisation")) as app:
        yield World(app)


@pytest.fixture(scope="module")
def shared(world: World) -> dict[str, Any]:
    """Cases only read, never written, by the tests.

    `case`: started by ps_transport, triaged by pr with health contributing, so its one open task is
    `contribute` for head_health. `assigned`: a triage task the PR head gave to pr2, a second member of the PR
    department outside the cast."""
    case_id, contribute = world.contribute_task()
    assigned_case, triage = world.triage_task()
    sessions, ctx = world.app.extensions["jarchy.sessions"], world.app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        create_user(session, username="pr2", display_name="Pr2", password=PASSWORD, roles=["pr_department"], unit=None,
                    actor="system", at=ctx.now())
    response = world.as_("prhead").post(f"/api/v1/tasks/{triage}/assign", json={"username": "pr2"})
    assert response.status_code == 200, response.get_json()
    photo = world.as_("pr").post(f"/api/v1/process-instances/{case_id}/attachments",
                                 data={"file": (io.BytesIO(png(64, 48)), "photo.png")},
                                 content_type="multipart/form-data")
    assert photo.status_code == 201, photo.get_json()
    return {"case": case_id, "contribute": contribute, "assigned_case": assigned_case, "assigned_triage": triage,
            "photo": photo.get_json()["id"]}


# -- the table ------------------------------------------------------------------------------------------

@dataclass
class Call:
    """One request: its path and body, and (for writes) how to read the state it aims at."""

    path: str
    json: Any = None
    observe: Callable[[], Any] | None = None
    xml: bytes | None = None  # sent as application/xml instead of `json`
    csv: bytes | None = None  # sent as text/csv instead of `json`
    own_token: bool = False  # sent with a token of its own (signing out revokes the token it is sent with)


@dataclass
class Row:
    method: str
    rule: str  # exactly as in app.url_map
    build: Callable[[World, dict[str, Any], str], Call]
    allowed: dict[str, int] = field(default_factory=dict)  # caller -> status; other signed-in callers: 403
    everyone: int | None = None  # the status of every signed-in caller, when the endpoint is open to all
    anonymous: int = 401
    target: str = ""  # what the request acts on, where the answer depends on it
    changes_state: bool = False  # an allowed call changes what `observe` reads
    bugs: dict[str, str] = field(default_factory=dict)  # caller -> known bug (strict xfail)
    missing: str = ""  # the contract names the endpoint but the app does not serve it (strict xfail)

    def expected(self, who: str) -> int:
        if who == ANONYMOUS:
            return self.anonymous
        if self.everyone is not None:
            return self.everyone
        return self.allowed.get(who, 403)

    @property
    def label(self) -> str:
        path = self.rule.removeprefix("/api/v1")
        for converter in ("string:", "int:", "date:"):
            path = path.replace(f"<{converter}", "<")
        path = path.replace("<", "{").replace(">", "}")
        return f"{self.method} {path}" + (f" ({self.target})" if self.target else "")


def _static(path: str) -> Callable[[World, dict[str, Any], str], Call]:
    return lambda _world, _shared, _who: Call(path)


def _token(_world: World, _shared: dict[str, Any], who: str) -> Call:
    username = "pr" if who == ANONYMOUS else who
    return Call("/api/v1/auth/token", {"username": username, "password": PASSWORD})


def _start(world: World, _shared: dict[str, Any], _who: str) -> Call:
    def count() -> int:
        return int(world.as_("auditor").get("/api/v1/process-instances?per_page=1").get_json()["total"])

    return Call("/api/v1/process-instances", {"process_key": "information_request", "data": REQUEST}, count)


def _deploy_again(world: World, _shared: dict[str, Any], _who: str) -> Call:
    def latest() -> int:
        return int(world.as_("auditor").get("/api/v1/process-definitions/information_request").get_json()["version"])

    return Call("/api/v1/process-definitions", observe=latest, xml=shipped_diagram("information_request.bpmn"))


def _deploy_form_again(world: World, _shared: dict[str, Any], _who: str) -> Call:
    def latest() -> int:
        return int(world.as_("auditor").get("/api/v1/forms/information_request/triage").get_json()["items"][0]
                   ["version"])

    key = "information_request/triage"
    return Call("/api/v1/forms", {"key": key, "schema": load_form(key)}, observe=latest)


def _new_unit(world: World, _shared: dict[str, Any], who: str) -> Call:
    key = f"annex-{who}".replace("_", "-")

    def exists() -> bool:
        items = world.as_("auditor").get("/api/v1/units?per_page=100").get_json()["items"]
        return key in {u["key"] for u in items}

    return Call("/api/v1/units", {"key": key, "name": f"Annex of {who}"}, exists)


def _rename_unit(world: World, _shared: dict[str, Any], who: str) -> Call:
    def name() -> str:
        return str(world.as_("auditor").get("/api/v1/units/health").get_json()["names"].get("ru"))

    return Call("/api/v1/units/health", {"names": {"ru": f"Здравоохранение ({who})"}}, name)


def _new_user(world: World, _shared: dict[str, Any], who: str) -> Call:
    username = f"new-{who}"

    def exists() -> int:
        return int(world.as_("auditor").get(f"/api/v1/users/{username}").status_code)

    return Call("/api/v1/users", {"username": username, "display_name": "New Person", "password": "long enough 123",
                                  "roles": ["legal"]}, exists)


def _rename_leader(world: World, _shared: dict[str, Any], who: str) -> Call:
    def name() -> str:
        return str(world.as_("auditor").get("/api/v1/users/leader").get_json()["display_name"])

    return Call("/api/v1/users/leader", {"display_name": f"Leader (renamed by {who})"}, name)


def _on_shared_case(suffix: str) -> Callable[[World, dict[str, Any], str], Call]:
    return lambda _world, shared, _who: Call(f"/api/v1/process-instances/{shared['case']}{suffix}")


def _on_shared_case_path(template: str) -> Callable[[World, dict[str, Any], str], Call]:
    return lambda _world, shared, _who: Call(template.format(shared["case"]))


def _harmless_message(world: World, shared: dict[str, Any], _who: str) -> Call:
    case_id = shared["case"]

    def state() -> tuple[str, list[str]]:
        case = world.case(case_id)
        return case["status"], sorted(t["id"] for t in case["tasks"])

    return Call(f"/api/v1/process-instances/{case_id}/messages", {"name": "nonsense", "data": {}}, state)


def _cancel(world: World, _shared: dict[str, Any], _who: str) -> Call:
    case_id, _task = world.contribute_task()
    return Call(f"/api/v1/process-instances/{case_id}/cancel", {"reason": "Duplicate of IR-2026-000001"},
                lambda: world.case(case_id)["status"])


def _mend(action: str, body: dict[str, Any]) -> Callable[[World, dict[str, Any], str], Call]:
    """Retry or skip on a running case: the administrator's harmless 409 (`case_not_failed`), everyone else's 403."""
    def build(world: World, _shared: dict[str, Any], _who: str) -> Call:
        case_id, _task = world.contribute_task()
        return Call(f"/api/v1/process-instances/{case_id}/{action}", body, lambda: world.case(case_id)["status"])

    return build


def _extend(world: World, _shared: dict[str, Any], _who: str) -> Call:
    case_id, _task = world.contribute_task()
    return Call(f"/api/v1/process-instances/{case_id}/extend", {"working_days": 5, "reason": "Many contributors"},
                lambda: world.case(case_id)["due_at"])


def _attach_nothing(world: World, shared: dict[str, Any], _who: str) -> Call:
    """A JSON body where the file should be: a harmless 422 for whoever may attach, once that is decided."""
    case_id = shared["case"]

    def files() -> int:
        return len(world.as_("auditor").get(f"/api/v1/process-instances/{case_id}/attachments").get_json()["items"])

    return Call(f"/api/v1/process-instances/{case_id}/attachments", {"file": "not a file"}, files)


def _comments(world: World, case_id: int) -> Callable[[], int]:
    return lambda: len(world.as_("auditor").get(f"/api/v1/process-instances/{case_id}/comments").get_json()["items"])


def _comment(text: str) -> Callable[[World, dict[str, Any], str], Call]:
    """A comment on the shared case: an empty one is a harmless 422 for whoever may comment, once that is decided."""
    return lambda world, shared, _who: Call(f"/api/v1/process-instances/{shared['case']}/comments", {"text": text},
                                            _comments(world, shared["case"]))


def _edit_comment(world: World, _shared: dict[str, Any], _who: str) -> Call:
    """A correction of pr's comment on a fresh request pr registered, within its minute."""
    case_id, _task = world.triage_task()
    posted = world.as_("pr").post(f"/api/v1/process-instances/{case_id}/comments", json={"text": "First"})
    assert posted.status_code == 201, posted.get_json()
    comment_id = posted.get_json()["id"]
    return Call(f"/api/v1/comments/{comment_id}", {"text": "Corrected"},
                lambda: [c["text"] for c in world.as_("auditor").get(
                    f"/api/v1/process-instances/{case_id}/comments").get_json()["items"]])


def _shared_photo(suffix: str) -> Callable[[World, dict[str, Any], str], Call]:
    return lambda _world, shared, _who: Call(f"/api/v1/attachments/{shared['photo']}{suffix}")


def _read_shared_task(key: str) -> Callable[[World, dict[str, Any], str], Call]:
    return lambda _world, shared, _who: Call(f"/api/v1/tasks/{shared[key]}")


def _read_fresh_task(make: str) -> Callable[[World, dict[str, Any], str], Call]:
    """A read of a task made for the test by World.<make>."""
    return lambda world, _shared, _who: Call(f"/api/v1/tasks/{getattr(world, make)()[1]}")


def _task_write(make: str, action: str, body: Any = None, watch: str = "assignee", claimed_by: str | None = None
                ) -> Callable[[World, dict[str, Any], str], Call]:
    def build(world: World, _shared: dict[str, Any], _who: str) -> Call:
        _case, task_id = getattr(world, make)()
        if claimed_by:
            response = world.as_(claimed_by).post(f"/api/v1/tasks/{task_id}/claim")
            assert response.status_code == 200, response.get_json()
        return Call(f"/api/v1/tasks/{task_id}/{action}", body, lambda: world.task(task_id)[watch])

    return build


def _calendar_override(world: World, _shared: dict[str, Any], _who: str) -> Call:
    def day() -> Any:
        return world.as_("auditor").get("/api/v1/calendar?from=2026-03-07&to=2026-03-07").get_json()["items"]

    return Call("/api/v1/calendar/overrides/2026-03-07", {"working": True, "reason": "Working Saturday"}, day)


def _read_notification(world: World, _shared: dict[str, Any], _who: str) -> Call:
    """A fresh notification of pr's, to be marked read."""
    from db.models import Notification, User
    from engine.runtime.notifications import notify

    sessions, ctx = world.app.extensions["jarchy.sessions"], world.app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        pr = session.query(User).filter_by(username="pr").one()
        (row,) = notify(session, kind="reminder", users=[pr], message="A reminder.", at=ctx.now(), instance_id=None,
                        task_id=None, email_enabled=False)
        notification_id = row.id

    def read_at() -> Any:
        with sessions() as session:
            return session.get(Notification, notification_id).read_at

    return Call(f"/api/v1/notifications/{notification_id}/read", observe=read_at)


def _read_all_notifications(world: World, _shared: dict[str, Any], who: str) -> Call:
    """A fresh unread notification of the caller's (pr's for an anonymous caller), to be read with all the others."""
    from db.models import Notification, User
    from engine.runtime.notifications import notify

    sessions, ctx = world.app.extensions["jarchy.sessions"], world.app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        user = session.query(User).filter_by(username="pr" if who == ANONYMOUS else who).one()
        (row,) = notify(session, kind="notice", users=[user], message="For your information.", at=ctx.now(),
                        instance_id=None, task_id=None, email_enabled=False)
        notification_id = row.id

    def read_at() -> Any:
        with sessions() as session:
            return session.get(Notification, notification_id).read_at

    return Call("/api/v1/notifications/read-all", observe=read_at)


def _choose_notification_email(world: World, _shared: dict[str, Any], who: str) -> Call:
    """The caller's (pr's for an anonymous caller) notices to come in the daily summary."""
    from db.models import NotificationChoice, User

    sessions = world.app.extensions["jarchy.sessions"]

    def chosen() -> Any:
        with sessions() as session:
            user = session.query(User).filter_by(username="pr" if who == ANONYMOUS else who).one()
            return session.get(NotificationChoice, (user.id, "notice"))

    return Call("/api/v1/me/notification-settings", {"email": {"notice": "daily"}}, chosen)
def _saved_filter_rows(world: World) -> Callable[[], Any]:
    from sqlalchemy import func, select

    from db.models import SavedFilter

    def count() -> Any:
        with world.app.extensions["jarchy.sessions"]() as session:
            return session.scalar(select(func.count()).select_from(SavedFilter))

    return count


def _save_filter(world: World, _shared: dict[str, Any], who: str) -> Call:
    return Call("/api/v1/saved-filters", {"name": f"Saved by {who}", "list": "inbox", "query": {"q": "fares"}},
                _saved_filter_rows(world))


FILTER_NUMBERS = itertools.count(1)


def _pr_filter(world: World) -> int:
    """A fresh saved filter of pr's, not shared."""
    made = world.as_("pr").post("/api/v1/saved-filters", json={"name": f"Mine {next(FILTER_NUMBERS)}",
                                                               "list": "cases"})
    assert made.status_code == 201, made.get_json()
    return int(made.get_json()["id"])


def _rename_filter(world: World, _shared: dict[str, Any], _who: str) -> Call:
    filter_id = _pr_filter(world)

    def name() -> Any:
        from db.models import SavedFilter

        with world.app.extensions["jarchy.sessions"]() as session:
            row = session.get(SavedFilter, filter_id)
            return row.name if row else None

    return Call(f"/api/v1/saved-filters/{filter_id}", {"name": f"Renamed {filter_id}"}, name)


def _delete_filter(world: World, _shared: dict[str, Any], _who: str) -> Call:
    _pr_filter(world)
    filter_id = _pr_filter(world)
    return Call(f"/api/v1/saved-filters/{filter_id}", observe=_saved_filter_rows(world))


PR_ONLY = {who: 404 for who in CAST}  # another user's filter shared with none of their lanes: it does not exist


ALL_READERS = {"admin", "auditor", "prhead", "pr", "leader"}
# The shared case's readers (started by ps_transport, head_health a candidate); to anyone else its files do not
# exist (404, not 403).
CASE_READERS = {*ALL_READERS, "ps_transport", "head_health"}
FILE_READERS = {who: 200 if who in CASE_READERS else 404 for who in CAST}
REGISTRY_KEEPERS = ("admin", "prhead", "pr")
REGISTRY_READERS = (*REGISTRY_KEEPERS, "auditor")


def _registry(world: World) -> tuple[Any, Any]:
    return world.app.extensions["jarchy.sessions"], world.app.extensions["jarchy.ctx"]


def _registry_names(world: World, what: str) -> set[str]:
    items = world.as_("auditor").get(f"/api/v1/{what}?per_page=100").get_json()["items"]
    return {item["name"] for item in items}


def _new_outlet(world: World, _shared: dict[str, Any], who: str) -> Call:
    name = f"Outlet of {who}"
    return Call("/api/v1/outlets", {"name": name, "kind": "online"}, lambda: name in _registry_names(world, "outlets"))


def _new_journalist(world: World, _shared: dict[str, Any], who: str) -> Call:
    name = f"Journalist of {who}"
    return Call("/api/v1/journalists", {"name": name, "email": f"{who}@media.example"},
                lambda: name in _registry_names(world, "journalists"))


def _new_list(world: World, _shared: dict[str, Any], who: str) -> Call:
    name = f"List of {who}"
    return Call("/api/v1/distribution-lists", {"name": name},
                lambda: name in _registry_names(world, "distribution-lists"))


def _imported(what: str, text: str) -> Callable[[World, dict[str, Any], str], Call]:
    def build(world: World, _shared: dict[str, Any], who: str) -> Call:
        name = f"Imported by {who}"
        return Call(f"/api/v1/{what}/import", observe=lambda: name in _registry_names(world, what),
                    csv=text.format(name=name, who=who).encode())
    return build


def _renamed(what: str) -> Callable[[World, dict[str, Any], str], Call]:
    """A fresh outlet, journalist or list of the registry, renamed by the caller."""

    def build(world: World, _shared: dict[str, Any], who: str) -> Call:
        sessions, ctx = _registry(world)
        with sessions.begin() as session:
            make = {"outlets": lambda: registry.create_outlet(session, {"name": f"To rename by {who}", "kind": "tv"},
                                                              actor="system", at=ctx.now()),
                    "journalists": lambda: registry.create_journalist(
                        session, {"name": f"To rename by {who}", "email": "x@media.example"}, actor="system",
                        at=ctx.now()),
                    "distribution-lists": lambda: registry.create_list(session, {"name": f"To rename by {who}"},
                                                                       actor="system", at=ctx.now())}[what]
            row_id = make().id
        name = f"Renamed by {who}"
        return Call(f"/api/v1/{what}/{row_id}", {"name": name}, lambda: name in _registry_names(world, what))
    return build


def _accredit(world: World, _shared: dict[str, Any], who: str) -> Call:
    sessions, ctx = _registry(world)
    with sessions.begin() as session:
        journalist_id = registry.create_journalist(session, {"name": f"To accredit by {who}", "email": "a@m.example"},
                                                   actor="system", at=ctx.now()).id

    def accredited() -> Any:
        items = world.as_("auditor").get(f"/api/v1/journalists?q=To accredit by {who}").get_json()["items"]
        return items[0]["accredited_until"]

    return Call(f"/api/v1/journalists/{journalist_id}/accreditations",
                {"valid_from": "2026-03-01", "valid_until": "2026-12-31"}, accredited)


def _revoke(world: World, _shared: dict[str, Any], who: str) -> Call:
    sessions, ctx = _registry(world)
    with sessions.begin() as session:
        journalist_id = registry.create_journalist(session, {"name": f"To revoke by {who}", "email": "r@m.example"},
                                                   actor="system", at=ctx.now()).id
        accreditation_id = accreditation.accredit(session, journalist_id, valid_from=date(2026, 1, 1),
                                             valid_until=date(2026, 12, 31), actor="system", at=ctx.now()).id

    def accredited() -> Any:
        items = world.as_("auditor").get(f"/api/v1/journalists?q=To revoke by {who}").get_json()["items"]
        return items[0]["accredited_until"]

    return Call(f"/api/v1/accreditations/{accreditation_id}/revoke", {"reason": "Left the outlet."}, accredited)
MEDIA_PLAN_KEEPERS = ("admin", "prhead", "pr")
MEDIA_PLAN_READERS = (*MEDIA_PLAN_KEEPERS, "leader", "ps_transport", "ps_health", "head_transport", "head_health",
                      "auditor")
APPOINTMENT = {"title": "Briefing", "official": "The mayor", "starts_at": "2026-04-01T10:00:00+06:00",
               "open_to_press": True}


def _media_plan_entry(world: World, title: str) -> int:
    from engine.people import media_plan

    sessions, ctx = _registry(world)
    with sessions.begin() as session:
        return media_plan.create_entry(session, APPOINTMENT | {"title": title}, tz=ctx.cal.timezone, actor="system",
                                       at=ctx.now()).id


def _media_plan_titles(world: World) -> set[str]:
    items = world.as_("auditor").get("/api/v1/media-plan?from=2026-03-01&to=2026-06-30&per_page=100").get_json()
    return {item["title"] for item in items["items"]}


def _new_appointment(world: World, _shared: dict[str, Any], who: str) -> Call:
    title = f"Planned by {who}"
    return Call("/api/v1/media-plan", APPOINTMENT | {"title": title}, lambda: title in _media_plan_titles(world))


def _appointment_write(action: str, body: dict[str, Any]) -> Callable[[World, dict[str, Any], str], Call]:
    """A fresh entry of the media plan, changed (`""`), postponed or cancelled by the caller."""

    def build(world: World, _shared: dict[str, Any], who: str) -> Call:
        entry_id = _media_plan_entry(world, f"To {action or 'change'} by {who}")

        def state() -> Any:
            entry = world.as_("auditor").get(f"/api/v1/media-plan/{entry_id}").get_json()
            return entry["sequence"], entry["status"]

        return Call(f"/api/v1/media-plan/{entry_id}{'/' + action if action else ''}", body, state)
    return build


def _read_appointment(world: World, _shared: dict[str, Any], who: str) -> Call:
    return Call(f"/api/v1/media-plan/{_media_plan_entry(world, f'To read by {who}')}")


def _held_too_early(world: World, _shared: dict[str, Any], who: str) -> Call:
    entry_id = _media_plan_entry(world, f"Not yet held by {who}")
    return Call(f"/api/v1/media-plan/{entry_id}/held",
                observe=lambda: world.as_("auditor").get(f"/api/v1/media-plan/{entry_id}").get_json()["status"])


def _support(world: World, _shared: dict[str, Any], who: str) -> Call:
    """A fresh appearance whose information support the caller starts (event_support deployed for it)."""
    from engine.people import media_plan

    sessions, ctx = _registry(world)
    for diagram in ("release_approval.bpmn", "event_support.bpmn"):
        deploy_shipped(sessions, ctx, diagram)
    with sessions.begin() as session:
        entry_id = media_plan.create_entry(session, APPOINTMENT | {"title": f"Supported by {who}", "place": "City hall",
                                                                   "unit": "transport"},
                                           tz=ctx.cal.timezone, actor="system", at=ctx.now()).id
    listed = "/api/v1/process-instances?process_key=event_support&per_page=100"
    return Call(f"/api/v1/media-plan/{entry_id}/support", {},
                observe=lambda: len(world.as_("admin").get(listed).get_json()["items"]))


def _feed_link(world: World, _shared: dict[str, Any], who: str) -> Call:
    from sqlalchemy import select

    from db.models import CalendarFeedToken, User

    sessions, _ctx = _registry(world)

    def made() -> Any:
        with sessions() as session:
            return session.scalar(select(CalendarFeedToken.token_hash).join(User, User.id == CalendarFeedToken.user_id)
                                  .where(User.username == who))

    return Call("/api/v1/media-plan/feed-link", observe=made)


NOT_SERVED = "the contract names this endpoint but the app does not serve it"


def _close_period(world: World, _shared: dict[str, Any], who: str) -> Call:
    """Each caller closes a month of its own in 2025 (periods never overlap, and a closed one stays closed)."""
    month = 1 + sorted(CAST).index(who) if who in CAST else 12
    first = f"2025-{month:02d}-01"

    def exists() -> bool:
        items = world.as_("auditor").get("/api/v1/reports/requests/periods").get_json()["items"]
        return first in {p["from"] for p in items}

    return Call("/api/v1/reports/requests/periods", {"from": first, "to": f"2025-{month:02d}-28"}, exists)


def _absence_days(who: str, offset: int = 0) -> tuple[date, date]:
    """Days of an absence of pr's of a test's own (a caller's, far from any other's): absences must not overlap."""
    first = date(2026, 6, 1) + timedelta(days=20 * PRINCIPALS.index(who) + offset)
    return first, first + timedelta(days=1)


def _absences_of_pr(world: World) -> Any:
    return world.as_("auditor").get("/api/v1/users/pr/absences").get_json()


def _record_absence(world: World, _shared: dict[str, Any], who: str) -> Call:
    first, last = _absence_days(who)
    return Call("/api/v1/users/pr/absences", {"from": first.isoformat(), "until": last.isoformat(), "deputy": "pr2"},
                lambda: len(_absences_of_pr(world)))


def _end_absence(world: World, _shared: dict[str, Any], who: str) -> Call:
    from engine.runtime import absences

    sessions, ctx = world.app.extensions["jarchy.sessions"], world.app.extensions["jarchy.ctx"]
    with sessions.begin() as session:
        absence = absences.record(session, ctx, "system", "pr", absences.Period(*_absence_days(who, 10)),
                                  deputy="pr2", note=None)
        absence_id = absence.id
    return Call(f"/api/v1/users/pr/absences/{absence_id}",
                observe=lambda: [a["ended_at"] for a in _absences_of_pr(world) if a["id"] == absence_id])


def _reassign(world: World, _shared: dict[str, Any], _who: str) -> Call:
    _case, task_id = world.triage_task()
    return Call("/api/v1/tasks/reassign", {"task_ids": [task_id], "assignee": "pr2", "reason": "rebalancing"},
                lambda: world.task(task_id)["assignee"])


def _ok(*who: str, status: int = 200) -> dict[str, int]:
    return dict.fromkeys(who, status)


TABLE: list[Row] = [
    # Public.
    Row("POST", "/api/v1/auth/token", _token, everyone=200, anonymous=200),
    Row("GET", "/api/v1/openapi.json", _static("/api/v1/openapi.json"), everyone=200, anonymous=200),
    Row("GET", "/healthz", _static("/healthz"), everyone=200, anonymous=200),
    # Everyone signed in.
    Row("GET", "/api/v1/me", _static("/api/v1/me"), everyone=200),
    Row("POST", "/api/v1/auth/logout", lambda _world, _shared, _who: Call("/api/v1/auth/logout", own_token=True),
        everyone=204),
    Row("GET", "/api/v1/process-definitions", _static("/api/v1/process-definitions"), everyone=200),
    Row("GET", "/api/v1/process-definitions/<string:key>",
        _static("/api/v1/process-definitions/information_request"), everyone=200),
    Row("GET", "/api/v1/process-definitions/<string:key>/versions/<version:version>",
        _static("/api/v1/process-definitions/information_request/versions/1"), everyone=200),
    Row("GET", "/api/v1/process-definitions/<string:key>/versions/<version:version>/bpmn",
        _static("/api/v1/process-definitions/information_request/versions/1/bpmn"), everyone=200),
    # Moving cases between versions: administrators only. The calls are harmless: a migration to the version it
    # starts from (422), a migration or a case that is not there (404).
    Row("GET", "/api/v1/process-definitions/<string:key>/migrations",
        _static("/api/v1/process-definitions/information_request/migrations"), _ok("admin")),
    Row("POST", "/api/v1/process-definitions/<string:key>/migrations",
        lambda _world, _shared, _who: Call("/api/v1/process-definitions/information_request/migrations",
                                           {"from_version": 1, "to_version": 1, "dry_run": True}),
        _ok("admin", status=422)),
    Row("GET", "/api/v1/process-definitions/<string:key>/migrations/<id:migration_id>",
        _static("/api/v1/process-definitions/information_request/migrations/999999"), _ok("admin", status=404)),
    Row("POST", "/api/v1/process-definitions/<string:key>/migrations/<id:migration_id>/cases/<id:instance_id>/back",
        _static("/api/v1/process-definitions/information_request/migrations/999999/cases/1/back"),
        _ok("admin", status=404)),
    Row("GET", "/api/v1/process-definitions/<string:key>/bpmn",
        _static("/api/v1/process-definitions/information_request/bpmn"), everyone=200),
    Row("GET", "/api/v1/process-instances", _static("/api/v1/process-instances"), everyone=200,
        target="each sees the cases they may read"),
    Row("GET", "/api/v1/tasks", _static("/api/v1/tasks"), everyone=200, target="each sees their own inbox"),
    Row("GET", "/api/v1/calendar", _static("/api/v1/calendar?from=2026-03-01&to=2026-03-31"), everyone=200),
    Row("GET", "/api/v1/calendar/add-working-days",
        _static("/api/v1/calendar/add-working-days?start=2026-03-02&days=14"), everyone=200),
    Row("GET", "/api/v1/jurisdiction", _static("/api/v1/jurisdiction"), everyone=200),
    # The figures on requests: the head of the PR department, leadership and the auditor read them, as does the
    # administrator; the head of the PR department or the administrator closes a period.
    Row("GET", "/api/v1/reports/requests", _static("/api/v1/reports/requests?from=2026-03-01&to=2026-03-31"),
        _ok("prhead", "leader", "auditor", "admin")),
    Row("GET", "/api/v1/reports/office", _static("/api/v1/reports/office?period=month&of=2026-03"),
        _ok("prhead", "leader", "auditor", "admin")),
    # The dashboard: leadership and the head of the PR department (the page's readers), and through the API also
    # those who read every case and the reports.
    Row("GET", "/api/v1/dashboard", _static("/api/v1/dashboard?period=quarter&at=2026-03-02"),
        _ok("prhead", "leader", "auditor", "admin")),
    Row("GET", "/api/v1/reports/requests/periods", _static("/api/v1/reports/requests/periods"),
        _ok("prhead", "leader", "auditor", "admin")),
    Row("POST", "/api/v1/reports/requests/periods", _close_period, _ok("prhead", "admin", status=201),
        changes_state=True),
    Row("GET", "/api/v1/notifications", _static("/api/v1/notifications"), everyone=200,
        target="each sees their own notifications"),
    # Marking a notification read: only its owner; to anyone else it does not exist (404, not 403).
    Row("POST", "/api/v1/notifications/<id:notification_id>/read", _read_notification,
        {who: 200 if who == "pr" else 404 for who in CAST}, target="a notification of pr", changes_state=True),
    # Reading all and choosing e-mail: each caller for their own notifications.
    Row("POST", "/api/v1/notifications/read-all", _read_all_notifications, everyone=200,
        target="the caller's own notifications", changes_state=True),
    Row("GET", "/api/v1/me/notification-settings", _static("/api/v1/me/notification-settings"), everyone=200,
        target="the caller's own choices"),
    Row("PUT", "/api/v1/me/notification-settings", _choose_notification_email, everyone=200,
        target="the caller's own choices", changes_state=True),
    # Units and users: admin manages, the auditor reads.
    Row("GET", "/api/v1/saved-filters", _static("/api/v1/saved-filters"), everyone=200,
        target="each sees their own and their lanes' filters"),
    Row("POST", "/api/v1/saved-filters", _save_filter, everyone=201, changes_state=True),
    Row("PATCH", "/api/v1/saved-filters/<id:filter_id>", _rename_filter, PR_ONLY | {"pr": 200},
        target="a filter of pr", changes_state=True),
    Row("DELETE", "/api/v1/saved-filters/<id:filter_id>", _delete_filter, PR_ONLY | {"pr": 204},
        target="a filter of pr", changes_state=True),
    Row("GET", "/api/v1/units", _static("/api/v1/units"), _ok("admin", "auditor")),
    Row("POST", "/api/v1/units", _new_unit, _ok("admin", status=201), changes_state=True),
    Row("GET", "/api/v1/units/<string:unit_key>", _static("/api/v1/units/health"), _ok("admin", "auditor")),
    Row("PATCH", "/api/v1/units/<string:unit_key>", _rename_unit, _ok("admin"), changes_state=True),
    Row("GET", "/api/v1/users", _static("/api/v1/users"), _ok("admin", "auditor")),
    Row("POST", "/api/v1/users", _new_user, _ok("admin", status=201), changes_state=True),
    Row("GET", "/api/v1/users/<string:username>", _static("/api/v1/users/lawyer"), _ok("admin", "auditor")),
    Row("PATCH", "/api/v1/users/<string:username>", _rename_leader, _ok("admin"), changes_state=True),
    # The registry of the media: the PR department, its head and the administrator keep it, the auditor reads it.
    Row("GET", "/api/v1/outlets", _static("/api/v1/outlets"), _ok(*REGISTRY_READERS)),
    Row("POST", "/api/v1/outlets", _new_outlet, _ok(*REGISTRY_KEEPERS, status=201), changes_state=True),
    Row("PATCH", "/api/v1/outlets/<id:outlet_id>", _renamed("outlets"), _ok(*REGISTRY_KEEPERS), changes_state=True),
    Row("POST", "/api/v1/outlets/import", _imported("outlets", "name,kind\r\n{name},radio\r\n"),
        _ok(*REGISTRY_KEEPERS), changes_state=True),
    Row("GET", "/api/v1/journalists", _static("/api/v1/journalists"), _ok(*REGISTRY_READERS)),
    Row("POST", "/api/v1/journalists", _new_journalist, _ok(*REGISTRY_KEEPERS, status=201), changes_state=True),
    Row("PATCH", "/api/v1/journalists/<id:journalist_id>", _renamed("journalists"), _ok(*REGISTRY_KEEPERS),
        changes_state=True),
    Row("POST", "/api/v1/journalists/import", _imported("journalists", "name,email\r\n{name},{who}@imp.example\r\n"),
        _ok(*REGISTRY_KEEPERS), changes_state=True),
    Row("POST", "/api/v1/journalists/<id:journalist_id>/accreditations", _accredit,
        _ok(*REGISTRY_KEEPERS, status=201), changes_state=True),
    Row("POST", "/api/v1/accreditations/<id:accreditation_id>/revoke", _revoke, _ok(*REGISTRY_KEEPERS),
        changes_state=True),
    Row("GET", "/api/v1/distribution-lists", _static("/api/v1/distribution-lists"), _ok(*REGISTRY_READERS)),
    Row("POST", "/api/v1/distribution-lists", _new_list, _ok(*REGISTRY_KEEPERS, status=201), changes_state=True),
    Row("PATCH", "/api/v1/distribution-lists/<id:list_id>", _renamed("distribution-lists"), _ok(*REGISTRY_KEEPERS),
        changes_state=True),
    # A release's deliveries: the case's readers; a bounce: the registry's keepers (no such delivery: 404 to them).
    Row("GET", "/api/v1/process-instances/<id:instance_id>/deliveries", _on_shared_case("/deliveries"),
        _ok(*ALL_READERS, "ps_transport", "head_health"),
        target="started by ps_transport, head_health a candidate"),
    Row("POST", "/api/v1/deliveries/<id:delivery_id>/bounce",
        lambda _world, _shared, _who: Call("/api/v1/deliveries/999999/bounce", {"reason": "5.1.1 unknown"}),
        _ok(*REGISTRY_KEEPERS, status=404), target="no such delivery"),
    # The media plan: the PR department, its head and the administrator keep it; staff who take part read it, as
    # does the auditor; the legal department does not. Recording an entry held before it began is a harmless 409.
    Row("GET", "/api/v1/media-plan", _static("/api/v1/media-plan"), _ok(*MEDIA_PLAN_READERS)),
    Row("POST", "/api/v1/media-plan", _new_appointment, _ok(*MEDIA_PLAN_KEEPERS, status=201), changes_state=True),
    Row("GET", "/api/v1/media-plan/<id:entry_id>", _read_appointment, _ok(*MEDIA_PLAN_READERS)),
    Row("PATCH", "/api/v1/media-plan/<id:entry_id>", _appointment_write("", {"place": "Great hall"}),
        _ok(*MEDIA_PLAN_KEEPERS), changes_state=True),
    Row("POST", "/api/v1/media-plan/<id:entry_id>/postpone", _appointment_write("postpone", {"reason": "Ill"}),
        _ok(*MEDIA_PLAN_KEEPERS), changes_state=True),
    Row("POST", "/api/v1/media-plan/<id:entry_id>/cancel", _appointment_write("cancel", {"reason": "Called off"}),
        _ok(*MEDIA_PLAN_KEEPERS), changes_state=True),
    Row("POST", "/api/v1/media-plan/<id:entry_id>/held", _held_too_early, _ok(*MEDIA_PLAN_KEEPERS, status=409),
        target="an entry that has not begun"),
    Row("POST", "/api/v1/media-plan/<id:entry_id>/support", _support,
        _ok("prhead", "pr", "ps_transport", "ps_health", status=201), changes_state=True),
    Row("GET", "/api/v1/media-plan/feed-link", _static("/api/v1/media-plan/feed-link"), _ok(*MEDIA_PLAN_READERS),
        target="each their own"),
    Row("POST", "/api/v1/media-plan/feed-link", _feed_link, _ok(*MEDIA_PLAN_READERS, status=201),
        target="each their own", changes_state=True),
    Row("DELETE", "/api/v1/media-plan/feed-link", _static("/api/v1/media-plan/feed-link"),
        everyone=204, target="each their own (none: nothing to end)"),
    # The feed answers the holder of a private link, without a bearer token: a wrong token is 404 to anyone.
    Row("GET", "/api/v1/media-plan.ics", _static("/api/v1/media-plan.ics?token=not-a-token"), everyone=404,
        anonymous=404, target="a wrong token"),
    # Draft acts: a case's comments to the moderators and the case's readers; moderating and extending a discussion:
    # the PR department and its head (no such comment, a case that is no draft act: 404 to them, nothing changed).
    Row("GET", "/api/v1/draft-acts/<id:instance_id>/comments", _on_shared_case_path("/api/v1/draft-acts/{}/comments"),
        _ok(*ALL_READERS, "ps_transport", "head_health"), target="a case of another procedure: no comments"),
    Row("POST", "/api/v1/draft-comments/<id:comment_id>/moderate",
        lambda _world, _shared, _who: Call("/api/v1/draft-comments/999999/moderate", {"decision": "approve"}),
        _ok("pr", "prhead", status=404), target="no such comment"),
    Row("POST", "/api/v1/draft-acts/<id:instance_id>/period",
        lambda _world, shared, _who: Call(f"/api/v1/draft-acts/{shared['case']}/period",
                                          {"ends_on": "2026-03-20", "reason": "More time"}),
        _ok("pr", "prhead", status=404), target="a case that is no draft act"),
    # Deploying: admin only. The same diagram again is a 200 that changes nothing.
    Row("POST", "/api/v1/process-definitions", _deploy_again, _ok("admin"), target="the deployed diagram again"),
    Row("GET", "/api/v1/forms", _static("/api/v1/forms"), everyone=200),
    Row("GET", "/api/v1/forms/<path:form_key>", _static("/api/v1/forms/information_request/triage"), everyone=200),
    Row("GET", "/api/v1/forms/<path:form_key>/versions/<version:version>",
        _static("/api/v1/forms/information_request/triage/versions/1"), everyone=200),
    Row("POST", "/api/v1/forms", _deploy_form_again, _ok("admin"), target="a deployed form's schema again"),
    # Audit and timers.
    Row("GET", "/api/v1/audit", _static("/api/v1/audit"), _ok("admin", "auditor")),
    Row("GET", "/api/v1/audit/verify", _static("/api/v1/audit/verify"), _ok("admin", "auditor")),
    # No checkpoint is signed in this world: past the role check, the proofs find none (test_audit_rewrites).
    Row("GET", "/api/v1/audit/events/<id:event_id>/proof", _static("/api/v1/audit/events/1/proof"),
        _ok("admin", "auditor", status=404)),
    Row("GET", "/api/v1/audit/consistency", _static("/api/v1/audit/consistency?from=0&to=0"),
        _ok("admin", "auditor", status=404)),
    Row("GET", "/api/v1/audit/checkpoints", _static("/api/v1/audit/checkpoints"), _ok("admin", "auditor")),
    Row("GET", "/api/v1/timers", _static("/api/v1/timers"), _ok("admin", "auditor", "prhead", "pr")),
    # Cases.
    Row("POST", "/api/v1/process-instances", _start, _ok("pr", "ps_transport", "ps_health", status=201),
        target="information_request", changes_state=True),
    Row("GET", "/api/v1/process-instances/<id:instance_id>", _on_shared_case(""),
        _ok(*ALL_READERS, "ps_transport", "head_health"),
        target="started by ps_transport, head_health a candidate"),
    Row("GET", "/api/v1/process-instances/<id:instance_id>/history", _on_shared_case("/history"),
        _ok(*ALL_READERS, "ps_transport", "head_health"),
        target="started by ps_transport, head_health a candidate"),
    Row("GET", "/api/v1/process-instances/<id:instance_id>/deadline", _on_shared_case("/deadline"),
        _ok(*ALL_READERS, "ps_transport", "head_health"),
        target="started by ps_transport, head_health a candidate"),
    # The contract names no roles for messages; the app lets readers among admin, pr_head, pr_department and
    # press_secretary deliver them. A message nobody waits for is a harmless 409.
    Row("POST", "/api/v1/process-instances/<id:instance_id>/messages", _harmless_message,
        _ok("admin", "prhead", "pr", "ps_transport", status=409), target="a message nobody waits for"),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/cancel", _cancel, _ok("admin", "prhead"),
        changes_state=True),
    # Mending failed cases (docs/failed_cases.md): the administrator alone; on a running case a harmless 409.
    Row("GET", "/api/v1/failed-cases", _static("/api/v1/failed-cases"), _ok("admin", "auditor")),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/retry", _mend("retry", {"reason": "Try again"}),
        _ok("admin", status=409), target="a running case"),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/skip",
        _mend("skip", {"element_id": "contribute", "reason": "Not needed"}), _ok("admin", status=409),
        target="a running case"),
    # Extensions are not allowed by the default deployment (JARCHY_REQUEST_EXTENSION_DAYS=0): 422 for pr_head.
    Row("POST", "/api/v1/process-instances/<id:instance_id>/extend", _extend, _ok("prhead", status=422)),
    # A case's files: its readers read them; its staff readers attach (an auditor or an administrator reads only).
    Row("GET", "/api/v1/process-instances/<id:instance_id>/attachments", _on_shared_case("/attachments"),
        FILE_READERS, target="started by ps_transport, head_health a candidate"),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/attachments", _attach_nothing,
        {who: 404 if who not in CASE_READERS else 403 if who in ("admin", "auditor") else 422 for who in CAST},
        target="no file sent"),
    # A case's discussion: its readers read it (the case's own 403 to anyone else); its staff readers comment (an
    # auditor or an administrator reads only); its author corrects a comment, within a minute (404 to non-readers).
    Row("GET", "/api/v1/process-instances/<id:instance_id>/comments", _on_shared_case("/comments"),
        _ok(*CASE_READERS), target="started by ps_transport, head_health a candidate"),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/comments", _comment(""),
        _ok(*(CASE_READERS - {"admin", "auditor"}), status=422), target="an empty comment"),
    Row("POST", "/api/v1/process-instances/<id:instance_id>/comments", _comment("Noted."),
        _ok(*(CASE_READERS - {"admin", "auditor"}), status=201), target="a comment", changes_state=True),
    Row("PATCH", "/api/v1/comments/<id:comment_id>", _edit_comment,
        {"pr": 200} | {who: 404 for who in CAST if who not in (*ALL_READERS, "pr")},
        target="pr's comment on a case pr registered", changes_state=True),
    Row("GET", "/api/v1/attachments/<attachment_id>", _shared_photo(""), FILE_READERS,
        target="a photo of the shared case"),
    Row("GET", "/api/v1/attachments/<attachment_id>/thumbnail", _shared_photo("/thumbnail"), FILE_READERS,
        target="a photo of the shared case"),
    # Tasks: reading.
    Row("GET", "/api/v1/tasks/<string:task_id>", _read_shared_task("contribute"),
        _ok("admin", "auditor", "prhead", "head_health"), target="contribute, candidates: head_health"),
    Row("GET", "/api/v1/tasks/<string:task_id>", _read_shared_task("assigned_triage"),
        _ok("admin", "auditor", "prhead", "pr"), target="triage assigned to pr2"),
    Row("GET", "/api/v1/tasks/<string:task_id>", _read_fresh_task("prepare_task"),
        _ok("admin", "auditor", "prhead", "ps_transport"), target="prepare_answer, candidates: ps_transport"),
    # Tasks: claiming, only by candidates.
    Row("POST", "/api/v1/tasks/<string:task_id>/claim", _task_write("triage_task", "claim"), _ok("pr"),
        target="triage, candidates: pr", changes_state=True),
    Row("POST", "/api/v1/tasks/<string:task_id>/claim", _task_write("contribute_task", "claim"), _ok("head_health"),
        target="contribute, candidates: head_health", changes_state=True),
    Row("POST", "/api/v1/tasks/<string:task_id>/claim", _task_write("prepare_task", "claim"), _ok("ps_transport"),
        target="prepare_answer, candidates: ps_transport", changes_state=True),
    # Tasks: giving back, by the assignee, pr_head or admin.
    Row("POST", "/api/v1/tasks/<string:task_id>/unclaim",
        _task_write("contribute_task", "unclaim", claimed_by="head_health"), _ok("admin", "prhead", "head_health"),
        target="contribute, claimed by head_health", changes_state=True),
    Row("POST", "/api/v1/tasks/<string:task_id>/unclaim", _task_write("contribute_task", "unclaim"),
        _ok("admin", "prhead", "head_health"), target="contribute, unclaimed"),
    # Tasks: assigning, by pr_head or admin.
    Row("POST", "/api/v1/tasks/<string:task_id>/assign",
        _task_write("contribute_task", "assign", {"username": "head_health"}), _ok("admin", "prhead"),
        target="contribute, to head_health", changes_state=True),
    # Tasks: sending to another role or unit, by pr_head or admin.
    Row("POST", "/api/v1/tasks/<string:task_id>/route",
        _task_write("contribute_task", "route", {"role": "unit_head", "unit": "transport"}, watch="unit"),
        _ok("admin", "prhead"), target="contribute, to transport's head", changes_state=True),
    # Tasks: completing, only by candidates (not admin, not pr_head, not another unit's head or secretary).
    Row("POST", "/api/v1/tasks/<string:task_id>/complete",
        _task_write("triage_task", "complete", {"data": {"handler": "pr_department", "contributors": []}},
                    watch="status"), _ok("pr"), target="triage, candidates: pr", changes_state=True),
    Row("POST", "/api/v1/tasks/<string:task_id>/complete",
        _task_write("contribute_task", "complete", {"data": {"contribution": "Health: no change."}}, watch="status"),
        _ok("head_health"), target="contribute, candidates: head_health", changes_state=True),
    Row("POST", "/api/v1/tasks/<string:task_id>/complete",
        _task_write("prepare_task", "complete", {"data": ANSWER}, watch="status"), _ok("ps_transport"),
        target="prepare_answer, candidates: ps_transport", changes_state=True),
    # Several tasks to one user at once: pr_head or admin.
    Row("POST", "/api/v1/tasks/reassign", _reassign, _ok("admin", "prhead"), target="a triage task, to pr2",
        changes_state=True),
    # Absences: a user's own, and the PR head's and the administrator's for anyone; the auditor reads them.
    Row("GET", "/api/v1/users/<string:username>/absences",
        lambda world, _shared, _who: Call("/api/v1/users/pr/absences"), _ok("admin", "auditor", "prhead", "pr"),
        target="pr's"),
    Row("POST", "/api/v1/users/<string:username>/absences", _record_absence, _ok("admin", "prhead", "pr", status=201),
        target="pr's, pr2 standing in", changes_state=True),
    Row("DELETE", "/api/v1/users/<string:username>/absences/<id:absence_id>", _end_absence,
        _ok("admin", "prhead", "pr"), target="pr's, to come", changes_state=True),
    # Calendar overrides: admin.
    Row("PUT", "/api/v1/calendar/overrides/<string:day>", _calendar_override, _ok("admin"), changes_state=True),
]


def _cases() -> list[Any]:
    cases = []
    for row in TABLE:
        for who in PRINCIPALS:
            reason = row.missing or row.bugs.get(who)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(row, who, id=f"{row.label} as {who}", marks=marks))
    return cases


# -- the tests --------------------------------------------------------------------------------------------

def test_the_table_has_a_row_for_every_endpoint_the_app_serves(world: World) -> None:
    """A new endpoint without a row here fails this test: decide who may call it, then add the row."""
    in_table = {(row.method, row.rule) for row in TABLE}
    without_row = sorted(world.served - in_table)
    assert without_row == [], "endpoints without a row in the authorisation table: " + ", ".join(
        f"{method} {rule}" for method, rule in without_row)


def test_every_endpoint_the_contract_names_is_served(world: World) -> None:
    in_table = {(row.method, row.rule) for row in TABLE}
    not_served = sorted(in_table - world.served)
    assert not_served == [], "endpoints of the contract the app does not serve: " + ", ".join(
        f"{method} {rule}" for method, rule in not_served)


@pytest.mark.parametrize(("row", "who"), _cases())
def test_each_caller_gets_exactly_the_access_the_contract_gives(world: World, shared: dict[str, Any], row: Row,
                                                                who: str) -> None:
    call = row.build(world, shared, who)
    before = call.observe() if call.observe else None
    send = getattr(world.fresh(who) if call.own_token else world.as_(who), row.method.lower())
    if call.xml is not None:
        response = send(call.path, data=call.xml, headers={"Content-Type": "application/xml"})
    elif call.csv is not None:
        response = send(call.path, data=call.csv, headers={"Content-Type": "text/csv"})
    else:
        response = send(call.path, json=call.json)

    expected = row.expected(who)
    got = f"{response.status_code}: {response.get_data()[:300].decode(errors='replace')}"  # a file's bytes too
    assert response.status_code == expected, f"{row.label} as {who}: expected {expected}, got {got}"
    if expected >= 400:
        assert response.mimetype == PROBLEM
        assert response.get_json()["status"] == expected
    if call.observe is not None:
        after = call.observe()
        if row.changes_state and 200 <= expected < 300:
            assert after != before, f"{row.label} as {who} answered {expected} but changed nothing"
        else:
            assert after == before, f"{row.label} as {who} was refused but changed {before!r} to {after!r}"
