"""Password sign-in for the pages: a signed session cookie that names the user, their token generation and
the session's own id.

A password change or a deactivation bumps the generation (as it does for API tokens), so every
session of that user ends at its next request. Signing out revokes the session's id in the database
(engine.people.credentials), so a copy of the cookie taken before signing out opens no page afterwards, while the
user's sessions elsewhere go on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from api.database import session as db_session
from api.web.landing import landing
from api.web.saved_filter_urls import url_of
from db.models import User
from engine.people import credentials, saved_filters
from engine.people.access import may_use_staff_pages

F = TypeVar("F", bound=Callable[..., Any])
Permission = Callable[[User], bool]  # one of engine.people.access's `may_...` rules


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def sign_in(user: User) -> None:
    session.clear()  # a fresh session (and CSRF token) at every sign-in
    session.permanent = True
    session["uid"] = user.id
    session["gen"] = user.token_generation
    session["sid"] = credentials.new_id()
    session["locale"] = user.locale


def sign_out(lifetime_seconds: int, at: datetime) -> None:
    """End this session here and, by its id, everywhere a copy of its cookie may be."""
    user, sid = web_user(), session.get("sid")
    if user is not None and isinstance(sid, str):
        credentials.revoke(db_session(), sid, kind="session", user=user, lifetime_seconds=lifetime_seconds, at=at)
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def web_user() -> User | None:
    """The signed-in user of this request, or None (also when the account was deactivated or its password changed)."""
    if "web_user" not in g:
        user = None
        uid, sid = session.get("uid"), session.get("sid")
        if isinstance(uid, int) and isinstance(sid, str):
            found, revoked = credentials.holder(db_session(), uid, sid)
            if found is not None and found.active and found.token_generation == session.get("gen") and not revoked:
                user = found
        g.web_user = user
    return g.web_user  # type: ignore[no-any-return]


def page(permission: Permission | None = None) -> Callable[[F], F]:
    """A page for signed-in users that `permission` allows (any signed-in user without one)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = web_user()
            if user is None:
                return redirect(url_for("web_auth.sign_in", next=request.full_path.rstrip("?")))
            if permission is not None and not permission(user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def home_url(user: User) -> str:
    """Where a user lands after signing in: the saved filter they made their start page, else their daily work
    (`api.web.landing`)."""
    if may_use_staff_pages(user):
        start = saved_filters.start_page(db_session(), user)
        if start is not None:
            return url_of(start)
    return url_for(landing(user))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: an open redirect would let a link send a signed-in user anywhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
