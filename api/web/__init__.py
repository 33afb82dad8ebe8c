"""The web pages: server-rendered templates over the same engine functions the REST API calls.

Staff work in the inbox, administrators model and deploy, auditors read the history, leadership
watches the dashboard. Sign-in is a session cookie (`api.web.signin`), every form carries a CSRF
token (Flask-WTF), and every string goes through the Flask-Babel catalogs (`api.web.i18n`).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from api.web import i18n, nav, security, signin
from api.web.views import ALL_BLUEPRINTS
from api.web.views.notifications import unread_in_bar
from api.web.vocabulary import error_title


def init_app(app: Flask) -> None:
    settings = app.extensions["jarchy.ctx"].settings
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # the API uses bearer tokens; pages check in before_request
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config.update(
        SESSION_COOKIE_NAME="jarchy_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=settings.token_lifetime_seconds,
    )
    app.session_interface = signin.SessionInterface()
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,  # type: ignore[method-assign]
                                x_host=settings.proxy_hops)
    security.csrf.init_app(app)
    i18n.init_app(app)
    for blueprint in ALL_BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.after_request(security.headers)
    app.jinja_env.globals.update(web_user=signin.web_user, nav_items=nav.items, error_title=error_title,
                                 unread_notifications=unread_in_bar)

