"""The web process closes forgotten sessions by itself; the switch; the CLI command."""

import threading

import pytest

from observations import periodic
from observations.extensions import db
from tests.conftest import make_app
from tests.forgotten.conftest import send, stored


def wait_for(predicate, timeout: float = 15) -> bool:
    """Wait until predicate() holds (checked every few milliseconds) or the time is up."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return True
        pause.wait(0.01)
    return predicate()


def test_the_loop_runs_its_job_again_and_again_and_survives_errors():
    calls = []

    def job():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("a database hiccup")

    loop = periodic.Every("test", job, lambda: 0.01).start()
    try:
        assert wait_for(lambda: len(calls) >= 4), "an error in one run stops no later run"
    finally:
        loop.stop()
    assert not loop.thread.is_alive()


def test_stop_ends_a_long_wait_at_once():
    loop = periodic.Every("test", lambda: None, lambda: 3600).start()
    assert wait_for(lambda: loop.runs == 1)
    loop.stop(timeout=5)
    assert not loop.thread.is_alive()


def test_the_started_loop_closes_forgotten_sessions(app, field):
    app.config["REVIEW_THRESHOLDS"] = {"max_unplanned_hours": 1}
    session = field.session()
    send(field, session)
    db.session.remove()
    loop = periodic.start(app)
    try:
        assert periodic.start(app) is loop, "one loop per process"
        assert wait_for(lambda: stored(session["uuid"]).auto_closed_at is not None)
    finally:
        loop.stop()


@pytest.mark.parametrize(
    ("testing", "switch", "expected"),
    [(False, True, True), (False, False, False), (True, True, False)],
)
def test_the_switch_and_tests_decide_whether_it_runs(tmp_path, testing, switch, expected):
    app = make_app(tmp_path, empty=False, TESTING=testing, CLOSE_FORGOTTEN=switch)
    assert periodic.wanted(app) is expected


def test_on_by_default_and_started_by_the_first_request_only(app_factory):
    app = app_factory(TESTING=False)
    assert app.config["CLOSE_FORGOTTEN"] is True
    with app.app_context():
        db.create_all()
    assert "terloops_periodic" not in app.extensions, "creating the app starts nothing"
    app.test_client().get("/login")
    loop = app.extensions["terloops_periodic"]["loop"]
    try:
        assert loop.thread.is_alive()
        app.test_client().get("/login")
        assert app.extensions["terloops_periodic"]["loop"] is loop
    finally:
        loop.stop()


def test_the_command_lists_and_closes(app, field, runner):
    app.config["REVIEW_THRESHOLDS"] = {"max_unplanned_hours": 1}
    session = field.session()
    send(field, session)
    db.session.remove()

    dry = runner.invoke(args=["close-forgotten", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert session["uuid"] in dry.output and "Bieb" in dry.output
    assert stored(session["uuid"]).ended_at is None

    done = runner.invoke(args=["close-forgotten"])
    assert done.exit_code == 0, done.output
    assert session["uuid"] in done.output
    assert stored(session["uuid"]).auto_closed_at is not None
    again = runner.invoke(args=["close-forgotten"])
    assert session["uuid"] not in again.output
