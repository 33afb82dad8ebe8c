"""Demo data for `jarchy demo`: units, users with generated passwords, a registry of the media, and a few cases at
different stages, one of them a release published with its photo and sent to the accredited pool."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, Unit, User
from engine.context import EngineContext
from engine.people import accreditation, media_plan, registry
from engine.people.accounts import create_unit, create_user
from engine.reads.queries import open_tasks
from engine.runtime import attachments, operations

# Each unit's name in every interface language (engine.core.settings.LANGUAGES); `en` is the default name.
UNITS: dict[str, dict[str, str]] = {
    "transport": {"en": "Department of Transport and Roads", "ky": "Транспорт жана жолдор башкармалыгы",
                  "ru": "Управление транспорта и дорог", "uz": "Транспорт ва йўллар бошқармаси",
                  "uz-Latn": "Transport va yo\u02bbllar boshqarmasi", "uk": "Управління транспорту та доріг"},
    "health": {"en": "Department of Public Health", "ky": "Коомдук саламаттыкты сактоо башкармалыгы",
               "ru": "Управление общественного здравоохранения", "uz": "Жамоат саломатлиги бошқармаси",
               "uz-Latn": "Jamoat salomatligi boshqarmasi", "uk": "Управління громадського здоров\u2019я"},
    "education": {"en": "Department of Education", "ky": "Билим берүү башкармалыгы", "ru": "Управление образования",
                  "uz": "Таълим бошқармаси", "uz-Latn": "Ta\u02bclim boshqarmasi", "uk": "Управління освіти"},
}
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

# The registry of the media: outlets, journalists (the languages they read, first preferred), who is accredited.
SAMPLE_OUTLETS: dict[str, dict[str, Any]] = {
    "Kaktus Media": {"kind": "online", "country": "KG", "email": "news@kaktus.example"},
    "24.kg": {"kind": "agency", "country": "KG", "email": "desk@24.example"},
    "Vechernii Bishkek": {"kind": "print", "country": "KG"},
    "Radio Azattyk": {"kind": "radio", "country": "KG"},
}
SAMPLE_JOURNALISTS: list[tuple[str, str | None, str, list[str], bool]] = [
    ("A. Usenova", "Kaktus Media", "usenova@example.kg", ["ky", "ru"], True),
    ("T. Omurov", "24.kg", "omurov@example.kg", ["ru"], True),
    ("N. Ivanova", "Vechernii Bishkek", "ivanova@example.kg", ["ru"], True),
    ("B. Sadyrov", "Radio Azattyk", "sadyrov@example.kg", ["ky"], False),
]
# A release through both reviews and the translation, published with a photo.
SAMPLE_RELEASE: dict[str, Any] = {
    "kind": "press_release", "title": "Chui Avenue reopens after repairs", "unit": "transport",
    "body": "The repairs of Chui Avenue are finished: all six lanes are open to traffic from today."}
SAMPLE_TRANSLATIONS: dict[str, dict[str, str]] = {
    "ky": {"title": "Чүй проспекти оңдолуп, кайра ачылды",
           "body": "Чүй проспектин оңдоо иштери бүттү: бүгүндөн баштап алты тилкенин баары ачык."},
    "ru": {"title": "Проспект Чуй открыт после ремонта",
           "body": "Ремонт проспекта Чуй завершён: с сегодняшнего дня открыты все шесть полос."},
    "uk": {"title": "Проспект Чуй відкрито після ремонту",
           "body": "Ремонт проспекту Чуй завершено: від сьогодні відкриті всі шість смуг."},
    "uz": {"title": "Чуй шоҳкўчаси таъмирдан сўнг очилди",
           "body": "Чуй шоҳкўчасини таъмирлаш якунланди: бугундан барча олтита йўлак очиқ."},
}


def seed(session: Session, ctx: EngineContext) -> Iterator[str]:
    """Idempotent: what exists is left alone. Yields lines to print."""
    now = ctx.now()
    for key, names in UNITS.items():
        if session.scalars(select(Unit).where(Unit.key == key)).one_or_none() is None:
            create_unit(session, key=key, name=names["en"], names=names, actor="system", at=now)
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
    pool = _registry(session, ctx, starter)
    release = _published_release(session, ctx, secretary, pool)
    if release is not None:
        cases.append(release)
    yield "Sample cases: " + ", ".join(c.business_key for c in cases)
    yield "Registry of the media: 4 outlets, 4 journalists, the list 'Accredited pool'"
    yield f"Media plan: {_media_plan(session, ctx, starter)} appearances in the next two weeks"


# The leadership's appearances (days from today, hour or None for all day, days long, values).
SAMPLE_APPEARANCES: list[tuple[int, int | None, int, dict[str, Any]]] = [
    (2, 10, 1, {"title": "Briefing on the spring road works", "official": "Mayor", "format": "briefing",
                "place": "City hall, press room", "open_to_press": True, "unit": "transport"}),
    (3, 15, 1, {"title": "Interview with Kabar on school meals", "official": "Deputy mayor for social affairs",
                "format": "interview", "place": "City hall, room 204", "open_to_press": False,
                "unit": "education"}),
    (5, None, 2, {"title": "Working visit to the new district clinics", "official": "Mayor", "format": "visit",
                  "place": "Alamedin and Ak-Orgo districts", "open_to_press": True, "unit": "health"}),
    (9, 11, 1, {"title": "Speech at the city council on the 2027 budget", "official": "Mayor", "format": "speech",
                "place": "City council, great hall", "open_to_press": True}),
]


def _media_plan(session: Session, ctx: EngineContext, keeper: User) -> int:
    tz, now = ctx.cal.timezone, ctx.now()
    today = now.astimezone(tz).date()
    for days, hour, length, values in SAMPLE_APPEARANCES:
        day = today + timedelta(days=days)
        if hour is None:
            when = {"all_day": True, "starts_at": day, "ends_at": day + timedelta(days=length - 1)}
        else:
            start = datetime.combine(day, time(hour), tzinfo=tz)
            when = {"starts_at": start, "ends_at": start + timedelta(hours=length)}
        media_plan.create_entry(session, values | when, tz=tz, actor=keeper, at=now)
    return len(SAMPLE_APPEARANCES)


def _registry(session: Session, ctx: EngineContext, keeper: User) -> int:
    """The outlets and journalists, accredited for the year but one, and the accredited pool; the pool's id."""
    now = ctx.now()
    today = now.astimezone(ctx.cal.timezone).date()
    outlets = {name: registry.create_outlet(session, {"name": name} | values, actor=keeper, at=now).id
               for name, values in SAMPLE_OUTLETS.items()}
    accredited = []
    for name, outlet, email, languages, is_accredited in SAMPLE_JOURNALISTS:
        row = registry.create_journalist(session, {"name": name, "outlet_id": outlets[outlet] if outlet else None,
                                                   "email": email, "languages": languages}, actor=keeper, at=now)
        if is_accredited:
            accreditation.accredit(session, row.id, valid_from=date(today.year, 1, 1),
                                   valid_until=date(today.year, 12, 31), actor=keeper, at=now)
            accredited.append(row.id)
    return registry.create_list(session, {"name": "Accredited pool", "journalist_ids": accredited},
                                actor=keeper, at=now).id


def _published_release(session: Session, ctx: EngineContext, secretary: User, pool: int) -> ProcessInstance | None:
    """A release agreed, translated and published with its photo, sent to the pool (recorded, and e-mailed where
    the deployment has an SMTP server). None where the publication languages are not all among the samples'."""
    languages = ctx.settings.publication_languages
    if any(lang not in SAMPLE_TRANSLATIONS for lang in languages):
        return None
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(["chynara", "aigul"])))}
    case = operations.start(session, ctx, secretary, "release_approval",
                            SAMPLE_RELEASE | {"distribution_lists": [pool]})

    def complete(user: User, data: dict[str, Any]) -> None:
        operations.complete_task(session, ctx, user, open_tasks(session, case.id)[0].id, data)

    complete(users["chynara"], {"decision": "approve"})
    complete(users["aigul"], {"decision": "approve", "confirm_no_confidential": True, "comment": "Agreed."})
    photo = attachments.attach(session, ctx, secretary, case.id, "chui-avenue.jpg", io.BytesIO(_photo()))
    complete(secretary, {"translations": {lang: SAMPLE_TRANSLATIONS[lang] for lang in languages},
                         "media": [photo.id]})
    complete(users["aigul"], {"media": [photo.id], "distribution_lists": [pool]})
    return case


def _photo() -> bytes:
    """A picture of a road, drawn here so that the demo needs no file of its own."""
    image = Image.new("RGB", (1200, 800), (135, 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 480, 1200, 800), fill=(70, 70, 75))
    for x in range(0, 1200, 160):
        draw.rectangle((x + 20, 630, x + 110, 645), fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _triage_to_press_secretary(session: Session, ctx: EngineContext, actor: User, case: ProcessInstance) -> None:

    triage = open_tasks(session, case.id)[0]
    operations.complete_task(session, ctx, actor, triage.id,
                          {"handler": "press_secretary", "unit": "transport", "contributors": ["transport"]})
