"""The public portal: a member of the public files a request for public information without an account and follows
it with a private link. The request becomes a `public_information_request` case with channel `portal`, in the
office's inbox like any other; its tracking token is engine.people.credentials'.

Filing is throttled per client address (an IPv6 client by its /64, as for sign-in): at most `PER_HOUR` requests an
hour, counted from the stored filings, so the limit lapses by itself and holds across processes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PortalRequest, ProcessInstance
from engine.context import EngineContext
from engine.core.errors import Code, Invalid, TooManyAttempts
from engine.people.credentials import new_tracking_token, tracking_token_hash
from engine.people.sign_in import address_key
from engine.runtime import operations

PROCESS_KEY = "public_information_request"
PER_HOUR = 5
WINDOW = timedelta(hours=1)
# What a person fills in on the portal; the rest of the start form is the office's (the channel, the moment).
FIELDS = ("requester_kind", "requester_name", "contact", "subject", "question", "urgent", "urgent_reason")


@dataclass(frozen=True)
class Filed:
    instance: ProcessInstance
    tracking_token: str


def file_request(session: Session, ctx: EngineContext, data: dict[str, Any], *, address: str | None) -> Filed:
    """Start the request, or refuse it: `TooManyAttempts` past the address's hourly limit (before anything is
    read of the request), `Invalid` naming each wrong field."""
    at = ctx.now()
    source = address_key(address)
    _check_throttle(session, source, at)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise Invalid(f"{unknown[0]!r} is not a field of the request",
                      [{"field": name, "message": "is not a field of the request"} for name in unknown],
                      code=Code.UNKNOWN_FIELD, params={"field": unknown[0]})
    filed = {"urgent": False} | data | {"channel": "portal", "received_at": at.isoformat()}
    instance = operations.start_from_portal(session, ctx, PROCESS_KEY, filed, at)
    token = new_tracking_token()
    session.add(PortalRequest(instance_id=instance.id, token_hash=tracking_token_hash(token), address=source,
                              filed_at=at))
    session.flush()
    return Filed(instance, token)


def _check_throttle(session: Session, source: str, at: datetime) -> None:
    recent = list(session.scalars(
        select(PortalRequest.filed_at).where(PortalRequest.address == source, PortalRequest.filed_at > at - WINDOW)
        .order_by(PortalRequest.filed_at).limit(PER_HOUR)))
    if len(recent) >= PER_HOUR:
        retry_after = max(1, math.ceil((recent[0] + WINDOW - at).total_seconds()))
        raise TooManyAttempts(f"at most {PER_HOUR} requests an hour may be filed from one address", retry_after,
                              code=Code.THROTTLED, params={"limit": PER_HOUR})
