"""The media plan (engine.people.media_plan): the leadership's planned appearances, listed by period and filters,
added, changed, postponed, cancelled and recorded as held; and the private iCalendar feed staff subscribe to in their
own calendar program (engine.people.calendar_feed, engine.reads.media_plan_feed)."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_babel import force_locale
from flask_babel import gettext as _

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    TEXT,
    FeedLinkOut,
    FeedQuery,
    InstanceOut,
    MediaPlanCancelIn,
    MediaPlanEntryOut,
    MediaPlanIn,
    MediaPlanPatch,
    MediaPlanPostponeIn,
    MediaPlanQuery,
    page_of,
)
from api.views.common import ctx
from api.web.vocabulary import APPEARANCE_FORMATS, MEDIA_PLAN_STATUSES
from db.models import User
from engine.core.settings import BABEL_LOCALE
from engine.people import calendar_feed, media_plan
from engine.people.access import check_may_read_media_plan
from engine.reads import media_plan as reads
from engine.reads.media_plan_feed import FeedWords, feed
from engine.runtime import supported_events

blp = Blueprint("media_plan", __name__, url_prefix="/api/v1",
                description="The media plan: the leadership's planned appearances (pr_department, pr_head, admin "
                            "keep it; leadership, press secretaries, unit heads and the auditor read it)")
DEFAULT_DAYS = 31


def _shown(row: Any) -> dict[str, Any]:
    return present.media_plan_entry(row, ctx().cal.timezone)


@blp.route("/media-plan")
class MediaPlan(MethodView):
    @blp.doc(operationId="listMediaPlan")
    @blp.arguments(MediaPlanQuery, location="query")
    @blp.response(200, page_of(MediaPlanEntryOut, "MediaPlanPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The entries overlapping the days from `from` to `to` (both included, the office's days), earliest first."""
        check_may_read_media_plan(current_user())
        tz = ctx().cal.timezone
        first = args.get("from_") or ctx().cal.local_date(ctx().now())
        last = args.get("to") or first + timedelta(days=DEFAULT_DAYS)
        if last < first:  # `to` given alone, before today
            first = last
        found = reads.entries(session(), datetime.combine(first, time(0), tzinfo=tz),
                              datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz), page=args["page"],
                              per_page=args["per_page"], official=args.get("official"), format=args.get("format"),
                              status=args.get("status"), unit=args.get("unit"),
                              open_to_press=args.get("open_to_press"), q=args.get("q"))
        return present.page(found, [_shown(r) for r in found.items])

    @blp.doc(operationId="createMediaPlanEntry")
    @blp.arguments(MediaPlanIn)
    @blp.response(201, MediaPlanEntryOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Plan an appearance (pr_department, pr_head, admin)."""
        row = media_plan.create_entry(session(), body, tz=ctx().cal.timezone, actor=current_user(), at=ctx().now())
        return _shown(row)


@blp.route("/media-plan/<id:entry_id>")
class MediaPlanEntryView(MethodView):
    @blp.doc(operationId="getMediaPlanEntry")
    @blp.response(200, MediaPlanEntryOut)
    def get(self, entry_id: int) -> dict[str, Any]:
        """One entry."""
        check_may_read_media_plan(current_user())
        return _shown(reads.entry(session(), entry_id))

    @blp.doc(operationId="updateMediaPlanEntry")
    @blp.arguments(MediaPlanPatch)
    @blp.response(200, MediaPlanEntryOut)
    def patch(self, body: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """Change an entry (not one that is over, cancelled or held: 409)."""
        row = supported_events.update_entry(session(), ctx(), current_user(), entry_id, body,
                                            moved_reason=_("Moved in the media plan"))
        return _shown(row)


@blp.route("/media-plan/<id:entry_id>/postpone")
class Postpone(MethodView):
    @blp.doc(operationId="postponeMediaPlanEntry")
    @blp.arguments(MediaPlanPostponeIn)
    @blp.response(200, MediaPlanEntryOut)
    def post(self, body: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """Postpone an entry with the reason, to a new time or until one is fixed."""
        row = supported_events.postpone_entry(session(), ctx(), current_user(), entry_id, reason=body["reason"],
                                              starts_at=body.get("starts_at"), ends_at=body.get("ends_at"),
                                              all_day=body.get("all_day"))
        return _shown(row)


@blp.route("/media-plan/<id:entry_id>/cancel")
class Cancel(MethodView):
    @blp.doc(operationId="cancelMediaPlanEntry")
    @blp.arguments(MediaPlanCancelIn)
    @blp.response(200, MediaPlanEntryOut)
    def post(self, body: dict[str, Any], entry_id: int) -> dict[str, Any]:
        """Cancel an entry with the reason (it stays in the plan and the feeds, as cancelled); a running support
        is cancelled with it, saying who was told (`told`, required then)."""
        row = supported_events.cancel_entry(session(), ctx(), current_user(), entry_id, reason=body["reason"],
                                            told=body.get("told"))
        return _shown(row)


@blp.route("/media-plan/<id:entry_id>/held")
class Held(MethodView):
    @blp.doc(operationId="recordMediaPlanEntryHeld")
    @blp.response(200, MediaPlanEntryOut)
    def post(self, entry_id: int) -> dict[str, Any]:
        """Record that the appearance took place (once it has begun); while a support runs, its case records it
        (409 naming `status`)."""
        return _shown(supported_events.record_held(session(), ctx(), current_user(), entry_id))


@blp.route("/media-plan/<id:entry_id>/support")
class Support(MethodView):
    @blp.doc(operationId="supportMediaPlanEntry")
    @blp.response(201, InstanceOut)
    def post(self, entry_id: int) -> dict[str, Any]:
        """Start the information support of the appearance: an `event_support` case (EV) with its who, what, when
        and where; 409 when one runs already, or the appearance is cancelled, held or over."""
        actor = current_user()
        instance = supported_events.support(session(), ctx(), actor, entry_id)
        return present.instance(session(), ctx(), instance, users=present.acting(actor))


# -- the calendar feed ----------------------------------------------------------------------------------

def feed_url(token: str) -> str:
    return url_for("media_plan.Feed", token=token, _external=True)


@blp.route("/media-plan/feed-link")
class FeedLink(MethodView):
    @blp.doc(operationId="getMediaPlanFeedLink")
    @blp.response(200, FeedLinkOut)
    def get(self) -> dict[str, Any]:
        """Whether the caller has a private feed link, and since when (the token itself is not kept)."""
        user = current_user()
        check_may_read_media_plan(user)
        row = calendar_feed.current(session(), user)
        return present.feed_link(row.created_at if row is not None else None)

    @blp.doc(operationId="renewMediaPlanFeedLink")
    @blp.response(201, FeedLinkOut)
    def post(self) -> dict[str, Any]:
        """A new private link to the media plan's iCalendar feed, shown once; the caller's earlier one stops working."""
        user = current_user()
        token = calendar_feed.issue(session(), user, at=ctx().now())
        # Shown once, and kept by no cache on the way.
        return present.feed_link(ctx().now(), token, feed_url(token)), 201, {"Cache-Control": "no-store"}

    @blp.doc(operationId="revokeMediaPlanFeedLink")
    @blp.response(204)
    def delete(self) -> None:
        """End the caller's private link."""
        calendar_feed.revoke(session(), current_user(), at=ctx().now())


def feed_words(user: User) -> FeedWords:
    """The feed's words in its holder's language."""
    with force_locale(BABEL_LOCALE.get(user.locale, user.locale)):
        return FeedWords(calendar_name=_("Media plan"),
                         formats={str(k): str(v) for k, v in APPEARANCE_FORMATS.items()},
                         statuses={str(k): str(v) for k, v in MEDIA_PLAN_STATUSES.items()},
                         official=_("Official"), unit=_("Unit"), open_to_press=_("Open to the press"),
                         closed_to_press=_("Closed to the press"), reason=_("Reason"), language=user.locale)


@blp.route("/media-plan.ics")
class Feed(MethodView):
    @blp.public()
    @blp.doc(operationId="mediaPlanFeed")
    @blp.arguments(FeedQuery, location="query")
    @blp.response(200, TEXT, description="An iCalendar feed (RFC 5545)", content_type="text/calendar")
    @blp.alt_response(304, description="Unchanged since the ETag sent in If-None-Match")
    def get(self, args: dict[str, Any]) -> Response:
        """The media plan as an iCalendar feed, for the holder of a private link (a wrong, renewed or revoked token,
        or a holder who may no longer read the plan: 404). The last three months and everything to come."""
        user = calendar_feed.holder(session(), args["token"])
        # Calendar programs poll: an unchanged feed (same entries, same latest change, same language) is a 304.
        version = reads.feed_version(session(), ctx().now())
        tag = hashlib.sha256(repr((version, user.locale)).encode()).hexdigest()[:32]
        headers = {"ETag": f'"{tag}"', "Cache-Control": "private, no-cache"}
        if tag in request.if_none_match:
            return Response(status=304, headers=headers)
        body = feed(reads.for_feed(session(), ctx().now()), ctx().cal.timezone, feed_words(user))
        return Response(body, mimetype="text/calendar",
                        headers=headers | {"Content-Disposition": "inline; filename=media-plan.ics"})
