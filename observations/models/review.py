"""Reviews of sessions and the append-only audit trail."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Review(db.Model):
    """A research lead's verdict on a session; the newest one sets the session's state.

    Decisions are only ever added: the list of a session's reviews is its review history.
    The fieldworker may answer each decision once (`reply`).
    """

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint("state IN ('approved', 'has_issues', 'rejected')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 2000, "multiline": True}
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reply: Mapped[str | None] = mapped_column(sa.Text, info={"max_length": 2000, "multiline": True})
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped["Session"] = relationship(back_populates="reviews")  # noqa: F821
    reviewer: Mapped["User"] = relationship()  # noqa: F821


class Correction(db.Model):
    """A lead's or coordinator's change to a captured record, with its reason: old → new.

    `changes` is {field: [old, new]} in the record's canonical (sync) form; `revision` is the
    record's revision after the change. Corrections are only ever added.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        sa.CheckConstraint(
            "record_kind IN ('session', 'scan', 'encounter', 'note')", name="record_kind_known"
        ),
        sa.Index("ix_corrections_record", "study_id", "record_kind", "record_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id"), index=True)
    record_kind: Mapped[str] = mapped_column(sa.String(20))
    record_uuid: Mapped[str] = mapped_column(sa.String(36))
    revision: Mapped[int]
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(
        sa.Text, info={"max_length": 2000, "required": True, "multiline": True}
    )
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped["Session"] = relationship(back_populates="corrections")  # noqa: F821
    actor: Mapped["User"] = relationship()  # noqa: F821


class AuditEvent(db.Model):
    """Who changed what, when, old → new. Rows are only ever added (see audit.py)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_study_occurred", "study_id", "occurred_at"),
        sa.Index("ix_audit_events_entity", "entity", "entity_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    study_id: Mapped[int | None] = mapped_column(sa.ForeignKey("studies.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_key: Mapped[str] = mapped_column(sa.String(64))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped["User | None"] = relationship()  # noqa: F821
