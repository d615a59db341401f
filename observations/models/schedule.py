"""The observation schedule: planned slots, each covered by one fieldworker."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

slot_zones = sa.Table(
    "slot_zones",
    db.metadata,
    sa.Column("slot_id", sa.ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("zone_id", sa.ForeignKey("zones.id"), primary_key=True),
)


class Slot(db.Model):
    """A planned observation: site, zones, start, duration and assigned fieldworker."""

    __tablename__ = "slots"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("status IN ('planned', 'cancelled')", name="status_known"),
        sa.Index("ix_slots_study_starts", "study_id", "starts_at"),
        sa.Index("ix_slots_fieldworker_starts", "fieldworker_id", "starts_at"),
        sa.Index("ix_slots_partner_starts", "partner_id", "starts_at"),
        sa.CheckConstraint(
            "partner_id IS NULL OR partner_id <> fieldworker_id", name="partner_differs"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    fieldworker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The second observer of a paired slot (two at once, for the reliability check).
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The planned time window it belongs to, e.g. "09:00-12:00" (coverage groups by it).
    time_window: Mapped[str] = mapped_column(sa.String(11), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped["Site"] = relationship()  # noqa: F821
    zones: Mapped[list["Zone"]] = relationship(secondary=slot_zones)  # noqa: F821
    fieldworker: Mapped["User | None"] = relationship(foreign_keys=[fieldworker_id])  # noqa: F821
    partner: Mapped["User | None"] = relationship(foreign_keys=[partner_id])  # noqa: F821

    @property
    def paired(self) -> bool:
        """Two observers at once."""
        return self.partner_id is not None

    @property
    def ends_at(self) -> datetime:
        """When the slot's observation period ends."""
        return self.starts_at + timedelta(minutes=self.duration_minutes)
