"""Indicator facts: each session's records summed per local hour, kept up to date on write.

The dashboards read these small tables instead of every encounter and scan count: a
million encounters become some fifty thousand session-hours. A session has facts while it
has ended and is not retracted; they are rewritten whole whenever the session or one of its
records changes (observations/indicators/facts/). Each row repeats the session's site and
review state (and, for hours, its programme level and crowding), so that the filters need no
join, and each index lists its columns in the order the dashboards group by.

`hour` is the local hour number (whole hours since 1970-01-01 00:00 in the study's zone,
observations/indicators/local_time.py): hour % 24 is the hour of the day, hour // 24 the
day number.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


def _session_column():
    return mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)


# The sums of fact_hours, and its three covering indexes: one per roll-up the dashboards
# make (per site and day, per site and hour of the week, per session conditions), each in
# the order of its GROUP BY so that SQLite sums without sorting.
HOUR_SUMS = (
    "seconds",
    "encounters",
    "strangers",
    "recognised",
    "acquaintances",
    "across_ages",
    "different_company",
)
HOUR_INDEXES = {
    "ix_fact_hours_day": ("site_id", "day", "review_state", "hour", "session_id", *HOUR_SUMS),
    "ix_fact_hours_week": ("site_id", "week_hour", "review_state", "hour", *HOUR_SUMS),
    "ix_fact_hours_conditions": (
        "programme",
        "crowding",
        "site_id",
        "review_state",
        "hour",
        *HOUR_SUMS,
    ),
}


class HourFact(db.Model):
    """A session's observed seconds and encounters in one local hour."""

    __tablename__ = "fact_hours"
    __table_args__ = tuple(sa.Index(name, *columns) for name, columns in HOUR_INDEXES.items())

    session_id: Mapped[int] = _session_column()
    hour: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    # hour // 24, and the hour of the week (0 = Monday 0:00).
    day: Mapped[int] = mapped_column()
    week_hour: Mapped[int] = mapped_column()
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    review_state: Mapped[str] = mapped_column(sa.String(20))
    # "running", "none" or "unknown"; crowding's code or "unknown" (indicators/scope.py).
    programme: Mapped[str] = mapped_column(sa.String(40))
    crowding: Mapped[str] = mapped_column(sa.String(40))
    seconds: Mapped[int] = mapped_column(default=0)
    encounters: Mapped[int] = mapped_column(default=0)
    strangers: Mapped[int] = mapped_column(default=0)
    recognised: Mapped[int] = mapped_column(default=0)
    acquaintances: Mapped[int] = mapped_column(default=0)
    across_ages: Mapped[int] = mapped_column(default=0)
    different_company: Mapped[int] = mapped_column(default=0)


class CodeFact(db.Model):
    """How often a code occurs in one session-hour: people counted in scans (a visitor-mix
    category) or encounters (category "encounter_type" or "parties"; code "" = not coded)."""

    __tablename__ = "fact_codes"
    __table_args__ = (
        sa.Index(
            "ix_fact_codes_site",
            "site_id",
            "category",
            "code",
            "daypart",
            "review_state",
            "hour",
            "n",
        ),
    )

    session_id: Mapped[int] = _session_column()
    hour: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    review_state: Mapped[str] = mapped_column(sa.String(20))
    # "morning" (before 12), "afternoon" (before 17) or "evening", from the hour.
    daypart: Mapped[str] = mapped_column(sa.String(10))
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ZoneFact(db.Model):
    """A zone in one session-hour: its scans and encounters (condition ""), or how many of
    those scans recorded a zone condition (condition = its code, in `scans`)."""

    __tablename__ = "fact_zones"
    __table_args__ = (
        sa.Index(
            "ix_fact_zones_session",
            "session_id",
            "zone_id",
            "condition",
            "site_id",
            "review_state",
            "hour",
            "scans",
            "encounters",
        ),
    )

    session_id: Mapped[int] = _session_column()
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zones.id"), primary_key=True)
    hour: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    condition: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    review_state: Mapped[str] = mapped_column(sa.String(20))
    scans: Mapped[int] = mapped_column(default=0)
    encounters: Mapped[int] = mapped_column(default=0)


class SessionCodeFact(db.Model):
    """fact_codes summed per session and local day (and per part of the day for the visitor
    mix; daypart "" for encounters): what the dashboards read when their filters leave whole
    days (no time window), a third fewer rows than per hour."""

    __tablename__ = "fact_session_codes"
    __table_args__ = (
        sa.Index(
            "ix_fact_session_codes_site",
            "site_id",
            "category",
            "code",
            "daypart",
            "review_state",
            "day",
            "n",
        ),
    )

    session_id: Mapped[int] = _session_column()
    day: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    daypart: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    review_state: Mapped[str] = mapped_column(sa.String(20))
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ConditionFact(db.Model):
    """A session's zone conditions judged over the whole session (tallies.py's rule: held in
    a zone when at least half of its scans recorded it): the zone-seconds and encounters of
    the zones where it held; condition "" = every zone with a scan. What the dashboards read
    when their filters leave whole days; otherwise they judge again from fact_zones. `day`
    is the local day all the session's facts lie in, or -1 when they span days (such a
    session is judged again from fact_zones when the filters leave some days out)."""

    __tablename__ = "fact_conditions"
    __table_args__ = (
        sa.Index(
            "ix_fact_conditions_code",
            "condition",
            "site_id",
            "review_state",
            "day",
            "seconds",
            "encounters",
        ),
    )

    session_id: Mapped[int] = _session_column()
    condition: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"))
    review_state: Mapped[str] = mapped_column(sa.String(20))
    day: Mapped[int] = mapped_column()
    seconds: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    encounters: Mapped[int] = mapped_column(default=0)


FACT_MODELS = (HourFact, CodeFact, SessionCodeFact, ZoneFact, ConditionFact)
