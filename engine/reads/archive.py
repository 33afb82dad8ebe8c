"""The public archive's search: everything published, by words in any of the publication languages, by kind, unit,
publication language and date, newest first, or best match first when words are given.

Words are made the way the index's were (db.search_terms) and each is quoted as a plain term, so the user's
quotes, `*`, `-`, `NEAR`, `OR` and parentheses are never query syntax. A word of three or more letters also finds
the longer words it begins (Kyrgyz and Uzbek add endings that no stemmer removes: "бюджет" finds "бюджеттин").
SQLite asks its FTS5 table (ranked by bm25, the title weighing ten times the body), PostgreSQL its GIN-indexed
`tsvector` (ranked by ts_rank, the title weighted A). An item with several language versions appears once: its
best-matching version, or its first when only browsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, true
from sqlalchemy.orm import Session

from db.models import ArchiveEntry
from db.models.archive import FTS_TABLE, VECTOR_COLUMN
from db.search_terms import words
from db.session import is_postgresql
from engine.core.errors import Code, Invalid, problem
from engine.core.paging import Paged
from engine.core.settings import LANGUAGES as PAGE_LANGUAGES
from engine.reads.fulltext import fts5_phrase, tsquery

# A `kind` is a feed as a whole or one kind of publication in it.
FEEDS = {"release": "releases", "response": "responses", "draft": "drafts"}
KINDS = {"releases": ("press_release", "statement", "announcement", "report", "bulletin"),
         "responses": ("rebuttal", "comment"), "drafts": ("draft_act", "adopted_act")}
KIND_CHOICES = (*FEEDS, *(kind for kinds in KINDS.values() for kind in kinds))
# The languages a version may be in: a publication's language is a two-letter code (engine.core.jurisdiction), so
# the pages' `uz-Latn` is not one (a release's Uzbek is `uz`).
LANGUAGES = tuple(code for code in PAGE_LANGUAGES if "-" not in code)
MAX_WORDS = 200  # characters of the words asked
PER_PAGE = 20
SNIPPET = 240  # characters of text shown around the first word found


@dataclass(frozen=True)
class Search:
    words: str | None = None
    kind: str | None = None
    unit: str | None = None
    lang: str | None = None
    since: date | None = None  # the first day, in the office's time zone
    until: date | None = None  # the last day, included


@dataclass(frozen=True)
class Hit:
    entry: ArchiveEntry
    snippet: str


PROBLEM_CODES = {"q": Code.TOO_LONG, "kind": Code.NOT_ONE_OF, "lang": Code.NOT_ONE_OF, "to": Code.ENDS_BEFORE_START,
                 "page": Code.PAGE_NUMBER}


def _limit(name: str) -> dict[str, Any]:
    return {"limit": MAX_WORDS} if name == "q" else {}


def problems(search: Search) -> dict[str, str]:
    """The parameters at fault, by name, in English (the page words its own messages)."""
    found = {}
    if search.words is not None and len(search.words) > MAX_WORDS:
        found["q"] = f"at most {MAX_WORDS} characters"
    if search.kind is not None and search.kind not in KIND_CHOICES:
        found["kind"] = f"one of {', '.join(KIND_CHOICES)}"
    if search.lang is not None and search.lang not in LANGUAGES:
        found["lang"] = f"one of {', '.join(LANGUAGES)}"
    if search.since and search.until and search.since > search.until:
        found["to"] = "the end date comes before the start date"
    return found


def search(session: Session, asked: Search, tz: tzinfo, page: int = 1, per_page: int = PER_PAGE) -> Paged[Hit]:
    found = problems(asked)
    if found or page < 1:
        found |= {} if page >= 1 else {"page": "a whole number from 1"}
        raise Invalid("the archive search has invalid parameters: " + ", ".join(found),
                      [problem(name, PROBLEM_CODES[name], message, **_limit(name)) for name, message in found.items()],
                      code=Code.INVALID_INPUT)
    page_of, counted = statements(session, asked, tz, page, per_page)
    total = session.scalar(counted) or 0
    rows = session.execute(page_of).scalars().all()
    terms = words(asked.words)
    return Paged([Hit(row, snippet(row.body, terms)) for row in rows], total, page, per_page)


def statements(session: Session, asked: Search, tz: tzinfo, page: int = 1,
               per_page: int = PER_PAGE) -> tuple[Select[Any], Select[Any]]:
    """The search as SQL: the page of archive entries found, in their order (what tests EXPLAIN), and their count
    (the items matched, without scoring them)."""
    skip = (page - 1) * per_page
    terms = words(asked.words)
    e = ArchiveEntry
    where: list[ColumnElement[bool]] = []
    if asked.kind in FEEDS:
        where.append(e.source == FEEDS[asked.kind])
    elif asked.kind:
        where.append(e.kind == asked.kind)
    if asked.unit:
        where.append(e.unit == asked.unit)
    if asked.lang:
        where.append(e.lang == asked.lang)
    if asked.since:
        where.append(e.published_at >= _midnight(asked.since, tz))
    if asked.until:
        where.append(e.published_at < _midnight(asked.until + timedelta(days=1), tz))
    if not terms:
        # Browsing: one entry an item (or the versions in the language asked); an index gives them newest first.
        if not asked.lang:
            where.append(e.listed == true())
        return (select(e).where(*where).order_by(e.published_at.desc(), e.id.desc()).limit(per_page).offset(skip),
                select(func.count()).select_from(e).where(*where))
    if is_postgresql(session):
        query = tsquery(terms)
        vector = literal_column(f"{ArchiveEntry.__tablename__}.{VECTOR_COLUMN}")
        matching, score = select(e.id).where(vector.op("@@")(query), *where), -func.ts_rank(vector, query)
    else:
        fts = table(FTS_TABLE, column("rowid"))
        matching = (select(e.id).select_from(fts).join(e, e.id == fts.c.rowid)
                    .where(literal_column(FTS_TABLE).op("MATCH")(fts5_phrase(terms)), *where))
        score = func.bm25(literal_column(FTS_TABLE), 10.0, 1.0)  # SQLite allows it only beside its MATCH
    items = matching.with_only_columns(e.source, e.source_id).distinct().subquery("items")
    scored = matching.add_columns(e.source, e.source_id, e.published_at, score.label("score")).subquery("scored")
    # Each item once: its best-scoring version (ties: the first published).
    best = func.row_number().over(partition_by=(scored.c.source, scored.c.source_id),
                                  order_by=(scored.c.score, scored.c.id))
    hits = select(scored.c.id, scored.c.score, scored.c.published_at, best.label("n")).subquery("hits")
    # The page is chosen from the matches' ids and scores; only its entries are then read whole.
    order = (hits.c.score, hits.c.published_at.desc(), hits.c.id.desc())
    chosen = select(hits.c.id, hits.c.score, hits.c.published_at).where(hits.c.n == 1).order_by(*order) \
        .limit(per_page).offset(skip).subquery("chosen")
    return (select(e).join(chosen, chosen.c.id == e.id)
            .order_by(chosen.c.score, chosen.c.published_at.desc(), chosen.c.id.desc()),
            select(func.count()).select_from(items))


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def snippet(text: str, terms: list[str]) -> str:
    """Some of `text` around the first place a word asked begins a word, else its beginning."""
    flat = " ".join(text.split())
    places = [m.start() for term in terms
              if (m := re.search(rf"(?<![^\W_]){re.escape(term)}", flat, flags=re.IGNORECASE))]
    start = min(places, default=0)
    if len(flat) <= SNIPPET:
        return flat
    begin = max(0, min(start - SNIPPET // 4, len(flat) - SNIPPET))
    shown = flat[begin:begin + SNIPPET]
    return ("…" if begin else "") + shown + ("…" if begin + SNIPPET < len(flat) else "")
