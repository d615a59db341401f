"""The queue closes forgotten sessions by itself; the switch; the CLI command."""

import pytest

from observations.extensions import db
from observations.tasks import consumer, tasks_of
from tests.conftest import make_app
from tests.forgotten.conftest import send, stored
from tests.tasks.conftest import wait_for


def test_the_task_closes_forgotten_sessions(app, field):
    app.config["REVIEW_THRESHOLDS"] = {"max_unplanned_hours": 1}
    session = field.session()
    send(field, session)
    db.session.remove()
    tasks_of(app).close_forgotten_sessions()
    assert stored(session["uuid"]).auto_closed_at is not None


def test_a_running_consumer_closes_them_on_its_schedule(app, field):
    app.config.update(
        REVIEW_THRESHOLDS={"max_unplanned_hours": 1, "close_check_minutes": 1},
        QUEUE_IMMEDIATE=False,
    )
    session = field.session()
    send(field, session)
    db.session.remove()
    consumer.start(app)
    try:
        # The scheduler queues the periodic tasks as it starts, and then every minute.
        assert wait_for(lambda: stored(session["uuid"]).auto_closed_at is not None)
    finally:
        consumer.stop(app)
        tasks_of(app).huey.storage.flush_all()


@pytest.mark.parametrize(("switch", "expected"), [(True, True), (False, False)])
def test_the_switch_decides_whether_it_runs(tmp_path, switch, expected):
    from datetime import datetime

    from observations.tasks.definitions import close_check_due

    app = make_app(tmp_path, empty=False, CLOSE_FORGOTTEN=switch)
    assert close_check_due(app)(datetime(2026, 5, 4, 10, 0)) is expected


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
