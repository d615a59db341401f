"""Writing the demo's records: a few bulk inserts instead of an ORM object per row.

The sessions are written through the ORM first (they have slots, zones, weather and reviews);
their scans, encounters and notes, thousands of rows, go in with one statement per table,
the scans and encounters returning their new ids for their counts, conditions and flags.
"""

import uuid

from ..extensions import db
from ..indicators import facts
from ..models import Encounter, EncounterFlag, FieldNote, Scan, ScanCondition, ScanCount, Session
from .observing import Records, counted


def new_uuid(rng) -> str:
    """A random version-4 UUID drawn from the seeded generator."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def store_records(rng, study_id: int, observed: list[tuple[Session, Records]]) -> None:
    """Insert the records of sessions that have their ids already."""
    scans, encounters, notes = [], [], []
    for session, records in observed:
        common = {"study_id": study_id, "session_id": session.id}
        common["received_at"] = session.received_at
        for row in records.scans:
            scans.append((row, {**common, "uuid": new_uuid(rng), "zone_id": row.zone.id}))
        for row in records.encounters:
            encounters.append((row, {**common, "uuid": new_uuid(rng), "zone_id": row.zone.id}))
        for row in records.notes:
            zone_id = row.zone.id if row.zone is not None else None
            notes.append(
                {**common, "uuid": new_uuid(rng), "zone_id": zone_id, "written_at": row.at}
                | {"device_time": row.at, "text": row.text}
            )
    scan_ids = _insert_returning_ids(
        Scan, [values | {"observed_at": r.at, "device_time": r.at} for r, values in scans]
    )
    _insert(
        ScanCount,
        [
            {"scan_id": sid, "category": category, "code": code, "count": count}
            for sid, (row, _) in zip(scan_ids, scans, strict=True)
            for category, code, count in counted(row)
        ],
    )
    _insert(
        ScanCondition,
        [
            {"scan_id": sid, "code": code}
            for sid, (row, _) in zip(scan_ids, scans, strict=True)
            for code in dict.fromkeys(row.conditions)
        ],
    )
    encounter_ids = _insert_returning_ids(
        Encounter,
        [
            values
            | {"occurred_at": r.at, "device_time": r.at, "encounter_type": r.kind}
            | {"parties": r.parties, "relation": r.relation, "note": r.note}
            for r, values in encounters
        ],
    )
    _insert(
        EncounterFlag,
        [
            {"encounter_id": eid, "code": code}
            for eid, (row, _) in zip(encounter_ids, encounters, strict=True)
            for code in row.flags
        ],
    )
    _insert(FieldNote, notes)
    facts.mark(session.id for session, _records in observed)


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert rows into a model's table in one statement; their new ids, in order."""
    if not rows:
        return []
    table = model.__table__
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def _insert(model, rows: list[dict]) -> None:
    """Insert rows into a model's table in one statement."""
    if rows:
        db.session.execute(model.__table__.insert(), rows)
