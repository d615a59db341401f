"""A study's retention period: the months, the day its oldest records pass it, the page
that sets it, and the admin's overview that marks the studies past it."""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from observations import retention
from observations.extensions import db
from observations.models import AuditEvent, Session, Study
from observations.validation import Invalid
from tests.conftest import AuthActions
from tests.retention.conftest import by_slug

URL = "/studies/alpha/manage/retention"


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 10), 24, date(2028, 3, 10)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_months_are_added_as_calendar_months(day, months, due):
    assert retention.add_months(day, months) == due


def test_the_oldest_session_sets_the_day_the_study_passes_its_period(ctx):
    alpha = by_slug("alpha")
    assert retention.standing(alpha).due_day is None  # no period yet: never past
    assert not retention.standing(alpha).past
    oldest = db.session.scalar(
        sa.select(sa.func.min(Session.started_at)).filter_by(study_id=alpha.id)
    )
    retention.set_period(alpha, 1)
    standing = retention.standing(alpha)
    assert standing.oldest_day == oldest.astimezone(ZoneInfo(alpha.timezone)).date()
    assert standing.due_day == retention.add_months(standing.oldest_day, 1)
    assert standing.past  # the oldest session is 40 days old
    retention.set_period(alpha, 2)
    assert not retention.standing(alpha).past


def test_a_period_is_checked_and_each_change_audited(ctx):
    alpha = by_slug("alpha")
    for bad in (0, -3, 241, 2.5, "12", True):
        with pytest.raises(Invalid) as refused:
            retention.set_period(alpha, bad)
        assert "1 to 240" in refused.value.errors["retention_months"][0]
    assert retention.set_period(alpha, 24)
    assert not retention.set_period(alpha, 24)  # the same again changes nothing
    assert retention.set_period(alpha, None)
    events = db.session.scalars(
        sa.select(AuditEvent).filter_by(entity="study", action="update").order_by(AuditEvent.id)
    ).all()
    assert [e.changes for e in events] == [
        {"retention_months": [None, 24]},
        {"retention_months": [24, None]},
    ]


def _months(app, slug="alpha"):
    with app.app_context():
        return db.session.scalar(sa.select(Study.retention_months).filter_by(slug=slug))


def test_the_coordinator_sets_the_period_and_sees_the_day(app, coordinator):
    client, token = coordinator
    answer = client.post(URL, data={"retention_months": "1", "csrf_token": token})
    assert answer.status_code == 302
    assert _months(app) == 1
    page = client.get(URL).get_data(as_text=True)
    assert "Retention period saved." in page
    assert 'value="1"' in page
    assert "badge-rejected" in page and "since" in page  # the oldest records are past it
    answer = client.post(URL, data={"retention_months": "", "csrf_token": token})
    assert answer.status_code == 302 and _months(app) is None
    assert "not set" in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize("typed", ["0", "241", "twaalf", "1,5", "12 maanden"])
def test_a_bad_period_is_refused_with_a_message_and_kept(app, coordinator, typed):
    client, token = coordinator
    answer = client.post(URL, data={"retention_months": typed, "csrf_token": token})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    message = re.search(r'<p class="error" id="retention_months-error">(.*?)</p>', page, re.S)
    assert message and "whole months, from 1 to 240" in message.group(1)
    assert f'value="{typed}"' in page
    assert _months(app) is None


def test_without_the_csrf_token_nothing_changes(app, coordinator):
    client, _token = coordinator
    assert client.post(URL, data={"retention_months": "12"}).status_code == 400
    assert _months(app) is None


def test_a_lead_may_not_set_the_period(app, client, fieldwork):
    auth = AuthActions(client)
    auth.login("alpha-lead")
    answer = client.post(URL, data={"retention_months": "12", "csrf_token": auth.token("/account")})
    assert answer.status_code == 403
    assert _months(app) is None


def test_the_admin_sees_which_studies_are_past_their_period(app, client, fieldwork):
    with app.test_request_context():
        retention.set_period(by_slug("alpha"), 1)  # oldest session 40 days ago: past
        retention.set_period(by_slug("beta"), 12)  # not yet
        db.session.commit()
        due = retention.standing(by_slug("alpha")).due_day
    auth = AuthActions(client)
    auth.login("root")
    page = client.get("/admin/").get_data(as_text=True)
    past = page[page.index("data-past-retention") :]
    past = past[: past.index("</section>")]
    assert 'data-past="alpha"' in past and 'data-past="beta"' not in past
    assert "/studies/alpha/manage/retention/delete" in past
    cell = re.search(r'data-retention="alpha">(.*?)</td>', page, re.S).group(1)
    assert "1 month" in cell and "past since" in cell
    assert due.strftime("%Y") in cell
    beta = re.search(r'data-retention="beta">(.*?)</td>', page, re.S).group(1)
    assert "12 months" in beta and "until" in beta and "past" not in beta
    # With no period, no study is past it, whatever its age.
    with app.test_request_context():
        retention.set_period(by_slug("alpha"), None)
        db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert "No study is past its retention period." in page


def test_the_day_is_counted_in_the_study_time_zone(ctx):
    """A session just after midnight in Amsterdam is on that day, not on the UTC day before."""
    alpha = by_slug("alpha")
    first = db.session.scalars(sa.select(Session).filter_by(study_id=alpha.id)).first()
    local_midnight = first.started_at.astimezone(ZoneInfo(alpha.timezone)).replace(
        hour=0, minute=30, second=0, microsecond=0
    )
    db.session.execute(
        sa.update(Session)
        .where(Session.study_id == alpha.id)
        .values(started_at=local_midnight, ended_at=local_midnight + timedelta(hours=1))
    )
    retention.set_period(alpha, 1)
    assert retention.standing(alpha).oldest_day == local_midnight.date()
