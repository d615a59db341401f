"""A small known schedule for the schedule tests: study alpha with a site, observers, slots."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from observations.extensions import db
from observations.models import Membership, Site, Slot, Study, User, Zone
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(day: str, clock: str) -> datetime:
    """An aware Amsterdam time from "2026-03-27" and "09:00"."""
    return datetime.combine(
        datetime.fromisoformat(day).date(), time.fromisoformat(clock), tzinfo=AMSTERDAM
    )


def user(username: str) -> User:
    """An account by username."""
    return db.session.scalar(select(User).filter_by(username=username))


def membership(study: Study, username: str) -> Membership:
    """A member of the study by username."""
    return db.session.scalar(
        select(Membership).filter_by(study_id=study.id, user_id=user(username).id)
    )


def study(slug: str = "alpha") -> Study:
    """A study by slug."""
    return db.session.scalar(select(Study).filter_by(slug=slug))


def site(study: Study, name: str = "Bibliotheek Oost", **kwargs) -> Site:
    """A site with two zones."""
    place = Site(
        study_id=study.id,
        name=name,
        kind="library",
        address=kwargs.pop("address", "Linnaeusstraat 1"),
        city=kwargs.pop("city", "Amsterdam"),
        zones=[Zone(name="Entree", position=0), Zone(name="Leestafels", position=1)],
        **kwargs,
    )
    db.session.add(place)
    db.session.flush()
    return place


def slot(place: Site, starts: datetime, who: User | None, partner: User | None = None, **kw):
    """A planned slot of an hour at the site, in its first window unless told."""
    planned = Slot(
        study_id=place.study_id,
        site_id=place.id,
        starts_at=starts,
        duration_minutes=kw.pop("duration_minutes", 60),
        fieldworker_id=who.id if who else None,
        partner_id=partner.id if partner else None,
        time_window=kw.pop("time_window", "09:00-12:00"),
        zones=list(place.zones),
        **kw,
    )
    db.session.add(planned)
    db.session.flush()
    return planned


def team(study: Study) -> None:
    """Two more fieldworkers in the study: alpha-w2 and alpha-w3."""
    for name in ("alpha-w2", "alpha-w3"):
        factories.user(name, "fieldworker", study)


def session(place: Site, starts: datetime, who: User, planned: Slot | None = None):
    """A session at the site (linked to a slot, or unplanned)."""
    import uuid

    from observations.models import Session

    record = Session(
        uuid=str(uuid.uuid4()),
        study_id=place.study_id,
        site_id=place.id,
        fieldworker_id=who.id,
        slot_id=planned.id if planned else None,
        started_at=starts,
    )
    db.session.add(record)
    db.session.flush()
    return record
