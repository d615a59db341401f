"""Reviews of sessions and the append-only audit trail."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Review(db.Model):
    """A research lead's verdict on a session; the newest one sets the session's state."""

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

    session: Mapped["Session"] = relationship(back_populates="reviews")  # noqa: F821
    reviewer: Mapped["User"] = relationship()  # noqa: F821


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
