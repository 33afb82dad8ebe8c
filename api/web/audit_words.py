"""The audit events on the auditors' pages worded for people: field names by their titles, values by their labels.

The chain stores keys (`role: pr_department`, `decision: approve`, a task's BPMN id as the subject); an auditor reads
"Роль: Отдел по связям с общественностью". A case's data is titled and worded by its procedure's forms (as the case
page shows it, api.web.formrender); the events' own fields by api.web.vocabulary.AUDIT_FIELDS; roles, units,
procedures and moments by their labels. The exports (CSV, JSON) keep the stored keys: they are for programs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, gettext
from markupsafe import Markup
from sqlalchemy import select

from api.database import session as db_session
from api.web import formrender, refusals
from api.web.i18n import (
    LANGUAGE_NAMES,
    country_name,
    current_language,
    day_span,
    diagram_name,
    file_size,
    label,
    translated,
    when,
)
from api.web.procedure_names import procedure_name, procedure_names
from api.web.unit_names import unit_text, unit_texts
from api.web.views.staff import case_forms, task_names
from api.web.vocabulary import AUDIT_FIELDS, FEEDS, LABELLED, RECORD_KINDS
from db.models import (
    Attachment,
    AuditEvent,
    DistributionList,
    FormVersion,
    Journalist,
    MediaPlanEntry,
    Outlet,
    ProcessDefinition,
    ProcessInstance,
    Publication,
    User,
)
from db.vocabulary import EventType
from engine.core.settings import ROLES
from engine.runtime.publications import archived_versions

ROLE_FIELDS = frozenset({"role", "roles"})
LANGUAGE_FIELDS = frozenset({"language", "locale", "lang", "languages"})
COUNTRY_FIELDS = frozenset({"country"})
# Days without a time (an accreditation's validity): a day is read as the reader writes a day, never as a moment.
DAY_FIELDS = frozenset({"valid_from", "valid_until"})
# The events whose data are a case's form fields (a completed task's answers, a case's changed data); the other
# events' fields are their own (a notification's `kind`, a task's `unit`), worded by AUDIT_FIELDS even where a form
# of the case has a field of the same name (the release's `kind` would word a notice "Notice").
FORM_DATA_EVENTS = frozenset({EventType.TASK_COMPLETED, EventType.INSTANCE_DATA_CHANGED})
# The records an event's subject names as `<kind>:<id>` (engine.people.registry, media_plan), by the column that
# names them for a person; and the fields that hold such a record's id.
RECORDS = {"outlet": (Outlet, "name"), "journalist": (Journalist, "name"),
           "distribution_list": (DistributionList, "name"), "media_plan": (MediaPlanEntry, "title")}
# The events whose subject names the user by id (`user:7`, a calendar feed's link), not by username.
USER_ID_SUBJECTS = frozenset({EventType.MEDIA_PLAN_FEED_ISSUED, EventType.MEDIA_PLAN_FEED_REVOKED})
ID_FIELDS = {"outlet_id": "outlet", "journalist_id": "journalist", "journalist_ids": "journalist"}
WORD_FIELDS = frozenset({"kind", "status", "outcome", "decision", "tone", "format", "medium", "channel", "origin"})
MOMENT_SUFFIXES = ("_at", "_until")
# The events whose `name` is a person's (a draft act's commenter), not a thing's (a unit, a procedure, a message).
PERSON_NAMED = frozenset({"comment.received"})
SIZE_FIELDS = frozenset({"size", "file_size"})
# The actor recorded for what the application did by itself (api.cli, the demo seed, engine.people.access).
SYSTEM_ACTOR = "system"
# A failure's English and its exception's type, beside its worded reason: titled apart (api.web.vocabulary).
TECHNICAL = {"message": "technical_detail", "exception": "technical_exception"}
# Values an auditor checks as the machine recorded them, never worded: digests, ids, media types, the engine's own
# English and the element a failure stopped at (its step is named in the worded reason).
# A deployment's pinned form versions (`forms`) and a deployed form's key (`form`) are identifiers too.
MACHINE_FIELDS = frozenset({"sha256", "checksum", "content_type", "element_id", "id", "attachment_id", "task_id",
                            "forms", "form", *TECHNICAL.values()})


@dataclass
class WordedChange:
    """One field of an event's data: its title, and its value before and after (None: it had none)."""

    field: str
    before: formrender.Shown | None
    after: formrender.Shown | None


class AuditWords:
    """Words for the events of one page; each case's procedure is read once."""

    def __init__(self) -> None:
        self._procedures = procedure_names()
        self._definitions: dict[int, tuple[dict[str, dict[str, Any]], dict[str, str]]] = {}
        self._file_names: dict[int, dict[str, str]] = {}

    def _of(self, instance_id: int | None) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The fields of the case's forms by name, and its elements' names by BPMN id."""
        if instance_id is None:
            return {}, {}
        if instance_id not in self._definitions:
            instance = db_session().get(ProcessInstance, instance_id)
            definition = db_session().get(ProcessDefinition, instance.definition_id) if instance else None
            props: dict[str, dict[str, Any]] = {}
            for schema in case_forms(definition) if definition else []:
                for name, prop in (schema.get("properties") or {}).items():
                    if isinstance(prop, dict):
                        props.setdefault(name, prop)
            names = {element_id: diagram_name(definition.meta, element_id, english)
                     for element_id, english in (definition.meta.get("element_names") or {}).items()} \
                if definition else {}
            self._definitions[instance_id] = (props, names | (task_names(definition) if definition else {}))
        return self._definitions[instance_id]

    def _files(self, instance_id: int | None) -> dict[str, str]:
        """The case's files by id (their names stand for them in its data), read once a case."""
        if instance_id is None:
            return {}
        if instance_id not in self._file_names:
            rows = db_session().execute(select(Attachment.id, Attachment.filename)
                                        .where(Attachment.instance_id == instance_id))
            self._file_names[instance_id] = {str(file_id): name for file_id, name in rows}
        return self._file_names[instance_id]

    def subject(self, event: AuditEvent) -> str:
        """What the event is about: an element by its name, a unit by its, a user or procedure by theirs."""
        subject = event.subject or ""
        names = self._of(event.instance_id)[1]
        kind, _sep, rest = subject.partition(":")
        if subject in names:
            return translated(names[subject])
        if subject in self._procedures:  # a deployment's subject is its procedure's key
            return self.procedure(subject)
        if kind == "unit" and rest:
            return unit_text(rest)
        if kind == "definition" and rest:  # definition:<key>:<version>
            key, _sep, version = rest.partition(":")
            return gettext("%(procedure)s, version %(version)s", procedure=self.procedure(key), version=version) \
                if version else self.procedure(key)
        if kind == "form" and rest:  # form:<key>:<version>, by the form's title
            key, _sep, version = rest.rpartition(":")
            found = db_session().scalars(select(FormVersion.schema).where(
                FormVersion.key == key, FormVersion.version == int(version))).first() if version.isdigit() else None
            title = found.get("title") if isinstance(found, dict) else None
            return gettext("Form “%(title)s”, version %(version)s", title=translated(title) if title else key,
                           version=version)
        if kind == "user" and rest:
            return self._username(rest) if event.type in USER_ID_SUBJECTS else rest
        if kind in RECORDS and rest.isdigit():
            return self._record(kind, int(rest))
        if kind in RECORD_KINDS and rest:  # a delivery, a letter, the address of a throttled sign-in
            return gettext("%(record)s №%(number)s", record=RECORD_KINDS[kind], number=rest) if rest.isdigit() \
                else f"{RECORD_KINDS[kind]} {rest}"
        if kind == "calendar" and (day := _day(rest)):
            return format_date(day, "long")
        if kind == "report" and rest:  # a closed period: report:<first day>/<last day>
            first, _sep, last = rest.partition("/")
            if (start := _day(first)) and (end := _day(last)):
                return day_span(start, end)
        if kind in FEEDS and rest.isdigit():  # a publication: <feed>:<id> (engine.runtime.publications)
            return self.publication(kind, int(rest))
        if kind == "case_comment" and rest:  # a staff comment, by its number (engine.runtime.case_comments)
            return gettext("Comment №%(number)s", number=rest)
        if subject in (files := self._files(event.instance_id)):  # a file of the case, by its name
            return files[subject]
        return label(subject) if "_" in subject else subject

    def procedure(self, key: str) -> str:
        return procedure_name(key, self._procedures)

    @staticmethod
    def _username(rest: str) -> str:
        """A user recorded by id (a calendar feed's link issued or revoked), by username."""
        if rest.isdigit() and (user := db_session().get(User, int(rest))) is not None:
            return user.username
        return rest

    @staticmethod
    def _record(kind: str, record_id: int) -> str:
        """A registry or media plan record by its name (its title); by its kind and number once it is gone."""
        model, column = RECORDS[kind]
        row = db_session().get(model, record_id)
        if row is not None and getattr(row, column):
            return str(getattr(row, column))
        return gettext("%(record)s №%(number)s", record=RECORD_KINDS[kind], number=record_id)

    def publication(self, feed: str, publication_id: int) -> str:
        """A publication by its feed and its title (in the reader's language where it was published in it)."""
        row = db_session().get(Publication, publication_id)
        versions = archived_versions(feed, row.content or {}) if row is not None and row.feed == feed else []
        titles = {v.lang: v.title for v in versions if v.title}
        title = titles.get(current_language()) or next(iter(titles.values()), "")
        return f"{FEEDS[feed]}: «{title}»" if title else gettext("%(feed)s, №%(number)s", feed=FEEDS[feed],
                                                                 number=publication_id)

    @staticmethod
    def actor(actor: str | None) -> str:
        """Who did it: a username, or the application itself in the reader's words."""
        return gettext("the system") if not actor or actor == SYSTEM_ACTOR else actor

    def changes(self, event: AuditEvent) -> list[WordedChange]:
        """The event's data field by field, before -> after; fields unchanged on both sides are left out."""
        before, after = self._named(_worded_code(event.before or {})), self._named(_worded_code(event.after or {}))
        case_props = self._of(event.instance_id)[0]
        rows = []
        for key in list(after) + [k for k in before if k not in after]:
            if key in before and key in after and before[key] == after[key]:
                continue
            # A case's data (a case started with it) is worded by its forms wherever it is recorded.
            props = case_props if event.type in FORM_DATA_EVENTS or key == "data" else {}
            title = gettext("Name") if key == "name" and event.type in PERSON_NAMED else self._title(key, props)
            rows.append(WordedChange(title,
                                     self._value(key, before[key], props, event.instance_id) if key in before else None,
                                     self._value(key, after[key], props, event.instance_id) if key in after else None))
        return rows

    def _named(self, data: dict[str, Any]) -> dict[str, Any]:
        """A deployment's `name` (the diagram's English name) as its procedure's name in the reader's language."""
        if isinstance(data.get("name"), str) and data.get("key") in self._procedures:
            return data | {"name": self.procedure(data["key"])}
        return data

    def _title(self, key: str, props: dict[str, dict[str, Any]]) -> str:
        if key in props and props[key].get("title"):
            return translated(props[key].get("title"))  # a form's words, extracted from forms/
        return str(AUDIT_FIELDS[key]) if key in AUDIT_FIELDS else label(key)

    def _value(self, key: str, value: Any, props: dict[str, dict[str, Any]],
               instance_id: int | None = None) -> formrender.Shown:
        """A value worded by its form's field where a form names it (a case's data), else by what the key says."""
        if key == "data" and isinstance(value, dict) and props:
            return formrender.shown({"properties": props}, value, key, unit_texts(), self._files(instance_id))
        if key in props and value is not None:
            return formrender.shown(props[key], value, key, unit_texts(), self._files(instance_id))
        return self._plain(key, value, self._title(key, props))

    def _plain(self, key: str, value: Any, title: str) -> formrender.Shown:
        """A value no form describes: nested data field by field, keys and codes by their words."""
        if isinstance(value, dict) and key in MACHINE_FIELDS:  # identifiers and their numbers, as recorded
            return formrender.Shown(title, Markup('<code class="technical">{}</code>').format(
                ", ".join(f"{k}: {v}" for k, v in value.items())) if value else "—")
        if isinstance(value, dict):
            return formrender.Shown(title, rows=[self._plain(k, v, LANGUAGE_NAMES.get(k) or self._title(k, {}))
                                                 for k, v in value.items()])  # a text per language: its name
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            return formrender.Shown(title, rows=[self._plain(key, v, f"{title} {i + 1}") for i, v in enumerate(value)])
        values = value if isinstance(value, list) else [value]
        return formrender.Shown(title, Markup(", ").join(self._scalar(key, v) for v in values) or "—")

    def _scalar(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if key in MACHINE_FIELDS:  # kept as recorded, marked as the machine's (a digest, an id, a media type)
            return Markup('<code class="technical">{}</code>').format(value)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if key in SIZE_FIELDS and isinstance(value, int):
            return file_size(value)
        if key in ID_FIELDS and isinstance(value, int):  # a record of the registry, by its name
            return self._record(ID_FIELDS[key], value)
        if not isinstance(value, str):
            return str(value)
        if key in ROLE_FIELDS or value in ROLES:
            return label(value)
        if key == "unit":
            return unit_text(value)
        if key == "process_key" or (key == "key" and value in self._procedures):
            return self.procedure(value)
        if key == "key" and value in unit_texts():  # a unit's key, by the unit's name
            return unit_text(value)
        if key in LANGUAGE_FIELDS and value in LANGUAGE_NAMES:
            return LANGUAGE_NAMES[value]
        if key in COUNTRY_FIELDS:
            return country_name(value)
        if key in DAY_FIELDS and (day := _day(value)):
            return format_date(day, "medium")
        if key == "feed" and value in FEEDS:
            return str(FEEDS[value])
        if key in WORD_FIELDS:
            return _word(value)
        if key.endswith(MOMENT_SUFFIXES):
            return _moment(value)
        return value


def _word(value: str) -> str:
    """A stored word (a kind, a status, an origin) by the label of the vocabulary that holds it."""
    for labels in LABELLED.values():
        if value in labels:
            return str(labels[value])  # type: ignore[index]
    return label(value)


def _worded_code(data: dict[str, Any]) -> dict[str, Any]:
    """An event's refusal or failure (`code` with `params`) as its sentence, under `failure`, first; the engine's
    English `message` and the exception's type, where there are, stay for the auditor as recorded, titled as the
    technical details they are."""
    if not isinstance(data.get("code"), str):
        return data
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    rest = {TECHNICAL.get(k, k): v for k, v in data.items() if k not in ("code", "params")}
    return {"failure": refusals.worded(data["code"], params) or data["code"]} | rest


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _moment(value: str) -> str:
    try:
        return when(datetime.fromisoformat(value))
    except ValueError:
        return value
