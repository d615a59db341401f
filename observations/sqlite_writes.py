"""SQLite's writers take turns in a queue instead of sleeping on the database lock.

SQLite lets one connection write at a time. A connection that finds the lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 ms… between tries: under
concurrent syncs the lock is free much of the time a waiter sleeps, and the cores idle
(bench/load.py with 50 phones: a quarter of the CPU idle, a p99 twice as long).

Here a connection that is about to begin a write transaction first takes its process's
writer lock and then an exclusive `flock` on a file beside the database, and gives both back
when the transaction ends: writers of one process queue on a lock that wakes the next at
once, and one waiter per process tries the flock every 0.2–1 ms. Reads take nothing (WAL
lets them run beside the writer). A turn not had within the busy timeout is given up, and
the connection goes on to SQLite's own busy handling as before, so nothing waits for ever:
the lock is a queue in front of SQLite's, not a replacement for it.

Installed on file databases through the driver's `factory` argument (config.derived), so
every connection of the app, the ORM's and Core's alike, takes its turn.

Checkpoints, which copy the write-ahead log back into the database file, are moved out of
the turn. SQLite runs one inside the commit that takes the log past 1000 pages, with two
fsyncs, and the turn is held until the commit returns: every other writer waited for the
disk (one commit in a hundred took 6 ms instead of 0.1). These connections turn SQLite's
automatic checkpoint off and run the same passive checkpoint themselves after every
CHECKPOINT_EVERY-th write transaction of their process, once the turn is given back: it
waits for no reader or writer, and a process that finds another checkpointing leaves it.
"""

import fcntl
import logging
import os
import sqlite3
import threading
import time

logger = logging.getLogger(__name__)
# pysqlite begins a transaction before these statements, and only these (Python 3.11's
# legacy transaction control); the turn is taken there.
_BEGINS_WRITE = ("insert", "update", "delete", "replace")
# How long a writer waits for its turn before it leaves the waiting to SQLite.
TURN_SECONDS = 10.0
# Between tries for another process's turn: short, since only one thread per process tries.
_POLL_SECONDS = (0.0002, 0.0005, 0.001)
# Write transactions of a process between its checkpoints. Each process counts its own, but
# a checkpoint copies what all of them wrote, so the log is checkpointed every
# CHECKPOINT_EVERY write transactions whatever the number of processes. A sync writes some
# 20 pages (bench/load.py's mix, measured): about SQLite's default of 1000 pages. At 8, a
# checkpoint came every 160 pages, and its two fsyncs and the pages written again and again
# cost a sync 0.2 ms instead of 0.1 (measured in one process).
CHECKPOINT_EVERY = 50


class _Turns:
    """The writer turns of one database file, in this process."""

    def __init__(self, path: str):
        self.path = path + "-writer"
        self.pid = None
        self.lock = threading.Lock()
        self.fd = None
        self.writes = 0  # this process's write transactions since its last checkpoint

    def _for_this_process(self) -> bool:
        """After a fork, a lock and an open file of this process's own (an inherited lock
        may be held by a thread that did not come along, and an inherited descriptor would
        share the parent's flock). False if the lock file cannot be opened."""
        if self.pid != os.getpid():
            with _turns_lock:
                if self.pid != os.getpid():
                    try:
                        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                    except OSError as error:
                        logger.warning("SQLite writers wait in SQLite's busy handler: %s", error)
                        self.fd = None
                    self.lock = threading.Lock()
                    self.pid = os.getpid()
        return self.fd is not None

    def take(self) -> bool:
        """Take this process's turn, then the file's; False (holding nothing) on time-out."""
        if not self._for_this_process():
            return False
        deadline = time.monotonic() + TURN_SECONDS
        if not self.lock.acquire(timeout=TURN_SECONDS):
            return False
        try:
            tries = 0
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        self.lock.release()
                        return False
                    time.sleep(_POLL_SECONDS[min(tries, len(_POLL_SECONDS) - 1)])
                    tries += 1
        except BaseException:
            self.lock.release()
            raise

    def give(self) -> None:
        """Give back the file's turn and this process's."""
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.lock.release()

    def checkpoint_due(self) -> bool:
        """Count a write transaction of this process; True at every CHECKPOINT_EVERY-th."""
        self.writes += 1  # not exact across threads, and need not be
        if self.writes < CHECKPOINT_EVERY:
            return False
        self.writes = 0
        return True


_turns: dict[str, _Turns] = {}
_turns_lock = threading.Lock()


def _turns_of(path: str) -> _Turns:
    with _turns_lock:
        if path not in _turns:
            _turns[path] = _Turns(path)
        return _turns[path]


def _begins_write(statement: str) -> bool:
    return statement.lstrip()[:7].lower().startswith(_BEGINS_WRITE)


class Cursor(sqlite3.Cursor):
    """A cursor that takes its connection's turn before the statement that begins a write."""

    def _in_turn(self, run, statement, args):
        self.connection._before(statement)
        try:
            return run(statement, *args)
        finally:
            self.connection._after()

    def execute(self, statement, *args):
        return self._in_turn(super().execute, statement, args)

    def executemany(self, statement, *args):
        return self._in_turn(super().executemany, statement, args)


class Connection(sqlite3.Connection):
    """A connection whose write transactions take turns (see the module's text)."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        path = os.fspath(database)
        self._turns = (
            None
            if path == ":memory:" or path.startswith("file:")
            else _turns_of(os.path.abspath(path))
        )
        self._holding = None  # the process that holds this connection's turn
        if self._turns is not None:
            super().execute("PRAGMA wal_autocheckpoint=0")  # commit() checkpoints instead

    def cursor(self, factory=Cursor):
        return super().cursor(factory)

    # The shortcuts run their statement in C, past the cursor's methods: route them through.
    def execute(self, statement, *args):
        return self.cursor().execute(statement, *args)

    def executemany(self, statement, *args):
        return self.cursor().executemany(statement, *args)

    def _before(self, statement: str) -> None:
        if (
            self._turns is not None
            and not self._holding
            and not self.in_transaction
            and _begins_write(statement)
        ):
            self._holding = os.getpid() if self._turns.take() else None

    def _after(self) -> None:
        # A statement that began no transaction (it failed, or wrote in autocommit mode)
        # leaves nothing to wait for.
        if self._holding and not self.in_transaction:
            self._give()

    def _give(self) -> None:
        # A connection carried over a fork (which SQLite forbids) gives nothing back there.
        if self._holding == os.getpid():
            self._turns.give()
        self._holding = None

    def commit(self):
        wrote = self._holding == os.getpid()
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self._give()
        if wrote and self._turns.checkpoint_due():
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy what the log holds back into the database file, as SQLite's automatic
        checkpoint does (PASSIVE: it waits for nobody), outside the turn."""
        try:
            super().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError as error:  # another process is checkpointing
            logger.debug("SQLite checkpoint skipped: %s", error)

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._give()

    def close(self):
        try:
            super().close()
        finally:
            self._give()
