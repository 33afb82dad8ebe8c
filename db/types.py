"""Column types of our own: `Vocabulary`, a VARCHAR that holds one word of a `db.vocabulary` StrEnum."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


class Vocabulary(TypeDecorator[StrEnum]):
    """A VARCHAR(length) that takes only `enum_cls`'s words and gives back its members.

    Binding any other value (a typo in a write, or in a literal compared to the column) raises ValueError, so it
    fails at the flush or the query instead of storing a new word. The schema is a plain VARCHAR, not a database
    enum: adding a word needs no migration."""

    impl = String
    cache_ok = True  # the cache key is (enum_cls, length): both hashable

    def __init__(self, enum_cls: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls
        self.length = length

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        try:
            return self.enum_cls(value).value
        except ValueError:
            raise ValueError(f"{self.enum_cls.__name__} has no word {value!r} "
                             f"(its words: {', '.join(m.value for m in self.enum_cls)})") from None

    def process_result_value(self, value: str | None, dialect: Any) -> StrEnum | str | None:
        if value is None:
            return None
        try:
            return self.enum_cls(value)
        except ValueError:
            # A word no member names was written around the application (by hand, or by a later version): it is
            # still read as it is, so that an auditor sees the row and the chain's verification names it edited.
            return value
