"""A study's retention period: how long its observation records are kept, and when that ends.

The period is counted in months from the day of the study's oldest session (in the study's
time zone): the records of that day are past their retention on `due_day`, and so the
study is. A study without a period (None) is never past it; the admin's overview says so.
Deleting the records is observations/purge.py.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from . import audit
from .extensions import db
from .models import Session, Study, User, utcnow
from .validation import Invalid

# Twenty years: longer than any research-data code asks, short enough to catch a typo.
LONGEST_MONTHS = 240


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day where it has none."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def local_today(study: Study) -> date:
    """Today in the study's time zone."""
    return utcnow().astimezone(ZoneInfo(study.timezone)).date()


def month_problems(months) -> list[str]:
    """What is wrong with a retention period in months (None: no period, which is allowed)."""
    if months is None:
        return []
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= LONGEST_MONTHS:
        return [
            _(
                "Give the retention period in whole months, from 1 to %(longest)d.",
                longest=LONGEST_MONTHS,
            )
        ]
    return []


def set_period(study: Study, months: int | None, actor: User | None = None) -> bool:
    """Set the study's retention period (None: none), audited; False when nothing changed."""
    problems = month_problems(months)
    if problems:
        raise Invalid({"retention_months": problems})
    if study.retention_months == months:
        return False
    audit.record(
        "update",
        "study",
        study.id,
        {"retention_months": [study.retention_months, months]},
        actor=actor,
        study_id=study.id,
    )
    study.retention_months = months
    return True


@dataclass(frozen=True)
class Standing:
    """Where a study stands against its retention period."""

    study: Study
    oldest_day: date | None  # the local day of its oldest session; None: no sessions
    due_day: date | None  # the day the oldest records pass the period; None: no period/records
    today: date

    @property
    def past(self) -> bool:
        """Whether its oldest records are past the retention period."""
        return self.due_day is not None and self.due_day <= self.today


def _standing(study: Study, oldest) -> Standing:
    """The standing of a study whose oldest session started at `oldest` (or None)."""
    zone = ZoneInfo(study.timezone)
    oldest_day = oldest.astimezone(zone).date() if oldest is not None else None
    due = None
    if oldest_day is not None and study.retention_months:
        due = add_months(oldest_day, study.retention_months)
    return Standing(study, oldest_day, due, local_today(study))


def standing(study: Study) -> Standing:
    """Where one study stands: its oldest session and the day that passes the period."""
    # min() keeps the column's type, so the time comes back aware on both databases.
    oldest = db.session.scalar(select(func.min(Session.started_at)).filter_by(study_id=study.id))
    return _standing(study, oldest)


def standings() -> dict[int, Standing]:
    """Every study's standing, by study id (one grouped query for the admin's overview)."""
    oldest = dict(
        db.session.execute(
            select(Session.study_id, func.min(Session.started_at)).group_by(Session.study_id)
        ).all()
    )
    return {
        study.id: _standing(study, oldest.get(study.id))
        for study in db.session.scalars(select(Study).order_by(Study.name))
    }
