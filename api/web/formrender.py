"""A form's JSON Schema as the fields of an HTML form, and the posted form back as the schema's JSON data.

Written by hand: the libraries that render JSON Schema forms are JavaScript (react-jsonschema-form,
JSON Forms) or bring their own validation and widgets (WTForms-JSON); the pages are server-rendered,
must work without JavaScript and validate only in the engine (`engine.procedures.forms`), which reports errors by
dotted field path (`contact.email`, `facts.0.claim`). Each field here is named by that same path, so an
error finds its field. What a schema says and how it is shown:

- `enum` strings: radio buttons (up to 4 choices) or a select, labelled by `x-enum-labels` (the `label` filter);
- booleans: a checkbox; numbers: a number input; `format: email`, `date`, `date-time`: the matching input
  (a date-time is entered in the office's time zone and sent with its offset); `format: unit-key`: a select of units;
- long strings (`x-widget: textarea`, or `maxLength` over 300): a textarea;
- `x-attachment` (a string, or an array of strings): the case's files to choose from, and an upload that adds one
  (a file picker with a progress bar where JavaScript runs); with `x-among`, only the case's files of that field
  and no upload (the files prepared for an answer, which an approver may leave out but not add to); an array with
  none ticked is an empty list (every choice was shown);
- arrays of enums or unit keys: checkboxes (the registry's journalists and distribution lists are enums here,
  engine.procedures.forms.with_registry); arrays of strings: a textarea with one item a line; arrays of
  objects: repeated groups (the items so far and one empty); objects: a fieldset; `x-publication-languages`:
  a fieldset per publication language; anything else: its JSON in a textarea;
- `readOnly: true` (JSON Schema's annotation): a value the system sets (the media plan's entry an event's support
  comes from), never a field of the page.

An empty input is an absent field (so that `required` speaks, not `minLength`); an input that is not what
the schema wants (a word in a number field) is kept as typed, so that the engine names it and the page
shows it again."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from api.web import refusals
from api.web.i18n import LANGUAGE_NAMES, label, language_name, when

LONG_TEXT = 300  # characters: longer strings get a textarea
MAX_RADIOS = 4  # more choices than this: a select
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


@dataclass
class Field:
    """One input (or group of inputs) of a form, ready for api/templates/_form.html."""

    name: str  # the input's name, and the path the engine's errors name: contact.email
    kind: str  # text, email, textarea, number, checkbox, radios, select, checkboxes, lines, date, datetime,
    #            group, repeat, json, attachment, attachments
    title: str
    description: str = ""
    required: bool = False
    value: Any = None  # as the input shows it: a string, a bool, a list of strings (checkboxes)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    attrs: dict[str, Any] = field(default_factory=dict)  # maxlength, min, max, step
    children: list[Field] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


@dataclass(frozen=True)
class Options:
    """What the schema alone does not say: the units to choose from, the publication languages, the office's zone."""

    units: list[tuple[str, str]]  # (key, name)
    languages: tuple[str, ...]
    tz: tzinfo
    now: datetime
    # The files attached to the case, (id, what the page says of it), and where the page uploads another
    # (None: no case yet, or the reader may not attach).
    attachments: list[tuple[str, str]] = field(default_factory=list)
    upload_url: str | None = None
    case: dict[str, Any] = field(default_factory=dict)  # the case's data, for `x-among`


# -- schema -> fields ---------------------------------------------------------------------------------

def fields(schema: dict[str, Any], values: dict[str, Any] | None, options: Options,
           errors: list[dict[str, Any]] | None = None) -> tuple[list[Field], list[str]]:
    """The form's fields showing `values`, and the error messages that belong to no field (shown above it)."""
    built = _object_children(schema, values or {}, "", options)
    loose = _attach_errors(built, schema, errors or [])
    return built, loose


def initial_values(schema: dict[str, Any], data: dict[str, Any] | None, options: Options) -> dict[str, Any]:
    """What a fresh form shows: the schema's defaults (`$now`: the current moment), then the case's values."""
    values: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and "default" in prop and prop["default"] is not None:
            values[name] = options.now.isoformat() if prop["default"] == "$now" else prop["default"]
    values.update(data or {})
    return values


def _object_children(schema: dict[str, Any], values: Any, prefix: str, options: Options) -> list[Field]:
    values = values if isinstance(values, dict) else {}
    required = set(schema.get("required") or [])
    return [_field(prop, values.get(name), f"{prefix}{name}", name in required, options)
            for name, prop in (schema.get("properties") or {}).items()
            if isinstance(prop, dict) and not prop.get("readOnly")]


def _main_type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind


def _title(schema: dict[str, Any], name: str) -> str:
    title = schema.get("title")  # a form's words, extracted from forms/ (a literal key here would be extracted too)
    return gettext(title) if title else label(name.rsplit(".", 1)[-1])


def _field(schema: dict[str, Any], value: Any, name: str, required: bool, options: Options) -> Field:
    kind = _main_type(schema)
    description = schema.get("description")
    made = Field(name=name, kind="text", title=_title(schema, name), required=required,
                 description=gettext(description) if description else "")
    if "enum" in schema:
        made.choices = [(str(v), label(v, schema)) for v in schema["enum"] if v is not None]
        made.kind = "radios" if len(made.choices) <= MAX_RADIOS else "select"
        made.value = "" if value is None else str(value)
    elif kind == "boolean":
        made.kind, made.value = "checkbox", value is True
        made.required = schema.get("const") is True  # an unticked box is an answer too, unless it must be ticked
    elif kind in ("integer", "number"):
        made.kind, made.value = "number", "" if value is None else str(value)
        made.attrs = {"min": schema.get("minimum"), "max": schema.get("maximum"),
                      "step": "1" if kind == "integer" else "any"}
    elif kind == "string":
        _string(made, schema, value, options)
    elif kind == "array":
        _array(made, schema, value, options)
    elif kind == "object" and schema.get("properties"):
        made.kind, made.children = "group", _object_children(schema, value, f"{name}.", options)
    elif kind == "object" and schema.get("x-publication-languages") and isinstance(
            schema.get("additionalProperties"), dict):
        made.kind = "group"
        values = value if isinstance(value, dict) else {}
        item = schema["additionalProperties"]
        for language in options.languages:
            group = _field(item, values.get(language), f"{name}.{language}", True, options)
            group.title = f"{group.title} ({language_name(language)})"
            made.children.append(group)
    else:
        made.kind = "json"
        made.value = "" if value is None else value if isinstance(value, str) else json.dumps(
            value, ensure_ascii=False, indent=2)
    return made


def _attachments(made: Field, schema: dict[str, Any], value: Any, options: Options, *, many: bool) -> None:
    """A file picker: the case's files to choose from (radios for one, checkboxes for several), and with
    JavaScript an upload that adds the new file, chosen (assets/js/attachments.js). With `x-among`, only the
    files the case's field of that name holds, and no upload."""
    made.kind = "attachments" if many else "attachment"
    made.choices = list(options.attachments)
    upload_url = options.upload_url
    among = schema.get("x-among")
    if isinstance(among, str):
        held = options.case.get(among)
        offered = {str(v) for v in (held if isinstance(held, list) else [] if held is None else [held])}
        made.choices, upload_url = [c for c in made.choices if c[0] in offered], None
        made.attrs["among"] = True
    values = value if isinstance(value, list) else [] if value is None else [value]
    made.value = [str(v) for v in values] if many else ("" if value is None else str(value))
    made.attrs["data-upload-url"] = upload_url


def _string(made: Field, schema: dict[str, Any], value: Any, options: Options) -> None:
    if schema.get("x-attachment"):
        _attachments(made, schema, value, options, many=False)
        return
    text = "" if value is None else str(value)
    fmt = schema.get("format")
    made.value = text
    if fmt == "date-time":
        made.kind, made.value = "datetime", local_minute(text, options.tz)
    elif fmt == "date":
        made.kind = "date"
    elif fmt == "unit-key":
        made.kind, made.choices = "select", list(options.units)
    elif fmt == "email":
        made.kind = "email"
    elif schema.get("x-widget") == "textarea" or (schema.get("maxLength") or 0) > LONG_TEXT:
        made.kind = "textarea"
    if schema.get("maxLength"):
        made.attrs["maxlength"] = schema["maxLength"]


def _array(made: Field, schema: dict[str, Any], value: Any, options: Options) -> None:
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    values = value if isinstance(value, list) else []
    made.required = made.required and (schema.get("minItems") or 0) > 0  # else an empty list is an answer
    if schema.get("x-attachment"):
        _attachments(made, schema, value, options, many=True)
    elif "enum" in items:
        made.kind = "checkboxes"
        made.choices = [(str(v), label(v, items)) for v in items["enum"]]
        made.value = [str(v) for v in values]
    elif items.get("format") == "unit-key":
        made.kind, made.choices, made.value = "checkboxes", list(options.units), [str(v) for v in values]
    elif _main_type(items) == "string":
        made.kind = "lines"
        made.value = value if isinstance(value, str) else "\n".join(str(v) for v in values)
    elif _main_type(items) == "object" and items.get("properties"):
        made.kind = "repeat"
        for index, item in enumerate([*values, {}]):  # the items so far, and room for one more
            group = _field(items, item, f"{made.name}.{index}", False, options)
            group.title = f"{group.title} {index + 1}"
            made.children.append(group)
    else:
        made.kind = "json"
        made.value = value if isinstance(value, str) else json.dumps(values, ensure_ascii=False, indent=2)


def local_minute(value: str, tz: tzinfo) -> str:
    """An ISO moment as the office's wall-clock minute (what a datetime-local input shows); other text as it is."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime(LOCAL_MINUTE)


# -- posted form -> data ------------------------------------------------------------------------------

def parse(schema: dict[str, Any], form: MultiDict[str, str], options: Options) -> dict[str, Any]:
    """The JSON data a posted form stands for; only the schema's fields are read."""
    return _parse_object(schema, form, "", options)


_ABSENT = object()


def _parse_object(schema: dict[str, Any], form: MultiDict[str, str], prefix: str, options: Options) -> dict[str, Any]:
    out = {}
    required = set(schema.get("required") or [])
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            value = _parse(prop, form, f"{prefix}{name}", name in required, options)
            if value is not _ABSENT:
                out[name] = value
    return out


def _parse(schema: dict[str, Any], form: MultiDict[str, str], name: str, required: bool, options: Options) -> Any:
    kind = _main_type(schema)
    if "enum" in schema:
        raw = form.get(name, "")
        # The schema's own value (a number stays a number); anything else as sent, for the engine to refuse.
        return next((v for v in schema["enum"] if v is not None and str(v) == raw), raw) if raw else _ABSENT
    if kind == "boolean":
        return name in form
    if kind in ("integer", "number"):
        return _number(form.get(name, "").strip(), kind)
    if kind == "string":
        return _parse_string(schema, form.get(name, ""), options)
    if kind == "array":
        return _parse_array(schema, form, name, required, options)
    if kind == "object" and schema.get("properties"):
        value = _parse_object(schema, form, f"{name}.", options)
        return value if _filled(value) else _ABSENT
    if kind == "object" and schema.get("x-publication-languages") and isinstance(
            schema.get("additionalProperties"), dict):
        found = {language: _parse(schema["additionalProperties"], form, f"{name}.{language}", True, options)
                 for language in options.languages}
        value = {k: v for k, v in found.items() if v is not _ABSENT}
        return value if value else _ABSENT
    raw = form.get(name, "").strip()
    if not raw:
        return _ABSENT
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _number(raw: str, kind: str) -> Any:
    if not raw:
        return _ABSENT
    try:
        return int(raw) if kind == "integer" else (int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw))
    except ValueError:
        return raw  # the engine says it is not a number; the page shows what was typed


def _parse_string(schema: dict[str, Any], raw: str, options: Options) -> Any:
    multiline = schema.get("x-widget") == "textarea" or (schema.get("maxLength") or 0) > LONG_TEXT
    text = raw.replace("\r\n", "\n").strip() if multiline else raw.strip()
    if not text:
        return _ABSENT
    if schema.get("format") == "date-time":
        return with_offset(text, options.tz)
    return text


def with_offset(text: str, tz: tzinfo) -> str:
    """A datetime-local value (the office's wall clock) as ISO 8601 with the office's offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).isoformat()


def _parse_array(schema: dict[str, Any], form: MultiDict[str, str], name: str, required: bool,
                 options: Options) -> Any:
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    if schema.get("x-attachment"):
        return [v for v in form.getlist(name) if v]  # every file was shown and none ticked: none chosen
    elif "enum" in items or items.get("format") == "unit-key":
        # The schema's own values (an id stays a number); anything else as sent, for the engine to refuse.
        values = [next((e for e in items.get("enum", ()) if e is not None and str(e) == v), v)
                             for v in form.getlist(name) if v]
        if items.get("x-registry"):
            return values  # every choice shown and none ticked: none chosen (absent only through the API)
    elif _main_type(items) == "string":
        values = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
    elif _main_type(items) == "object" and items.get("properties"):
        indexes = sorted({int(m.group(1)) for key in form for m in [re.match(rf"{re.escape(name)}\.(\d+)\.", key)]
                          if m})
        parsed = [_parse_object(items, form, f"{name}.{i}.", options) for i in indexes]
        values = [item for item in parsed if _filled(item)]
    else:
        raw = form.get(name, "").strip()
        if not raw:
            return [] if required else _ABSENT
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return values if values or required or "default" in schema else _ABSENT


def _filled(value: dict[str, Any]) -> bool:
    """Whether anything but unticked checkboxes was given."""
    return any(v is not False for v in value.values())


# -- errors -------------------------------------------------------------------------------------------

MESSAGES = {
    "required": _l("This field is required."),
    "enum": _l("Choose one of the options."),
    "pattern": _l("This does not have the expected form."),
    "uniqueItems": _l("Each item may appear only once."),
    "anyOf": _l("Fill in at least one of these fields."),
    "minProperties": _l("Fill in at least one of these fields."),
    "additionalProperties": _l("This is not a field of this form."),
    "x-not-future": _l("This may not lie in the future."),
    "x-future": _l("This must lie in the future."),
    "x-attachment": _l("Choose a file attached to this case."),
    "x-among": _l("Choose among the files chosen at the step before."),
    "pending_comments": _l("Some comments still wait for moderation: the summary is completed once each is "
                           "approved or rejected."),
    "x-publication-languages": _l("A translation into every publication language is needed."),
}
FORMAT_MESSAGES = {
    "email": _l("Enter a valid e-mail address."),
    "date-time": _l("Enter a date and a time."),
    "date": _l("Enter a date."),
    "unit-key": _l("Choose a known unit."),
}
LIMIT_MESSAGES = {
    "minimum": _l("Must be at least %(limit)s."),
    "maximum": _l("Must be at most %(limit)s."),
    "minItems": _l("Give at least %(limit)s."),
    "maxItems": _l("Give at most %(limit)s."),
}


def message(error: dict[str, Any], schema: dict[str, Any] | None) -> str:
    """An engine error in the reader's language, by its code; the engine's English where there is no better."""
    code = str(error.get("code") or "")
    schema = schema or {}
    if code in MESSAGES:
        return str(MESSAGES[code])
    if code == "format" and schema.get("format") in FORMAT_MESSAGES:
        return str(FORMAT_MESSAGES[schema["format"]])
    limit = schema.get(code, (error.get("params") or {}).get("limit"))
    if code == "minLength" and isinstance(limit, int):  # counted: each language's plural forms
        return ngettext("Too short: at least %(num)d character.", "Too short: at least %(num)d characters.", limit)
    if code == "maxLength" and isinstance(limit, int):
        return ngettext("Too long: at most %(num)d character.", "Too long: at most %(num)d characters.", limit)
    if code in LIMIT_MESSAGES and limit is not None:
        return str(LIMIT_MESSAGES[code]) % {"limit": limit}
    if code == "minItems":  # a rule on the case (`x-case`) asks for at least one: the field is required there
        return str(MESSAGES["required"])
    if code == "const" and _main_type(schema) == "boolean":
        return gettext("This must be confirmed.")
    if code == "type" and _main_type(schema) in ("integer", "number"):
        return gettext("Enter a number.")
    return refusals.field(error)  # the engine's own codes; never its English


def _schema_at(schema: dict[str, Any], path: list[str]) -> dict[str, Any] | None:
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        if _main_type(node) == "array" or "items" in node:
            node = node.get("items")
        elif part in (node.get("properties") or {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return None
    return node if isinstance(node, dict) else None


def _attach_errors(built: list[Field], schema: dict[str, Any], errors: list[dict[str, Any]]) -> list[str]:
    """Each error beside the field it names (or its nearest shown ancestor); the rest are returned."""
    by_name: dict[str, Field] = {}

    def index(items: list[Field]) -> None:
        for item in items:
            by_name[item.name] = item
            index(item.children)

    index(built)
    loose = []
    for error in errors:
        path = str(error.get("field") or "")
        text = message(error, _schema_at(schema, path.split(".")) if path else None)
        parts = path.split(".")
        while parts and ".".join(parts) not in by_name:
            parts.pop()
        shown = by_name[".".join(parts)].errors if parts else loose
        if text not in shown:  # two keywords may word the same (anyOf, minProperties): said once
            shown.append(text)
    return loose


def field_errors(built: list[Field]) -> list[Field]:
    """The fields with errors, in form order (for the summary above the form)."""
    found = []
    for item in built:
        if item.errors:
            found.append(item)
        found.extend(field_errors(item.children))
    return found


# -- data shown to a reader -----------------------------------------------------------------------------

@dataclass
class Shown:
    """One value of a case's data as a reader sees it: its field's title, and text or nested rows."""

    title: str
    text: str = ""
    rows: list[Shown] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (attachment id, name): links to download


def readable(schemas: list[dict[str, Any]], data: dict[str, Any], units: Mapping[str, str] | None = None,
             files: dict[str, str] | None = None) -> list[Shown]:
    """The values of `data` that the forms name, titled and worded by them, in the forms' order (units by name;
    the files of an `x-attachment` field by their names in `files`, id -> name)."""
    props: dict[str, dict[str, Any]] = {}
    for schema in schemas:
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict):
                props.setdefault(name, prop)
    return [_shown(props[name], data[name], name, units or {}, files or {})
            for name in props if _present(data.get(name))]


def shown(schema: dict[str, Any], value: Any, name: str, units: Mapping[str, str], files: dict[str, str]) -> Shown:
    """One value titled and worded by its field's schema (the auditors' pages word an event's data by it)."""
    return _shown(schema, value, name, units, files)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _shown(schema: dict[str, Any], value: Any, name: str, units: Mapping[str, str], files: dict[str, str]) -> Shown:
    made = Shown(title=_title(schema, name))
    if schema.get("x-attachment") and isinstance(value, (str, list)):
        made.files = [(str(v), files.get(str(v), str(v))) for v in ([value] if isinstance(value, str) else value)]
    elif isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else {}
        made.rows = [_shown(props.get(key) or extra or {}, item, key, units, files) for key, item in value.items()
                     if _present(item)]
        for row, key in zip(made.rows, [k for k, item in value.items() if _present(item)], strict=True):
            if key not in props and key in LANGUAGE_NAMES:
                row.title = LANGUAGE_NAMES[key]  # a text per language (translations): titled by the language's name
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        for index, item in enumerate(value):
            row = _shown(items, item, name, units, files)
            row.title = f"{row.title} {index + 1}"
            made.rows.append(row)
    elif isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        texts = [_scalar(items, v, units) for v in value]
        # Units named with their language marked (api.web.unit_names.unit_name) stay markup on a page.
        made.text = Markup(", ").join(texts) if any(isinstance(t, Markup) for t in texts) else ", ".join(texts)
    else:
        made.text = _scalar(schema, value, units)
    return made


def _scalar(schema: dict[str, Any], value: Any, units: Mapping[str, str]) -> str:
    if schema.get("format") == "unit-key" and isinstance(value, str):
        return units.get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if "enum" in schema:
        return label(value, schema)
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
