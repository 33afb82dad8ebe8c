"""Deployed forms: a form is a versioned row (`FormVersion`), deployed by an administrator (or from the product's
`forms/` files, its first versions), pinned by the diagrams deployed with it, and served to a case from the
version its definition pinned, so a running case keeps the forms of its version.

`check_form` is written here: jsonschema checks a schema against the 2020-12 meta-schema, but it accepts any
unknown keyword (`x-anything`) and any `format` name silently, and knows nothing of Jarchy's rule that a decision
is never pre-filled; a form deployed with a misspelt `x-not-futur` would lose its check without a word. Nor does
the meta-schema check a `pattern` compiles (a format it only annotates) or a `$ref` resolves: both would pass the
deploy and raise on every submission of the task."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import FormVersion, ProcessDefinition, ProcessInstance, User
from db.vocabulary import DefinitionOrigin, EventType
from engine.audit import chain
from engine.core.errors import Code, Conflict, Invalid, NotFound, problem
from engine.people.access import Actor, actor_name, check_may_administer
from engine.procedures import case_definition, forms
from engine.procedures.forms import CARRY, FORMATS, KEYWORDS, is_decision, load_form

# `process/name` (`information_request/triage`): letters, digits, `_` and `-`, at least two parts.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)+")
KEY_LENGTH = FormVersion.__table__.c.key.type.length
# Where a schema holds subschemas: a subschema under each name, a subschema, a list of them.
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
               "unevaluatedItems", "unevaluatedProperties", "additionalItems", "x-case")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# How deep a form's JSON may nest: the deepest shipped form nests 10; jsonschema walks a schema by recursion, and a
# schema nested hundreds deep exhausts Python's stack (a 500) before any check could name a field.
MAX_DEPTH = 64
_CACHE: dict[str, dict[str, Any]] = {}  # a schema by its checksum: a version's schema never changes
_CACHE_LIMIT = 512
# session.info: the forms of the cases this session looked up, by (definition, called versions, key). A request reads
# a task's form to validate it and the next task's to pre-fill it and to present it in the answer: the pins behind
# them never change, so once a session is enough.
_SESSION_FORMS = "jarchy_case_forms"
_SESSION_PINS = "jarchy_form_pins"  # session.info: a definition's pinned form versions, by definition id
_KEPT_PINS: dict[tuple[int, str | None], dict[str, Any]] = {}  # the same, by the definition's id and nonce


def canonical_checksum(schema: Any) -> str:
    """sha256 of the schema's canonical JSON (sorted keys, no spaces): the same schema, however spaced, is the same."""
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_problems(key: Any, field: str = "key") -> list[dict[str, Any]]:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key) or len(key) > KEY_LENGTH:
        return [problem(field, Code.FORM_KEY_INVALID,
                        f"{key!r} is not a form key: give `process/name` (letters, digits, _ and -, at most "
                        f"{KEY_LENGTH} characters)", key=str(key)[:200])]
    return []


def check_form(schema: Any, key: str = "", *, prefix: str = "") -> list[dict[str, Any]]:
    """Every problem of a form, each naming its path in the schema (`properties.decision.default`, after
    `prefix`): a valid JSON Schema 2020-12 object, each `x-` keyword and `format` one Jarchy knows, no decision
    or attestation that would be pre-filled (a default other than an unticked box, or carried over)."""
    def at(*path: Any) -> str:
        return ".".join(str(p) for p in ((prefix,) if prefix else ()) + path) or "schema"

    if not isinstance(schema, dict):
        return [problem(at(), Code.FORM_SCHEMA_INVALID, "a form is a JSON object (a JSON Schema)")]
    if _depth(schema) > MAX_DEPTH:
        return [problem(at(), Code.FORM_SCHEMA_INVALID, f"a form nests at most {MAX_DEPTH} levels deep")]
    problems = [problem(at(*e.absolute_path), Code.FORM_SCHEMA_INVALID, f"not valid JSON Schema 2020-12: {e.message}")
                for e in sorted(Draft202012Validator(Draft202012Validator.META_SCHEMA,
                                                     format_checker=Draft202012Validator.FORMAT_CHECKER
                                                     ).iter_errors(schema),
                                key=lambda e: [str(p) for p in e.absolute_path])]
    if schema.get("type", "object") != "object":
        problems.append(problem(at("type"), Code.FORM_SCHEMA_INVALID, "a form's schema is of type object"))
    # A form is one document: a `$ref` points inside it (`#/$defs/...`), never to a file or an address.
    resolver = Registry().with_resource("", DRAFT202012.create_resource(schema)).resolver()

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(node, dict):
            return
        for word in node:
            if isinstance(word, str) and word.startswith("x-") and word not in KEYWORDS:
                problems.append(problem(at(*path, word), Code.FORM_KEYWORD_UNKNOWN,
                                        f"{word} is not a keyword Jarchy knows; known: {', '.join(sorted(KEYWORDS))}",
                                        keyword=word))
        if isinstance(node.get("format"), str) and node["format"] not in FORMATS:
            problems.append(problem(at(*path, "format"), Code.FORM_FORMAT_UNKNOWN,
                                    f"the format {node['format']!r} is not one Jarchy checks; known: "
                                    f"{', '.join(sorted(FORMATS))}", format=node["format"]))
        if "$ref" in node:
            ref = node["$ref"]
            try:
                resolvable = isinstance(ref, str) and ref.startswith("#") and resolver.lookup(ref) is not None
            except Unresolvable:
                resolvable = False
            if not resolvable:
                problems.append(problem(at(*path, "$ref"), Code.FORM_SCHEMA_INVALID,
                                        f"$ref {str(ref)[:200]!r} points to nothing in the form (give #/$defs/name)"))
        for word in _SCHEMA_MAPS:
            if isinstance(node.get(word), dict):
                for name, sub in node[word].items():
                    walk(sub, (*path, word, name))
        for word in _SCHEMA_ONE:
            walk(node.get(word), (*path, word))
        for word in _SCHEMA_LISTS:
            if isinstance(node.get(word), list):
                for i, sub in enumerate(node[word]):
                    walk(sub, (*path, word, i))

    walk(schema, ())
    for name, prop in (schema.get("properties") or {}).items() if isinstance(schema.get("properties"), dict) else ():
        if not isinstance(prop, dict) or not is_decision(name):
            continue
        if prop.get(CARRY):
            problems.append(problem(at("properties", name, CARRY), Code.FORM_DECISION_PREFILLED,
                                    f"{name} records a decision and cannot be carried over from the case", name=name))
        if "default" in prop and prop["default"] is not False:
            problems.append(problem(at("properties", name, "default"), Code.FORM_DECISION_PREFILLED,
                                    f"{name} records a decision and cannot have a default", name=name))
    return problems


def _depth(value: Any) -> int:
    """How deep a JSON value nests, counted without recursion (the value may be nested past the stack's depth)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def latest_form(session: Session, key: str) -> FormVersion | None:
    return session.scalars(select(FormVersion).where(FormVersion.key == key)
                           .order_by(FormVersion.version.desc()).limit(1)).first()


def form_versions(session: Session, key: str) -> list[FormVersion]:
    """Every version of a form, the newest first."""
    return list(session.scalars(select(FormVersion).where(FormVersion.key == key)
                                .order_by(FormVersion.version.desc())))


def form_version(session: Session, key: str, version: int) -> FormVersion:
    found = session.scalars(select(FormVersion).where(FormVersion.key == key, FormVersion.version == version)).first()
    if found is None:
        raise NotFound(f"form {key!r} has no version {version}", code=Code.FORM_NOT_FOUND,
                       params={"form": key, "version": version})
    return found


def latest_forms(session: Session) -> list[FormVersion]:
    """The latest version of every deployed form, by key."""
    newest = (select(FormVersion.key, func.max(FormVersion.version).label("version"))
              .group_by(FormVersion.key).subquery())
    return list(session.scalars(
        select(FormVersion)
        .join(newest, (FormVersion.key == newest.c.key) & (FormVersion.version == newest.c.version))
        .order_by(FormVersion.key)))


def deployed_keys(session: Session) -> set[str]:
    """The key of every form an administrator or `jarchy init` deployed."""
    return set(session.scalars(select(FormVersion.key).distinct()))


def save_form(session: Session, key: str, schema: Any, *, actor: Actor, at: Any,
              origin: DefinitionOrigin = DefinitionOrigin.DEPLOYED, prefix: str = "schema") -> tuple[FormVersion, bool]:
    """A new version of the form `key`, checked (`check_form`, its problems named under `prefix`) and audited; the
    same schema as the latest version is that version (`created` False)."""
    check_may_administer(actor)
    problems = key_problems(key) + check_form(schema, key if isinstance(key, str) else "", prefix=prefix)
    if problems:
        raise Invalid(f"The form {key!r} has errors: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                      problems, code=Code.INVALID_INPUT, params={"count": len(problems)})
    digest = canonical_checksum(schema)
    latest = latest_form(session, key)
    if latest is not None and latest.checksum == digest:
        return latest, False
    made = FormVersion(key=key, version=(latest.version + 1) if latest else 1, schema=schema, checksum=digest,
                       created_at=at, created_by_id=actor.id if isinstance(actor, User) else None, origin=origin)
    session.add(made)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"another version of the form {key!r} was deployed at the same moment; deploy again",
                       code=Code.CHANGED_CONCURRENTLY) from exc
    chain.record(session, type=EventType.FORM_DEPLOYED, at=at, actor=actor_name(actor),
                 subject=f"form:{key}:{made.version}",
                 before={"version": latest.version, "checksum": latest.checksum} if latest else None,
                 after={"form": key, "version": made.version, "checksum": digest, "origin": origin})
    return made, True


def shipped_form(key: str) -> dict[str, Any] | None:
    """The product's own file of a form key (`forms/`), or None."""
    if not forms.form_exists(key):
        return None
    try:
        return load_form(key)
    except (FileNotFoundError, ValueError):
        return None


def form_of(session: Session, definition: ProcessDefinition, key: str) -> dict[str, Any]:
    """The schema of the form `key` as `definition` pinned it when it was deployed. A key it did not pin (a row
    made before forms were deployed, by hand) takes the latest deployed version, else the shipped file.
    Cached per version's checksum: a version never changes, and two databases in one process never share an entry."""
    version = (definition.forms or {}).get(key)
    if version is not None:
        row = _pins(session, definition).get(key)
    else:
        row = session.execute(select(FormVersion.checksum, FormVersion.id).where(FormVersion.key == key)
                              .order_by(FormVersion.version.desc()).limit(1)).first()
    if row is None:
        return load_form(key)  # raises FileNotFoundError where there is none at all
    schema = _CACHE.get(row.checksum)
    if schema is None:
        schema = session.get_one(FormVersion, row.id).schema
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[row.checksum] = schema
    return schema


_VERSIONS_OF_KEYS = select(FormVersion.key, FormVersion.version, FormVersion.checksum, FormVersion.id).where(
    FormVersion.key.in_(bindparam("keys", expanding=True)))


def _pins(session: Session, definition: ProcessDefinition) -> dict[str, Any]:
    """The checksum and id of each form version `definition` pinned, read in one statement once a session (an
    operation asks for its task's form and for the forms of the tasks it opens), and once a process for a version
    with a nonce: the pins of a version never change, and the nonce tells its row from any other with its id
    (engine.procedures.case_definition)."""
    known = session.info.setdefault(_SESSION_PINS, {})
    if definition.id not in known:
        proof = (definition.id, definition.nonce)
        pins = _KEPT_PINS.get(proof) if definition.nonce else None
        if pins is None:
            pinned = definition.forms or {}
            # Every version of the keys, the pinned ones kept here: a form has a few versions, and one prepared
            # statement costs less than building a condition a key (milliseconds for a procedure's dozen forms).
            rows = session.execute(_VERSIONS_OF_KEYS, {"keys": sorted(pinned)}).all() if pinned else []
            pins = {row.key: row for row in rows if pinned.get(row.key) == row.version}
            if definition.nonce:
                if len(_KEPT_PINS) >= _CACHE_LIMIT:
                    _KEPT_PINS.clear()  # a few dozen versions in an office: starting over is rare and cheap
                _KEPT_PINS[proof] = pins
        known[definition.id] = pins
    return known[definition.id]  # type: ignore[no-any-return]


def case_form(session: Session, instance: ProcessInstance, key: str) -> dict[str, Any]:
    """The form `key` of a case: as its definition pinned it, or, for a task of a procedure it calls, as the
    called version the case pinned when it started did."""
    known = session.info.setdefault(_SESSION_FORMS, {})
    asked = (instance.definition_id, tuple(sorted((instance.called_versions or {}).items())), key)
    if asked not in known:
        known[asked] = _case_form(session, instance, key)
    return known[asked]  # type: ignore[no-any-return]


def _case_form(session: Session, instance: ProcessInstance, key: str) -> dict[str, Any]:
    definition = case_definition.of_case(session, instance)
    if definition is None:
        return load_form(key)
    if key not in (definition.forms or {}):
        for called_key, version in sorted((instance.called_versions or {}).items()):
            called = session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == called_key,
                                                                     ProcessDefinition.version == version)).first()
            if called is not None and key in (called.forms or {}):
                return form_of(session, called, key)
    return form_of(session, definition, key)


def pinned_forms(session: Session, keys: set[str], given: dict[str, Any], *, actor: Actor, at: Any,
                 origin: DefinitionOrigin = DefinitionOrigin.DEPLOYED) -> dict[str, int]:
    """The form versions a deployment of a diagram using `keys` pins: each given form saved (a new version where
    it changed), every other key at its latest deployed version; a key never deployed takes the shipped file as
    its version 1. Raises NotFound for a key with neither (validation refuses that first)."""
    saved = {key: save_form(session, key, schema, actor=actor, at=at, origin=origin, prefix=f"forms.{key}")[0]
             for key, schema in sorted(given.items())}
    pinned = {}
    for key in sorted(keys):
        if key in saved:
            pinned[key] = saved[key].version
            continue
        latest = latest_form(session, key)
        if latest is None:
            schema = shipped_form(key)
            if schema is None:
                raise NotFound(f"there is no form {key!r}", code=Code.FORM_NOT_FOUND, params={"form": key})
            latest, _ = save_form(session, key, schema, actor=actor, at=at, origin=DefinitionOrigin.SHIPPED)
        pinned[key] = latest.version
    return pinned


def deploy_shipped_form(session: Session, key: str, *, actor: Actor, at: Any) -> str:
    """The shipped file of a form, deployed as `jarchy init` deploys a shipped diagram: `deployed` where the key was
    never deployed or its latest version is a shipped one that the file changed; `unchanged`; `kept` where an
    administrator's version is the latest (never overridden); `absent` where the product ships no such file."""
    schema = shipped_form(key)
    if schema is None:
        return "absent"
    latest = latest_form(session, key)
    if latest is not None and latest.checksum == canonical_checksum(schema):
        return "unchanged"
    if latest is not None and latest.origin != DefinitionOrigin.SHIPPED:
        return "kept"
    save_form(session, key, schema, actor=actor, at=at, origin=DefinitionOrigin.SHIPPED)
    return "deployed"


def diagram_form_keys(meta: dict[str, Any]) -> set[str]:
    """The form keys a diagram names: its start form and its user tasks' forms."""
    keys = {meta.get("start_form")} | {t.get("form") for t in (meta.get("tasks") or {}).values()}
    return {k for k in keys if isinstance(k, str) and k}
