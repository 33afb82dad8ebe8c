"""The navigation bar: the pages the signed-in user may open (by the rules of engine.people.access)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from api.web.signin import Permission, web_user
from engine.people.access import (
    may_administer,
    may_keep_registry,
    may_mend_cases,
    may_read_media_plan,
    may_read_reports,
    may_record_absence,
    may_see_dashboard,
    may_use_audit_pages,
    may_use_staff_pages,
)


@dataclass(frozen=True)
class Item:
    endpoint: str
    label: object
    permission: Permission


ITEMS = (
    Item("web_staff.inbox", _l("Inbox"), may_use_staff_pages),
    Item("web_staff.start", _l("Start a case"), may_use_staff_pages),
    Item("web_staff.cases", _l("Cases"), may_use_staff_pages),
    Item("web_dashboard.dashboard", _l("Dashboard"), may_see_dashboard),
    Item("web_reports.requests_report", _l("Request figures"), may_read_reports),
    Item("web_reports.office_report", _l("Office report"), may_read_reports),
    Item("web_media_plan.month", _l("Media plan"), may_read_media_plan),
    Item("web_registry.journalists", _l("Media registry"), may_keep_registry),
    Item("web_admin.procedures", _l("Procedures"), may_administer),
    Item("web_failed.listed", _l("Failed cases"), may_mend_cases),
    Item("web_admin_forms.forms", _l("Forms"), may_administer),
    Item("web_admin.users", _l("Users"), may_administer),
    Item("web_admin.units", _l("Units"), may_administer),
    Item("web_admin.calendar", _l("Calendar"), may_administer),
    Item("web_audit.events", _l("Events"), may_use_audit_pages),
    Item("web_audit.cases", _l("All cases"), may_use_audit_pages),
    Item("web_audit.verify", _l("Verify the chain"), may_use_audit_pages),
    Item("web_audit.checkpoint_list", _l("Checkpoints"), may_use_audit_pages),
    Item("web_absences.absences_page", _l("Absences"), may_record_absence),
)


def items() -> list[tuple[str, str, bool]]:
    """(url, label, current) for the signed-in user's pages that this app serves."""
    user = web_user()
    if user is None:
        return []
    shown = []
    for item in ITEMS:
        if item.endpoint in current_app.view_functions and item.permission(user):
            shown.append((url_for(item.endpoint), str(item.label), request.endpoint == item.endpoint))
    return shown
