"""Sign in, sign out, choose the language."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.database import Apart
from api.database import session as db_session
from api.web import signin
from api.web.i18n import LANGUAGE_NAMES
from api.web.signin import home_url, safe_next, web_user
from api.web.views.common import ctx, page_blueprint, render
from engine.core.errors import TooManyAttempts, Unauthenticated
from engine.people import accounts
from engine.people.sign_in import authenticate

blp = page_blueprint("web_auth")


@blp.get("/")
def home() -> Response:
    user = web_user()
    return redirect(home_url(user) if user else url_for("web_auth.sign_in"))


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        user = web_user()
        if user is not None:
            return redirect(target or home_url(user))
        return render("sign_in.html", next=target)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        user = authenticate(db_session(), username, password, address=request.remote_addr, at=ctx().now(),
                            apart=Apart())
    except TooManyAttempts as refused:
        until = ctx().now() + timedelta(seconds=refused.retry_after)
        page, status = render("sign_in.html", 429, next=target, username=username,
                              error=_("Too many failed sign-ins. Try again after %(time)s.",
                                      time=format_time(until, "short")))
        return page, status, {"Retry-After": str(refused.retry_after)}
    except Unauthenticated:
        return render("sign_in.html", 401, next=target, username=username,
                      error=_("The username or password is wrong, or the account is deactivated."))
    signin.sign_in(user)
    return redirect(target or home_url(user))


@blp.post("/sign-out")
def sign_out() -> Response:
    signin.sign_out(ctx().settings.token_lifetime_seconds, ctx().now())
    flash(_("You have signed out."), "info")
    return redirect(url_for("web_auth.sign_in"))


@blp.post("/language")
def language() -> Response:
    """Remembered on the account when signed in, in the session otherwise."""
    chosen = request.form.get("locale", "")
    target = safe_next(request.form.get("next")) or url_for("web_auth.home")
    if chosen not in LANGUAGE_NAMES:
        return redirect(target)
    session["locale"] = chosen
    user = web_user()
    if user is not None and user.locale != chosen:
        accounts.choose_language(db_session(), user, chosen, at=ctx().now())
    return redirect(target)
