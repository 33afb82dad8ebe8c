from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.blueprint import Blueprint
from api.schemas import JurisdictionOut
from api.views.common import ctx

blp = Blueprint("jurisdiction", __name__, url_prefix="/api/v1/jurisdiction",
                description="The statute profile in force: clocks, refusal grounds, appeal route")


@blp.route("")
class Jurisdiction(MethodView):
    @blp.doc(operationId="getJurisdiction")
    @blp.response(200, JurisdictionOut)
    def get(self) -> dict[str, Any]:
        """The jurisdiction profile in force (`JARCHY_JURISDICTION`), each figure with its legal source."""
        return present.jurisdiction(ctx().jurisdiction, ctx().settings.request_deadline_days)
