"""Saved filters of the inbox and the cases list: the caller's own and those shared with their lanes
(docs/search.md)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import SavedFilterIn, SavedFilterOut, SavedFilterPatch, page_of
from api.views.common import ctx
from engine.people import saved_filters

blp = Blueprint("saved_filters", __name__, url_prefix="/api/v1/saved-filters",
                description="Saved queries of the inbox and the cases list")


@blp.route("")
class SavedFilters(MethodView):
    @blp.doc(operationId="listSavedFilters")
    @blp.response(200, page_of(SavedFilterOut, "SavedFilterPage"))
    def get(self) -> dict[str, Any]:
        """The caller's saved filters, then those shared with a lane of theirs, each by name."""
        user = current_user()
        return present.whole(present.saved_filters(session(), user, saved_filters.readable(session(), user)))

    @blp.doc(operationId="saveFilter")
    @blp.arguments(SavedFilterIn)
    @blp.response(201, SavedFilterOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Save a query under a name; shared with one of the caller's lanes, or their start page, if asked."""
        user = current_user()
        row = saved_filters.create(session(), user, at=ctx().now(), **body)
        return present.saved_filters(session(), user, [row])[0]


@blp.route("/<id:filter_id>")
class SavedFilter(MethodView):
    @blp.doc(operationId="changeSavedFilter")
    @blp.arguments(SavedFilterPatch)
    @blp.response(200, SavedFilterOut)
    def patch(self, body: dict[str, Any], filter_id: int) -> dict[str, Any]:
        """Rename, change, share, unshare or make a start page (the owner only)."""
        user = current_user()
        row = saved_filters.change(session(), user, filter_id, body)
        return present.saved_filters(session(), user, [row])[0]

    @blp.doc(operationId="deleteSavedFilter")
    @blp.response(204)
    def delete(self, filter_id: int) -> None:
        """Delete a saved filter (the owner only)."""
        saved_filters.delete(session(), current_user(), filter_id)
