"""The public pages of draft acts under discussion: the list (open and closed), a draft's page (its text, its files
as downloads, its period, the approved comments and, once published, the adopted text with the summary), and the
comment form, which anyone may send without an account. The GETs are the API's routes answered as pages for a
browser (api/views/draft_acts.py); the form posts here. The PR department moderates the comments from the case's
page (`/cases/{id}`, api/web/views/staff.py shows them). The same engine functions as the API's do the work."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from api import present
from api.database import session as db_session
from api.web import refusals
from api.web.i18n import file_size
from api.web.signin import page, web_user
from api.web.views.audit import Query
from api.web.views.common import ctx, page_blueprint, render
from api.web.views.public_site import VARY
from db.vocabulary import CommentStatus
from engine.core.errors import Conflict, Invalid, NotFound, TooManyAttempts
from engine.people.access import may_use_staff_pages
from engine.reads import draft_acts as reads
from engine.runtime import draft_acts

blp = page_blueprint("web_drafts")


def list_page() -> Response:
    """A page of the drafts, newest first, parted into those open for comment and those closed (the open ones, the
    newest, come first); a page number that is none: 422 saying so."""
    q = Query()
    q.paging(request.args)
    found = None if q.errors else reads.drafts(db_session(), ctx().now(), q.page, reads.PER_PAGE)
    items = found.items if found is not None else []
    page, status = render("public/drafts.html", 422 if q.errors else 200, q=q, result=found,
                          open_drafts=[d for d in items if d.open], closed=[d for d in items if not d.open])
    response = make_response(page, status)
    response.headers.update(VARY)
    return response


def _draft(publication_id: int, status: int = 200, *, values: dict[str, str] | None = None,
           errors: dict[str, str] | None = None, notice: str | None = None,
           refusal: str | None = None) -> tuple[str, int]:
    found = reads.one(db_session(), publication_id, ctx().now())
    shown = present.public_draft(found, request.url_root.rstrip("/"))
    files = shown["files"] + ((shown["adopted"] or {}).get("files") or [])
    sizes = {f["id"]: file_size(f["size"] or 0) for f in files}
    outcomes = {o.get("comment"): o for o in (shown["adopted"] or {}).get("comment_outcomes") or []}
    return render("public/draft.html", status, draft=found, shown=shown, sizes=sizes, outcomes=outcomes,
                  values={"name": "", "contact": "", "text": ""} | (values or {}), errors=errors or {},
                  notice=notice, refusal=refusal)


def draft_page(publication_id: int) -> Response | tuple[str, int]:
    try:
        page, status = _draft(publication_id)
    except NotFound:
        return render_template("error.html", status=404, detail="",
                               sentence=_("There is no such draft: the link may be wrong or out of date.")), 404
    response = make_response(page, status)
    response.headers.update(VARY)
    return response


@blp.post("/cases/<id:instance_id>/comments/<int:comment_id>")
@page(may_use_staff_pages)
def moderate(instance_id: int, comment_id: int) -> Response:
    """The PR department approves or rejects a comment from the case's page (a rejection with its reason)."""
    user = web_user()
    assert user is not None
    try:
        row = draft_acts.moderate(db_session(), ctx(), user, comment_id, request.form.get("decision", ""),
                                  request.form.get("reason"))
    except Invalid:
        flash(_("A comment is rejected with its reason: write why."), "error")
        return redirect(url_for("web_staff.case", instance_id=instance_id, _anchor=f"comment-{comment_id}"))
    flash(_("The comment is approved: it shows on the draft's page.") if row.status == CommentStatus.APPROVED
          else _("The comment is rejected: it never shows."), "success")
    return redirect(url_for("web_staff.case", instance_id=row.instance_id, _anchor="comments"))


@blp.post("/public/drafts/<int:publication_id>")
def comment(publication_id: int) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """The comment form: sent, it waits for moderation; refused, the page says why beside the fields."""
    values = {name: request.form.get(name, "") for name in draft_acts.FIELDS}
    try:
        draft_acts.submit_comment(db_session(), ctx(), publication_id, values, address=request.remote_addr)
    except TooManyAttempts as refused:
        until = ctx().now() + timedelta(seconds=refused.retry_after)
        message = _("Too many comments were sent from your network in the last hour. Try again after %(time)s.",
                    time=format_datetime(until, "short"))
        page, status = _draft(publication_id, 429, values=values, refusal=message)
        return page, status, {"Retry-After": str(refused.retry_after)}
    except Conflict as refused:
        return _draft(publication_id, 409, values=values, refusal=refusals.of(refused))
    except Invalid as refused:
        errors = {entry["field"]: refusals.field(entry) for entry in refused.errors}
        return _draft(publication_id, 422, values=values, errors=errors)
    return _draft(publication_id, 201, notice=_("Thank you. Your comment is received: it will be shown here once "
                                                "the PR department has reviewed it."))
