"""A registry of the media for the tests that need journalists (the press conference's accreditation, the
distribution of releases): outlets and journalists made through the engine, as the PR department would.

The clock of the tests stands at Mon 2 Mar 2026. Aida (Kaktus Media, reads ky then ru) and Bakyt (24.kg, reads ru)
are accredited for 2026; Chynara's accreditation expired on 28 Feb 2026, Dina's starts on 1 Apr 2026, Erlan's was
revoked; Farida (a blogger, reads en) holds none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.people import accreditation, registry


@dataclass(frozen=True)
class Media:
    aida: int
    bakyt: int
    chynara: int
    dina: int
    erlan: int
    farida: int
    outlets: dict[str, int]


JOURNALISTS = {
    "aida": ("Aida Usenova", "Kaktus Media", "aida@kaktus.example", ["ky", "ru"],
             (date(2026, 1, 1), date(2026, 12, 31))),
    "bakyt": ("Bakyt Asanov", "24.kg", "bakyt@24.example", ["ru"], (date(2026, 1, 1), date(2026, 12, 31))),
    "chynara": ("Chynara Toktosunova", "Vecherniy Bishkek", "chynara@vb.example", ["ru"],
                (date(2025, 3, 1), date(2026, 2, 28))),
    "dina": ("Dina Petrova", "24.kg", "dina@24.example", ["ru"], (date(2026, 4, 1), date(2027, 3, 31))),
    "erlan": ("Erlan Bekov", "Kaktus Media", "erlan@kaktus.example", ["ky"], (date(2026, 1, 1), date(2026, 12, 31))),
    "farida": ("Farida Karimova", "Farida's blog", "farida@blog.example", ["en"], None),
}
OUTLETS = {"Kaktus Media": "online", "24.kg": "agency", "Vecherniy Bishkek": "print", "Farida's blog": "blogger"}


def seed_media(sessions: Any, ctx: Any) -> Media:
    at = ctx.now()
    with sessions.begin() as session:
        outlets = {name: registry.create_outlet(session, {"name": name, "kind": kind, "country": "KG"},
                                                actor="test", at=at).id for name, kind in OUTLETS.items()}
        ids = {}
        for key, (name, outlet, email, languages, accredited) in JOURNALISTS.items():
            row = registry.create_journalist(session, {"name": name, "outlet_id": outlets[outlet], "email": email,
                                                       "languages": languages}, actor="test", at=at)
            ids[key] = row.id
            if accredited is not None:
                granted = accreditation.accredit(session, row.id, valid_from=accredited[0], valid_until=accredited[1],
                                            actor="test", at=at)
                if key == "erlan":
                    accreditation.revoke(session, granted.id, reason="Filmed in a closed session.", actor="test", at=at)
    return Media(**ids, outlets=outlets)
