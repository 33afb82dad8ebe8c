"""Sandbox processes: where scripts and expressions run, so that one that runs too long or takes too much
memory can be stopped without stopping the server.

Why a process and not a step budget in this one: a loop inside one C call (`sum(range(10**12))`) never
returns to the interpreter, so nothing in-process can count or interrupt it, and it holds the GIL, so
every thread of the server freezes with it; an allocation (`'x' * 10**10`) cannot be refused in-process
either. A child process can be killed, and the kernel caps its memory.

How: each server process keeps a small pool (at most MAX_PROCESSES) of long-lived children, started when
first needed as a fresh interpreter (`python -I -c`, like multiprocessing's spawn: never a fork of a
threaded server, and without re-importing the server's main module), talking pickle over a socket pair
with multiprocessing's Connection. An evaluation has one child to itself. The parent sends it and waits
at most the time bound; past it, the child is killed (SIGKILL) and forgotten, and the next evaluation
starts a fresh one. Before each evaluation the child sets its own RLIMIT_AS to its current size plus the
memory bound (an allocation past it raises MemoryError, reported, and that child is replaced too) and
RLIMIT_CPU to its CPU time so far plus the time bound: a backstop with which the kernel ends a runaway
whose parent is gone. A child exits when its parent's end of the connection closes; the parent kills its
children at exit, and a process forked from it (a prefork server) forgets them.

What the process does not give: another user. It runs as the server's user, so code that escaped RestrictedPython
there could read what that user may read (var/, the SQLite file); what it hands back is read as data only
(engine.spiff.sandbox_replies). Running it as a user of its own needs the server to start as root, which it does not.

Hand-written, because the pools on PyPI stop a timed-out worker late or not at all: pebble 5.2.3 sends
SIGTERM and waits 3 s before SIGKILL (its worker's Python-level SIGTERM handler never runs inside a C
loop: measured, a 1 s timeout on `sum(range(10**12))` was reported after 4.0 s, the pool's manager
thread blocked meanwhile); concurrent.futures and loky can only stop a whole pool. Linux: the memory
bound reads /proc/self/statm (elsewhere only the time bound applies).
"""

from __future__ import annotations

import atexit
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

try:
    import resource
except ImportError:  # not on Windows: only the time bound applies there
    resource = None  # type: ignore[assignment]

from engine.core.errors import Code, Unavailable
from engine.spiff import sandbox_replies
from engine.spiff.sandbox import FILENAME, RestrictedEnvironment

MAX_PROCESSES = 4
# What a script may hand back, pickled: a case's data is at most 512 KiB as JSON at the door (engine.runtime.case_data),
# and a script that leaves megabytes would have them copied into every later step, row and audit event.
MAX_REPLY_BYTES = 4 * 2**20
STARTUP_SECONDS = 30.0  # a fresh child imports the engine's sandbox modules (about 0.2 s on an idle machine)
PRELOAD = ("engine.spiff.script_functions",)  # what every evaluation unpickles, imported before a child is ready
_BOOT = ("import sys\nfrom multiprocessing.connection import Connection\nc = Connection({fd})\n"
         "sys.path[:] = c.recv()\nfrom engine.spiff.sandbox_process import serve\nserve(c)\n")


class Functions(Protocol):
    """What scripts may call, as plain data that builds the functions in the sandbox process."""

    def build(self) -> dict[str, Any]: ...
    def office_now(self) -> Any: ...


@dataclass(frozen=True)
class Evaluation:
    mode: str  # "exec" (a script: the reply is the changed task data) or "eval" (its value)
    source: str
    context: dict[str, Any]
    external: dict[str, Any] | None
    functions: Functions
    seconds: float
    memory_mb: int


class Overran(Exception):
    """The evaluation was still running when its time was up; its process was killed."""


class Died(Exception):
    """The sandbox process ended during the evaluation (the kernel's CPU limit, a crash)."""

    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"the sandbox process ended (exit status {returncode})")
        self.returncode = returncode


class OutOfMemory(Exception):
    """The evaluation tried to take more memory than its bound; its process was replaced."""


class TooLarge(Exception):
    """The evaluation's result was larger than MAX_REPLY_BYTES; its process was replaced."""


class SandboxUnavailable(Unavailable):
    """No sandbox process could be started: a fault of the server, not of the case (503; the sweep retries)."""


# --- the parent's side -----------------------------------------------------------------------------------

class _Child:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            fd = theirs.fileno()
            # Nothing of the server's but the socket: no environment (secrets, database URL), no other descriptors.
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and boot code
                [sys.executable, "-I", "-c", _BOOT.format(fd=fd)], pass_fds=(fd,), stdin=subprocess.DEVNULL,
                env={}, cwd="/")
        self.conn = Connection(ours.detach())
        try:
            self.conn.send([os.path.abspath(entry) for entry in sys.path])  # it runs in "/"
            ready = self.conn.poll(STARTUP_SECONDS) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise SandboxUnavailable(f"no script sandbox process started (exit status {self.process.returncode})",
                                     code=Code.UNAVAILABLE)

    def ask(self, payload: bytes, seconds: float) -> tuple[Any, ...]:
        self.conn.send_bytes(payload)
        if not self.conn.poll(seconds):
            raise Overran
        try:
            reply: tuple[Any, ...] = sandbox_replies.loads(self.conn.recv_bytes(MAX_REPLY_BYTES + 4096))
        except sandbox_replies.NotData:
            raise  # the caller replaces the process: what runs there can no longer be trusted
        except EOFError as exc:
            raise Died(self.process.wait()) from exc
        except OSError as exc:  # "bad message length": a child that sent more than its bound
            if self.process.poll() is None:
                raise TooLarge from exc
            raise Died(self.process.wait()) from exc
        if reply[0] == "too large":
            raise TooLarge
        return reply

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()

    def forget(self) -> None:
        """After a fork: the child is the parent process's; only close this process's copy of the socket."""
        self.conn.close()


class SandboxPool:
    """Up to `max_processes` sandbox children; one evaluation at a time each. Thread-safe."""

    def __init__(self, max_processes: int = MAX_PROCESSES) -> None:
        self._max = max_processes
        self._cond = threading.Condition()
        self._idle: list[_Child] = []
        self._live: set[_Child] = set()
        self._starting = 0

    def run(self, evaluation: Evaluation) -> tuple[Any, ...]:
        """("done", value) or ("raised", exception, script line); raises Overran, Died, OutOfMemory, TooLarge or
        sandbox_replies.NotData."""
        payload = pickle.dumps(evaluation, pickle.HIGHEST_PROTOCOL)  # refused here, before a child is taken
        child = self._acquire()
        keep = False
        try:
            try:
                reply = child.ask(payload, evaluation.seconds)
            except (BrokenPipeError, ConnectionResetError) as exc:  # it died while idle: one more try
                self._release(child, keep=False)
                child = self._acquire()
                try:
                    reply = child.ask(payload, evaluation.seconds)
                except OSError:
                    raise Died(child.process.poll()) from exc
            if reply[0] == "memory":
                raise OutOfMemory
            keep = True
            return reply
        finally:
            self._release(child, keep)

    @property
    def busy(self) -> int:
        """How many evaluations are running now."""
        with self._cond:
            return len(self._live) - len(self._idle)

    def pids(self) -> list[int]:
        with self._cond:
            return [child.process.pid for child in self._live]

    def close(self) -> None:
        with self._cond:
            children, self._idle, self._live = list(self._live), [], set()
        for child in children:
            child.kill()

    def forget(self) -> None:
        with self._cond:
            children, self._idle, self._live = list(self._live), [], set()
        for child in children:
            child.forget()

    def _acquire(self) -> _Child:
        with self._cond:
            while not self._idle and len(self._live) + self._starting >= self._max:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._starting += 1
        try:
            child = _Child()
        except BaseException:
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            raise
        with self._cond:
            self._starting -= 1
            self._live.add(child)
        return child

    def _release(self, child: _Child, keep: bool) -> None:
        if not keep:
            child.kill()
        with self._cond:
            if keep and child in self._live:
                self._idle.append(child)
            elif not keep:
                self._live.discard(child)
            self._cond.notify()


_shared: SandboxPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> SandboxPool:
    """This process's pool, started when first asked for and closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SandboxPool()
            atexit.register(_shared.close)
        return _shared


def _after_fork_in_child() -> None:
    global _shared
    if _shared is not None:
        _shared.forget()
    _shared = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# --- the child's side ----------------------------------------------------------------------------------

def serve(conn: Connection) -> None:
    """The sandbox process's loop: one evaluation at a time until the parent closes the connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is for the server, which ends us
    if resource is not None:  # a runaway ended by the CPU limit leaves no core file behind
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for module in PRELOAD:
        __import__(module)
    conn.send("ready")
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        reply = _answer(payload)
        try:
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("memory",))
        except Exception as exc:  # noqa: BLE001 - a value or exception that does not pickle
            data = pickle.dumps(_unpicklable(reply, exc))
        if len(data) > MAX_REPLY_BYTES:
            data = pickle.dumps(("too large",))
        conn.send_bytes(data)
        if reply[0] == "memory":
            return  # replaced by the parent: its heap may be fragmented


def _answer(payload: bytes) -> tuple[Any, ...]:
    try:
        evaluation: Evaluation = pickle.loads(payload)  # noqa: S301 - from our own parent
        _bound(evaluation.seconds, evaluation.memory_mb)
        env = RestrictedEnvironment(evaluation.functions.build(), office_now=evaluation.functions.office_now)
        if evaluation.mode == "eval":
            return ("done", env.evaluate(evaluation.source, evaluation.context, evaluation.external))
        env.execute(evaluation.source, evaluation.context, evaluation.external or {})
        return ("done", evaluation.context)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # noqa: BLE001 - every script error goes back to the parent
        if isinstance(exc, NameError) and exc.name:  # pickling keeps only its text: the name goes as data
            exc.missing_name = exc.name  # type: ignore[attr-defined]
        return ("raised", exc, _script_line(exc))


def _unpicklable(reply: tuple[Any, ...], error: Exception) -> tuple[Any, ...]:
    if reply[0] == "done":
        return ("raised", TypeError(f"the script left a value that cannot be stored ({error})"), None)
    exc = reply[1]
    return ("raised", RuntimeError(f"{type(exc).__name__}: {exc}"), reply[2])


def _script_line(exc: BaseException) -> int | None:
    """The failing line of the script, as SpiffWorkflow would have read it from the traceback."""
    if isinstance(exc, SyntaxError):
        return exc.lineno
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == FILENAME]
    return lines[-1] if lines else None


def _bound(seconds: float, memory_mb: int) -> None:
    if resource is None:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = int(usage.ru_utime + usage.ru_stime + seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard == resource.RLIM_INFINITY else min(cpu, hard), hard))
    size = _address_space()
    if size is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


_statm: list[int] = []  # the open /proc/self/statm: read again at each evaluation without reopening it


def _address_space() -> int | None:
    """This process's virtual size in bytes, what RLIMIT_AS counts (None where /proc is missing)."""
    if not _statm:
        try:
            _statm.append(os.open("/proc/self/statm", os.O_RDONLY))
        except OSError:
            _statm.append(-1)
    if _statm[0] < 0:
        return None
    return int(os.pread(_statm[0], 64, 0).split()[0]) * os.sysconf("SC_PAGE_SIZE")
