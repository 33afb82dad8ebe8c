"""Where the milliseconds of the peer workload go, from the server's cProfile (tests/perf/bench_peer.py --profile).

Two views of the same profile, both in ms per instance and per completion (an instance is 7 requests: a start,
three inbox look-ups, three completions; "per completion" divides the completion requests' stages by 3):

- **stages**: the inclusive time (cumtime) of the functions that are the stages of a request (authentication,
  loading the case, SpiffWorkflow's steps, form validation, serialization, audit, presenting, the inbox query...).
  Stages nest (loading includes deserializing), so they do not add up; each says "this much ran under it".
- **libraries**: the exclusive time (tottime) of every function, summed by where its code lives (SQLAlchemy's ORM,
  its SQL compiler and core, the database driver, SpiffWorkflow, jsonschema, Flask and Werkzeug, the sandbox's
  socket round trips, ...). These do add up, to the whole profile.

cProfile adds its own cost to every Python call (about 1.5 to 2x here), so the shares matter more than the ms.
Run alone: `PYTHONPATH=. .venv/bin/python tests/perf/peer/breakdown.py FILE.pstats N`, or
`... breakdown.py --compare BEFORE.samples.json AFTER.samples.json [complete|start|inbox]` for the sampler's
stages before and after a change."""

from __future__ import annotations

import io
import pstats
import sys
from pathlib import Path

# (label, file suffix, function name): the first match of each label is summed (cumtime).
STAGES: list[tuple[str, str, str]] = [
    ("whole requests (Flask app)", "flask/app.py", "wsgi_app"),
    ("authentication: the bearer token's user (api/auth.py)", "api/auth.py", "current_user"),
    ("start the case (operations.start)", "engine/runtime/operations.py", "start"),
    ("complete the task (operations.complete_task)", "engine/runtime/operations.py", "complete_task"),
    ("load the case's state (deserialize)", "engine/spiff/serializer.py", "load"),
    ("save the case's state (serialize)", "engine/spiff/serializer.py", "dump"),
    ("SpiffWorkflow: engine steps", "SpiffWorkflow/bpmn/workflow.py", "do_engine_steps"),
    ("SpiffWorkflow: task.run", "SpiffWorkflow/task.py", "run"),
    ("form validation (forms.validate)", "engine/procedures/forms.py", "validate"),
    ("scripts and conditions: sandbox round trips (SandboxPool.run)", "engine/spiff/sandbox_process.py", "run"),
    ("audit events (chain.record)", "engine/audit/chain.py", "record"),
    ("projection: human tasks, timers (projection.sync)", "engine/runtime/projection.py", "sync"),
    ("the inbox query (queries.inbox)", "engine/reads/queries.py", "inbox"),
    ("present: tasks", "api/present.py", "tasks"),
    ("present: a completion", "api/present.py", "completion"),
    ("present: an instance", "api/present.py", "instance"),
    ("marshmallow/flask-smorest: dump the answer", "marshmallow/schema.py", "dump"),
    ("marshmallow/flask-smorest: load the body", "marshmallow/schema.py", "load"),
    ("commit", "sqlalchemy/orm/session.py", "commit"),
    ("ORM flush", "sqlalchemy/orm/session.py", "flush"),
    ("SQL execution (Connection._execute_context)", "sqlalchemy/engine/base.py", "_execute_context"),
    ("statement compilation (compile)", "sqlalchemy/sql/elements.py", "_compile_w_cache"),
    ("driver: cursor.execute", "sqlalchemy/engine/default.py", "do_execute"),
]

# (label, substring of the file path): the first match wins (tottime).
LIBRARIES: list[tuple[str, str]] = [
    ("sandbox: waiting on the sandbox process (socket)", "_socket"),
    ("SQLAlchemy ORM", "sqlalchemy/orm/"),
    ("SQLAlchemy SQL compile / cache keys", "sqlalchemy/sql/"),
    ("SQLAlchemy engine (execute, results)", "sqlalchemy/engine/"),
    ("SQLAlchemy other", "sqlalchemy/"),
    ("driver: sqlite3", "sqlite3"),
    ("driver: psycopg", "psycopg"),
    ("SpiffWorkflow", "SpiffWorkflow/"),
    ("jsonschema (+ referencing)", "jsonschema"),
    ("referencing", "referencing/"),
    ("marshmallow / flask-smorest / webargs", "marshmallow/"),
    ("marshmallow / flask-smorest / webargs", "flask_smorest/"),
    ("marshmallow / flask-smorest / webargs", "webargs/"),
    ("Flask / Werkzeug / Babel / Jinja", "flask/"),
    ("Flask / Werkzeug / Babel / Jinja", "werkzeug/"),
    ("Flask / Werkzeug / Babel / Jinja", "flask_babel/"),
    ("Flask / Werkzeug / Babel / Jinja", "babel/"),
    ("Flask / Werkzeug / Babel / Jinja", "jinja2/"),
    ("RestrictedPython (compile)", "RestrictedPython/"),
    ("json (stdlib)", "/json/"),
    ("pickle / copy (stdlib)", "copy.py"),
    ("jarchy api/", "/api/"),
    ("jarchy engine/audit", "/engine/audit/"),
    ("jarchy engine/spiff", "/engine/spiff/"),
    ("jarchy engine/procedures", "/engine/procedures/"),
    ("jarchy engine/runtime", "/engine/runtime/"),
    ("jarchy engine/reads", "/engine/reads/"),
    ("jarchy engine other", "/engine/"),
    ("jarchy db/", "/db/"),
]


def _library(filename: str, function: str) -> str:
    where = f"{filename}:{function}"
    if filename == "~":  # a builtin: name it by what it is
        if "sqlite3" in function:
            return "driver: sqlite3"
        if "socket" in function or "recv" in function or "sendall" in function or "select" in function:
            return "sandbox: waiting on the sandbox process (socket)"
        if "pickle" in function or "_pickle" in function:
            return "pickle / copy (stdlib)"
        if "json" in function:
            return "json (stdlib)"
    for label, part in LIBRARIES:
        if part in where:
            return label
    return "other (stdlib, builtins)"


def report(path: Path, *, instances: int, completions: int) -> str:
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]
    out = io.StringIO()
    total = sum(v[2] for v in raw.values())
    out.write(f"profile {path.name}: {instances} instances, {completions} completions, "
              f"{1000 * total / instances:.2f} ms/instance of profiled time (tottime summed)\n\n")
    out.write("## stages (cumtime, nested: they do not add up)\n\n| stage | ms/instance | calls/instance |\n")
    out.write("| --- | ---: | ---: |\n")
    for label, suffix, name in STAGES:
        cum = calls = 0.0
        for (filename, _, function), (_, ncalls, _, ct, _callers) in raw.items():
            if function == name and filename.endswith(suffix):
                # cumtime of a recursive function counts once (pstats already handles that per function)
                cum += ct
                calls += ncalls
        out.write(f"| {label} | {1000 * cum / instances:.2f} | {calls / instances:.1f} |\n")
    out.write("\n## libraries (tottime: they add up)\n\n| where | ms/instance | share |\n| --- | ---: | ---: |\n")
    by: dict[str, float] = {}
    for (filename, _, function), (_, _, tt, _, _) in raw.items():
        label = _library(filename, function)
        by[label] = by.get(label, 0.0) + tt
    for label, tt in sorted(by.items(), key=lambda item: -item[1]):
        out.write(f"| {label} | {1000 * tt / instances:.2f} | {100 * tt / total:.1f}% |\n")
    for key, title in (("tottime", "top 40 by own time"), ("cumulative", "top 60 by cumulative time")):
        text = io.StringIO()
        pstats.Stats(str(path), stream=text).sort_stats(key).print_stats(40 if key == "tottime" else 60)
        out.write(f"\n## {title}\n\n```\n{text.getvalue().split('function calls', 1)[-1].strip()}\n```\n")
    return out.getvalue()




SQLA = ("SQLAlchemy ORM", "SQLAlchemy SQL: statements, compile, cache keys", "SQLAlchemy engine, pool, results")


def sampled(path: Path) -> str:
    """The sampler's cells (tests/perf/peer/sampler.py) as tables: for each kind of request, ms a request by stage,
    split by layer (driver or database, SQLAlchemy, the rest), and ms a request by layer."""
    import json

    found = json.loads(path.read_text())
    out = io.StringIO()
    for kind in ("complete", "start", "inbox"):
        requests = found["requests"].get(kind, 0)
        if not requests:
            continue
        cells = [(st, ly, seconds) for k, st, ly, seconds in found["cells"] if k == kind]
        total = sum(seconds for _, _, seconds in cells)
        out.write(f"\n### {kind}: {requests} requests, {1000 * total / requests:.2f} ms a request in the server "
                  "(sampled wall time)\n\n")
        out.write("| stage | ms | share | of which driver / database | SQLAlchemy | SpiffWorkflow | sandbox wait "
                  "| other Python |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
        stages: dict[str, dict[str, float]] = {}
        for st, ly, seconds in cells:
            stages.setdefault(st, {})
            stages[st][ly] = stages[st].get(ly, 0.0) + seconds
        for st, layers in sorted(stages.items(), key=lambda item: -sum(item[1].values())):
            whole = sum(layers.values())
            driver = layers.get("driver / database", 0.0)
            sqla = sum(layers.get(x, 0.0) for x in SQLA)
            spiff = layers.get("SpiffWorkflow", 0.0)
            sandbox = layers.get("sandbox process (waiting)", 0.0)
            rest = whole - driver - sqla - spiff - sandbox

            shown = " | ".join(f"{1000 * x / requests:.2f}" for x in (driver, sqla, spiff, sandbox, rest))
            out.write(f"| {st} | {1000 * whole / requests:.2f} | {100 * whole / total:.0f}% | {shown} |\n")
        out.write("\n| layer | ms | share |\n| --- | ---: | ---: |\n")
        by: dict[str, float] = {}
        for _, ly, seconds in cells:
            by[ly] = by.get(ly, 0.0) + seconds
        for ly, seconds in sorted(by.items(), key=lambda item: -item[1]):
            out.write(f"| {ly} | {1000 * seconds / requests:.2f} | {100 * seconds / total:.0f}% |\n")
    return out.getvalue()


def _stages(path: Path, kind: str) -> tuple[int, dict[str, dict[str, float]]]:
    import json

    found = json.loads(path.read_text())
    stages: dict[str, dict[str, float]] = {}
    for k, st, ly, seconds in found["cells"]:
        if k == kind:
            stages.setdefault(st, {})
            stages[st][ly] = stages[st].get(ly, 0.0) + seconds
    return found["requests"].get(kind, 0), stages


def compare(before: Path, after: Path, kind: str = "complete") -> str:
    """One kind of request, sampled before and after a change: ms a request by stage, and after's layers."""
    n_before, old = _stages(before, kind)
    n_after, new = _stages(after, kind)
    out = io.StringIO()
    out.write("| stage | before ms | after ms | after: driver / database | SQLAlchemy | SpiffWorkflow | sandbox wait "
              "| other Python |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    names = sorted(set(old) | set(new), key=lambda st: -sum(new.get(st, old.get(st, {})).values()))
    for st in [*names, "all"]:
        was = sum(sum(v.values()) for v in old.values()) if st == "all" else sum(old.get(st, {}).values())
        layers: dict[str, float] = {}
        for source in (new.values() if st == "all" else [new.get(st, {})]):
            for ly, seconds in source.items():
                layers[ly] = layers.get(ly, 0.0) + seconds
        now = sum(layers.values())
        driver = layers.get("driver / database", 0.0)
        sqla = sum(layers.get(x, 0.0) for x in SQLA)
        spiff = layers.get("SpiffWorkflow", 0.0)
        sandbox = layers.get("sandbox process (waiting)", 0.0)
        shown = " | ".join(f"{1000 * x / n_after:.2f}" for x in (driver, sqla, spiff, sandbox,
                                                                 now - driver - sqla - spiff - sandbox))
        label = "**the whole request in the server**" if st == "all" else st
        out.write(f"| {label} | {1000 * was / n_before:.2f} | {1000 * now / n_after:.2f} | {shown} |\n")
    return out.getvalue()


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        print(compare(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "complete"))
    else:
        print(report(Path(sys.argv[1]), instances=int(sys.argv[2]), completions=3 * int(sys.argv[2])))
