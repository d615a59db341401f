"""Reviewing sessions: the state machine, permissions, bulk approval, replies, the queue."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.models import (
    AuditEvent,
    Encounter,
    Review,
    Session,
    Site,
    Study,
    User,
    Zone,
)
from observations.review import decisions, queue
from tests.conftest import AuthActions, csrf_token

START = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def _user(name: str) -> User:
    return db.session.scalar(sa.select(User).filter_by(username=name))


def _study(slug: str) -> Study:
    return db.session.scalar(sa.select(Study).filter_by(slug=slug))


def make_session(
    slug: str = "alpha",
    hours_ago: float | None = None,
    start: datetime | None = None,
    ended: bool = True,
    records: bool = True,
    site_name: str = "Bibliotheek",
    fieldworker: str | None = None,
) -> int:
    """An ended (or running) session of the study's fieldworker, with an encounter or none."""
    study = _study(slug)
    site = db.session.scalar(sa.select(Site).filter_by(study_id=study.id, name=site_name))
    if site is None:
        site = Site(study_id=study.id, name=site_name, kind="library", zones=[Zone(name="Hal")])
        db.session.add(site)
        db.session.flush()
    start = start or START
    if hours_ago is not None:
        start = datetime.now(UTC) - timedelta(hours=hours_ago)
    session = Session(
        uuid=str(uuid.uuid4()),
        study_id=study.id,
        site=site,
        fieldworker=_user(fieldworker or f"{slug}-fieldworker"),
        started_at=start,
        ended_at=start + timedelta(hours=1) if ended else None,
        crowding="busy",
        programme="none",
        zones=list(site.zones),
    )
    session.weather = ["indoors"]
    db.session.add(session)
    if records:
        session.encounters.append(
            Encounter(
                uuid=str(uuid.uuid4()),
                study_id=study.id,
                zone=site.zones[0],
                occurred_at=start + timedelta(minutes=10),
                encounter_type="greeting",
                parties="visitor_visitor",
                relation="strangers",
                note="bij de krantenbak",
            )
        )
    db.session.flush()
    return session.id


@pytest.fixture
def ctx(app, world):
    """A request context on the two studies."""
    with app.test_request_context():
        yield world


def _session(session_id: int) -> Session:
    return db.session.get(Session, session_id)


# --- the state machine ---------------------------------------------------------------------


def test_three_decisions_make_three_rows_and_the_newest_wins(ctx):
    s = _session(make_session())
    lead = _user("alpha-lead")
    decisions.decide(s, "has_issues", "Scans ontbreken", lead)
    decisions.decide(s, "rejected", "Verkeerde plek", lead)
    decisions.decide(s, "approved", "", _user("alpha-coordinator"))
    db.session.commit()
    assert [r.state for r in s.reviews] == ["has_issues", "rejected", "approved"]
    assert [r.comment for r in s.reviews][:2] == ["Scans ontbreken", "Verkeerde plek"]
    assert s.review_state == "approved"
    events = db.session.scalars(sa.select(AuditEvent).filter_by(action="review")).all()
    assert [e.changes["review_state"] for e in events] == [
        ["pending", "has_issues"],
        ["has_issues", "rejected"],
        ["rejected", "approved"],
    ]
    assert events[0].entity_key == s.uuid


@pytest.mark.parametrize("state", ["has_issues", "rejected"])
def test_has_issues_and_reject_need_a_comment(ctx, state):
    s = _session(make_session())
    with pytest.raises(decisions.ReviewRefused) as refused:
        decisions.decide(s, state, "   ", _user("alpha-lead"))
    assert refused.value.field == "comment"
    assert "toelichting is verplicht" in refused.value.message  # Dutch, the default
    assert s.reviews == [] and s.review_state == "pending"


def test_only_ended_sessions_are_reviewed(ctx):
    s = _session(make_session(ended=False))
    with pytest.raises(decisions.ReviewRefused, match="loopt nog"):
        decisions.decide(s, "approved", "", _user("alpha-lead"))


@pytest.mark.parametrize("reviewer", ["alpha-fieldworker", "beta-lead"])
def test_a_fieldworker_or_another_studys_lead_never_reviews(ctx, reviewer):
    s = _session(make_session())
    with pytest.raises(decisions.NotAllowed):
        decisions.decide(s, "approved", "", _user(reviewer))
    assert s.reviews == []


def test_unknown_state_is_refused(ctx):
    with pytest.raises(decisions.ReviewRefused):
        decisions.decide(_session(make_session()), "pending", "", _user("alpha-lead"))


# --- bulk approval -------------------------------------------------------------------------


def test_bulk_approve_reports_what_it_skipped(ctx):
    pending = make_session()
    running = make_session(ended=False)
    done = make_session()
    decisions.decide(_session(done), "rejected", "Nee", _user("alpha-lead"))
    other = make_session("beta")
    result = decisions.bulk_approve(
        _study("alpha"), [pending, running, done, other, 99999], _user("alpha-lead")
    )
    assert [s.id for s in result.approved] == [pending]
    reasons = dict(result.skipped)
    assert set(reasons) == {running, done, other, 99999}
    assert reasons[running] == "loopt nog"
    assert reasons[done] == "al beoordeeld"
    assert reasons[other] == reasons[99999] == "geen sessie van deze studie"
    assert _session(other).review_state == "pending"


def test_bulk_approve_is_refused_to_a_fieldworker(ctx):
    with pytest.raises(decisions.NotAllowed):
        decisions.bulk_approve(_study("alpha"), [make_session()], _user("alpha-fieldworker"))


# --- replies -------------------------------------------------------------------------------


def test_the_fieldworker_replies_once(ctx):
    s = _session(make_session())
    review = decisions.decide(s, "has_issues", "Waar zijn de scans?", _user("alpha-lead"))
    with pytest.raises(decisions.ReviewRefused):
        decisions.reply(review, _user("alpha-fieldworker"), "  ")
    with pytest.raises(decisions.NotAllowed):
        decisions.reply(review, _user("alpha-lead"), "Ik niet")
    decisions.reply(review, _user("alpha-fieldworker"), "Telefoon was leeg.")
    assert review.reply == "Telefoon was leeg." and review.replied_at is not None
    with pytest.raises(decisions.ReviewRefused, match="al beantwoord"):
        decisions.reply(review, _user("alpha-fieldworker"), "Nog iets")
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="reply"))
    assert event.changes == {"reply": [None, "Telefoon was leeg."]}


# --- the queue service ---------------------------------------------------------------------


def test_queue_counts_filters_and_keeps_running_sessions_apart(ctx):
    study = _study("alpha")
    lead = _user("alpha-lead")
    old = make_session(start=START - timedelta(days=10))
    new = make_session(start=START)
    empty = make_session(start=START + timedelta(hours=3), records=False)
    park = make_session(start=START + timedelta(hours=5), site_name="Park")
    running = make_session(ended=False, hours_ago=0.5)
    decisions.decide(_session(old), "approved", "", lead)
    found = queue.page(study, queue.Filters())
    assert [c.session.id for c in found.cards] == [park, empty, new]
    assert found.counts == {"pending": 3, "approved": 1, "has_issues": 0, "rejected": 0}
    assert [c.session.id for c in found.running] == [running]
    assert found.cards[2].encounters == 1 and found.cards[1].encounters == 0
    assert [f.code for f in found.cards[1].flags] == ["no_records"]
    flagged = queue.page(study, queue.Filters(flag="no_records"))
    assert [c.session.id for c in flagged.cards] == [empty]
    site = _session(park).site_id
    assert [c.session.id for c in queue.page(study, queue.Filters(site=site)).cards] == [park]
    period = queue.Filters(date_from=START.date(), date_to=START.date())
    assert {c.session.id for c in queue.page(study, period).cards} == {new, empty, park}
    assert queue.page(study, queue.Filters(state="approved")).cards[0].session.id == old
    assert queue.neighbours(study, queue.Filters(), _session(empty)) == (park, new)


def test_queue_pages_are_stable(ctx, monkeypatch):
    monkeypatch.setattr(queue, "PER_PAGE", 2)
    ids = [make_session(start=START) for _ in range(5)]  # the same start: ordered by id
    study = _study("alpha")
    pages = [queue.page(study, queue.Filters(), n) for n in (1, 2, 3)]
    shown = [c.session.id for p in pages for c in p.cards]
    assert shown == sorted(ids, reverse=True)
    assert pages[0].has_older and pages[2].has_newer and not pages[2].has_older


# --- the pages -----------------------------------------------------------------------------

QUEUE = "/studies/alpha/research/review"


def _login(client, username: str) -> AuthActions:
    auth = AuthActions(client)
    assert auth.login(username).status_code == 302
    client.post("/language", data={"locale": "en", "csrf_token": auth.token("/account")})
    return auth


def test_a_fieldworker_gets_403_and_another_studys_lead_404(app, client, world):
    with app.app_context():
        s = make_session()
        db.session.commit()
    _login(client, "alpha-fieldworker")
    assert client.get(QUEUE).status_code == 403
    assert client.get(f"/studies/alpha/research/sessions/{s}").status_code == 403
    client.post("/logout", data={"csrf_token": AuthActions(client).token("/account")})
    _login(client, "beta-lead")
    assert client.get(QUEUE).status_code == 404
    assert client.get(f"/studies/alpha/research/sessions/{s}").status_code == 404
    # Study A's session in study B's URL: not found either.
    assert client.get(f"/studies/beta/research/sessions/{s}").status_code == 404
    token = AuthActions(client).token("/studies/beta/research/review")
    answer = client.post(
        f"/studies/beta/research/sessions/{s}/review",
        data={"state": "approved", "csrf_token": token},
    )
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(Session, s).review_state == "pending"


def test_queue_page_shows_cards_counts_and_running_apart(app, client, world):
    with app.app_context():
        flagged = make_session(records=False)
        make_session(start=START - timedelta(days=1))
        running = make_session(ended=False, hours_ago=0.2, site_name="Park")
        db.session.commit()
    _login(client, "alpha-lead")
    page = client.get(QUEUE).get_data(as_text=True)
    assert "awaiting review (2)" in page and "approved (0)" in page
    pending, running_part = page.split('id="running-heading"')
    assert f"/research/sessions/{running}" in running_part
    assert f"/research/sessions/{running}" not in pending
    assert "no records" in pending
    # The flagged session is not ticked; the other one is.
    assert f'value="{flagged}" id="pick-{flagged}">' in page or (
        f'value="{flagged}" id="pick-{flagged}" aria-describedby' in page
    )
    assert f'id="pick-{flagged}" checked' not in page
    assert page.count(" checked") == 1


@pytest.mark.parametrize(
    "query",
    ["state=unknown", "date_from=2026-13-01", "date_from=2026-05-02&date_to=2026-05-01", "page=0"],
)
def test_bad_filters_get_a_message_and_422(app, client, world, query):
    _login(client, "alpha-lead")
    answer = client.get(f"{QUEUE}?{query}")
    assert answer.status_code == 422
    assert 'class="error"' in answer.get_data(as_text=True)


def test_bulk_approve_needs_the_confirmation_for_flagged_sessions(app, client, world):
    with app.app_context():
        flagged = make_session(records=False)
        plain = make_session(start=START - timedelta(days=1))
        db.session.commit()
    _login(client, "alpha-lead")
    token = csrf_token(client.get(QUEUE).get_data(as_text=True))
    url = f"{QUEUE}/approve?state=pending"
    refused = client.post(url, data={"sessions": [flagged, plain], "csrf_token": token})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "1 ticked session is flagged" in page
    assert f'id="pick-{flagged}" checked' in page and f'id="pick-{plain}" checked' in page
    with app.app_context():
        assert db.session.get(Session, plain).review_state == "pending"
    done = client.post(
        url,
        data={"sessions": [flagged, plain], "confirm_flagged": "y", "csrf_token": token},
    )
    assert done.status_code == 302
    with app.app_context():
        states = {db.session.get(Session, i).review_state for i in (flagged, plain)}
        assert states == {"approved"}


def test_bulk_approve_without_a_tick_is_refused(app, client, world):
    _login(client, "alpha-lead")
    token = csrf_token(client.get(QUEUE).get_data(as_text=True))
    answer = client.post(f"{QUEUE}/approve", data={"csrf_token": token})
    assert answer.status_code == 422
    assert "Tick the sessions to approve." in answer.get_data(as_text=True)


def test_session_page_decides_and_goes_to_the_next_in_the_queue(app, client, world):
    with app.app_context():
        first = make_session(start=START + timedelta(hours=2))
        second = make_session(start=START)
        db.session.commit()
    _login(client, "alpha-lead")
    url = f"/studies/alpha/research/sessions/{first}"
    page = client.get(url).get_data(as_text=True)
    assert "Greeting" in page or "greeting" in page.lower()
    assert "bij de krantenbak" in page
    token = csrf_token(page)
    missing = client.post(
        f"{url}/review", data={"state": "rejected", "comment": "", "csrf_token": token}
    )
    assert missing.status_code == 422
    assert "a comment is required" in missing.get_data(as_text=True)
    answer = client.post(
        f"{url}/review?state=pending",
        data={"state": "has_issues", "comment": "Geen scans", "csrf_token": token},
    )
    assert answer.status_code == 302
    assert answer.location.startswith(f"/studies/alpha/research/sessions/{second}")
    page = client.get(url).get_data(as_text=True)
    assert "Geen scans" in page and "Review history" in page


def test_the_fieldworker_sees_the_comment_and_replies_once(app, client, world):
    with app.app_context():
        s = make_session()
        review = decisions.decide(
            db.session.get(Session, s), "has_issues", "Graag toelichten", _user("alpha-lead")
        )
        db.session.commit()
        review_id = review.id
    _login(client, "alpha-fieldworker")
    home = client.get("/studies/alpha/field/").get_data(as_text=True)
    assert "Graag toelichten" in home
    assert f"/field/reviews/{review_id}/reply" in home
    token = csrf_token(home)
    empty = client.post(
        f"/studies/alpha/field/reviews/{review_id}/reply", data={"text": " ", "csrf_token": token}
    )
    assert empty.status_code == 422
    assert "Write your reply before sending it." in empty.get_data(as_text=True)
    sent = client.post(
        f"/studies/alpha/field/reviews/{review_id}/reply",
        data={"text": "Regen, binnen geteld", "csrf_token": token},
    )
    assert sent.status_code == 302
    home = client.get("/studies/alpha/field/").get_data(as_text=True)
    assert "Regen, binnen geteld" in home and f"/reviews/{review_id}/reply" not in home
    again = client.post(
        f"/studies/alpha/field/reviews/{review_id}/reply",
        data={"text": "Nog eens", "csrf_token": token},
    )
    assert again.status_code == 422
    with app.app_context():
        assert db.session.get(Review, review_id).reply == "Regen, binnen geteld"


def test_another_fieldworker_cannot_reply(app, client, world):
    with app.app_context():
        s = make_session()
        review = decisions.decide(
            db.session.get(Session, s), "rejected", "Niet bruikbaar", _user("alpha-lead")
        )
        db.session.commit()
        review_id = review.id
    _login(client, "alpha-lead")  # a member of the study, but not the session's fieldworker
    token = AuthActions(client).token("/account")
    answer = client.post(
        f"/studies/alpha/field/reviews/{review_id}/reply", data={"text": "Hoi", "csrf_token": token}
    )
    assert answer.status_code == 404


def test_feedback_on_an_older_session_reaches_the_fieldworkers_home(app, client, world):
    """Ten newer sessions push it out of "recent sessions"; the decision still shows."""
    with app.app_context():
        old = make_session(hours_ago=24 * 20)
        plain = make_session(hours_ago=24 * 19)
        for hours in range(10):
            make_session(hours_ago=hours + 2)
        lead = _user("alpha-lead")
        decisions.decide(_session(old), "has_issues", "Zone Hal ontbreekt", lead)
        decisions.decide(_session(plain), "approved", "", lead)
        db.session.commit()
    _login(client, "alpha-fieldworker")
    home = client.get("/studies/alpha/field/").get_data(as_text=True)
    reviewed = home.split('id="reviewed-heading"')[1].split("</section>")[0]
    assert "Zone Hal ontbreekt" in reviewed
    assert reviewed.count('class="card"') == 1  # a plain approval is no feedback
    recent = home.split('id="sessions-heading"')[1].split("</section>")[0]
    assert "Zone Hal ontbreekt" not in recent and recent.count('class="card"') == 10
