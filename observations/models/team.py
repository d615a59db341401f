"""When the members of a study's team can observe: weekly availability and dates away."""

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Availability(db.Model):
    """A weekly period a member can observe (0 = Monday). A member without any is taken to
    be available at any time (the generator's summary says so)."""

    __tablename__ = "availabilities"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_known"),
        sa.CheckConstraint("starts < ends", name="starts_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id"), index=True)
    weekday: Mapped[int]
    starts: Mapped[time]
    ends: Mapped[time]

    membership: Mapped["Membership"] = relationship(back_populates="availability")  # noqa: F821


class Absence(db.Model):
    """Dates a member is away (both days included): never planned then."""

    __tablename__ = "absences"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="first_before_last"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    membership: Mapped["Membership"] = relationship(back_populates="absences")  # noqa: F821
