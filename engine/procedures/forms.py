"""User-task forms: one JSON Schema (2020-12) a form, validated with jsonschema. A case's forms are the versions its
definition pinned (engine/procedures/deployed_forms.py); `load_form` reads only the product's own files of the
`forms` package, the source of the shipped versions.

Our additions to JSON Schema, each handled here:
- `"format": "unit-key"`: the value must be the key of an existing unit;
- `"default": "$now"`: filled with the engine clock's current time when the field is absent;
- `"x-not-future": true`: a date-time that may not lie in the future;
- `"x-future": true`: a date-time that must lie in the future (a new moment for an event), served with
  `formatExclusiveMinimum` (the date bounds of ajv's format vocabulary) set to the current time;
- `"x-publication-languages": true`: an object with a key for every language of
  JARCHY_PUBLICATION_LANGUAGES (a release's translations);
- `"x-refusal-grounds": true` on a string: one of the keys of the jurisdiction profile's refusal grounds, served as
  an `enum` with their titles; where the profile lists none yet (a figure still to verify), the ground is free text;
- `"x-attachment": true` on a string or an array of strings: ids of files attached to the same case
  (engine.runtime.attachments); the task page shows it as a file picker;
- `"x-among": "<field>"` on a string or an array of strings: each value one of the case's values of `<field>` (the
  files prepared for an answer, which whoever approves or sends it may leave out but not add to);
- `"x-case": <schema>` at a form's top: a JSON Schema that the case's data, with the form's values over it, must meet:
  a rule of the form that depends on what the case holds (`if` the case's `medium` is print, `then` the form's
  `evidence` is required); its errors name the form's field. A task's form is served with the rule decided for its
  case (`with_case`);
- `"x-in-order": [["<earlier>", "<later>"], ...]` on an object: where both of its date or date-time fields are
  given, the later may not come before the earlier (an event's end before its start); the error names the later;
- `"x-registry": "journalist"` (or `"distribution_list"`) on an integer: the id of a journalist (a distribution
  list) of the registry of the media (engine.people.registry); with `"x-accredited-on": "<field>"` the journalist
  must also hold an accreditation valid on the day of the case's date-time `<field>` (the event's `held_at`;
  today where the case has none), else the error names the journalist and why (expired, not yet valid, revoked);
- `"x-accounts-for": "<field>"` on an array of objects `{"comment", ...}`: one item for each entry `{"id", ...}` of
  the case's list `<field>` and none for anything else (a public discussion's comments, each accounted for); the
  form starts with one row an entry, `{"comment": id}`, the rest left to the person. While any comment of the case
  still waits for moderation the form is refused (code `pending_comments`, naming how many and which): else that
  comment would never be answered;
- `"x-carry": true` on a field: the task's form starts with the case's value of that name (a draft to rework,
  the unit the case concerns). Nothing else is carried over: a second reviewer must not find the first one's
  decision or comment filled in. A field that records a decision or an attestation (`is_decision`) can never
  be carried, nor have a default other than an unticked box (`false`): the form is refused when it is loaded.
Other `default`s are filled in for absent top-level fields before validation. A form is served (`served`) with
`$now` resolved, so that every `default` a client reads is a valid value of its field. `date` and `date-time`
values must lie between the years 1900 and 2200, and a date-time needs an offset."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine.core.errors import Code, Invalid, Refusal
from engine.core.moments import parse_moment

NOW = "$now"
PENDING_COMMENTS = "pending_comments"  # the code of `x-accounts-for`'s refusal while comments wait
NOT_BLANK = "\\S"  # `"pattern": "\\S"`: some text besides spaces (a reason that is given to someone)
CARRY = "x-carry"
# The fields the contract names as decisions or attestations (API.md, Tasks), and the shipped forms' others of
# the kind: who may decide them is the person completing the task, never the case's earlier rounds.
DECISIONS = frozenset({"decision", "verdict", "escalate", "legal_action", "refuse", "partly_refuse", "handler",
                       "consent", "accurate", "acknowledged", "explains_each_fact", "needs_clarification", "finding",
                       "resolved", "needs_response"})
# Jarchy's own keywords (above), and those a page reads (`x-widget`: "textarea"; `x-enum-labels`: an enum's
# titles, also made by `served`): a deployed form may use these and no other `x-` keyword (check_form).
KEYWORDS = frozenset({"x-not-future", "x-future", "x-publication-languages", "x-refusal-grounds", "x-explains",
                      "x-attachment", "x-among", "x-case", "x-accounts-for", "x-registry", "x-accredited-on",
                      "x-in-order", "x-carry", "x-widget", "x-enum-labels"})
# The formats a form may name, each checked when a form is completed (`_CHECKER`): another would be ignored silently.
FORMATS = frozenset({"email", "regex", "uuid", "unit-key", "date-time", "date"})
# Dates outside these years are typing errors in a press office, and near year 1 or 9999 they overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def form_exists(key: str) -> bool:
    try:
        return _form_file(key).is_file()
    except (ValueError, OSError):  # OSError: a name the file system cannot hold (too long)
        return False


@lru_cache(maxsize=256)
def load_form(key: str) -> dict[str, Any]:
    """The schema for a form key like `information_request/triage` (`forms/information_request/triage.json`)."""
    path = _form_file(key)
    if not path.is_file():
        raise FileNotFoundError(f"form {key!r} does not exist")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    problems = decision_problems(schema)
    if problems:
        raise ValueError(f"form {key!r}: " + "; ".join(problems))
    return schema


def is_decision(name: str) -> bool:
    """A field that records a decision or an attestation (`confirm_*`)."""
    return name in DECISIONS or name.startswith("confirm_")


def decision_problems(schema: dict[str, Any]) -> list[str]:
    """Why a form would pre-fill a decision or an attestation, if it would."""
    problems = []
    for name, prop in schema.get("properties", {}).items():
        if not isinstance(prop, dict) or not is_decision(name):
            continue
        if prop.get(CARRY):
            problems.append(f"{name} records a decision and cannot be carried over from the case")
        if "default" in prop and prop["default"] is not False:
            problems.append(f"{name} records a decision and cannot have a default")
    return problems


def carried(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The case's values of the fields the form carries over: what the task's form starts with."""
    values = {name: data[name] for name, prop in schema.get("properties", {}).items()
              if isinstance(prop, dict) and prop.get(CARRY) is True and not is_decision(name) and name in data}
    for name, prop in schema.get("properties", {}).items():
        # A list that explains claims starts with one row a claim to explain, the explanation left to its author.
        if isinstance(prop, dict) and isinstance(prop.get("x-explains"), dict) and name not in values:
            claims = claims_to_explain(prop["x-explains"], data)
            values[name] = [{"claim": claim, "explanation": ""} for claim in claims]
        # A list that accounts for the case's comments starts with one row a comment, naming it: its outcome and
        # reason are left to whoever accounts for it (a decision is never filled in).
        if isinstance(prop, dict) and isinstance(prop.get("x-accounts-for"), str) and name not in values:
            held, made = data.get(prop["x-accounts-for"]), data.get(name)
            if isinstance(held, list):
                values[name] = [{"comment": e["id"]} for e in held if isinstance(e, dict) and "id" in e]
            elif isinstance(made, list):  # the rows made when the task was, read again: still only their names
                values[name] = [{"comment": i["comment"]} for i in made if isinstance(i, dict) and "comment" in i]
    return values


def prefilled(form_key: str | None, data: dict[str, Any] | None,
              schema: Callable[[str], dict[str, Any]] = load_form) -> dict[str, Any]:
    """What an open task's form starts with: the values in `data` of the fields its form carries over. Applied
    when a task is made and again when it is read, so that a task stored before a form stopped carrying a field
    (or by 0.4, which carried every field) never serves a decision. `schema` reads the form (the case's deployed
    version, engine.procedures.deployed_forms.case_form; the shipped file by default)."""
    if not form_key or not data:
        return {}
    try:
        return carried(schema(form_key), data)
    except (FileNotFoundError, ValueError):
        return {}


def served(schema: dict[str, Any], now: datetime, languages: Iterable[str] = (),
           refusal_grounds: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    """The schema as clients get it, standard JSON Schema that a generic form client completes as it is: `$now`
    defaults replaced by `now` (the office's time), `x-publication-languages` spelled out as the properties
    and `required` of the deployment's publication languages, `x-future` as `formatExclusiveMinimum` = `now` (no
    standard keyword bounds a date; ajv's format vocabulary does), and `x-refusal-grounds` as the `enum` of the
    profile's grounds (`(key, title)` pairs) with their titles."""
    wanted = list(languages)
    grounds = list(refusal_grounds)

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: (now.isoformat() if key == "default" and value == NOW else resolve(value))
               for key, value in node.items()}
        if out.get("x-publication-languages") is True and isinstance(out.get("additionalProperties"), dict) and wanted:
            out["properties"] = {lang: out["additionalProperties"] for lang in wanted} | out.get("properties", {})
            out["required"] = sorted(set(out.get("required", [])) | set(wanted))
        if out.get("x-future") is True:
            out.setdefault("formatExclusiveMinimum", now.isoformat())
        return out
    return with_refusal_grounds(resolve(schema), grounds)


def with_refusal_grounds(schema: dict[str, Any], grounds: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The schema with each `x-refusal-grounds` field offering the profile's grounds (`(key, title)` pairs) as its
    `enum`, titled; unchanged where the profile lists none."""
    offered = list(grounds)
    if not offered:
        return schema

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: resolve(value) for key, value in node.items()}
        if out.get("x-refusal-grounds") is True:
            out["enum"] = [key for key, _ in offered]
            out["x-enum-labels"] = dict(offered)
        return out
    return resolve(schema)


def with_case(schema: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The form of a task as served for its case: its `x-case` rule decided on the case's data as it stands, the
    branch that applies (`then`, else `else`: required fields and keywords of properties) merged into the form, so
    that a generic client (and the page's required marks) sees what this case asks. The engine still checks the
    rule itself on completion."""
    rule = schema.get("x-case")
    if not isinstance(rule, dict) or not isinstance(rule.get("if"), dict):
        return schema
    matches = Draft202012Validator(rule["if"]).is_valid(case)
    branch = rule.get("then" if matches else "else")
    if not isinstance(branch, dict):
        return schema
    out = dict(schema)
    out["required"] = list(dict.fromkeys([*schema.get("required", []), *branch.get("required", [])]))
    properties = dict(schema.get("properties", {}))
    for name, keywords in (branch.get("properties") or {}).items():
        if isinstance(properties.get(name), dict) and isinstance(keywords, dict):
            properties[name] = properties[name] | keywords
    out["properties"] = properties
    return out


def uses_registry(schema: Any) -> bool:
    """Whether a form has an `x-registry` field (its choices come from the database)."""
    if isinstance(schema, dict):
        return "x-registry" in schema or any(uses_registry(v) for v in schema.values())
    return isinstance(schema, list) and any(uses_registry(v) for v in schema)


def with_registry(schema: dict[str, Any], choices: dict[str, list[tuple[int, str]]]) -> dict[str, Any]:
    """The schema with each `x-registry` field offering the registry's entries of its kind (`(id, label)` pairs,
    engine.reads.registry.choices) as its `enum`, labelled, so that a generic client or page offers them. The
    `enum` only offers: the engine checks the id itself (`x-registry`), with the accreditation where asked."""
    if not uses_registry(schema):
        return schema

    def resolve(node: Any) -> Any:
        if isinstance(node, list):
            return [resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: resolve(value) for key, value in node.items()}
        offered = choices.get(out["x-registry"]) if isinstance(out.get("x-registry"), str) else None
        if offered is not None:
            out["enum"] = [i for i, _ in offered] or [None]  # JSON Schema wants at least one value
            out["x-enum-labels"] = {str(i): label for i, label in offered}
        return out
    return resolve(schema)  # type: ignore[no-any-return]


def _form_file(key: str) -> Any:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or not p.replace("_", "").replace("-", "").isalnum() for p in parts):
        raise ValueError(f"invalid form key {key!r}")
    node = resources.files("forms")
    for part in parts[:-1]:
        node = node / part
    return node / f"{parts[-1]}.json"


def fill_defaults(schema: dict[str, Any], data: dict[str, Any], now: datetime) -> dict[str, Any]:
    filled = dict(data)
    for name, prop in schema.get("properties", {}).items():
        if name not in filled and "default" in prop:
            default = prop["default"]
            filled[name] = now.isoformat() if default == NOW else json.loads(json.dumps(default))
    return filled


class Registry(Protocol):
    """What `x-registry` asks of the registry of the media (engine.people.accreditation.FormLookup)."""

    def journalist_problem(self, journalist_id: int, day: date | None) -> Refusal | str | None: ...

    def list_exists(self, list_id: int) -> bool: ...


@dataclass(frozen=True)
class _Check:
    """What a validation is checked against; the validator class and format checker are built once."""

    now: datetime
    unit_exists: Callable[[str], bool]
    languages: tuple[str, ...]
    refusal_grounds: tuple[str, ...]
    case: dict[str, Any]
    attached: Callable[[list[str]], set[str]]
    registry: Registry | None
    pending: Callable[[], list[int]]


_check: ContextVar[_Check] = ContextVar("jarchy_form_check")


def validate(
    schema: dict[str, Any],
    data: Any,
    *,
    now: datetime,
    unit_exists: Callable[[str], bool],
    languages: tuple[str, ...] = (),
    refusal_grounds: tuple[str, ...] = (),
    case: dict[str, Any] | None = None,
    attached: Callable[[list[str]], set[str]] = lambda ids: set(),
    registry: Registry | None = None,
    pending: Callable[[], list[int]] = lambda: [],
) -> None:
    """Raise `Invalid` listing every failing field by its path, with an English message and a `code`. `case` is the
    case's data as the task sees it, for keywords that check the form against it (`x-explains`); `attached` tells
    which of some ids are files attached to the case (`x-attachment`; none, by default); `registry` answers
    `x-registry`; `pending` gives the ids of the case's comments still waiting for moderation (`x-accounts-for`)."""
    token = _check.set(_Check(now, unit_exists, tuple(languages), tuple(refusal_grounds), case or {}, attached,
                              registry, pending))
    try:
        errors = sorted(_Validator(schema, format_checker=_CHECKER).iter_errors(data),
                        key=lambda e: list(e.absolute_path))
    finally:
        _check.reset(token)
    if errors:
        # `code` names the kind of error (the JSON Schema keyword that failed) for pages that word it themselves.
        problems = [{"field": _field(e), "message": _message(e), "code": str(e.validator), "params": _params(e)}
                    for e in errors]
        raise Invalid("The form has errors: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                      problems, code=Code.INVALID_INPUT, params={"count": len(problems)})


def _moment(flag: bool, instance: Any) -> datetime | None:
    """The date-time a flagged keyword checks; None when unflagged, not text, or unreadable (`format: date-time`
    reports that)."""
    return parse_moment(instance) if flag else None


def _not_future(validator: Any, flag: bool, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    moment = _moment(flag, instance)
    if moment is None:
        return
    if moment.tzinfo is None:
        yield ValidationError("must give a time zone offset")
    elif moment > _check.get().now:
        yield ValidationError("must not be in the future")


def _future(validator: Any, flag: bool, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    moment = _moment(flag, instance)
    if moment is None:
        return
    if moment.tzinfo is None:
        if _schema.get("format") != "date-time":  # else `format` reports it, once
            yield ValidationError("must give a time zone offset")
    elif moment <= _check.get().now:
        yield ValidationError("must lie in the future")


def _in_order(validator: Any, pairs: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    if not isinstance(instance, dict) or not isinstance(pairs, list):
        return
    for earlier, later in (p for p in pairs if isinstance(p, list) and len(p) == 2):
        first, second = _when(instance.get(earlier)), _when(instance.get(later))
        if first is not None and second is not None and type(first) is type(second) and second < first:
            yield _coded(ValidationError(f"must not come before {earlier}", path=[later],
                                         validator=Code.ENDS_BEFORE_START), {"other": earlier})


def _when(value: Any) -> datetime | date | None:
    """A date-time with its offset, or a date; None for anything else (its own `format` reports that)."""
    moment = parse_moment(value)
    if moment is None:
        return None
    if len(value) == 10:
        return moment.date()
    return moment if moment.tzinfo is not None else None


def _is_datetime(value: Any) -> bool:
    """RFC 3339 as people send it: an offset is required (jsonschema needs an extra package for this)."""
    if not isinstance(value, str):
        return True
    moment = parse_moment(value, aware=True)
    return moment is not None and "T" in value.upper() and EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10 and EARLIEST_YEAR <= day.year <= LATEST_YEAR


def _required(validator: Any, names: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """JSON Schema's `required`, with each missing property's error at the path of that property.

    jsonschema reports every missing property at the object holding it (path `contact`, or the form's root),
    one error each and the name only inside its English message; a form puts an error beside the field it
    names, so each missing field names itself."""
    if not validator.is_type(instance, "object"):
        return
    for name in names:
        if name not in instance:
            yield ValidationError(f"{name!r} is a required property", path=[name])


def _publication_languages(validator: Any, flag: bool, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    if not flag or not isinstance(instance, dict):
        return
    missing = [lang for lang in _check.get().languages if lang not in instance]
    if missing:
        yield ValidationError(f"needs a translation into: {', '.join(missing)}")


def _refusal_ground(validator: Any, flag: bool, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    grounds = _check.get().refusal_grounds
    if flag and grounds and isinstance(instance, str) and instance not in grounds:
        yield ValidationError(f"{instance!r} is not a refusal ground of the law in force; one of: {', '.join(grounds)}",
                              validator=Code.NOT_ONE_OF)


def claims_to_explain(rule: dict[str, Any], case: dict[str, Any]) -> list[str]:
    """The claims of the case's list `rule["facts"]` whose `finding` is one of `rule["findings"]`, in order."""
    facts = case.get(rule.get("facts", "facts"))
    findings = set(rule.get("findings", ()))
    if not isinstance(facts, list):
        return []
    return [f["claim"] for f in facts
            if isinstance(f, dict) and f.get("finding") in findings and isinstance(f.get("claim"), str)]


def _explains(validator: Any, rule: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """002 §16: a rebuttal explains each distorted or misinterpreted fact. Every such claim of the case needs an
    item `{"claim", "explanation"}` of its own with words in it."""
    if not isinstance(rule, dict) or not isinstance(instance, list):
        return
    explained = {item.get("claim") for item in instance
                 if isinstance(item, dict) and isinstance(item.get("explanation"), str) and item["explanation"].strip()}
    for claim in claims_to_explain(rule, _check.get().case):
        if claim not in explained:
            yield _coded(ValidationError(f"the claim {claim!r} has no explanation"), {"claim": claim})


def _attachment(validator: Any, flag: bool, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """An id (or a list of ids) of files attached to this same case: a file of another case, or none, is refused."""
    if not flag:
        return
    ids = [instance] if isinstance(instance, str) else [i for i in instance if isinstance(i, str)] \
        if isinstance(instance, list) else []
    if not ids:
        return
    found = _check.get().attached(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        yield ValidationError(f"{missing[0]!r} is not a file attached to this case")


def _among(validator: Any, field: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """Values chosen among the case's `field` (`x-among`): one may be left out, none added."""
    if not isinstance(field, str):
        return
    chosen = [instance] if isinstance(instance, str) else instance if isinstance(instance, list) else []
    held = _check.get().case.get(field)
    offered = held if isinstance(held, list) else [] if held is None else [held]
    extra = [value for value in chosen if value not in offered]
    if extra:
        yield ValidationError(f"{extra[0]!r} is not among the case's {field}: one may be left out here, none added")


def _accounts_for(validator: Any, field: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """`x-accounts-for`: every entry of the case's list `field` has exactly one item naming its id (`comment`), and no
    item names anything else (draft acts: each published comment is accounted for); and none still waits for
    moderation, for it could not be accounted for once the summary is done."""
    if not isinstance(field, str):
        return
    waiting = _check.get().pending()
    if waiting:
        yield ValidationError(f"{len(waiting)} comment{'s' if len(waiting) > 1 else ''} still wait"
                              f"{'' if len(waiting) > 1 else 's'} for moderation (" + ", ".join(map(str, waiting))
                              + "): approve or reject each before summing up", validator=PENDING_COMMENTS)
    if not isinstance(instance, list):
        return
    held = _check.get().case.get(field)
    ids = [e.get("id") for e in held if isinstance(e, dict)] if isinstance(held, list) else []
    named = [item.get("comment") for item in instance if isinstance(item, dict)]
    for i, value in enumerate(named):
        if value not in ids:
            yield ValidationError(f"{value!r} is not one of the case's {field}", path=[i, "comment"])
        elif named.index(value) != i:
            yield ValidationError(f"{value!r} is accounted for twice", path=[i, "comment"])
    missing = [i for i in ids if i not in named]
    if missing:
        yield ValidationError(f"each of the case's {field} needs an entry; missing: "
                              + ", ".join(str(m) for m in missing))


def accounts_for(schema: dict[str, Any]) -> bool:
    """Whether a form accounts for the case's comments (`x-accounts-for`): its page tells of those still waiting."""
    return any(isinstance(p, dict) and "x-accounts-for" in p for p in (schema.get("properties") or {}).values())


def _case_rule(validator: Any, rule: Any, instance: Any, _schema: Any) -> Iterable[ValidationError]:
    """`x-case`: the case's data as it will stand once the form's values are in it meets `rule` (the form's own
    fields win, so an error names the form's field)."""
    if isinstance(rule, dict) and isinstance(instance, dict):
        yield from validator.descend({**_check.get().case, **instance}, rule)


def _in_registry(validator: Any, kind: Any, instance: Any, schema: Any) -> Iterable[ValidationError]:
    check = _check.get()
    if check.registry is None or not isinstance(instance, int) or isinstance(instance, bool):
        return
    if kind == "distribution_list":
        if not check.registry.list_exists(instance):
            yield _coded(ValidationError(f"{instance} is not a distribution list of the registry",
                                         validator=Code.NOT_A_RECORD), {"value": instance})
    elif kind == "journalist":
        day = _event_day(schema.get("x-accredited-on"), check) if schema.get("x-accredited-on") else None
        problem = check.registry.journalist_problem(instance, day)
        if isinstance(problem, Refusal):
            yield _coded(ValidationError(problem.message, validator=problem.code), problem.params)
        elif problem:
            yield ValidationError(problem)


def _event_day(field: Any, check: _Check) -> date:
    """The day of the case's date-time `field`, else today: days as the office counts them (`now` is given in the
    office's time zone), so that 20:00 UTC on 1 March is 2 March in Bishkek."""
    value = check.case.get(field) if isinstance(field, str) else None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else check.now
    except ValueError:
        moment = check.now
    return (moment.astimezone(check.now.tzinfo) if moment.tzinfo is not None else moment).date()


_Validator = jsonschema.validators.extend(
    Draft202012Validator,
    {"required": _required, "x-not-future": _not_future, "x-future": _future,
     "x-publication-languages": _publication_languages,
     "x-refusal-grounds": _refusal_ground, "x-explains": _explains, "x-attachment": _attachment,
     "x-among": _among, "x-case": _case_rule, "x-accounts-for": _accounts_for, "x-registry": _in_registry,
     "x-in-order": _in_order})
_CHECKER = FormatChecker(["email", "regex", "uuid"])
_CHECKER.checks("unit-key")(lambda value: not isinstance(value, str) or _check.get().unit_exists(value))
_CHECKER.checks("date-time")(_is_datetime)
_CHECKER.checks("date")(_is_date)


def _field(error: ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]  # a missing field's own path (`_required`)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra:
            path.append(extra[0])
    return ".".join(path) or "(form)"


def _message(error: ValidationError) -> str:
    if error.validator == "required":
        return "is required"
    if error.validator == "format" and error.validator_value == "unit-key":
        return f"{error.instance!r} is not a known unit"
    if error.validator == "const" and error.validator_value is True:
        return "must be confirmed"
    if error.validator == "anyOf":
        return "needs at least one of: " + ", ".join(
            r for sub in error.validator_value for r in sub.get("required", [])
        )
    if error.validator == "additionalProperties":
        return "is not a field of this form"
    if error.validator == "enum":
        return "must be one of: " + ", ".join(map(str, error.validator_value))
    if error.validator == "pattern" and error.validator_value == NOT_BLANK:
        return "must not be blank"
    if error.validator == "maxItems" and error.validator_value == 0:
        return "must be empty here"
    return error.message


def _coded(error: ValidationError, params: dict[str, Any]) -> ValidationError:
    """A keyword's error with the values a page words it with (`_params` hands them on)."""
    error.jarchy_params = params  # type: ignore[attr-defined]
    return error


def _params(error: Any) -> dict[str, Any]:
    """What a page needs to word a form error: the values its keyword gave (`_coded`), or the limit of a length or
    size keyword (maxLength: 200)."""
    if hasattr(error, "jarchy_params"):
        return dict(error.jarchy_params)
    value = error.validator_value
    return {"limit": value} if isinstance(value, int) and not isinstance(value, bool) else {}
