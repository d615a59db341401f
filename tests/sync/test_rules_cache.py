"""Codebook rules kept between batches (sync/rules_cache.py) never outlive a codebook change,
also one another process made: they are kept under the study's newest codebook row."""

import sqlalchemy as sa

from observations.extensions import db
from observations.models import Category, Code, Codebook
from observations.sync import rules_cache, sync_records


def test_a_new_version_written_elsewhere_is_seen_at_the_next_batch(field):
    # Version 2 retired the crowding code "crowded": a record of version 2 may not use it.
    crowding = db.session.scalar(
        sa.select(Category).filter_by(study_id=field.study_id, key="crowding")
    )
    db.session.add(Codebook(study_id=field.study_id, version=2, note="drukte herzien"))
    crowded = next(c for c in crowding.codes if c.code == "crowded")
    crowded.retired_in = 2
    db.session.commit()
    refused = sync_records(field.fieldworker, [field.session(crowding="crowded")])
    assert refused[0]["status"] == "invalid"
    db.session.commit()

    # Another process restores it, as version 3: plain SQL, so that nothing in this process
    # notices the change (no ORM flush of categories or codes) and the kept rules of
    # version 2 would still refuse it.
    with db.engine.begin() as other_process:
        other_process.execute(
            sa.insert(Codebook.__table__).values(
                study_id=field.study_id, version=3, note="terug", created_at=sa.func.now()
            )
        )
        other_process.execute(
            sa.update(Code.__table__).where(Code.id == crowded.id).values(retired_in=None)
        )
    db.session.expire_all()

    again = field.session(crowding="crowded", codebook_version=2)
    assert sync_records(field.fieldworker, [again])[0]["status"] == "created"


def test_rules_are_kept_between_batches_until_the_codebook_changes(field):
    rules_cache.clear()
    sync_records(field.fieldworker, [field.session()])
    db.session.commit()
    kept = dict(rules_cache._rules)
    assert len(kept) == 1, "the batch's rules are kept"
    sync_records(field.fieldworker, [field.session()])
    db.session.commit()
    assert rules_cache._rules == kept, "the second batch reused them"

    crowding = db.session.scalar(
        sa.select(Category).filter_by(study_id=field.study_id, key="crowding")
    )
    crowding.codes[0].label_en = "Hardly anyone"
    db.session.flush()
    assert rules_cache._rules == {}, "a change of codes in this process forgets them"
