"""Why failed cases failed, as their `instance.failed` events recorded it (engine.runtime.case_failures): the code
and parameters a page or a client words in its reader's language. A case's `failure` column keeps the English."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent
from db.vocabulary import EventType


def reasons(session: Session, instance_ids: Iterable[int]) -> dict[int, tuple[str | None, dict[str, Any]]]:
    """Each case's last failure as (code, params), by case id: the code is None for a failure recorded before
    failures carried one; a case that never failed is not in the answer. One query for all the cases."""
    wanted = set(instance_ids)
    found: dict[int, tuple[str | None, dict[str, Any]]] = {}
    if not wanted:
        return found
    rows = session.execute(
        select(AuditEvent.instance_id, AuditEvent.after)
        .where(AuditEvent.instance_id.in_(wanted), AuditEvent.type == EventType.INSTANCE_FAILED)
        .order_by(AuditEvent.id))
    for instance_id, after in rows:  # the last one of each case wins
        after = after if isinstance(after, dict) else {}
        code, params = after.get("code"), after.get("params")
        found[instance_id] = (code if isinstance(code, str) else None, params if isinstance(params, dict) else {})
    return found
