"""Column types and mixins shared by the models."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

# Every date a person enters or a phone sends lies in these years: far enough for any
# study, near enough that a typo like 9999-12-31 is refused instead of overflowing.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """An aware datetime stored as UTC; SQLite gets it naive, PostgreSQL as timestamptz."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes: a time without a zone is ambiguous in the field."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give every stored time a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime whatever the database gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CapturedRecord:
    """Columns of every record a phone creates: session, scan, encounter and note.

    The UUID is generated on the phone the moment a record is tapped; it is unique within
    the study (each model declares that constraint). `revision` grows with each correction.
    """

    uuid: Mapped[str] = mapped_column(sa.String(36))
    revision: Mapped[int] = mapped_column(default=1)
    device_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: the read API finds the records still settling by it (export/keyset.py).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codebook_version: Mapped[int] = mapped_column(default=1)
    # Undo on the phone is a correction that retracts the record; it stays for the audit trail.
    retracted: Mapped[bool] = mapped_column(default=False)

    @declared_attr.directive
    def __table_args__(cls):
        """Unique UUID per study, and a revision that starts at one."""
        return (
            sa.UniqueConstraint("study_id", "uuid"),
            sa.CheckConstraint("revision >= 1", name="revision_positive"),
            *getattr(cls, "__extra_table_args__", ()),
        )


JOB_STATES = ("queued", "running", "done", "failed")


class JobRow:
    """Columns of every job that runs in the background (exports, imports): its state,
    progress, error and times, as tasks/jobrows.py writes them.

    Each model declares its study and user; the mixin adds the state's check and an index
    for a study's newest jobs.
    """

    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr.directive
    def __table_args__(cls):
        """A known state, and the study's jobs newest first."""
        known = ", ".join(f"'{state}'" for state in JOB_STATES)
        return (
            sa.CheckConstraint(f"status IN ({known})", name="status_known"),
            sa.Index(f"ix_{cls.__tablename__}_study_created", "study_id", "created_at"),
        )
