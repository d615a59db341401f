"""SQLite's writers take turns (observations/sqlite_writes.py)."""

import fcntl
import os
import sqlite3
import threading
import time

import pytest

from observations import create_app, sqlite_writes
from observations.extensions import db


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "turns.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    return path


def connect(path, **kwargs):
    return sqlite3.connect(path, factory=sqlite_writes.Connection, **kwargs)


def turn_is_free(path) -> bool:
    """Whether another process could take the file's turn now (a descriptor of its own)."""
    fd = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_write_transaction_holds_the_turn_until_it_commits(path):
    writer = connect(path)
    writer.execute("SELECT count(*) FROM t").fetchone()
    assert turn_is_free(path), "a read takes no turn"
    writer.execute("INSERT INTO t VALUES (1)")
    assert not turn_is_free(path)
    writer.execute("SELECT count(*) FROM t").fetchone()
    assert not turn_is_free(path), "the turn lasts the whole transaction"
    writer.commit()
    assert turn_is_free(path)
    writer.close()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_and_close_give_the_turn_back(path, end):
    writer = connect(path)
    writer.cursor().executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
    assert not turn_is_free(path)
    getattr(writer, end)()
    assert turn_is_free(path)


def test_a_failed_statement_or_an_autocommitted_write_keeps_no_turn(path):
    writer = connect(path)
    with pytest.raises(sqlite3.OperationalError):
        writer.execute("INSERT INTO nowhere VALUES (1)")
    assert turn_is_free(path)
    autocommit = connect(path, isolation_level=None)
    autocommit.execute("INSERT INTO t VALUES (1)")
    assert turn_is_free(path)
    writer.close()
    autocommit.close()


def test_a_second_writer_waits_for_the_turn_and_then_writes(path):
    first, second = connect(path), connect(path, check_same_thread=False)
    first.execute("INSERT INTO t VALUES (1)")
    done = {}

    def write_second():
        done["started"] = time.monotonic()
        second.execute("INSERT INTO t VALUES (2)")
        done["wrote"] = time.monotonic()
        second.commit()

    thread = threading.Thread(target=write_second)
    thread.start()
    # The second waits for its turn, not in SQLite's busy handler: it has not written.
    deadline = time.monotonic() + 5
    while "started" not in done and time.monotonic() < deadline:
        time.sleep(0.01)
    thread.join(timeout=0.3)
    assert thread.is_alive() and "wrote" not in done
    committed = time.monotonic()
    first.commit()
    thread.join(timeout=10)
    assert "wrote" in done and done["wrote"] >= committed
    assert first.execute("SELECT count(*) FROM t").fetchone() == (2,)
    first.close()
    second.close()


def test_a_turn_not_had_in_time_is_left_to_sqlites_own_waiting(path, monkeypatch):
    """Nothing waits for ever: past TURN_SECONDS the writer goes on, and SQLite's busy
    timeout answers as it always did."""
    monkeypatch.setattr(sqlite_writes, "TURN_SECONDS", 0.2)
    holder = connect(path)
    holder.execute("INSERT INTO t VALUES (1)")
    late = connect(path, timeout=0.2, check_same_thread=False)
    outcome = {}

    def write_late():
        try:
            late.execute("INSERT INTO t VALUES (2)")
        except sqlite3.OperationalError as error:
            outcome["error"] = str(error)

    thread = threading.Thread(target=write_late)
    thread.start()
    thread.join(timeout=10)
    assert outcome == {"error": "database is locked"}
    holder.commit()
    late.execute("INSERT INTO t VALUES (3)")
    late.commit()
    assert turn_is_free(path)
    holder.close()
    late.close()


def test_the_app_queues_its_sqlite_writers_and_not_in_memory_or_postgresql(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/app.db",
        }
    )
    with app.app_context():
        raw = db.engine.raw_connection()
        assert isinstance(raw.driver_connection, sqlite_writes.Connection)
        raw.close()
    memory = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with memory.app_context():
        raw = db.engine.raw_connection()
        assert raw.driver_connection._turns is None
        raw.close()
    postgres = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/x"}
    )
    assert "connect_args" not in postgres.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_a_forked_process_takes_turns_of_its_own(path):
    """A child forked while its parent holds the turn neither inherits the held lock (it
    would wait out the time-out) nor shares the parent's flock: it waits for the parent.
    (The turns alone: SQLite's own connections must not cross a fork.)"""
    turns = sqlite_writes._turns_of(str(path))
    assert turns.take()
    child = os.fork()
    if child == 0:  # pragma: no cover (runs in the child)
        code = 1
        try:
            started = time.monotonic()
            code = 0 if turns.take() else 3
            turns.give()
            if time.monotonic() - started > sqlite_writes.TURN_SECONDS / 2:
                code = 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        assert os.waitpid(child, os.WNOHANG) == (0, 0), "the child took the parent's turn"
        time.sleep(0.02)
    turns.give()
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert turn_is_free(path)


def test_without_a_lock_file_writers_fall_back_to_sqlites_waiting(tmp_path, caplog):
    path = tmp_path / "blocked.db"
    (tmp_path / "blocked.db-writer").mkdir()  # the lock file cannot be opened
    writer = connect(path)
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.execute("INSERT INTO t VALUES (1)")
    writer.commit()
    assert writer.execute("SELECT n FROM t").fetchall() == [(1,)]
    assert "busy handler" in caplog.text
    writer.close()


def test_checkpoints_run_every_few_writes_after_the_turn_is_given_back(path, monkeypatch):
    monkeypatch.setattr(sqlite_writes, "CHECKPOINT_EVERY", 3)
    turn_free_at_checkpoint = []
    checkpoint = sqlite_writes.Connection._checkpoint

    def watched(self):
        turn_free_at_checkpoint.append(turn_is_free(path))
        checkpoint(self)

    monkeypatch.setattr(sqlite_writes.Connection, "_checkpoint", watched)
    connection = connect(path)
    assert connection.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
    size = os.path.getsize(path)
    for _ in range(2):
        connection.execute("INSERT INTO t VALUES (?)", (b"x" * 20_000,))
        connection.commit()
    connection.execute("SELECT count(*) FROM t").fetchall()
    connection.commit()  # a commit that wrote nothing counts for nothing
    assert os.path.getsize(path) == size, "the log holds the writes until a checkpoint"
    assert turn_free_at_checkpoint == []
    connection.execute("INSERT INTO t VALUES (?)", (b"x" * 20_000,))
    connection.commit()
    assert turn_free_at_checkpoint == [True], "one checkpoint, after the turn was given back"
    assert os.path.getsize(path) > size + 60_000, "the log's pages are in the database file"
    connection.close()
