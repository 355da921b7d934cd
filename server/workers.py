"""The query-execution model: each web process's jobs run in a killable worker process.

pyoxigraph cannot cancel a running query, and RocksDB lets one process at a time
open a store for writing. So jobs run in a *worker process* that opens the store
(read-write when the server takes writes, as the store's one writer; read-only
otherwise) and runs every job (queries, updates, Graph Store writes, ingestion
writes) on a few threads (pyoxigraph releases the GIL while it evaluates). The
web process talks to it over one pipe per *slot*; there are
``max_concurrent_queries`` slots, so that is the most jobs that run at once. (On
a read-only server the web process also answers one-subject look-ups itself, see
:mod:`server.lane`.)

When a job outlives ``query_timeout`` the web process kills the worker (SIGKILL:
a RocksDB write that was under way is rolled back, the store stays consistent),
answers that request with a timeout error, and promotes a *standby* process that
was started earlier and has already imported everything, so it only has to open
the store (tens of milliseconds). Jobs that were running beside the runaway one
are re-sent to the new worker if they only read; writes are answered with
``interrupted`` (retrying them is safe: each write is one transaction and
ingestion is idempotent). A fresh standby is then started in the background.

>>> WorkerPool.__name__
'WorkerPool'
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import select
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from server.errors import ApiError, Busy, Interrupted, QueryTimeout, TooManyRequests
from server.jobs import WRITES_GRAPH, Answer, Job
from server.sandbox import sandbox_supported

log = logging.getLogger(__name__)

#: Job kinds that only read, so they may be re-sent after a worker restart.
READ_ONLY_JOBS = frozenset({"query", "graph_get", "has_graphs", "count", "stats", "ping"})

#: Job kinds that change the store: each one makes remembered answers stale.
WRITE_JOBS = frozenset({"update", "graph_put", "graph_post", "graph_delete",
                        "replace_graphs", "add_graphs"})

#: Most answers :meth:`WorkerPool.run_remembered` keeps (VoID per format and base URL …).
REMEMBERED_ANSWERS = 64

#: Modules a worker imports before it is promoted (the VoID builder pulls in rdflib).
PRELOAD = ("server.jobs", "kg.graph.describe")

#: Seconds between checks that the worker running a job is still alive.
WATCH_INTERVAL = 0.25

#: Pickle protocol of jobs and answers (5: bytes bodies are framed, not escaped).
PICKLE_PROTOCOL = pickle.HIGHEST_PROTOCOL

#: How long a new worker keeps trying to open a store still locked by the old one.
OPEN_RETRY_SECONDS = 10.0


#: Seconds between looks at the worker's memory while jobs run (see ``memory_limit``).
MEMORY_INTERVAL = 0.05

#: The client (remote address) of the request this thread is serving; see
#: :func:`serving_client`. Jobs run for it count against its share of the slots.
_request_client = threading.local()


@contextlib.contextmanager
def serving_client(address: str | None) -> Any:
    """Within the block, jobs this thread runs count against ``address``'s share of slots."""
    _request_client.address = address
    try:
        yield
    finally:
        _request_client.address = None


def current_client() -> str | None:
    """The client set by :func:`serving_client` for this thread, if any."""
    return getattr(_request_client, "address", None)


def resident_bytes(pid: int) -> int | None:
    """The resident memory of process ``pid`` in bytes (Linux ``/proc``), or ``None``."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


#: Frame header on a slot pipe: the payload's length.
_FRAME = struct.Struct("!Q")

#: Bytes read at once from a slot pipe (a small answer arrives in one read).
_READ_SIZE = 1 << 16


def send_frame(fd: int, payload: bytes) -> None:
    """Write one length-prefixed frame to a slot pipe (one ``write`` for small frames).

    Raises:
        OSError: the other end is gone (``BrokenPipeError``) or the pipe is closed.
    """
    header = _FRAME.pack(len(payload))
    # small frames in one write; large ones without copying the payload once more
    pieces = [header + payload] if len(payload) <= _READ_SIZE else [header, payload]
    for piece in pieces:
        data = memoryview(piece)
        while data:
            data = data[os.write(fd, data):]


def recv_frame(fd: int) -> bytes:
    """Read one frame written by :func:`send_frame` (one ``read`` for small frames).

    A slot carries one job, then its answer, then the next job: the other end never
    sends a second frame before this one is answered, so a read never takes more
    than one frame.

    Raises:
        EOFError: the other end closed the pipe (or died).
        OSError: the pipe is closed on this side.
    """
    chunk = os.read(fd, _READ_SIZE)
    while len(chunk) < _FRAME.size:
        more = os.read(fd, _READ_SIZE)
        if not more:
            raise EOFError("slot pipe closed")
        chunk += more
    size = _FRAME.unpack_from(chunk)[0]
    parts = [chunk[_FRAME.size:]]
    got = len(parts[0])
    while got < size:
        more = os.read(fd, min(size - got, 1 << 20))
        if not more:
            raise EOFError("slot pipe closed")
        parts.append(more)
        got += len(more)
    return parts[0] if len(parts) == 1 else b"".join(parts)


# --------------------------------------------------------------------------- worker side
def _serve_slot(store: Any, conn: Connection) -> None:
    from server.jobs import run_job

    fd = conn.fileno()
    while True:
        # Own frames and the C pickler: multiprocessing's ``send``/``recv`` build a
        # Python-level pickler per message and read a frame in two system calls.
        try:
            job = pickle.loads(recv_frame(fd))
        except (EOFError, OSError):
            os._exit(0)
        try:
            answer = run_job(store, job)
        except BaseException as exc:  # noqa: BLE001 - the slot must outlive any job
            answer = {"ok": False, "code": "internal", "message": "the job failed",
                      "detail": f"{type(exc).__name__}: {exc}"}
        try:
            send_frame(fd, pickle.dumps(answer, PICKLE_PROTOCOL))
        except (BrokenPipeError, OSError):
            os._exit(0)


def worker_main(path: str, slots: list[Connection], control: Connection,
                read_only: bool = False, offline: bool = False,
                urls: tuple[str | None, str | None] = (None, None)) -> None:
    """Entry point of a worker process: wait to be promoted, open the store, serve slots.

    Args:
        path: the store folder, or the query URL of a SPARQL 1.1 server
            (:class:`kg.graph.remote.RemoteStore`: every job becomes HTTP requests to it).
        slots: one pipe end per slot.
        control: the pipe the web process promotes (``"open"``) and watches us on.
        read_only: open the store read-only (the server accepts no writes).
        offline: give up network access before anything else (:mod:`server.sandbox`).
        urls: a server store's update and Graph Store URLs, when not guessed.
    """
    from kg.graph.remote import open_location
    from kg.graph.store import StoreLockedError
    from server.sandbox import deny_network

    # First, while this process has one thread; the filter covers threads started later.
    sandboxed = deny_network() if offline else False

    # Import now, while on standby, not when the first job comes.
    for module in PRELOAD:
        importlib.import_module(module)

    try:
        message = control.recv()
    except (EOFError, OSError):
        os._exit(0)
    if message != "open":
        os._exit(0)
    started = time.monotonic()
    while True:
        try:
            # a server store is not asked anything yet: a server that is down for a
            # while fails the jobs sent meanwhile, not the worker
            store = open_location(path, read_only=read_only, update_url=urls[0],
                                  graph_url=urls[1], check=False)
            break
        except StoreLockedError:
            if time.monotonic() - started > OPEN_RETRY_SECONDS:
                control.send(("failed", "store is locked by another process"))
                os._exit(1)
            time.sleep(0.01)
        except OSError as exc:
            control.send(("failed", str(exc)))
            os._exit(1)
    for conn in slots:
        threading.Thread(target=_serve_slot, args=(store, conn), daemon=True).start()
    control.send(("ready", (time.monotonic() - started, sandboxed)))
    with contextlib.suppress(EOFError, OSError):
        control.recv()  # returns only when the web process goes away
    store.flush()
    os._exit(0)


# --------------------------------------------------------------------------- web side
@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    slots: list[Connection]
    control: Connection
    free: list[int] = field(default_factory=list)
    #: one ``select.poll`` per slot, made once: waiting for an answer is one syscall
    pollers: list[Any] = field(default_factory=list)
    dead: bool = False
    #: killed because it went over ``memory_limit``, not because of a time limit
    over_memory: bool = False
    ready: threading.Event = field(default_factory=threading.Event)
    open_seconds: float | None = None
    failure: str | None = None
    #: jobs holding one of its slots; guarded by the pool's lock
    users: int = 0
    #: a thread waits on ``control`` for the worker's "ready"
    promoting: bool = False


@dataclass
class PoolStats:
    """What the pool has done, for ``/api/status`` and the benchmark."""

    restarts: int = 0
    timeouts: int = 0
    #: read jobs re-sent because their worker died under them
    retries: int = 0
    #: seconds from killing a worker to its successor having the store open
    last_restart_seconds: float | None = None
    #: seconds the current worker took to open the store
    open_seconds: float | None = None
    #: the current worker cannot open network sockets (:mod:`server.sandbox`)
    offline: bool = False
    #: workers stopped for going over ``memory_limit``
    memory_stops: int = 0
    #: largest worker memory seen while jobs ran, in bytes
    peak_memory: int = 0
    #: jobs refused because their client held its share of the slots
    client_refusals: int = 0
    #: writes whose worker died under them, and whose outcome was checked
    write_checks: int = 0
    #: marks of answered writes not yet removed (their removal was interrupted)
    marks_to_remove: int = 0


class WorkerPool:
    """Runs jobs in a killable worker process that owns the store.

    Args:
        store_path: the store folder, or the query URL of a SPARQL 1.1 server (the
            worker then forwards every job to it over HTTP; killing the worker drops
            the connection of a request that ran too long).
        slots: most jobs running at once (``max_concurrent_queries``).
        timeout: seconds a job may run before the worker is killed.
        queue_wait: seconds a job may wait for a free slot before ``Busy``.
        read_only: the worker opens the store read-only (a server that takes no writes;
            the caller keeps writers out with :func:`kg.graph.store.hold_readers_lock`);
            otherwise read-write, as its one owner.
        offline: workers run without network access (:mod:`server.sandbox`): set
            when no ``SERVICE`` endpoint is allowed.
        client_slots: most slots one client (:func:`serving_client`) may hold at once;
            0: one fewer than ``slots`` (at least one).
        memory_limit: bytes of resident memory the worker may use while jobs run;
            over it, the worker is stopped and its jobs are answered ``503
            memory_limit``. 0: no limit.
        urls: a server store's update and Graph Store URLs (``None``: guessed).
    """

    def __init__(self, store_path: str | Path, *, slots: int, timeout: float,
                 queue_wait: float = 5.0, read_only: bool = False,
                 offline: bool = True, client_slots: int = 0,
                 memory_limit: int = 0,
                 urls: tuple[str | None, str | None] = (None, None)) -> None:
        self.store_path = str(store_path)
        self.urls = urls
        self.read_only = read_only
        self.offline = offline
        self.memory_limit = memory_limit
        self.slot_count = max(1, slots)
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.stats = PoolStats()
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._admission = threading.BoundedSemaphore(self.slot_count)
        self.client_slots = client_slots if client_slots > 0 else max(1, self.slot_count - 1)
        #: slots held per client, guarded by ``_clients``
        self._held: dict[str, int] = {}
        self._clients = threading.Condition()
        self._closed = False
        #: counts the write jobs run; an answer remembered at another count is stale
        self.generation = 0
        self._remembered: dict[Any, tuple[int, Answer]] = {}
        #: ids of writes whose outcome is known but whose mark is still in the store
        self._marks_to_remove: list[str] = []
        self._current = self._spawn()
        self._promote(self._current)
        self._standby: _Worker | None = self._spawn()
        if memory_limit > 0:
            threading.Thread(target=self._watch_memory, daemon=True,
                             name="kg-worker-memory").start()

    def _watch_memory(self) -> None:
        """Stop the worker when its resident memory goes over ``memory_limit``.

        pyoxigraph cannot bound the memory of a query (a sort or a join materializes
        its input), so the worker's size is looked at every :data:`MEMORY_INTERVAL`
        seconds while it runs jobs, and a worker over the limit is stopped like a
        runaway one.
        """
        while not self._closed:
            time.sleep(MEMORY_INTERVAL)
            worker = self._current
            if worker.dead or len(worker.free) == self.slot_count:
                continue
            size = resident_bytes(worker.process.pid or 0)
            if size is None:
                continue
            self.stats.peak_memory = max(self.stats.peak_memory, size)
            if size > self.memory_limit:
                log.warning("query worker at %d MB, over memory_limit (%d MB): stopping it",
                            size >> 20, self.memory_limit >> 20)
                worker.over_memory = True
                self.stats.memory_stops += 1
                self.restart(worker)

    # --- process management
    def _spawn(self) -> _Worker:
        pairs = [self._context.Pipe() for _ in range(self.slot_count)]
        control_parent, control_child = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(self.store_path, [child for _, child in pairs], control_child,
                  self.read_only, self.offline, self.urls),
            name="kg-query-worker", daemon=True)
        process.start()
        control_child.close()
        for _, child in pairs:
            child.close()
        slots = [parent for parent, _ in pairs]
        pollers = []
        for conn in slots:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN)
            pollers.append(poller)
        return _Worker(process, slots, control_parent, free=list(range(self.slot_count)),
                       pollers=pollers)

    def _promote(self, worker: _Worker, killed_at: float | None = None) -> None:
        worker.control.send("open")
        worker.promoting = True

        def wait_ready() -> None:
            try:
                status, detail = worker.control.recv()
            except (EOFError, OSError, TypeError):  # TypeError: the pipe closed under recv
                status, detail = "failed", "worker exited"
            if status == "ready":
                seconds, sandboxed = detail
                worker.open_seconds = float(seconds)
                self.stats.open_seconds = worker.open_seconds
                self.stats.offline = bool(sandboxed)
                if self.offline and not sandboxed:
                    log.warning("the query worker could not drop its network access "
                                "(%s); only the SERVICE/LOAD policy guards it",
                                "no seccomp on this platform" if not sandbox_supported()
                                else "the kernel refused the filter")
                if killed_at is not None:
                    self.stats.last_restart_seconds = time.monotonic() - killed_at
            else:
                worker.failure = str(detail)
                log.error("query worker could not open the store: %s", detail)
            worker.ready.set()
            with self._lock:
                worker.promoting = False
                self._close_pipes_if_unused(worker)

        threading.Thread(target=wait_ready, daemon=True, name="kg-worker-ready").start()

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until the current worker has the store open; ``False`` if it failed."""
        worker = self._current
        worker.ready.wait(timeout)
        return worker.ready.is_set() and worker.failure is None

    def _kill(self, worker: _Worker) -> None:
        """Stop ``worker``; its pipes are closed once no thread uses them (call under the lock)."""
        worker.dead = True
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        self._close_pipes_if_unused(worker)

    @staticmethod
    def _close_pipes_if_unused(worker: _Worker) -> None:
        """Close a dead worker's pipes when no job holds a slot and no thread reads ``control``.

        Not before: a thread still sending to or reading from a slot holds the pipe's
        file descriptor *number*. Closed under it, the number is soon given to a pipe of
        the next worker, and that thread would send its job to, or read an answer from,
        a slot another job is using (a write could then be answered with another job's
        answer). Reads and writes on the pipes of a dead worker fail cleanly (end of
        file, broken pipe) for as long as they stay open.
        """
        if not worker.dead or worker.users or worker.promoting:
            return
        for conn in (*worker.slots, worker.control):
            conn.close()

    def busy_slots(self) -> int:
        """Jobs running on the current worker right now."""
        with self._lock:
            return self.slot_count - len(self._current.free)

    def restart(self, worker: _Worker | None = None) -> None:
        """Kill ``worker`` (default: the current one, if it still is) and promote the standby."""
        with self._lock:
            worker = worker or self._current
            if worker is not self._current or self._closed:
                return
            killed_at = time.monotonic()
            self._kill(worker)
            successor = self._standby if self._standby is not None else self._spawn()
            self._standby = None
            self._current = successor
            self.stats.restarts += 1
            self._promote(successor, killed_at)

        def refill() -> None:
            spare = self._spawn()
            with self._lock:
                if self._closed or self._standby is not None:
                    self._kill(spare)
                else:
                    self._standby = spare

        threading.Thread(target=refill, daemon=True, name="kg-worker-spawn").start()

    def close(self) -> None:
        """Stop the worker processes (the current one flushes the store first)."""
        with self._lock:
            self._closed = True
            workers = [w for w in (self._current, self._standby) if w is not None]
        for worker in workers:
            worker.dead = True
            with contextlib.suppress(OSError):
                worker.control.close()
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)

    # --- running jobs
    def _checkout(self) -> tuple[_Worker, int]:
        with self._lock:
            worker = self._current
            worker.users += 1
            return worker, worker.free.pop()

    def _checkin(self, worker: _Worker, slot: int) -> None:
        with self._lock:
            worker.users -= 1
            if not worker.dead:
                worker.free.append(slot)
            else:
                self._close_pipes_if_unused(worker)

    def run(self, job: Job, *, timeout: float | None = None) -> Answer:
        """Run one job and return the worker's answer.

        Args:
            job: the job dict (see :mod:`server.jobs`).
            timeout: seconds before the worker is killed (default: the pool's).

        Raises:
            Busy: no slot came free within ``queue_wait`` seconds.
            QueryTimeout: the job ran too long and was stopped.
            Interrupted: the worker died under a write job (or twice under a read).
        """
        limit = self.timeout if timeout is None else timeout
        client = current_client()
        if client is not None:
            self._take_client_slot(client)
        try:
            return self._run_admitted(job, limit)
        finally:
            self._release_client(client)

    def _take_client_slot(self, client: str) -> None:
        """Wait (up to ``queue_wait``) until ``client`` holds fewer than its share of slots.

        Raises:
            TooManyRequests: the client's jobs held its share all that time.
        """
        if not self._hold_client(client, self.queue_wait):
            self.stats.client_refusals += 1
            raise TooManyRequests(
                f"this client already runs {self.client_slots} queries at once, its "
                f"share of the {self.slot_count} slots (setting client_query_slots); "
                "wait for one to finish", headers={"Retry-After": "1"})

    def _hold_client(self, client: str, wait: float) -> bool:
        """Count a slot for ``client`` once it is under its share (``False``: not in time)."""
        with self._clients:
            if not self._clients.wait_for(
                    lambda: self._held.get(client, 0) < self.client_slots, wait):
                return False
            self._held[client] = self._held.get(client, 0) + 1
            return True

    def _run_admitted(self, job: Job, limit: float) -> Answer:
        if not self._admission.acquire(timeout=self.queue_wait):
            raise Busy(f"all {self.slot_count} query slots are busy; try again shortly",
                       headers={"Retry-After": "1"})
        writes = job.get("kind") in WRITE_JOBS
        if job.get("kind") == "update":
            # recorded by the update's own transaction, to tell afterwards if it was applied
            job = {**job, "write_id": uuid.uuid4().hex}
        crashes = 0
        try:
            attempts = 2 if job.get("kind") in READ_ONLY_JOBS else 1
            spent = 0.0  # a re-sent read gets what is left of its time limit
            for attempt in range(attempts):
                if attempt:
                    self.stats.retries += 1
                worker, slot = self._checkout()
                try:
                    answer = self._run_on(worker, slot, job, limit, spent)
                    if answer.get("ok") and job.get("write_id"):
                        self._forget_write(worker, slot, job["write_id"])
                    return answer
                except QueryTimeout as stopped:
                    if not writes:
                        raise
                    # it may have committed just before it was stopped: say which
                    return self._stopped_write(job, stopped)
                except _WorkerGone as gone:
                    crashes += gone.crashed
                    if writes:
                        return self._write_outcome(job)
                    if worker.over_memory:
                        raise self._memory_error() from None
                    spent += gone.seconds
                    continue
                finally:
                    self._checkin(worker, slot)
            if crashes == attempts:
                raise ApiError("the query engine stopped twice while running this request, "
                               "so it is likely this query that makes it fail (for example, "
                               "ORDER BY over values of mixed kinds); sending it again will "
                               "not help", status=500, code="engine_failure",
                               hint="change the query (e.g. ORDER BY STR(?x))")
            raise Interrupted("the query worker restarted while this request ran; "
                              "send it again", headers={"Retry-After": "1"})
        finally:
            if writes:  # done, failed or stopped: remembered answers may be stale
                with self._lock:
                    self.generation += 1
            self._admission.release()

    # --- the same, on an event loop (the common query, answered without a thread)
    async def run_async(self, job: Job, *, client: str | None = None) -> Answer:
        """:meth:`run` for a read job, awaiting the worker's answer on the running loop.

        When a slot is free at once (and ``client`` is under its share), the job is
        sent and its answer awaited without a thread: the loop watches the slot's
        pipe. Otherwise — slots busy, a worker starting, or the worker died under the
        job — it falls back to :meth:`run` in a thread, which waits, retries and
        words errors as always. The time limit is the same.

        Raises:
            the errors of :meth:`run`.
        """
        if job.get("kind") not in READ_ONLY_JOBS or not self._admit_now(client):
            return await asyncio.to_thread(self._run_for, client, job)
        worker, slot = self._checkout()
        fd = worker.slots[slot].fileno()
        loop = asyncio.get_running_loop()
        settled = False  # the slot owes no answer: it can take the next job
        try:
            try:
                answer = await self._exchange(loop, worker, fd, job)
            except (EOFError, OSError):
                self.restart(worker)
                if worker.over_memory:
                    raise self._memory_error() from None
                answer = None
            settled = True
        finally:
            if settled or worker.dead:
                self._checkin(worker, slot)
                self._admission.release()
                self._release_client(client)
            else:
                # Given up (the task was cancelled) while the worker still runs the job:
                # its answer will arrive on this slot's pipe, and the next job sent
                # there would read it as its own. The slot is kept until it is read.
                threading.Thread(target=self._settle, args=(worker, slot, client),
                                 daemon=True, name="kg-slot-settle").start()
        if answer is None:  # the worker died under it: retried the usual way
            self.stats.retries += 1
            return await asyncio.to_thread(self._run_for, client, job)
        return answer

    async def _exchange(self, loop: asyncio.AbstractEventLoop, worker: _Worker, fd: int,
                        job: Job) -> Answer:
        send_frame(fd, pickle.dumps(job, PICKLE_PROTOCOL))
        # the answer's pipe becoming readable, or the time limit, whichever comes first
        # (a timer, not asyncio.wait_for: no task per request)
        waiter: asyncio.Future[bool] = loop.create_future()

        def wake(answered: bool) -> None:
            if not waiter.done():
                waiter.set_result(answered)

        loop.add_reader(fd, wake, True)
        timer = loop.call_later(self.timeout, wake, False)
        try:
            answered = await waiter
        finally:
            timer.cancel()
            loop.remove_reader(fd)
        if not answered:
            self.stats.timeouts += 1
            self.restart(worker)
            raise QueryTimeout(f"the query was stopped after {self.timeout:.1f} s (limit "
                               f"{self.timeout:g} s, setting query_timeout)",
                               hint="narrow the query, add LIMIT, or ask the operator for "
                                    "a longer query_timeout")
        return pickle.loads(recv_frame(fd))  # type: ignore[no-any-return]

    def _settle(self, worker: _Worker, slot: int, client: str | None) -> None:
        """Read and drop the answer of a job given up on ``slot``, then free the slot.

        The job keeps its slot (and its client's share) until then; if no answer comes
        within the time limit, the worker is stopped as for any runaway job.
        """
        try:
            if worker.pollers[slot].poll(self.timeout * 1000):
                recv_frame(worker.slots[slot].fileno())
            else:
                self.stats.timeouts += 1
                self.restart(worker)
        except (EOFError, OSError):
            self.restart(worker)
        finally:
            self._checkin(worker, slot)
            self._admission.release()
            self._release_client(client)

    def _admit_now(self, client: str | None) -> bool:
        """Take a slot (and one of ``client``'s share) if free right now, on a ready worker."""
        if client is not None and not self._hold_client(client, 0):
            return False
        worker = self._current
        if worker.ready.is_set() and not worker.dead and worker.failure is None \
                and self._admission.acquire(blocking=False):
            return True
        self._release_client(client)
        return False

    def _release_client(self, client: str | None) -> None:
        if client is None:
            return
        with self._clients:
            self._held[client] -= 1
            if not self._held[client]:
                del self._held[client]
            self._clients.notify_all()

    def _run_for(self, client: str | None, job: Job) -> Answer:
        with serving_client(client):
            return self.run(job)

    def _memory_error(self) -> MemoryLimit:
        return MemoryLimit(
            f"the query worker went over its memory limit ({self.memory_limit >> 20} MB, "
            "setting query_memory_limit) while this request ran, and was restarted",
            hint="narrow the query (fewer rows to sort, join or group), add LIMIT, or ask "
                 "the operator for a larger query_memory_limit", headers={"Retry-After": "1"})

    def _write_outcome(self, job: Job) -> Answer:
        """After the worker died under ``job`` (a write): was it applied? Ask the new worker.

        Returns:
            The write's normal answer, when it was applied.

        Raises:
            Interrupted: it was not applied (nothing changed), only partly (some of a
                batch's graphs), or its outcome could not be checked; the message says which.
        """
        self.stats.write_checks += 1
        worker, slot = self._checkout()
        try:
            outcome = self._run_on(worker, slot, {"kind": "write_outcome", "write": job},
                                   self.timeout)
            if outcome.get("ok") and outcome.get("applied") and job.get("write_id"):
                self._forget_write(worker, slot, job["write_id"])
        except (_WorkerGone, QueryTimeout):
            outcome = {"ok": False}
        finally:
            self._checkin(worker, slot)
        if not outcome.get("ok"):
            how = "look at the data before sending it again"
            if job.get("write_id"):
                how = (f"the statement <{WRITES_GRAPH}:{job['write_id']}> in graph "
                       f"<{WRITES_GRAPH}> is there exactly if it was applied")
            raise Interrupted("the query worker stopped while this write ran, and whether it "
                              f"was applied could not be checked: {how}",
                              code="outcome_unknown", headers={"Retry-After": "1"})
        applied, total = outcome["applied"], outcome["total"]
        log.warning("worker stopped under a %s job; %d of %d parts had been applied",
                    job.get("kind"), applied, total)
        if applied == total:
            return dict(outcome["answer"])
        if applied == 0:
            raise Interrupted("the query worker stopped before this write was applied: "
                              "nothing was changed; send it again", code="not_applied",
                              headers={"Retry-After": "1"})
        raise Interrupted(f"the query worker stopped while this write ran: {applied} of "
                          f"{total} graphs had been written; send it again (each graph is "
                          "replaced, so that is safe)", code="partly_applied",
                          headers={"Retry-After": "1"})

    def _forget_write(self, worker: _Worker, slot: int, write_id: str) -> None:
        """Have the mark of a write whose outcome this process now knows removed.

        Only the web process removes marks, once it has the write's answer: a worker
        killed between removing a mark and sending its answer would otherwise leave an
        applied write looking as if it had not been. Marks that could not be removed
        (the worker stopped first) go with the next removal; until then they stay in
        the graph (``PoolStats.marks_to_remove`` counts them).
        """
        with self._lock:
            write_ids = [*self._marks_to_remove, write_id]
            self._marks_to_remove = []
        try:
            answer = self._run_on(worker, slot, {"kind": "forget_writes",
                                                 "write_ids": write_ids}, self.timeout)
            if answer.get("ok"):
                write_ids = []
        except (_WorkerGone, ApiError):
            pass
        with self._lock:
            self._marks_to_remove.extend(write_ids)
            self.stats.marks_to_remove = len(self._marks_to_remove)

    def _stopped_write(self, job: Job, stopped: QueryTimeout) -> Answer:
        """A write stopped at its time limit: its answer if it was applied after all.

        Raises:
            QueryTimeout: it was not applied (the message says nothing was changed).
            Interrupted: its outcome could not be checked, or only part was applied.
        """
        try:
            return self._write_outcome(job)
        except Interrupted as exc:
            if exc.code != "not_applied":
                raise
        raise QueryTimeout(stopped.message + "; nothing was changed", hint=stopped.hint,
                           headers=stopped.headers) from None

    def run_remembered(self, key: Any, job: Job) -> Answer:
        """:meth:`run`, with the answer remembered until the next write job.

        For answers that are costly and only change with the data, such as the VoID
        description (seconds on a large store, for any client that asks). A read-only
        server never writes, so it computes them once per process. Failed answers are
        not remembered.
        """
        with self._lock:
            generation = self.generation
            hit = self._remembered.get(key)
        if hit is not None and hit[0] == generation:
            return hit[1]
        answer = self.run(job)
        if answer.get("ok"):
            with self._lock:
                if len(self._remembered) >= REMEMBERED_ANSWERS:
                    self._remembered.clear()
                # remembered under the count read before it ran: a write that finished
                # meanwhile has already made it stale
                self._remembered[key] = (generation, answer)
        return answer

    def _run_on(self, worker: _Worker, slot: int, job: Job, limit: float,
                spent: float = 0.0) -> Answer:
        if not worker.ready.wait(OPEN_RETRY_SECONDS + 5):
            raise ApiError("the store is not available yet", status=503, code="starting")
        if worker.dead:  # killed (for another job) before it was ready
            raise _WorkerGone(0.0)
        if worker.failure is not None:
            raise ApiError("the store could not be opened; see the server log", status=503,
                           code="store_unavailable")
        if spent >= limit:  # its first worker died just as its time ran out
            self.stats.timeouts += 1
            raise QueryTimeout(f"the query was stopped after {spent:.1f} s (limit {limit:g} s, "
                               "setting query_timeout)")
        conn = worker.slots[slot]
        poller = worker.pollers[slot]
        started = time.monotonic()
        try:
            send_frame(conn.fileno(), pickle.dumps(job, PICKLE_PROTOCOL))
            deadline = started + max(0.0, limit - spent)
            while True:
                # Wake up now and then: a worker killed for another job must be noticed
                # even if its end of the pipe is not seen to close. (A closed end wakes
                # the poll too; ``recv_frame`` then raises ``EOFError``.)
                wait = max(0.0, min(deadline - time.monotonic(), WATCH_INTERVAL))
                if poller.poll(wait * 1000):
                    return pickle.loads(recv_frame(conn.fileno()))  # type: ignore[no-any-return]
                if worker.dead or not worker.process.is_alive():
                    raise EOFError("worker gone")
                if time.monotonic() >= deadline:
                    break
        except (EOFError, OSError, BrokenPipeError):
            crashed = not worker.dead  # not stopped by this process: it failed by itself
            self.restart(worker)
            raise _WorkerGone(time.monotonic() - started, crashed) from None
        # still running after the limit: stop it the only way there is
        self.stats.timeouts += 1
        self.restart(worker)
        elapsed = spent + time.monotonic() - started
        raise QueryTimeout(f"the query was stopped after {elapsed:.1f} s (limit "
                           f"{limit:g} s, setting query_timeout)",
                           hint="narrow the query, add LIMIT, or ask the operator for a "
                                "longer query_timeout")


class MemoryLimit(ApiError):
    """The worker went over ``query_memory_limit`` while the request ran, and was stopped."""

    status = 503
    code = "memory_limit"


class _WorkerGone(Exception):
    """The worker a job was sent to died (killed for another job, or crashed)."""

    def __init__(self, seconds: float, crashed: bool = False) -> None:
        super().__init__(f"worker gone after {seconds:.2f} s")
        #: how long the job had run before its worker died
        self.seconds = seconds
        #: the worker died by itself (an engine fault), not killed by the pool
        self.crashed = crashed


def run_checked(pool: WorkerPool, job: Job, *,
                errors: dict[str, Callable[[str], ApiError]],
                timeout: float | None = None) -> Answer:
    """Run a job and turn a failed answer into the matching :class:`ApiError`.

    Args:
        pool: the worker pool.
        job: the job.
        errors: error class (or factory) by answer ``code``.
        timeout: seconds before the worker is killed (default: the pool's).

    Raises:
        ApiError: the answer was not ``ok``.
    """
    return checked(job, pool.run(job, timeout=timeout), errors=errors)


def checked(job: Job, answer: Answer, *,
            errors: dict[str, Callable[[str], ApiError]]) -> Answer:
    """``answer`` if it is ``ok``; otherwise raise the :class:`ApiError` its ``code`` maps to.

    Raises:
        ApiError: the answer was not ``ok``.
    """
    if not answer.get("ok"):
        if answer.get("detail"):
            log.error("store error on %s job: %s", job.get("kind"), answer["detail"])
        factory = errors.get(answer.get("code", ""))
        if factory is None:
            raise ApiError(answer.get("message", "the request failed"), status=500,
                           code=answer.get("code", "internal"))
        raise factory(answer.get("message", ""))
    return answer
