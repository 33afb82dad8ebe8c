"""The two databases' full-text queries for words made by db.search_terms: every word must match, and a word of
PREFIX_FROM or more letters also finds the longer words it begins (Kyrgyz and Uzbek add endings no stemmer removes).
The archive's search and the lists' `q` ask them alike.

The terms are words of letters and digits only (db.search_terms), so quoting them needs no escaping, and the
user's quotes, `*`, `-`, `NEAR`, `OR` and parentheses are never query syntax."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column

PREFIX_FROM = 3  # letters from which a word also finds the words it begins


def tsquery(terms: list[str]) -> Any:
    """PostgreSQL: the `tsquery` ('simple') of the terms."""
    return func.to_tsquery(literal_column("'simple'::regconfig"),
                           " & ".join(f"'{t}':*" if len(t) >= PREFIX_FROM else f"'{t}'" for t in terms))


def fts5_phrase(terms: list[str]) -> str:
    """SQLite: the FTS5 MATCH string of the terms."""
    return " ".join(f'"{t}"*' if len(t) >= PREFIX_FROM else f'"{t}"' for t in terms)
