"""Deploying diagrams: versioning (the same file with the same forms is the same version; running cases keep
theirs), the deployed versions, and the workflow specs parsed once per version. A deployment is the diagram and its
forms: it pins the version of each form it names (engine/procedures/deployed_forms.py). Validation is
engine/procedures/validation.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance, User
from db.vocabulary import DefinitionOrigin, EventType, InstanceStatus
from engine.audit import chain
from engine.core.errors import Code, Conflict, Invalid, InvalidDiagram, NotFound
from engine.people.access import Actor, actor_name, check_may_administer
from engine.procedures import lint
from engine.procedures.deployed_forms import (
    check_form,
    deploy_shipped_form,
    deployed_keys,
    diagram_form_keys,
    key_problems,
    latest_form,
    pinned_forms,
    shipped_form,
)
from engine.procedures.validation import validate
from engine.spiff.parser import NS, JarchyParser, UnsafeXml, parse_xml


@dataclass(frozen=True)
class Deployed:
    definition: ProcessDefinition
    created: bool
    warnings: tuple[lint.LintReport, ...] = ()  # what bpmnlint warns of: shown, not refused


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def deploy(session: Session, data: bytes | Callable[[], bytes], *, actor: Actor, at: datetime,
           origin: DefinitionOrigin = DefinitionOrigin.DEPLOYED,
           forms: dict[str, Any] | Callable[[], dict[str, Any]] | None = None, linted: bool = True) -> Deployed:
    """A new version of the diagram's process key with its forms: `forms` (`{key: schema}`) are saved as new form
    versions (an unchanged schema is its version), and every form the diagram names is pinned at its latest
    version. The same file with the same pinned forms as the latest version is a no-op; the same file with a
    changed form is a new version (its new cases take the new form). `data` may be how to read the diagram (a
    request's body): it is read only once the actor may deploy, so a refusal comes first and an upload nobody may
    make is not read; `forms` likewise. A form key without a process part (`triage`) is the diagram's process's
    (`information_request/triage`). A new version is linted (bpmnlint in Node, engine/procedures/lint.py) after
    validation: its errors refuse the deploy, its warnings come back with it. `linted=False` skips the lint: for
    the shipped diagrams, which a test keeps free of any lint problem."""
    check_may_administer(actor)
    if callable(data):
        data = data()
    given = _qualified(dict((forms() if callable(forms) else forms) or {}), data)
    problems = [p for k, schema in sorted(given.items(), key=lambda item: str(item[0]))
                for p in key_problems(k, f"forms.{k}") or check_form(schema, k, prefix=f"forms.{k}")]
    if problems:
        raise Invalid("The forms have errors: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                      problems, code=Code.INVALID_INPUT, params={"count": len(problems)})
    root, meta = validate(data, known_process_keys=_deployed_keys(session),
                          form_schema=lambda k: given[k] if k in given else deployed_form(session, k),
                          provided_by=lambda k: _provided_by(session, k))
    pinned = pinned_forms(session, diagram_form_keys(meta), given, actor=actor, at=at, origin=origin)
    key, digest = meta["key"], checksum(data)
    latest = latest_definition(session, key, required=False)
    if latest is not None and latest.checksum == digest and (latest.forms or {}) == pinned:
        return Deployed(latest, created=False)
    reports = lint.lint(data, lint.lint_options(deployed_keys(session) | set(given))) if linted else []
    refused = lint.errors_of(reports)
    if refused:
        raise InvalidDiagram(refused)
    definition = ProcessDefinition(
        key=key,
        name=meta["name"],
        version=(latest.version + 1) if latest else 1,
        checksum=digest,
        bpmn_xml=data.decode("utf-8"),
        meta=meta,
        deployed_at=at,
        deployed_by_id=actor.id if isinstance(actor, User) else None,
        origin=origin,
        forms=pinned,
    )
    session.add(definition)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"another version of {key!r} was deployed at the same moment; deploy again",
                       code=Code.CHANGED_CONCURRENTLY) from exc
    chain.record(session, type=EventType.DEFINITION_DEPLOYED, at=at, actor=actor_name(actor),
                 subject=f"definition:{key}:{definition.version}",
                 after={"key": key, "version": definition.version, "checksum": digest, "name": meta["name"],
                        "origin": origin, "forms": pinned})
    return Deployed(definition, created=True, warnings=tuple(r for r in reports if not r.is_error))


@dataclass(frozen=True)
class ShippedOutcome:
    """What `deploy_shipped` did with one shipped diagram: `deployed`, `unchanged`, or `kept` (an administrator's
    version is the latest and the shipped file differs from it: it was left alone)."""

    state: str
    definition: ProcessDefinition


def deploy_shipped(session: Session, data: bytes, *, actor: Actor, at: datetime) -> ShippedOutcome:
    """A diagram shipped with the product, with its shipped forms, deployed only where no administrator's edit
    would be overridden. Each of its forms is deployed from `forms/` when its key was never deployed, or when its
    latest version came from a shipped file and the file changed since (an administrator's form version is never
    overridden: the diagram pins it). The diagram likewise: deployed when its key was never deployed, or when the
    latest version came from a shipped file and the file, or one of its shipped forms, changed since."""
    check_may_administer(actor)
    _, meta = validate(data, known_process_keys=_deployed_keys(session),
                       form_schema=lambda k: deployed_form(session, k), provided_by=lambda k: _provided_by(session, k))
    states = [deploy_shipped_form(session, k, actor=actor, at=at) for k in sorted(diagram_form_keys(meta))]
    latest = latest_definition(session, meta["key"], required=False)
    if latest is not None and latest.checksum == checksum(data) and (
            "deployed" not in states or latest.origin != DefinitionOrigin.SHIPPED):
        return ShippedOutcome("unchanged", latest)
    if latest is not None and latest.origin != DefinitionOrigin.SHIPPED and latest.checksum != checksum(data):
        return ShippedOutcome("kept", latest)
    # Not linted: tests/unit/test_shipped_lint.py keeps every shipped diagram free of lint errors and warnings,
    # and `jarchy init` then needs no Node.js.
    done = deploy(session, data, actor=actor, at=at, origin=DefinitionOrigin.SHIPPED, linted=False)
    return ShippedOutcome("deployed" if done.created else "unchanged", done.definition)


def _qualified(given: dict[str, Any], data: bytes) -> dict[str, Any]:
    """The forms with each key without a process part given the diagram's process key (where the XML is readable:
    if not, validation says why)."""
    if all("/" in str(k) for k in given):
        return given
    try:
        root = parse_xml(data)
    except (UnsafeXml, ValueError, SyntaxError):  # lxml's XMLSyntaxError is a SyntaxError
        return given
    process = root.find("bpmn:process[@isExecutable='true']", NS)
    process = process if process is not None else root.find("bpmn:process", NS)
    prefix = process.get("id") if process is not None else None
    return {(f"{prefix}/{k}" if prefix and "/" not in str(k) else k): v for k, v in given.items()}


def deployed_form(session: Session, key: str) -> dict[str, Any] | None:
    """The latest deployed version of a form, else its shipped file (it becomes version 1 once a diagram that
    names it is deployed), else None."""
    latest = latest_form(session, key)
    return latest.schema if latest is not None else shipped_form(key)


def _provided_by(session: Session, key: str) -> set[str]:
    """The names the latest version of a procedure gives its case's data (a caller reads them after the call)."""
    latest = latest_definition(session, key, required=False)
    return set(latest.meta.get("provides", [])) if latest is not None else set()


def latest_definition(session: Session, key: str, *, required: bool = True) -> ProcessDefinition | None:
    definition = session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    if definition is None and required:
        raise not_deployed(key)
    return definition


def not_deployed(key: str) -> NotFound:
    return NotFound(f"no process {key!r} is deployed", code=Code.PROCESS_NOT_FOUND, params={"process": key})


def definition_version(session: Session, key: str, version: int) -> ProcessDefinition:
    definition = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    ).one_or_none()
    if definition is None:
        raise NotFound(f"process {key!r} has no version {version}", code=Code.VERSION_NOT_FOUND,
                       params={"process": key, "version": version})
    return definition


def list_latest(session: Session) -> list[ProcessDefinition]:
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return list(session.scalars(
        select(ProcessDefinition)
        .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version))
        .order_by(ProcessDefinition.key)
    ))


def form_uses(session: Session) -> dict[str, list[ProcessDefinition]]:
    """For each form key, the latest versions of the procedures that pin one of its versions."""
    uses: dict[str, list[ProcessDefinition]] = {}
    for definition in list_latest(session):
        for key in sorted(definition.forms or {}):
            uses.setdefault(key, []).append(definition)
    return uses


def running_counts(session: Session, key: str) -> dict[int, int]:
    rows = session.execute(
        select(ProcessInstance.version, func.count())
        .where(ProcessInstance.process_key == key, ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.version)
    )
    return {version: count for version, count in rows}


def _deployed_keys(session: Session) -> set[str]:
    return set(session.scalars(select(ProcessDefinition.key).distinct()))


# -- the workflow spec of a deployed version, parsed once per process ---------------------------------

Specs = tuple[Any, dict[str, Any]]
_SPECS: dict[tuple[str, ...], Specs] = {}
_SPECS_LIMIT = 256


def called_versions(session: Session, definition: ProcessDefinition) -> dict[str, int]:
    """The version of each process this one calls, pinned when a case starts: a case keeps the
    versions it started with, as it keeps its own."""
    pinned = {}
    for called in definition.meta.get("called", []):
        if called != definition.key:
            latest = latest_definition(session, called)
            assert latest is not None
            pinned[called] = latest.version
    return pinned


def workflow_specs(session: Session, definition: ProcessDefinition, pinned: dict[str, int]) -> Specs:
    """The spec and the specs of what it calls, parsed once per combination of versions (by checksum,
    so that two databases in one process never share a wrong entry)."""
    called = [definition_version(session, key, version) for key, version in sorted(pinned.items())]
    cache_key = (definition.checksum, *(d.checksum for d in called))
    specs = _SPECS.get(cache_key)
    if specs is None:
        parser = JarchyParser()
        for d in (definition, *called):
            parser.add_bpmn_xml(parse_xml(d.bpmn_xml.encode("utf-8")), filename=f"{d.key}.v{d.version}.bpmn")
        specs = (parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key))
        if len(_SPECS) >= _SPECS_LIMIT:
            _SPECS.pop(next(iter(_SPECS)))
        _SPECS[cache_key] = specs
    return specs
