"""The `demo` and `create-user` commands."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from observations import demo
from observations.demo import fieldwork
from observations.extensions import db
from observations.models import (
    Encounter,
    FieldNote,
    Membership,
    Review,
    Scan,
    ScanCount,
    Session,
    Site,
    Slot,
    Study,
    User,
    Zone,
)


def row_counts(app) -> dict[str, int]:
    """How many rows every table holds."""
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def demo_app(empty_app, monkeypatch):
    """An empty database after `flask demo` ran once."""
    monkeypatch.delenv("TERLOOPS_DEMO_PASSWORD", raising=False)
    result = empty_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return empty_app


def test_demo_builds_the_study_of_the_design(demo_app):
    with demo_app.app_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="demo"))
        sites = db.session.scalars(sa.select(Site).filter_by(study_id=study.id)).all()
        assert {s.city for s in sites} == {"Almere", "Den Haag", "Rotterdam", "Tilburg", "Utrecht"}
        for site in sites:
            assert 2 <= len(site.zones) <= 4
        usernames = set(db.session.scalars(sa.select(User.username)))
        assert usernames == {
            "admin",
            "coordinator",
            "lead",
            "fieldworker",
            "fieldworker2",
            "fieldworker3",
        }
        members = db.session.scalars(sa.select(Membership)).all()
        assert {m.user.username: (m.role, m.observer_code) for m in members} == {
            "fieldworker": ("fieldworker", "W01"),
            "fieldworker2": ("fieldworker", "W02"),
            "lead": ("lead", "W03"),
            "coordinator": ("coordinator", "W04"),
            "fieldworker3": ("fieldworker", "W05"),
        }


def test_demo_has_weeks_of_plausible_fieldwork(demo_app):
    with demo_app.app_context():
        sessions = db.session.scalars(sa.select(Session)).all()
        days = {s.started_at.date() for s in sessions}
        assert len(sessions) >= 40
        assert (max(days) - min(days)).days >= 14
        running = [s for s in sessions if s.ended_at is None]
        assert [s.fieldworker.username for s in running] == ["coordinator"]
        for session in sessions:
            if session in running:
                continue
            assert session.ended_at > session.started_at
            assert session.fieldworker.username in ("fieldworker", "fieldworker2", "fieldworker3")
            for encounter in session.encounters:
                assert session.started_at <= encounter.occurred_at <= session.ended_at
            for scan in session.scans:
                assert scan.zone.site_id == session.site_id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Encounter)) > 500
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FieldNote)) > 40
        assert db.session.scalar(sa.select(sa.func.min(ScanCount.count))) >= 1
        states = set(db.session.scalars(sa.select(Session.review_state)))
        assert {"approved", "pending", "has_issues"} <= states
        # The last week waits for the lead; what is older has been reviewed.
        week_ago = datetime.now(UTC) - timedelta(days=7)
        for session in sessions:
            if session.ended_at and abs(session.ended_at - week_ago) < timedelta(hours=1):
                continue  # too close to the boundary to tell
            recent = session.ended_at is None or session.ended_at > week_ago
            assert (session.review_state == "pending") == recent, session.started_at
        comments = db.session.scalars(sa.select(Review.comment).where(Review.comment != ""))
        assert all(c for c in comments)
        assert db.session.scalar(sa.select(sa.func.count()).where(Review.reply.is_not(None))) == 1


def test_demo_schedule_covers_the_next_two_weeks(demo_app):
    from datetime import UTC, datetime, timedelta

    with demo_app.app_context():
        now = datetime.now(UTC)
        upcoming = db.session.scalars(sa.select(Slot).where(Slot.starts_at > now)).all()
        assert upcoming
        assert max(s.starts_at for s in upcoming) - now > timedelta(days=12)
        weekend = [s for s in upcoming if s.starts_at.weekday() >= 5]
        assert weekend, "the schedule covers weekends too"
        assert {s.fieldworker.username for s in upcoming if s.fieldworker} == {
            "fieldworker",
            "fieldworker2",
            "fieldworker3",
        }
        paired = [s for s in upcoming if s.partner is not None]
        assert paired and all(s.partner_id != s.fieldworker_id for s in paired)


def test_demo_uses_every_scan_category(demo_app):
    with demo_app.app_context():
        categories = set(db.session.scalars(sa.select(ScanCount.category).distinct()))
        assert categories == {"age", "gender", "company", "role", "regular", "posture", "activity"}
        zones_scanned = db.session.scalar(sa.select(sa.func.count(sa.distinct(Scan.zone_id))))
        assert zones_scanned == db.session.scalar(sa.select(sa.func.count()).select_from(Zone))


def test_demo_twice_changes_nothing(demo_app):
    before = row_counts(demo_app)
    result = demo_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0
    assert "De demostudie bestaat al; er is niets veranderd." in result.output
    assert row_counts(demo_app) == before


def test_demo_is_the_same_when_built_again_at_the_same_moment(app_factory, monkeypatch):
    from zoneinfo import ZoneInfo

    from tests.conftest import empty_database

    moment = datetime.now(UTC).replace(microsecond=0)
    monkeypatch.setattr(fieldwork, "utcnow", lambda: moment)
    today = moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    built = []
    for _ in range(2):
        app = app_factory()
        with app.app_context():
            db.create_all()
            demo.create_demo(password="correct-horse-battery", today=today)
            db.session.commit()
            encounters = sa.select(
                Encounter.uuid, Encounter.occurred_at, Encounter.zone_id, Encounter.relation
            )
            counts = sa.select(ScanCount.category, ScanCount.code, sa.func.sum(ScanCount.count))
            built.append(
                (
                    sorted(db.session.execute(encounters).all()),
                    sorted(db.session.execute(counts.group_by(ScanCount.category, ScanCount.code))),
                    sorted(db.session.scalars(sa.select(Session.uuid))),
                )
            )
        empty_database(app)
    assert built[0] == built[1]
    assert len(built[0][0]) > 2000


def test_demo_accounts_log_in_with_the_demo_password(demo_app):
    from tests.conftest import AuthActions

    client = demo_app.test_client()
    for username in ("admin", "coordinator", "lead", "fieldworker", "fieldworker2", "fieldworker3"):
        assert AuthActions(client).login(username, "terloops-demo").status_code == 302
        AuthActions(client).logout()


def test_demo_password_can_be_set_by_environment(empty_app, monkeypatch):
    monkeypatch.setenv("TERLOOPS_DEMO_PASSWORD", "another-demo-secret")
    assert empty_app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    from tests.conftest import AuthActions

    auth = AuthActions(empty_app.test_client())
    assert auth.login("lead", "terloops-demo").status_code == 200
    assert auth.login("lead", "another-demo-secret").status_code == 302


def test_create_user_with_a_role(app, runner, world):
    result = runner.invoke(
        args=[
            "create-user",
            "Nina",
            "--name",
            "Nina de Vries",
            "--study",
            "alpha",
            "--role",
            "fieldworker",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Account nina aangemaakt." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="nina"))
        assert user.check_password("a-long-password")
        assert [(m.study.slug, m.role) for m in user.memberships] == [("alpha", "fieldworker")]


def test_create_user_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["create-user", "beheer", "--admin"], input="a-long-password\na-long-password\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).filter_by(username="beheer")).is_admin


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--password", "a-long-password"], "Een gebruikersnaam heeft 3 tot 64 tekens"),
        (["nina", "--password", "short"], "Een wachtwoord heeft minstens 10 tekens nodig."),
        (["alpha-lead", "--password", "a-long-password"], "al in gebruik"),
        (
            ["nina", "--password", "a-long-password", "--study", "nope", "--role", "lead"],
            "Er is geen studie met de korte naam nope.",
        ),
        (
            ["nina", "--password", "a-long-password", "--study", "alpha"],
            "Geef --study en --role samen op.",
        ),
        # A name from a shell whose bytes were not UTF-8 arrives with lone surrogates.
        (["nina", "--password", "a-long-password", "--name", "Ni\udcffna"], "kapot teken"),
        (["nina", "--password", "a-long-password", "--name", "Ni\x1bna"], "stuurteken"),
        (["nina", "--password", "a-long-password", "--name", "N" * 121], "Hoogstens 120 tekens"),
        (
            ["nina", "--password", "a-long-password", "--study", "al\udcffpha", "--role", "lead"],
            "Er is geen studie met de korte naam al\ufffdpha.",
        ),
    ],
)
def test_create_user_explains_bad_input(app, runner, world, args, message):
    before = row_counts(app)
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert row_counts(app) == before, "nothing is half-created"


def test_demo_writes_a_random_secret_key_when_none_is_configured(
    tmp_path, monkeypatch, app_factory
):
    from observations import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = app_factory(SECRET_KEY=None)
    assert not app.secret_key
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    config_file = tmp_path / "instance" / "config.py"
    assert "SECRET_KEY" in config_file.read_text()
    assert oct(config_file.stat().st_mode & 0o777) == "0o600"
    restarted = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert len(restarted.secret_key) == 64
    unconfigured = create_app({"INSTANCE_PATH": str(tmp_path / "other")})
    assert not unconfigured.secret_key, "no silent default key"


def test_create_user_without_a_name_shows_the_username(app, runner):
    result = runner.invoke(args=["create-user", "nina", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).filter_by(username="nina")).display_name == "nina"
