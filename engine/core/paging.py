"""A page of a list: its items, the total and where the page stands. Every list the API and the pages show is one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def paged(session: Session, query: Select[Any], page: int, per_page: int) -> Paged[Any]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Paged(items, total, page, per_page)
