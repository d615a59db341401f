"""What a phone needs to record offline in a study: places, codebook and the user's slots."""

from datetime import timedelta

from sqlalchemy import select

from . import codebook, scan_rules, schedule
from .extensions import db
from .models import Membership, Session, Site, Study, User
from .review.forgotten import closed_entry, recently_closed
from .sync.fields import iso


def _labels(item, prefix: str = "label") -> dict:
    """Dutch and English texts of a codebook item."""
    return {"nl": getattr(item, f"{prefix}_nl"), "en": getattr(item, f"{prefix}_en")}


def open_sessions(study: Study, user: User) -> list[Session]:
    """The user's sessions in the study that have not ended, oldest first."""
    return list(
        db.session.scalars(
            select(Session)
            .filter_by(study_id=study.id, fieldworker_id=user.id, ended_at=None, retracted=False)
            .order_by(Session.started_at)
        )
    )


def capture_data(study: Study, user: User) -> dict:
    """Everything the capture screens show, as plain JSON-able values."""
    version = codebook.current_version(study)
    rows = codebook.categories(study)
    categories = [
        {
            "key": c.key,
            "label": _labels(c),
            "applies_to": c.applies_to,
            "multiple": c.multiple,
            "codes": [
                {"code": x.code, "label": _labels(x), "description": _labels(x, "description")}
                for x in c.codes
                if x.valid_in(version)
            ],
        }
        for c in rows
    ]
    sites = db.session.scalars(
        select(Site).filter_by(study_id=study.id, active=True).order_by(Site.position, Site.name)
    )
    today = schedule.local_today(study.timezone)
    start = schedule.local_day_bounds(today, study.timezone)[0]
    slots = schedule.slots_between(study, start, start + timedelta(days=15), fieldworker=user)
    membership = db.session.scalar(select(Membership).filter_by(study_id=study.id, user_id=user.id))
    return {
        "study": {"slug": study.slug, "name": study.name, "timezone": study.timezone},
        "observer_code": membership.observer_code if membership else None,
        "codebook": {"version": version, "categories": categories},
        # The scan's arithmetic, checked on the phone as the server checks it.
        "scan_rules": scan_rules.rules_for(rows, version),
        "sites": [
            {
                "id": s.id,
                "name": s.name,
                "kind": s.kind,
                # A counting line is where the phone offers the people-moving count.
                "zones": [
                    {"id": z.id, "name": z.name, "counting_line": z.counting_line}
                    for z in s.zones
                    if z.active
                ],
            }
            for s in sites
        ],
        "slots": [
            {
                "id": s.id,
                "site": s.site_id,
                "zones": [z.id for z in s.zones],
                "starts_at": iso(s.starts_at),
                "duration_minutes": s.duration_minutes,
            }
            for s in slots
        ],
        "open_sessions": [
            {"uuid": s.uuid, "site": s.site_id, "started_at": iso(s.started_at)}
            for s in open_sessions(study, user)
        ],
        # Sessions the server ended because they were not ended (review/forgotten.py).
        "closed_sessions": [closed_entry(s) for s in recently_closed(user.id, study=study)],
    }
