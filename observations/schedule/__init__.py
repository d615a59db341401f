"""The observation schedule: which slots fall in a period, and local-day boundaries.

A service the manage pages and the CLI share: plan.py (the generator's input and output),
generator.py (a balanced plan), calendar.py (iCalendar), coverage.py (planned versus done).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Slot, Study, User


def local_day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """Return the aware start and end of a calendar day in the study's time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def local_today(timezone: str, now: datetime | None = None) -> date:
    """Return today's date where the study is."""
    return (now or datetime.now(ZoneInfo(timezone))).astimezone(ZoneInfo(timezone)).date()


def slots_between(
    study: Study,
    start: datetime,
    end: datetime,
    fieldworker: User | None = None,
    include_cancelled: bool = False,
) -> list[Slot]:
    """Return the study's slots starting in [start, end), in time order."""
    query = (
        select(Slot)
        .where(Slot.study_id == study.id, Slot.starts_at >= start, Slot.starts_at < end)
        .options(
            selectinload(Slot.zones),
            selectinload(Slot.site),
            selectinload(Slot.fieldworker),
            selectinload(Slot.partner),
        )
        .order_by(Slot.starts_at)
    )
    if fieldworker is not None:  # their own slots, and those they observe as a pair's second
        query = query.where(
            or_(Slot.fieldworker_id == fieldworker.id, Slot.partner_id == fieldworker.id)
        )
    if not include_cancelled:
        query = query.where(Slot.status == "planned")
    return list(db.session.scalars(query))


def days_ahead(study: Study, days: int, fieldworker: User | None = None) -> dict:
    """Return today's slots and those of the following days, for a home page."""
    today = local_today(study.timezone)
    today_start, today_end = local_day_bounds(today, study.timezone)
    later_end = local_day_bounds(today + timedelta(days=days), study.timezone)[0]
    return {
        "today": slots_between(study, today_start, today_end, fieldworker),
        "later": slots_between(study, today_end, later_end, fieldworker),
    }
