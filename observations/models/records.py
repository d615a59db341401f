"""What fieldworkers record: sessions, scans (tallies), encounters, field notes and
people-moving counts (passers-by counted at a counting line).

Multi-valued codes (a session's weather, a scan's zone conditions, an encounter's flags)
live in small child tables, one row per code, so that dashboards can count them in SQL.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import CapturedRecord, UTCDateTime

REVIEW_STATES = ("pending", "approved", "has_issues", "rejected")

session_zones = sa.Table(
    "session_zones",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("zone_id", sa.ForeignKey("zones.id"), primary_key=True),
)


def _code_row(class_name: str, table: str, owner: str, indexes: tuple = ()):
    """Build the mapped class for one code of a multi-valued category."""
    return type(
        class_name,
        (db.Model,),
        {
            "__tablename__": table,
            "__table_args__": indexes,
            f"{owner}_id": mapped_column(
                sa.ForeignKey(f"{owner}s.id", ondelete="CASCADE"), primary_key=True
            ),
            "code": mapped_column(sa.String(40), primary_key=True),
            "__annotations__": {f"{owner}_id": Mapped[int], "code": Mapped[str]},
        },
    )


SessionWeather = _code_row("SessionWeather", "session_weather", "session")
ScanCondition = _code_row("ScanCondition", "scan_conditions", "scan")
# Indicators count the encounters with one flag (observations/indicators/tallies.py).
EncounterFlag = _code_row(
    "EncounterFlag",
    "encounter_flags",
    "encounter",
    (sa.Index("ix_encounter_flags_code", "code", "encounter_id"),),
)


class Session(CapturedRecord, db.Model):
    """One observation period by one fieldworker at one site (PLDP survey_context)."""

    __tablename__ = "sessions"
    __extra_table_args__ = (
        sa.CheckConstraint(
            "review_state IN ('pending', 'approved', 'has_issues', 'rejected')",
            name="review_state_known",
        ),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        sa.Index("ix_sessions_study_site_started", "study_id", "site_id", "started_at"),
        sa.Index("ix_sessions_fieldworker_started", "fieldworker_id", "started_at"),
        # A record names its session by UUID alone (sync/context.py).
        sa.Index("ix_sessions_uuid", "uuid"),
        # Every sync asks whether the server ended one of its fieldworker's sessions lately
        # (review/forgotten.py): found at once, however many sessions the fieldworker has.
        sa.Index("ix_sessions_fieldworker_auto_closed", "fieldworker_id", "auto_closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    fieldworker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("slots.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    temperature_c: Mapped[float | None]
    crowding: Mapped[str | None] = mapped_column(sa.String(40))
    programme: Mapped[str | None] = mapped_column(sa.String(40))
    review_state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    # Set when the server ended a session its fieldworker forgot to end (review/forgotten.py):
    # the moment it did so; `ended_at` is then the session's last record's time.
    auto_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    study: Mapped["Study"] = relationship()  # noqa: F821
    site: Mapped["Site"] = relationship()  # noqa: F821
    fieldworker: Mapped["User"] = relationship()  # noqa: F821
    slot: Mapped["Slot | None"] = relationship()  # noqa: F821
    zones: Mapped[list["Zone"]] = relationship(secondary=session_zones)  # noqa: F821
    weather_rows: Mapped[list[SessionWeather]] = relationship(cascade="all, delete-orphan")
    weather: AssociationProxy[list[str]] = association_proxy(
        "weather_rows", "code", creator=lambda code: SessionWeather(code=code)
    )
    scans: Mapped[list["Scan"]] = relationship(
        back_populates="session", order_by="Scan.observed_at"
    )
    encounters: Mapped[list["Encounter"]] = relationship(
        back_populates="session", order_by="Encounter.occurred_at"
    )
    notes: Mapped[list["FieldNote"]] = relationship(
        back_populates="session", order_by="FieldNote.written_at"
    )
    passer_counts: Mapped[list["PasserCount"]] = relationship(
        back_populates="session", order_by="PasserCount.started_at"
    )
    reviews: Mapped[list["Review"]] = relationship(  # noqa: F821
        back_populates="session", order_by="(Review.created_at, Review.id)"
    )
    corrections: Mapped[list["Correction"]] = relationship(  # noqa: F821
        back_populates="session", order_by="(Correction.created_at, Correction.id)"
    )

    @property
    def is_open(self) -> bool:
        """An open session can still be corrected by its fieldworker."""
        return self.ended_at is None


class Scan(CapturedRecord, db.Model):
    """Counts of the people present in one zone at one moment (SOPARC scan)."""

    __tablename__ = "scans"
    __extra_table_args__ = (
        # Covers the indicators' pass over a session's scans (indicators/tallies.py), and
        # serves every look-up of a session's scans by time (migration 0016).
        sa.Index("ix_scans_tally", "session_id", "observed_at", "zone_id", "retracted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zones.id"), index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship(back_populates="scans")
    zone: Mapped["Zone"] = relationship()  # noqa: F821
    counts: Mapped[list["ScanCount"]] = relationship(
        cascade="all, delete-orphan", order_by="(ScanCount.category, ScanCount.code)"
    )
    condition_rows: Mapped[list[ScanCondition]] = relationship(cascade="all, delete-orphan")
    conditions: AssociationProxy[list[str]] = association_proxy(
        "condition_rows", "code", creator=lambda code: ScanCondition(code=code)
    )


class ScanCount(db.Model):
    """How many people in a scan carry one code of one category (long format)."""

    __tablename__ = "scan_counts"
    __table_args__ = (
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
        # Covers the visitor mix: the counts are read from the index alone.
        sa.Index("ix_scan_counts_tally", "scan_id", "category", "code", "count"),
    )

    scan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int]


class Encounter(CapturedRecord, db.Model):
    """One observed contact between people: type, parties, relation and flags."""

    __tablename__ = "encounters"
    __extra_table_args__ = (
        # Covers the indicators' one pass over a session's encounters (indicators/tallies.py),
        # and serves every look-up of a session's encounters by time (migration 0016).
        sa.Index(
            "ix_encounters_tally",
            "session_id",
            "occurred_at",
            "retracted",
            "zone_id",
            "encounter_type",
            "relation",
            "parties",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zones.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    encounter_type: Mapped[str] = mapped_column(sa.String(40))
    parties: Mapped[str | None] = mapped_column(sa.String(40))
    relation: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    session: Mapped[Session] = relationship(back_populates="encounters")
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    flag_rows: Mapped[list[EncounterFlag]] = relationship(cascade="all, delete-orphan")
    flags: AssociationProxy[list[str]] = association_proxy(
        "flag_rows", "code", creator=lambda code: EncounterFlag(code=code)
    )


class FieldNote(CapturedRecord, db.Model):
    """Free text tied to a session and optionally a zone; never about an identifiable person."""

    __tablename__ = "field_notes"
    __extra_table_args__ = (sa.Index("ix_field_notes_session_written", "session_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("zones.id"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(
        sa.Text, info={"max_length": 2000, "required": True, "multiline": True}
    )

    session: Mapped[Session] = relationship(back_populates="notes")
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821


# The people-moving count's own categories (PLDP survey_mode and survey_group); gender and
# age take the codebook's codes (sync/passers.py).
PASSER_MODES = ("on_foot", "bicycle", "wheelchair", "pushchair", "other")
PASSER_GROUPS = ("alone", "pair", "group", "large_group")


class PasserCount(CapturedRecord, db.Model):
    """People passing a counting line during a set period (PLDP people-moving count)."""

    __tablename__ = "passer_counts"
    __extra_table_args__ = (
        sa.CheckConstraint("minutes BETWEEN 1 AND 60", name="minutes_in_range"),
        sa.Index("ix_passer_counts_session_started", "session_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"))
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zones.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=10)

    session: Mapped[Session] = relationship(back_populates="passer_counts")
    zone: Mapped["Zone"] = relationship()  # noqa: F821
    tallies: Mapped[list["PasserTally"]] = relationship(
        cascade="all, delete-orphan", order_by="(PasserTally.category, PasserTally.code)"
    )


class PasserTally(db.Model):
    """How many passers of one count had one code of one category: mode, gender, age, group."""

    __tablename__ = "passer_tallies"
    __table_args__ = (sa.CheckConstraint("count >= 0", name="count_not_negative"),)

    passer_count_id: Mapped[int] = mapped_column(
        sa.ForeignKey("passer_counts.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    count: Mapped[int]
