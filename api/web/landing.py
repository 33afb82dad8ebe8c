"""Where each user lands after signing in, and at `/`: where their work is.

Leadership and the PR head watch the office: the dashboard. The staff who work cases (the PR department, press
secretaries, unit heads, the legal department): their inbox. Auditors: the audit trail's events. Administrators:
the procedures they deploy (the first admin page). A `next` the sign-in was asked with still wins (`safe_next`).

`landing(user)` is the one hook: a start page the user chose (a saved filter set as their start page) is to be
returned from here, before the rules by role."""

from __future__ import annotations

from db.models import User
from engine.people.access import may_see_dashboard, may_use_audit_pages, may_use_staff_pages


def landing(user: User) -> str:
    """The endpoint (for `url_for`) of the user's start page."""
    if may_see_dashboard(user):
        return "web_dashboard.dashboard"
    if may_use_staff_pages(user):
        return "web_staff.inbox"
    if may_use_audit_pages(user):
        return "web_audit.events"
    return "web_admin.procedures"
