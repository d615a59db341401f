"""Deleting a study's observation records once they have been exported (retention).

What goes: every session of the study and everything under it (zones watched, weather,
scans with their counts and conditions, encounters with their flags, field notes, reviews,
corrections, indicator facts), the study's exports with their files, and its PLDP imports
(a queued one still holds the uploaded file). What stays: the
study with its codebook, sites, zones, site profiles, team, schedule and export presets, and
the audit trail, which gains one event with the counts. The fieldwork data goes; what is
needed to read an archived export, or to start observing again, stays.

A purge is refused while an export of the study runs, and unless a complete export (every
site, observer, review state and day, as Excel or CSV) was started after the study's last
record arrived or changed: nothing is deleted that was never taken out. The command line may
override the export rule (`--force-without-export`), with a warning.

`plan(study)` says what would go; `purge(study, …)` deletes it in the current transaction
(the caller commits, then calls `remove_files`).
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import audit
from .export import jobs as export_jobs
from .extensions import db
from .models import (
    FACT_MODELS,
    AuditEvent,
    Correction,
    Encounter,
    EncounterFlag,
    ExportJob,
    FieldNote,
    ImportJob,
    PasserCount,
    PasserTally,
    Review,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    SessionWeather,
    Study,
    User,
    session_zones,
    utcnow,
)

# Only these formats hold every record (PLDP leaves out encounters and notes).
COMPLETE_FORMATS = ("xlsx", "csv")
FILTERS = ("sites", "observers", "review_states", "date_from", "date_to")
VIA_COMMAND_LINE = "command line"

LABELS = {
    "sessions": _l("Sessions"),
    "session_zones": _l("Zones watched per session"),
    "session_weather": _l("Weather per session"),
    "scans": _l("Scans"),
    "scan_counts": _l("Counts of scans"),
    "scan_conditions": _l("Zone conditions of scans"),
    "encounters": _l("Encounters"),
    "encounter_flags": _l("Flags of encounters"),
    "field_notes": _l("Field notes"),
    "passer_counts": _l("People-moving counts"),
    "passer_tallies": _l("Counts of people-moving counts"),
    "reviews": _l("Reviews"),
    "corrections": _l("Corrections"),
    "fact_hours": _l("Indicator facts per hour"),
    "fact_codes": _l("Indicator facts per code and hour"),
    "fact_session_codes": _l("Indicator facts per code and day"),
    "fact_zones": _l("Indicator facts per zone"),
    "fact_conditions": _l("Indicator facts per zone condition"),
    "export_jobs": _l("Exports and their files"),
    "import_jobs": _l("PLDP imports and their uploaded files"),
}


def _targets(study_id: int) -> list[tuple[str, sa.Table, sa.ColumnElement]]:
    """(table name, table, which of its rows belong to the study), parents before children."""
    sessions = select(Session.id).where(Session.study_id == study_id)
    scans = select(Scan.id).where(Scan.session_id.in_(sessions))
    encounters = select(Encounter.id).where(Encounter.session_id.in_(sessions))
    passer_counts = select(PasserCount.id).where(PasserCount.session_id.in_(sessions))

    def under(model, column: str, parents) -> tuple:
        table = getattr(model, "__table__", model)
        return table.name, table, table.c[column].in_(parents)

    return [
        ("sessions", Session.__table__, Session.__table__.c.study_id == study_id),
        under(session_zones, "session_id", sessions),
        under(SessionWeather, "session_id", sessions),
        under(Scan, "session_id", sessions),
        under(ScanCount, "scan_id", scans),
        under(ScanCondition, "scan_id", scans),
        under(Encounter, "session_id", sessions),
        under(EncounterFlag, "encounter_id", encounters),
        under(FieldNote, "session_id", sessions),
        under(PasserCount, "session_id", sessions),
        under(PasserTally, "passer_count_id", passer_counts),
        under(Review, "session_id", sessions),
        under(Correction, "session_id", sessions),
        *(under(model, "session_id", sessions) for model in FACT_MODELS),
        ("export_jobs", ExportJob.__table__, ExportJob.__table__.c.study_id == study_id),
        ("import_jobs", ImportJob.__table__, ImportJob.__table__.c.study_id == study_id),
    ]


@dataclass(frozen=True)
class Export:
    """A complete export of the study: when it started reading, how, and by whom."""

    started_at: datetime
    format: str
    by: str  # the person's name; empty for the command line
    job_id: int | None = None  # an export of the export page whose file is still there


@dataclass
class Plan:
    """What a purge of the study would delete, and whether it may."""

    study: Study
    counts: dict[str, int]  # table name -> rows, parents first
    first_session: datetime | None
    last_session: datetime | None
    last_record: datetime | None  # the last record's arrival or change
    export: Export | None  # the newest complete export
    running_exports: int = 0
    running_imports: int = 0
    files: list[Path] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows in all."""
        return sum(self.counts.values())

    @property
    def exported(self) -> bool:
        """Whether every record is in a complete export started after the last one arrived."""
        if self.last_record is None:
            return True
        return self.export is not None and self.export.started_at >= self.last_record

    def refusal(self, forced: bool = False) -> str | None:
        """Why the purge may not run now (in the user's language), or None."""
        if self.running_exports:
            return _("An export of this study is running. Wait until it has finished.")
        if self.running_imports:
            return _("An import into this study is running. Wait until it has finished.")
        if self.exported or forced:
            return None
        if self.export is None:
            return _(
                "There is no complete export of this study yet (every site, observer, review "
                "state and day, as Excel or CSV). Export the study first, then delete."
            )
        return _(
            "The last complete export (%(export)s) was made before the last record arrived or "
            "changed (%(record)s). Export the study again first, then delete.",
            export=moment(self.export.started_at, self.study),
            record=moment(self.last_record, self.study),
        )


def moment(value: datetime, study: Study) -> str:
    """A time in the study's zone, with the zone named (the same in every language)."""
    return f"{value.astimezone(ZoneInfo(study.timezone)):%Y-%m-%d %H:%M} ({study.timezone})"


def _is_complete(settings: dict, format_: str) -> bool:
    """Whether export settings cover every record."""
    return format_ in COMPLETE_FORMATS and not any(settings.get(key) for key in FILTERS)


def newest_export(study: Study) -> Export | None:
    """The newest complete export: a finished one of the export page, or one on the command
    line (known from its audit event)."""
    found = []
    jobs = db.session.scalars(
        select(ExportJob)
        .filter_by(study_id=study.id, status="done")
        .order_by(ExportJob.created_at.desc())
    )
    job = next((j for j in jobs if _is_complete(j.settings, j.format)), None)
    if job is not None:
        kept = job.id if export_jobs.file_of(job).exists() else None
        found.append(Export(job.created_at, job.format, job.user.name, kept))
    events = db.session.scalars(
        select(AuditEvent)
        .filter_by(study_id=study.id, entity="study", action="export")
        .order_by(AuditEvent.occurred_at.desc())
    )
    for event in events:
        started = (event.changes.get("started_at") or [None, None])[1]
        if (event.changes.get("complete") or [None, None])[1] and started:
            format_ = event.changes["format"][1]
            found.append(Export(datetime.fromisoformat(started), format_, ""))
            break
    return max(found, key=lambda e: e.started_at, default=None)


def _last_record(study: Study) -> datetime | None:
    """When the study's last record arrived or changed (a review counts as a change)."""
    times = []
    for model in (Session, Scan, Encounter, FieldNote, PasserCount):
        times.append(select(sa.func.max(model.received_at)).filter_by(study_id=study.id))
        times.append(select(sa.func.max(model.updated_at)).filter_by(study_id=study.id))
    times.append(
        select(sa.func.max(Review.created_at)).join(Session).where(Session.study_id == study.id)
    )
    found = [db.session.scalar(query) for query in times]
    return max((t for t in found if t is not None), default=None)


def plan(study: Study) -> Plan:
    """What a purge of the study would delete now."""
    counts = {
        name: db.session.scalar(select(sa.func.count()).select_from(table).where(where))
        for name, table, where in _targets(study.id)
    }
    first, last = db.session.execute(
        select(
            sa.func.min(Session.started_at),
            sa.func.max(sa.func.coalesce(Session.ended_at, Session.started_at)),
        ).filter_by(study_id=study.id)
    ).one()
    jobs = db.session.scalars(select(ExportJob).filter_by(study_id=study.id)).all()
    return Plan(
        study=study,
        counts=counts,
        first_session=first,
        last_session=last,
        last_record=_last_record(study),
        export=newest_export(study),
        running_exports=sum(
            1 for j in jobs if j.status in ("queued", "running") and not export_jobs.is_stale(j)
        ),
        running_imports=db.session.scalar(
            select(sa.func.count())
            .select_from(ImportJob)
            .where(ImportJob.study_id == study.id, ImportJob.status.in_(("queued", "running")))
        ),
        files=[export_jobs.file_of(job) for job in jobs],
    )


class Refused(Exception):
    """A purge that may not run; the message says why, in the user's language."""


def purge(study: Study, actor: User | None = None, forced: bool = False, via: str = "") -> Plan:
    """Delete the study's records (the caller commits, then calls `remove_files(plan)`).

    Returns the plan it carried out; raises Refused when it may not run.
    """
    carried = plan(study)
    refusal = carried.refusal(forced)
    if refusal:
        raise Refused(refusal)
    for _name, table, where in reversed(_targets(study.id)):
        db.session.execute(sa.delete(table).where(where))
    study.purged_at = utcnow()
    changes = _audit_changes(carried, forced, via)
    audit.record("purge", "study", study.id, changes, actor=actor, study_id=study.id)
    db.session.flush()
    return carried


def _audit_changes(carried: Plan, forced: bool, via: str) -> dict:
    """The audit event's old → new: each table's rows before and after, and the evidence."""
    iso = lambda value: value.isoformat() if value is not None else None  # noqa: E731
    changes = {name: [count, 0] for name, count in carried.counts.items() if count}
    changes["first_session"] = [iso(carried.first_session), None]
    changes["last_session"] = [iso(carried.last_session), None]
    changes["last_record"] = [iso(carried.last_record), None]
    if carried.export is not None:
        changes["export"] = [None, f"{iso(carried.export.started_at)} {carried.export.format}"]
    if forced and not carried.exported:
        changes["forced_without_export"] = [None, True]
    if via:
        changes["via"] = [None, via]
    return changes


def deleted_counts(event: AuditEvent) -> dict[str, int]:
    """The rows per table a purge's audit event says it deleted."""
    return {name: old for name, (old, _new) in event.changes.items() if name in LABELS}


def remove_files(carried: Plan) -> None:
    """Delete the export files of a committed purge."""
    for path in carried.files:
        path.unlink(missing_ok=True)
