"""The navigation bar: which pages each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from api.web.signin import STAFF_ROLES, web_user


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: object
    roles: tuple[str, ...]


ITEMS = (
    Item("web_staff.inbox", _l("Inbox"), STAFF_ROLES),
    Item("web_staff.start", _l("Start a case"), STAFF_ROLES),
    Item("web_staff.cases", _l("Cases"), STAFF_ROLES),
    Item("web_dashboard.dashboard", _l("Dashboard"), ("leadership", "pr_head")),
    Item("web_admin.procedures", _l("Procedures"), ("admin",)),
    Item("web_admin.users", _l("Users"), ("admin",)),
    Item("web_admin.units", _l("Units"), ("admin",)),
    Item("web_admin.calendar", _l("Calendar"), ("admin",)),
    Item("web_audit.events", _l("Events"), ("auditor",)),
    Item("web_audit.cases", _l("All cases"), ("auditor",)),
    Item("web_audit.verify", _l("Verify the chain"), ("auditor",)),
)


def items() -> list[tuple[str, str, bool]]:
    """(url, label, current) for the signed-in user's pages that this app serves."""
    user = web_user()
    if user is None:
        return []
    shown = []
    for item in ITEMS:
        if item.endpoint in current_app.view_functions and set(item.roles).intersection(user.roles):
            shown.append((url_for(item.endpoint), str(item.label), request.endpoint == item.endpoint))
    return shown
