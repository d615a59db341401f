"""Filters typed by people (the export command, the read API): days and sites, checked.

Each raises ValueError with a message in the current language that says what was wrong.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from .. import text
from ..extensions import db
from ..models import FIRST_DAY, LAST_DAY, Site, Study


def parse_day(value: str | None, option: str) -> date | None:
    """A date from YYYY-MM-DD within the years Terloops stores (None when empty)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _(
                "%(option)s takes a date like 2026-05-01, not %(value)s.",
                option=option,
                value=text.visible(value),
            )
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            _(
                "%(option)s takes a date from %(first)s to %(last)s, not %(value)s.",
                option=option,
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
                value=value,
            )
        )
    return day


def find_sites(study: Study, values: list[str], by_id: bool = False) -> list[int]:
    """The ids of the study's sites named in `values` (with `by_id`, digits are a site's id)."""
    sites = list(db.session.scalars(select(Site).filter_by(study_id=study.id)))
    by_name = {site.name: site.id for site in sites}
    ids = {str(site.id): site.id for site in sites} if by_id else {}
    found, unknown = [], []
    for value in values:
        site = ids.get(value) if value.isdigit() else None
        site = site or by_name.get(value)
        if site is None:
            unknown.append(text.visible(value))
        elif site not in found:
            found.append(site)
    if unknown:
        raise ValueError(
            _(
                "Unknown site %(names)s. Sites of this study: %(known)s.",
                names=", ".join(unknown),
                known=", ".join(sorted(by_name)),
            )
        )
    return found
