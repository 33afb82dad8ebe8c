"""Demo data for `jarchy demo`: units, users with generated passwords, and a few cases at different stages."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, Unit, User
from engine.context import EngineContext
from engine.people.accounts import create_unit, create_user
from engine.reads.queries import open_tasks
from engine.runtime import operations

UNITS = [
    ("transport", "Department of Transport and Roads"),
    ("health", "Department of Public Health"),
    ("education", "Department of Education"),
]
USERS: list[tuple[str, str, list[str], str | None]] = [
    ("admin", "Administrator", ["admin"], None),
    ("auditor", "Internal auditor", ["auditor"], None),
    ("prhead", "Head of the PR department", ["pr_head", "pr_department"], None),
    ("aigul", "Aigul, PR department", ["pr_department"], None),
    ("bakyt", "Bakyt, press secretary (transport)", ["press_secretary"], "transport"),
    ("chynara", "Chynara, head of transport", ["unit_head"], "transport"),
    ("dastan", "Dastan, press secretary (health)", ["press_secretary"], "health"),
    ("elmira", "Elmira, head of health", ["unit_head"], "health"),
    ("mayor", "Vice-mayor", ["leadership"], None),
    ("lawyer", "Legal department", ["legal"], None),
]
SAMPLE_REQUESTS: list[dict[str, Any]] = [
    {"channel": "email", "outlet": "Kaktus Media", "requester_name": "A. Usenova",
     "contact": {"email": "usenova@example.kg"}, "subject": "Bus fares",
     "question": "Will municipal bus fares rise next year, and why?"},
    {"channel": "phone", "outlet": "24.kg", "requester_name": "T. Omurov", "contact": {"phone": "+996 555 010203"},
     "subject": "Road repairs on Chui Avenue", "question": "When will the repairs on Chui Avenue be finished?",
     "unit": "transport"},
    {"channel": "letter", "outlet": "Vechernii Bishkek", "requester_name": "N. Ivanova",
     "contact": {"address": "Bishkek, Toktogul st. 125"}, "subject": "Measles vaccination",
     "question": "How many children were vaccinated against measles this autumn?", "unit": "health"},
]

# Requests for public information: anyone may ask (a person, an organisation).
SAMPLE_PUBLIC_REQUESTS: list[dict[str, Any]] = [
    {"requester_kind": "person", "requester_name": "Aibek Toktogulov", "contact": {"email": "aibek@example.kg"},
     "channel": "letter", "subject": "Playground repairs",
     "question": "How much did the city spend on repairing playgrounds in 2025, and in which districts?",
     "urgent": False},
    {"requester_kind": "organisation", "requester_name": "Bishkek Parents' Union",
     "contact": {"email": "office@parents.example.kg", "phone": "+996 312 000111"}, "channel": "email",
     "subject": "School heating", "question": "Which schools had no heating for more than two days this winter?",
     "unit": "education", "urgent": False},
]

# A piece found by monitoring, verified as distorted: its rebuttal waits for an explanation of each claim.
SAMPLE_PUBLICATION: dict[str, Any] = {
    "kind": "publication", "outlet": "Kaktus Media", "medium": "online", "url": "https://kaktus.example/bus-fares",
    "summary": "Bus fares will double in April, the article claims.", "tone": "negative", "unit": "transport"}
SAMPLE_FACTS: dict[str, Any] = {"verdict": "distorted", "consulted": "Chynara, head of transport", "facts": [
    {"claim": "Fares double in April.", "finding": "distorted", "established": "No decision on fares was taken."},
    {"claim": "The mayor approved the rise.", "finding": "misinterpreted",
     "established": "The mayor asked for a study of the bus companies' costs."},
    {"claim": "A ride costs 20 som today.", "finding": "accurate", "established": "Correct."}]}
SAMPLE_BREACH: dict[str, Any] = {
    "official": "Deputy head of the transport department", "outlet": "Radio Azattyk",
    "what": "Announced a fare rise on air before any decision, without agreeing it with the PR department."}


def seed(session: Session, ctx: EngineContext) -> Iterator[str]:
    """Idempotent: what exists is left alone. Yields lines to print."""
    now = ctx.now()
    for key, name in UNITS:
        if session.scalars(select(Unit).where(Unit.key == key)).one_or_none() is None:
            create_unit(session, key=key, name=name, actor="system", at=now)
    yield "Demo users (username / password / roles):"
    for username, display, roles, unit in USERS:
        if session.scalars(select(User).where(User.username == username)).one_or_none() is not None:
            yield f"  {username:<9} (exists: password as printed when it was created)"
            continue
        password = secrets.token_urlsafe(12)  # 16 characters: engine.people.passwords asks for 12 at least
        create_user(session, username=username, display_name=display, password=password, roles=roles, unit=unit,
                    actor="system", at=now)
        yield f"  {username:<9} {password:<18} {', '.join(roles)}{f' ({unit})' if unit else ''}"
    if session.scalars(select(ProcessInstance).limit(1)).first() is not None:
        return
    starter = session.scalars(select(User).where(User.username == "aigul")).one()
    cases = [operations.start(session, ctx, starter, "information_request", data) for data in SAMPLE_REQUESTS]
    _triage_to_press_secretary(session, ctx, starter, cases[1])
    cases += [operations.start(session, ctx, starter, "public_information_request", data)
              for data in SAMPLE_PUBLIC_REQUESTS]
    secretary = session.scalars(select(User).where(User.username == "bakyt")).one()
    piece = operations.start(session, ctx, secretary, "publication_response",
                             SAMPLE_PUBLICATION | {"published_at": (now - timedelta(hours=15)).isoformat()})
    operations.complete_task(session, ctx, secretary, open_tasks(session, piece.id)[0].id, SAMPLE_FACTS)
    cases.append(piece)
    cases.append(operations.start(session, ctx, secretary, "breach_report",
                                  SAMPLE_BREACH | {"occurred_at": (now - timedelta(days=1)).isoformat()}))
    yield "Sample cases: " + ", ".join(c.business_key for c in cases)


def _triage_to_press_secretary(session: Session, ctx: EngineContext, actor: User, case: ProcessInstance) -> None:

    triage = open_tasks(session, case.id)[0]
    operations.complete_task(session, ctx, actor, triage.id,
                          {"handler": "press_secretary", "unit": "transport", "contributors": ["transport"]})
