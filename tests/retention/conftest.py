"""Two studies with fieldwork to keep or delete: sessions with scans, encounters, notes, a
review and a correction each, recorded through the same services the phones and leads use.

The app speaks English by default here, so that the messages these tests read are the same
before and after the Dutch catalogue learns them.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from observations import studies
from observations.export import ExportOptions
from observations.export import jobs as export_jobs
from observations.extensions import db
from observations.models import AuditEvent, Session, Site, Study, User, Zone, utcnow
from observations.review import corrections, decisions
from observations.sync import sync_records
from tests import factories
from tests.conftest import AuthActions, fresh_schema, make_app


def _record_tables() -> list[sa.Table]:
    """Sessions and every table whose rows hang from them (found by the foreign keys, so a
    new table under sessions is covered without editing this list), then export_jobs and
    import_jobs."""
    found = [db.metadata.tables["sessions"]]
    grew = True
    while grew:
        grew = False
        for table in db.metadata.sorted_tables:
            parents = {fk.column.table for fk in table.foreign_keys}
            if table not in found and parents & set(found):
                found.append(table)
                grew = True
    return [*found, db.metadata.tables["export_jobs"], db.metadata.tables["import_jobs"]]


# Every table a purge empties for a study (and must leave alone for the other).
TABLES = _record_tables()


@pytest.fixture
def app(tmp_path):
    """An app on the current schema that answers in English unless asked otherwise."""
    app = make_app(tmp_path, empty=False, BABEL_DEFAULT_LOCALE="en")
    fresh_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass
class Fieldwork:
    """The two studies (alpha and beta) and their ids."""

    alpha: int
    beta: int


def _moment(days_ago: float, minutes: int = 0) -> str:
    """A time as a phone sends it."""
    return (datetime.now(UTC) - timedelta(days=days_ago, minutes=-minutes)).isoformat()


def _observe(study: Study, fieldworker: User, lead: User, days_ago: float) -> None:
    """An ended session with a scan, an encounter and a note; reviewed and corrected."""
    site = db.session.scalar(sa.select(Site).filter_by(study_id=study.id))
    zones = [zone.id for zone in site.zones]
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "study": study.slug,
        "site": site.id,
        "zones": zones,
        "started_at": _moment(days_ago),
        "ended_at": _moment(days_ago, 60),
        "weather": ["indoors"],
        "crowding": "moderate",
        "programme": "none",
    }
    encounter = {
        "uuid": str(uuid.uuid4()),
        "kind": "encounter",
        "session": session["uuid"],
        "occurred_at": _moment(days_ago, 10),
        "encounter_type": "greeting",
        "parties": "visitor_visitor",
        "relation": "recognised",
        "flags": ["across_ages"],
    }
    records = [
        session,
        {
            "uuid": str(uuid.uuid4()),
            "kind": "scan",
            "session": session["uuid"],
            "zone": zones[0],
            "observed_at": _moment(days_ago, 5),
            "counts": {"age": {"65+": 2, "25-64": 3}, "gender": {"woman": 3, "man": 2}},
            "conditions": ["accessible"],
        },
        encounter,
        {
            "uuid": str(uuid.uuid4()),
            "kind": "note",
            "session": session["uuid"],
            "written_at": _moment(days_ago, 15),
            "text": "Drukte bij de koffiebar.",
        },
    ]
    results = sync_records(fieldworker, records)
    assert {r["status"] for r in results} == {"created"}, results
    stored = db.session.scalar(sa.select(Session).filter_by(uuid=session["uuid"]))
    decisions.decide(stored, "approved", "Netjes.", lead)
    corrections.correct(
        study, "encounter", encounter["uuid"], {"relation": "strangers"}, "Verkeerd getikt.", lead
    )


def users_of(slug: str) -> dict[str, User]:
    """The study's coordinator, lead and fieldworker (factories.two_studies)."""
    return {
        role: db.session.scalar(sa.select(User).filter_by(username=f"{slug}-{role}"))
        for role in ("coordinator", "lead", "fieldworker")
    }


def build_fieldwork() -> Fieldwork:
    """Both studies with a site and two sessions each (40 and 10 days ago); needs a request."""
    built = factories.two_studies()
    for slug in ("alpha", "beta"):
        study = db.session.get(Study, built[slug])
        db.session.add(
            Site(
                study_id=study.id,
                name=f"Bibliotheek {slug}",
                kind="library",
                zones=[Zone(name="Entree"), Zone(name="Leestafels")],
            )
        )
        db.session.flush()
        people = users_of(slug)
        for days_ago in (40, 10):
            _observe(study, people["fieldworker"], people["lead"], days_ago)
    db.session.commit()
    return Fieldwork(built["alpha"], built["beta"])


@pytest.fixture
def fieldwork(app) -> Fieldwork:
    """The two studies with fieldwork (no context held: pages and commands bring their own)."""
    with app.test_request_context():
        return build_fieldwork()


@pytest.fixture
def ctx(app, fieldwork):
    """A request context on the fieldwork (services need one for their messages)."""
    with app.test_request_context():
        yield fieldwork
        db.session.rollback()


def export_now(study: Study, options: ExportOptions | None = None, status: str = "done") -> int:
    """A finished export of the study made now, with a file on disk; returns its id."""
    user = users_of(study.slug)["lead"]
    job = export_jobs.create_job(study, user, options or ExportOptions(format="xlsx"))
    job.status, job.finished_at = status, utcnow() if status == "done" else None
    db.session.flush()
    export_jobs.file_of(job).write_bytes(b"export")
    db.session.commit()
    return job.id


def _of_study(table: sa.Table, study_id: int):
    """Which rows of a record table belong to the study: its own study_id (sessions,
    export_jobs, import_jobs), or a parent row of the study's through the foreign key."""
    if table.name in ("sessions", "export_jobs", "import_jobs"):
        return table.c.study_id == study_id
    fk = next(fk for fk in table.foreign_keys if fk.column.table in TABLES)
    parent = fk.column.table
    return fk.parent.in_(sa.select(parent.c.id).where(_of_study(parent, study_id)))


def rows_of(study_id: int) -> dict[str, int]:
    """Rows per record table that belong to the study."""
    return {
        table.name: db.session.scalar(
            sa.select(sa.func.count()).select_from(table).where(_of_study(table, study_id))
        )
        for table in TABLES
    }


def purge_events() -> list[AuditEvent]:
    """The audit events of purges, oldest first."""
    query = sa.select(AuditEvent).filter_by(action="purge").order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def by_slug(slug: str) -> Study:
    """A study by its short name."""
    return studies.by_slug(slug)


@pytest.fixture
def coordinator(client, fieldwork):
    """Study alpha's coordinator, logged in: (client, CSRF token)."""
    auth = AuthActions(client)
    auth.login("alpha-coordinator")
    return client, auth.token("/studies/alpha/manage/retention")
