"""A published release's deliveries to the media (engine.runtime.distribution): what became of each e-mail, and a
bounce the mail system reported after the server had accepted it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import BounceIn, DeliveriesOut, DeliveryOut
from api.views.common import ctx
from db.models import ProcessInstance
from engine.core.errors import Code, NotFound
from engine.people.access import check_may_read_instance
from engine.reads import deliveries
from engine.runtime import distribution

blp = Blueprint("deliveries", __name__, url_prefix="/api/v1", description="Releases delivered to the media")


@blp.route("/process-instances/<id:instance_id>/deliveries")
class CaseDeliveries(MethodView):
    @blp.doc(operationId="listDeliveries")
    @blp.response(200, DeliveriesOut)
    def get(self, instance_id: int) -> dict[str, Any]:
        """The case's deliveries, one a recipient of its release's distribution lists (readers of the case)."""
        instance = session().get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND,
                           params={"case_id": instance_id})
        check_may_read_instance(session(), current_user(), instance)
        return {"items": [present.delivery(d) for d in deliveries.of_case(session(), instance_id)]}


@blp.route("/deliveries/<id:delivery_id>/bounce")
class Bounce(MethodView):
    @blp.doc(operationId="recordBounce")
    @blp.arguments(BounceIn)
    @blp.response(200, DeliveryOut)
    def post(self, body: dict[str, Any], delivery_id: int) -> dict[str, Any]:
        """A sent delivery reported undeliverable afterwards (a bounce): by a bounce processor signed in with an
        account of pr_department, pr_head or admin, or by a person told of it. The e-mail's `X-Jarchy-Delivery`
        header names the delivery. Not sent yet or failed: 409; the same bounce again changes nothing."""
        row = distribution.record_bounce(session(), current_user(), delivery_id, body["reason"], at=ctx().now())
        return present.delivery(row)
