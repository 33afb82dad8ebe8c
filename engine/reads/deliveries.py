"""A case's deliveries to the media (engine.runtime.distribution) and what became of each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Delivery


def of_case(session: Session, instance_id: int) -> list[Delivery]:
    """A case's deliveries, in the order they were made."""
    return list(session.scalars(select(Delivery).where(Delivery.instance_id == instance_id).order_by(Delivery.id)))
