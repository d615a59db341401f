"""Studies and the places they observe: sites and their zones."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

SITE_KINDS = (
    "library",
    "park",
    "market",
    "community_centre",
    "square",
    "street",
    "other",
)
# Whether a site's observed space lies indoors, outdoors or both (a library with a garden).
SITE_SETTINGS = ("indoor", "outdoor", "mixed")


class Study(db.Model):
    """One research project: owns a codebook, sites, team, schedule and retention period."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True, info={"required": True})
    name: Mapped[str] = mapped_column(sa.String(200), info={"required": True})
    description: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 2000, "multiline": True}
    )
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Amsterdam")
    # How long the study's observation records are kept, counted from the day of its oldest
    # session (observations/retention.py); None: no period set.
    retention_months: Mapped[int | None]
    # When its records were last deleted (observations/purge.py); the audit trail has the counts.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sites: Mapped[list["Site"]] = relationship(back_populates="study", order_by="Site.name")
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="study"
    )

    def __repr__(self) -> str:
        return f"<Study {self.slug}>"


class Site(db.Model):
    """A meeting place: a library, park, market, community centre, …"""

    __tablename__ = "sites"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "name"),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in SITE_KINDS) + ")",
            name="kind_known",
        ),
        sa.CheckConstraint(
            "setting IN (" + ", ".join(f"'{s}'" for s in SITE_SETTINGS) + ")",
            name="setting_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), info={"required": True})
    kind: Mapped[str] = mapped_column(sa.String(30), default="other")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    neighbourhood: Mapped[str] = mapped_column(sa.String(100), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    setting: Mapped[str] = mapped_column(sa.String(10), default="indoor")
    position: Mapped[int] = mapped_column(default=0)
    # False once archived: kept with everything recorded there, no longer offered or planned.
    active: Mapped[bool] = mapped_column(default=True)

    study: Mapped[Study] = relationship(back_populates="sites")
    zones: Mapped[list["Zone"]] = relationship(
        back_populates="site", order_by="(Zone.position, Zone.name)"
    )
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="site",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
        cascade="all, delete-orphan",
    )
    profiles: Mapped[list["SiteProfile"]] = relationship(
        back_populates="site", order_by="(SiteProfile.valid_from.desc(), SiteProfile.id.desc())"
    )

    def __repr__(self) -> str:
        return f"<Site {self.name}>"


class Zone(db.Model):
    """A target area within a site (SOPARC target area, PLDP location)."""

    __tablename__ = "zones"
    __table_args__ = (
        sa.UniqueConstraint("site_id", "name"),
        sa.CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), info={"required": True})
    description: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 2000, "multiline": True}
    )
    area_m2: Mapped[float | None]
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # A line people pass (an entrance, a path, a market aisle): the phone offers the
    # people-moving count there (records.PasserCount).
    counting_line: Mapped[bool] = mapped_column(default=False)

    site: Mapped[Site] = relationship(back_populates="zones")

    def __repr__(self) -> str:
        return f"<Zone {self.name}>"


class OpeningHours(db.Model):
    """One period a site is open on a weekday (0 = Monday); a site without any is always open."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_known"),
        sa.CheckConstraint("opens < closes", name="opens_before_closing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]

    site: Mapped[Site] = relationship(back_populates="opening_hours")


class SiteProfile(db.Model):
    """A dated checklist of a site's conditions (the KIS conditions of a good meeting place).

    Never edited: a change is a new profile with its own date, so that indicators can set the
    conditions that held on a day against the encounters of that day. `data` holds the
    checklist (see observations/sites/profile.py for its fields).
    """

    __tablename__ = "site_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    valid_from: Mapped[date]
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(
        sa.Text, default="", info={"max_length": 2000, "multiline": True}
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship(back_populates="profiles")
