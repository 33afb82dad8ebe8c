"""The registry's outlets and journalists as CSV (Python's csv module): exported whole, imported all or nothing.

An import reads a header line and then one outlet (or journalist) a line. A line with an `id` changes that entry;
one without changes the entry of the same name (an outlet) or the same e-mail address (a journalist) where there is
one, else adds a new one, so the same file imported twice changes nothing the second time. Every line goes through
the same rules as the API (engine.people.registry) and each change is audited as one; a single bad value refuses
the whole file, every problem named by its line (the header is line 1) and its column (422), and nothing is
written (the caller's transaction is rolled back). Exported files import back as they are.

Columns: outlets `id, name, kind, country, email, phone, website`; journalists `id, name, outlet (the outlet's
name), email, phone, languages (codes separated by spaces or commas, most preferred first), active (true or
false)`. The file is UTF-8 (a byte-order mark, as spreadsheet programs write it, is allowed)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Journalist, Outlet
from engine.core.errors import Code, Invalid, JarchyError
from engine.people import registry
from engine.people.access import Actor, check_may_keep_registry

OUTLET_COLUMNS = ("id", "name", "kind", "country", "email", "phone", "website")
JOURNALIST_COLUMNS = ("id", "name", "outlet", "email", "phone", "languages", "active")
MAX_LINES = 5_000  # about 12 s on PostgreSQL (2,000 lines: 4.9 s; SQLite 2.3 s): a request, not a batch job
MAX_ERRORS = 200  # enough to fix a file by; more would only repeat the same mistake
TRUE, FALSE = frozenset({"true", "yes", "1", "y"}), frozenset({"false", "no", "0", "n"})


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int
    unchanged: int


# -- export -----------------------------------------------------------------------------------------------

def export_outlets(session: Session) -> str:
    rows = session.scalars(select(Outlet).order_by(func.lower(Outlet.name), Outlet.id))
    return _write(OUTLET_COLUMNS, ([o.id, o.name, o.kind.value, o.country, o.email, o.phone, o.website]
                                   for o in rows))


def export_journalists(session: Session) -> str:
    rows = session.scalars(select(Journalist).order_by(func.lower(Journalist.name), Journalist.id))
    return _write(JOURNALIST_COLUMNS, ([j.id, j.name, j.outlet.name if j.outlet else None, j.email, j.phone,
                                        " ".join(j.languages or []), "true" if j.active else "false"] for j in rows))


# A spreadsheet takes a cell that begins with one of these as a formula (OWASP, "CSV injection"): a name typed
# or imported as `=HYPERLINK(...)` would run when the export is opened. Such a cell is written after an apostrophe,
# which spreadsheets show as text, and an import takes the apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _write(columns: tuple[str, ...], rows: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


# -- import -----------------------------------------------------------------------------------------------

class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, line: int, column: str, message: str, code: Code = Code.CSV_PROBLEM,
            params: dict[str, Any] | None = None) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append({"field": column, "line": line, "message": message, "code": code,
                               "params": {"line": line, "column": column} | (params or {})})

    def refuse(self, what: str) -> None:
        if self.items:
            first = self.items[0]
            raise Invalid(f"the {what} file was not imported: {len(self.items)} problem(s); line {first['line']}, "
                          f"column {first['field']}: {first['message']}", self.items, code=Code.CSV_PROBLEM,
                          params={"line": first["line"], "column": first["field"], "count": len(self.items)})


def _lines(data: bytes, columns: tuple[str, ...], required: tuple[str, ...], problems: _Problems
           ) -> list[tuple[int, dict[str, str | None]]]:
    """The file's lines as {column: value or None}, with their line numbers; the header checked."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(1, "(file)", f"is not UTF-8 text (byte {exc.start})")
        return []
    if "\x00" in text:
        problems.add(1, "(file)", "contains a NUL character")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        problems.add(1, "(file)", "is empty: it needs a header line naming the columns")
        return []
    except csv.Error as exc:
        problems.add(1, "(file)", f"is not CSV: {exc}")
        return []
    for name in header:
        if name not in columns:
            problems.add(1, name or "(empty)", f"is not a column; the columns are {', '.join(columns)}")
    for name in required:
        if name not in header:
            problems.add(1, name, "the column is missing")
    if len(set(header)) != len(header):
        problems.add(1, "(header)", "names a column twice")
    if problems.items:
        return []
    lines = []
    try:
        for values in reader:
            if len(lines) >= MAX_LINES:
                problems.add(reader.line_num, "(file)", f"more than {MAX_LINES} lines; split the file")
                break
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(values) != len(header):
                problems.add(reader.line_num, "(line)", f"has {len(values)} values for {len(header)} columns")
                continue
            lines.append((reader.line_num, {name: (_uncell(v.strip()) or None)
                                            for name, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        problems.add(reader.line_num, "(file)", f"is not CSV: {exc}")
    return lines


def _id(value: str | None, line: int, problems: _Problems, exists: Callable[[int], bool]) -> int | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{1,18}", value) or not exists(int(value)):
        problems.add(line, "id", f"{value!r} is not the id of an entry of the registry")
        return None
    return int(value)


def _engine(problems: _Problems, line: int, action: Callable[[], Any]) -> Any:
    """Run one line's change; its refusal is recorded against the line (and the column it names)."""
    try:
        return action()
    except JarchyError as exc:
        for entry in exc.errors or [{"field": "(line)", "message": exc.detail}]:
            problems.add(line, str(entry.get("field") or "(line)").split(".")[0], str(entry.get("message")),
                         entry.get("code") or Code.CSV_PROBLEM, entry.get("params"))
        return None


def import_outlets(session: Session, data: bytes, *, actor: Actor, at: datetime) -> Imported:
    check_may_keep_registry(actor)
    problems = _Problems()
    lines = _lines(data, OUTLET_COLUMNS, ("name", "kind"), problems)
    created = updated = unchanged = 0
    seen: dict[str, int] = {}
    for line, values in lines:
        outlet_id = _id(values.pop("id", None), line, problems, lambda i: session.get(Outlet, i) is not None)
        name = (values.get("name") or "").lower()
        if name and name in seen:
            problems.add(line, "name", f"the outlet is on line {seen[name]} already")
            continue
        seen[name] = line
        if values.get("kind"):
            values["kind"] = values["kind"].lower()
        if outlet_id is None and name:
            outlet_id = session.scalar(select(Outlet.id).where(func.lower(Outlet.name) == name))
        if outlet_id is None:
            created += _engine(problems, line, lambda v=values: registry.create_outlet(session, v, actor=actor,
                                                                                     at=at)) is not None
            continue
        before = registry.describe_outlet(registry.outlet_by_id(session, outlet_id))
        row = _engine(problems, line, lambda i=outlet_id, v=values: registry.update_outlet(session, i, v, actor=actor,
                                                                                          at=at))
        if row is not None:
            changed = registry.describe_outlet(row) != before
            updated += changed
            unchanged += not changed
    problems.refuse("outlets")
    return Imported(created, updated, unchanged)


def import_journalists(session: Session, data: bytes, *, actor: Actor, at: datetime) -> Imported:
    check_may_keep_registry(actor)
    problems = _Problems()
    lines = _lines(data, JOURNALIST_COLUMNS, ("name", "email"), problems)
    outlets = {name.lower(): i for i, name in session.execute(select(Outlet.id, Outlet.name))}
    created = updated = unchanged = 0
    seen: dict[str, int] = {}
    for line, raw in lines:
        journalist_id = _id(raw.get("id"), line, problems, lambda i: session.get(Journalist, i) is not None)
        values: dict[str, Any] = {k: raw.get(k) for k in ("name", "email", "phone") if k in raw}
        if "outlet" in raw:
            outlet = raw["outlet"]
            values["outlet_id"] = outlets.get(outlet.lower()) if outlet else None
            if outlet and values["outlet_id"] is None:
                problems.add(line, "outlet", f"{outlet!r} is not an outlet of the registry (import the outlets first)")
                continue
        if "languages" in raw:
            values["languages"] = [c for c in re.split(r"[\s,;]+", raw["languages"] or "") if c]
        if "active" in raw:
            flag = (raw["active"] or "true").lower()
            if flag not in TRUE | FALSE:
                problems.add(line, "active", f"{raw['active']!r}: write true or false")
                continue
            values["active"] = flag in TRUE
        address = (values.get("email") or "").lower()
        if address and address in seen:
            problems.add(line, "email", f"the address is on line {seen[address]} already")
            continue
        seen[address] = line
        if journalist_id is None and address:
            journalist_id = session.scalar(select(Journalist.id).where(func.lower(Journalist.email) == address)
                                           .order_by(Journalist.id).limit(1))
        if journalist_id is None:
            created += _engine(problems, line, lambda v=values: registry.create_journalist(
                session, v, actor=actor, at=at)) is not None
            continue
        before = registry.describe_journalist(registry.journalist_by_id(session, journalist_id))
        row = _engine(problems, line, lambda i=journalist_id, v=values: registry.update_journalist(
            session, i, v, actor=actor, at=at))
        if row is not None:
            changed = registry.describe_journalist(row) != before
            updated += changed
            unchanged += not changed
    problems.refuse("journalists")
    return Imported(created, updated, unchanged)
