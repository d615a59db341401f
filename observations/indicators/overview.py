"""Figures for the dashboards: computed in SQL, returned as plain values."""

import sqlalchemy as sa
from sqlalchemy import func, select

from ..extensions import db
from ..models import Encounter, Session, Site, Study, User


def site_overview(study: Study) -> list[dict]:
    """Per site: sessions, observed hours, encounters, encounters per hour, awaiting review."""
    sessions = (
        select(
            Session.site_id,
            func.count(Session.id).label("sessions"),
            func.sum(
                db.case(
                    (sa.and_(Session.review_state == "pending", Session.ended_at.is_not(None)), 1),
                    else_=0,
                )
            ).label("pending"),
        )
        .where(Session.study_id == study.id, Session.retracted.is_(False))
        .group_by(Session.site_id)
        .subquery()
    )
    encounters = (
        select(Session.site_id, func.count(Encounter.id).label("encounters"))
        .join(Encounter, Encounter.session_id == Session.id)
        .where(
            Session.study_id == study.id,
            Session.retracted.is_(False),
            Encounter.retracted.is_(False),
        )
        .group_by(Session.site_id)
        .subquery()
    )
    hours = observed_hours(study)
    rows = db.session.execute(
        select(Site, sessions.c.sessions, sessions.c.pending, encounters.c.encounters)
        .outerjoin(sessions, sessions.c.site_id == Site.id)
        .outerjoin(encounters, encounters.c.site_id == Site.id)
        .where(Site.study_id == study.id)
        .order_by(Site.name)
    )
    overview = []
    for site, n_sessions, pending, n_encounters in rows:
        site_hours = hours.get(site.id, 0.0)
        overview.append(
            {
                "site": site,
                "sessions": n_sessions or 0,
                "hours": round(site_hours, 1),
                "encounters": n_encounters or 0,
                "per_hour": round((n_encounters or 0) / site_hours, 1) if site_hours else None,
                "pending": pending or 0,
            }
        )
    return overview


def observed_hours(study: Study) -> dict[int, float]:
    """Return {site id: hours observed in ended sessions}."""
    rows = db.session.execute(
        select(Session.site_id, Session.started_at, Session.ended_at).where(
            Session.study_id == study.id,
            Session.ended_at.is_not(None),
            Session.retracted.is_(False),
        )
    )
    hours: dict[int, float] = {}
    for site_id, started, ended in rows:
        hours[site_id] = hours.get(site_id, 0.0) + (ended - started).total_seconds() / 3600
    return hours


def recent_sessions(
    study: Study,
    limit: int = 10,
    fieldworker: User | None = None,
    state: str | None = None,
) -> list[dict]:
    """Return the newest sessions with their number of encounters."""
    n_encounters = (
        select(func.count(Encounter.id))
        .where(Encounter.session_id == Session.id, Encounter.retracted.is_(False))
        .correlate(Session)
        .scalar_subquery()
    )
    query = (
        select(Session, n_encounters)
        .where(Session.study_id == study.id, Session.retracted.is_(False))
        .order_by(Session.started_at.desc())
        .limit(limit)
    )
    if fieldworker is not None:
        query = query.where(Session.fieldworker_id == fieldworker.id)
    if state is not None:
        query = query.where(Session.review_state == state)
    return [{"session": s, "encounters": n} for s, n in db.session.execute(query)]
