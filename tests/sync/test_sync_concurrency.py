"""Two phones (or two retries) sending the same new records at once store them once."""

import threading

import sqlalchemy as sa

from observations.extensions import db
from observations.models import Encounter, Scan, ScanCount, Session, User
from observations.sync import sync_records

THREADS = 6


def run_at_once(app, user_id: int, batch: list) -> list[list[str]]:
    """Send the same batch from several threads released at the same moment."""
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def send(index: int) -> None:
        with app.test_request_context():
            owner = db.session.get(User, user_id)
            barrier.wait()
            try:
                outcomes[index] = [r["status"] for r in sync_records(owner, batch)]
            except Exception as error:  # reported by the assertion below
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_same_new_uuids_at_the_same_moment_are_stored_once(app, field):
    session = field.session()
    batch = [session, field.scan(session, field.zones[0])]
    batch += [field.encounter(session) for _ in range(20)]
    user_id = field.fieldworker.id
    db.session.commit()
    db.session.remove()

    outcomes = run_at_once(app, user_id, batch)

    for outcome in outcomes:
        assert isinstance(outcome, list), outcome
        assert set(outcome) <= {"created", "duplicate"}, outcome
    for index in range(len(batch)):
        assert sum(o[index] == "created" for o in outcomes) == 1, f"record {index}"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Encounter)) == 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScanCount)) == 6


def test_concurrent_corrections_of_one_record_apply_once(app, field):
    session = field.session()
    encounter = field.encounter(session)
    sync_records(field.fieldworker, [session, encounter])
    user_id = field.fieldworker.id
    db.session.remove()

    corrected = {**encounter, "revision": 2, "relation": "strangers"}
    outcomes = run_at_once(app, user_id, [corrected])

    assert sorted(o[0] for o in outcomes) == ["duplicate"] * (THREADS - 1) + ["updated"]
    stored = db.session.scalar(sa.select(Encounter).filter_by(uuid=encounter["uuid"]))
    assert (stored.revision, stored.relation) == (2, "strangers")
