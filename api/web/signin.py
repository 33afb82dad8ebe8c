"""Password sign-in for the pages: a signed session cookie that names the user and their token generation.

A password change or a deactivation bumps the generation (as it does for API tokens), so every
session of that user ends at its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from api.database import session as db_session
from db.models import User

F = TypeVar("F", bound=Callable[..., Any])
STAFF_ROLES = ("pr_head", "pr_department", "press_secretary", "unit_head", "leadership", "legal")


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def sign_in(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) at every sign-in
    session.permanent = True
    session["uid"] = user.id
    session["gen"] = user.token_generation
    session["locale"] = user.locale


def sign_out() -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def web_user() -> User | None:
    """The signed-in user of this request, or None (also when the account was deactivated or its password changed)."""
    if "web_user" not in g:
        user = None
        uid = session.get("uid")
        if isinstance(uid, int):
            found = db_session().get(User, uid)
            if found is not None and found.active and found.token_generation == session.get("gen"):
                user = found
        g.web_user = user
    return g.web_user  # type: ignore[no-any-return]


def page(*roles: str) -> Callable[[F], F]:
    """A page for signed-in users holding one of `roles` (any signed-in user when none are given)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = web_user()
            if user is None:
                return redirect(url_for("web_auth.sign_in", next=request.full_path.rstrip("?")))
            if roles and not set(roles).intersection(user.roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def has_role(*roles: str) -> bool:
    user = web_user()
    return user is not None and bool(set(roles).intersection(user.roles))


def home_url(user: User) -> str:
    """Where a user lands after signing in: their daily work."""
    if set(STAFF_ROLES).intersection(user.roles):
        return url_for("web_staff.inbox")
    if "auditor" in user.roles:
        return url_for("web_audit.events")
    return url_for("web_admin.procedures")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would let a link send a signed-in user anywhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
