"""Each procedure named in the reader's language, the same way on every page (dashboard, office report, audit,
case lists): its latest version's own translation (`jarchy:label` on the process element,
engine/procedures/labels.py), else the catalog's wording of its English name, else the catalog's wording of its
key (a procedure no longer deployed)."""

from __future__ import annotations

from api.database import session as db_session
from api.web.i18n import diagram_name, label
from engine.procedures.definitions import list_latest


def procedure_names() -> dict[str, str]:
    """Each deployed procedure's name in the reader's language, by key."""
    return {d.key: diagram_name(d.meta, d.key, d.name) for d in list_latest(db_session())}


def procedure_name(key: str, names: dict[str, str] | None = None) -> str:
    """One procedure's name (`names` from `procedure_names`, read once for a page's many rows)."""
    return (procedure_names() if names is None else names).get(key) or label(key)
