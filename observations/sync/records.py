"""Stored records in the sync format: what a phone needs to continue a session elsewhere."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import PasserCount, Scan, Session
from .fields import iso


def _common(record, kind: str) -> dict:
    """The fields every synced record has."""
    return {
        "uuid": record.uuid,
        "kind": kind,
        "revision": record.revision,
        "device_time": iso(record.device_time),
        "codebook_version": record.codebook_version,
        "retracted": record.retracted,
    }


def session_records(session: Session) -> list[dict]:
    """The session and its scans, encounters, notes and people-moving counts, as the phone
    sent them."""
    records = [
        {
            **_common(session, "session"),
            "study": session.study.slug,
            "site": session.site_id,
            "zones": sorted(z.id for z in session.zones),
            "slot": session.slot_id,
            "started_at": iso(session.started_at),
            "ended_at": iso(session.ended_at),
            "weather": sorted(session.weather),
            "temperature_c": session.temperature_c,
            "crowding": session.crowding,
            "programme": session.programme,
        }
    ]
    for scan in session.scans:
        records.append(
            {
                **_common(scan, "scan"),
                "session": session.uuid,
                "zone": scan.zone_id,
                "observed_at": iso(scan.observed_at),
                "counts": _counts(scan.counts),
                "conditions": sorted(scan.conditions),
            }
        )
    for encounter in session.encounters:
        records.append(
            {
                **_common(encounter, "encounter"),
                "session": session.uuid,
                "zone": encounter.zone_id,
                "occurred_at": iso(encounter.occurred_at),
                "encounter_type": encounter.encounter_type,
                "parties": encounter.parties,
                "relation": encounter.relation,
                "flags": sorted(encounter.flags),
                "note": encounter.note,
            }
        )
    for note in session.notes:
        records.append(
            {
                **_common(note, "note"),
                "session": session.uuid,
                "zone": note.zone_id,
                "written_at": iso(note.written_at),
                "text": note.text,
            }
        )
    for passers in session.passer_counts:
        records.append(
            {
                **_common(passers, "passers"),
                "session": session.uuid,
                "zone": passers.zone_id,
                "started_at": iso(passers.started_at),
                "minutes": passers.minutes,
                "counts": _counts(passers.tallies),
            }
        )
    return records


def _counts(rows) -> dict[str, dict[str, int]]:
    """Count rows (category, code, count) as {category: {code: number}}."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row.category, {})[row.code] = row.count
    return counts


def load_session(study_id: int, uuid: str) -> Session | None:
    """A session with everything it holds, loaded in a few queries."""
    return db.session.scalar(
        select(Session)
        .filter_by(study_id=study_id, uuid=uuid)
        .options(
            selectinload(Session.zones),
            selectinload(Session.weather_rows),
            selectinload(Session.scans).selectinload(Scan.counts),
            selectinload(Session.scans).selectinload(Scan.condition_rows),
            selectinload(Session.encounters),
            selectinload(Session.notes),
            selectinload(Session.passer_counts).selectinload(PasserCount.tallies),
        )
    )
