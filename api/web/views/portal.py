"""The requester portal's pages: a person files a request for public information without an account (`/request`)
and follows it on a private link (`/request/<reference>?token=...`), where the documents sent with the answer are
listed with links to `GET /public/requests/{reference}/documents/{id}?token=...`. The same engine functions as
`POST /public/requests` and `GET /public/requests/{reference}` do the work."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from api.database import session as db_session
from api.web import formrender, refusals
from api.web.i18n import current_language, file_size
from api.web.views.common import ctx, page_blueprint, render
from engine.core.errors import Invalid, TooManyAttempts
from engine.files import kinds
from engine.procedures.definitions import latest_definition
from engine.procedures.deployed_forms import form_of
from engine.procedures.forms import load_form
from engine.reads import portal as tracking
from engine.runtime import portal

blp = page_blueprint("web_portal")
FORM = "public_information_request/portal"
STATUSES = {
    "open": _l("Being handled"),
    "answered": _l("Answered"),
    "refused": _l("Refused"),
    "partly_refused": _l("Partly refused"),
    "forwarded": _l("Forwarded to the holder of the information"),
    "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}


@blp.after_request
def _private(response: Response) -> Response:
    """A filed request and its tracking link carry a person's details and a secret token: no cache keeps them, and
    no link followed from the page sends the address (with its token) to another site."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _options() -> formrender.Options:
    tz = ctx().cal.timezone
    return formrender.Options(units=[], languages=(), tz=tz, now=ctx().now().astimezone(tz))


def _portal_form() -> dict[str, Any]:
    """The portal's form as the latest deployed version of the procedure has it (an administrator's deployed
    version of the form, else the shipped file)."""
    definition = latest_definition(db_session(), portal.PROCESS_KEY, required=False)
    return form_of(db_session(), definition, FORM) if definition is not None else load_form(FORM)


@blp.route("/request", methods=["GET", "POST"])
def ask() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    schema, options = _portal_form(), _options()
    if request.method == "GET":
        fields, loose = formrender.fields(schema, formrender.initial_values(schema, {}, options), options)
        return render("portal/request.html", schema=schema, fields=fields, loose_errors=loose, invalid=[])
    data = formrender.parse(schema, request.form, options)
    try:
        filed = portal.file_request(db_session(), ctx(), data, address=request.remote_addr)
    except TooManyAttempts as refused:
        until = ctx().now() + timedelta(seconds=refused.retry_after)
        fields, loose = formrender.fields(schema, data, options)
        message = _("Too many requests were filed from your network in the last hour. Try again after %(time)s.",
                    time=format_datetime(until, "short"))
        page, status = render("portal/request.html", 429, schema=schema, fields=fields, loose_errors=[message],
                              invalid=[])
        return page, status, {"Retry-After": str(refused.retry_after)}
    except Invalid as exc:
        fields, loose = formrender.fields(schema, data, options, exc.errors)
        return render("portal/request.html", 422, schema=schema, fields=fields,
                      loose_errors=loose + ([] if exc.errors else [refusals.of(exc)]),
                      invalid=formrender.field_errors(fields))
    link = url_for("web_portal.follow", reference=filed.instance.business_key, token=filed.tracking_token,
                   _external=True)
    due = (filed.instance.data or {}).get("due_at")
    return render("portal/filed.html", 201, reference=filed.instance.business_key, link=link,
                  due_at=datetime.fromisoformat(due) if isinstance(due, str) else None)


@blp.get("/request/<reference>")
def follow(reference: str) -> tuple[str, int]:
    token = request.args.get("token", "")
    found = tracking.track(db_session(), reference, token)
    moments = {name: datetime.fromisoformat(value) for name in ("received_at", "due_at")
               if isinstance(value := getattr(found, name), str)}
    # Each document's link carries the token: the requester's private link is their only key.
    documents = [(url_for("public.RequestDocument", reference=found.reference, attachment_id=d.id, token=token),
                  d.filename, kinds.ALLOWED.get(d.content_type, (None, ""))[1].upper() or d.content_type,
                  file_size(d.size)) for d in found.documents]
    # The case keeps the ground as its letter worded it; the page words it again in its reader's language, where the
    # law in force lists it (a ground the office wrote itself is shown as written).
    ground = (ctx().jurisdiction.refusal_ground(str(found.refusal["ground"]), current_language())
              if found.refusal else None)
    if found.refusal and ground is None:
        ground = (found.refusal["title"], found.refusal["law"] or "")
    appeal = (ctx().jurisdiction.data["appeal"]["route"].get(current_language()) or found.refusal["appeal"]
              if found.refusal else None)
    return render("portal/track.html", found=found, moments=moments, statuses=STATUSES, documents=documents,
                  ground=ground, appeal=appeal)
