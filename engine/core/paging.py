"""A page of a list: its items, the total and where the page stands. Every list the API and the pages show is one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    """`beyond`: the list is of the latest rows only (the inbox's completed tab), `total` counts them, and there are
    older ones beyond."""

    items: list[T]
    total: int
    page: int
    per_page: int
    beyond: bool = False


def paged(session: Session, query: Select[Any], page: int, per_page: int) -> Paged[Any]:
    """The page, then the total: counted only when the page cannot tell it. A page with some items but fewer than
    `per_page` is the last one, so the total is the items before it and on it (most pages: an inbox of one case, a
    short list); a full page, or an empty one past the first, needs the count."""
    offset = (page - 1) * per_page
    items = list(session.scalars(query.limit(per_page).offset(offset)))
    if len(items) < per_page and (items or page == 1):
        return Paged(items, offset + len(items), page, per_page)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return Paged(items, total, page, per_page)
