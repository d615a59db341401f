"""A phone whose login was ended elsewhere keeps its queue, asks to log in, then sends it."""

from observations import logins
from observations.extensions import db
from observations.models import User
from tests.browser.capture_helpers import (
    encounter,
    ready_for_offline,
    send_after_logging_in_again,
    start_session,
    stored,
)


def test_a_login_ended_on_another_device_keeps_the_queue(page, context, live_server):
    ready_for_offline(page, live_server, "fieldworker2")
    context.set_offline(True)
    uuid = start_session(page, "VerHalenHuis Tilburg")
    for _ in range(2):
        encounter(page)
    with live_server.app.app_context():
        # "Log out on all devices" pressed on a laptop: the phone keeps its (now dead) cookies.
        user = db.session.scalar(db.select(User).filter_by(username="fieldworker2"))
        logins.end_all_logins(user)
        db.session.commit()
    assert context.cookies(), "the phone still holds its cookies"
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    send_after_logging_in_again(page, live_server, uuid, "fieldworker2", waiting=3)
    assert len(stored(live_server, uuid)["encounters"]) == 2
