"""One case hands work over to another: monitoring starts a publication's response (002 §14-15).

A user task carries the extension properties `hands_over` (the process key to start), `hands_over_items` (the list
field of its form whose items are the pieces found) and `hands_over_when` (the boolean of an item that marks it as
needing its own case). When the task is completed, one case of that process is started a marked item, by the person
completing the task: its start data are the item's fields that the process's start form knows, the task's `unit`
where the item names none, and `handed_over_from`, this case's number. The item keeps the number of the case it
started (`case`), so each case shows the other. A start the start form refuses refuses the whole completion, naming
the item's field (`publications.1.url`); nothing is started then."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db.models import ProcessInstance
from engine.core.errors import Code, Conflict, Invalid

KEY, ITEMS, WHEN = "hands_over", "hands_over_items", "hands_over_when"
LINK = "handed_over_from"

Start = Callable[[str, dict[str, Any]], ProcessInstance]


def rule(task_spec: Any) -> tuple[str, str, str] | None:
    """(process key, items field, flag field) of a user task that hands over, else None. (A user task's own
    extension properties: SpiffWorkflow gives a multi-instance task's children their parent's.)"""
    if not getattr(task_spec, "manual", False):
        return None
    extensions = getattr(task_spec, "extensions", None) or {}
    values = tuple(extensions.get(name) for name in (KEY, ITEMS, WHEN))
    return values if all(isinstance(v, str) and v for v in values) else None  # type: ignore[return-value]


def hand_over(instance: ProcessInstance, task_data: dict[str, Any], submitted: dict[str, Any],
              handover: tuple[str, str, str], known: set[str] | None, start: Start) -> dict[str, Any]:
    """`submitted` with each marked item given the number of the case `start` began for it. `known`: the fields of
    the start form of the procedure's latest version (None where it is not deployed)."""
    process_key, items_field, flag = handover
    items = submitted.get(items_field)
    if not isinstance(items, list) or not any(isinstance(i, dict) and i.get(flag) is True for i in items):
        return submitted
    if known is None:
        raise Conflict(f"{process_key} is not deployed: the pieces marked {flag} cannot be handed over",
                       code=Code.NOT_DEPLOYED, params={"process": process_key})
    unit = task_data.get("unit")
    handed: list[Any] = []
    for index, item in enumerate(items):
        if not (isinstance(item, dict) and item.get(flag) is True):
            handed.append(item)
            continue
        data = {k: v for k, v in item.items() if k in known and k != flag}
        if isinstance(unit, str) and "unit" in known:
            data.setdefault("unit", unit)
        if LINK in known:
            data[LINK] = instance.business_key
        try:
            started = start(process_key, data)
        except Invalid as exc:
            errors = [e | {"field": f"{items_field}.{index}.{e['field']}"} for e in exc.errors]
            raise Invalid(f"{items_field}.{index} cannot start its {process_key}: {exc.detail}", errors,
                          code=exc.code, params=exc.params) from exc
        handed.append(item | {"case": started.business_key})
    return submitted | {items_field: handed}
