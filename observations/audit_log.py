"""Reading the audit trail: events filtered by kind, person and dates, newest first, paged.

The coordinator's page reads one study's events; the admin's page reads every study's and
the account events (study_id NULL). Order is stable: occurred_at desc, id desc, so a page
never repeats or skips an event when two happened in the same instant.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import AuditEvent, User

PER_PAGE = 50
# Longer values are shortened in the table; the full value is one click away.
SHORT = 80
ALL_STUDIES, ACCOUNTS = "all", "accounts"

ENTITIES = {
    "study": _l("Study"),
    "user": _l("Account"),
    "membership": _l("Membership"),
    "password_link": _l("Password link"),
    "api_token": _l("API token"),
    "login": _l("Login"),
    "session": _l("Session"),
    "scan": _l("Scan"),
    "encounter": _l("Encounter"),
    "note": _l("Field note"),
    "queue": _l("Queue file"),
    "pldp": _l("PLDP import"),
    "site": _l("Site"),
    "zone": _l("Zone"),
    "site_profile": _l("Site profile"),
    "slot": _l("Slot"),
    "availability": _l("Availability"),
    "absence": _l("Absence"),
    "codebook": _l("Codebook"),
    "codebook_category": _l("Codebook category"),
    "codebook_code": _l("Code"),
    "calendar_address": _l("Calendar address"),
    "schedule": _l("Schedule"),
    "review": _l("Review"),
}
ACTIONS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "archive": _l("archived"),
    "unarchive": _l("reopened"),
    "deactivate": _l("deactivated"),
    "reactivate": _l("reactivated"),
    "password": _l("password changed"),
    "issue": _l("issued"),
    "use": _l("used"),
    "revoke": _l("revoked"),
    "export": _l("exported"),
    "import": _l("imported"),
    "upload": _l("uploaded"),
    "retire": _l("retired"),
    "restore": _l("restored"),
    "failed": _l("failed"),
    "login_failed": _l("failed login"),
    "review": _l("reviewed"),
    "reassign": _l("reassigned"),
    "cancel": _l("cancelled"),
    "renew": _l("renewed"),
    "reply": _l("replied"),
    "correct": _l("corrected"),
    "auto_close": _l("closed automatically"),
    "purge": _l("records deleted"),
}


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; empty values narrow nothing."""

    entity: str = ""
    action: str = ""
    actor: int | None = None  # a user's id; 0: events without a person ("system")
    date_from: date | None = None
    date_to: date | None = None
    study: str = ALL_STUDIES  # admin only: ALL_STUDIES, ACCOUNTS or a study id as text

    def query(self) -> dict:
        """The filters as URL query values (for the paging and export links)."""
        values = {
            "entity": self.entity,
            "action": self.action,
            "actor": "" if self.actor is None else str(self.actor),
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "study": "" if self.study == ALL_STUDIES else self.study,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class Page:
    """One page of events, and whether there are newer and older ones."""

    events: list[AuditEvent]
    number: int
    has_newer: bool
    has_older: bool


def _scoped(statement, study_id: int | None, filters: Filters):
    """Narrow a statement to a study (None: the admin's whole installation)."""
    if study_id is not None:
        return statement.where(AuditEvent.study_id == study_id)
    if filters.study == ACCOUNTS:
        return statement.where(AuditEvent.study_id.is_(None))
    if filters.study.isdigit():
        return statement.where(AuditEvent.study_id == int(filters.study))
    return statement


def _bounds(filters: Filters, zone: ZoneInfo):
    """The date filters as UTC instants: from the start of the first to the end of the last."""
    start = end = None
    if filters.date_from:
        start = datetime.combine(filters.date_from, time(), zone)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
    return start, end


def filtered(study_id: int | None, filters: Filters, zone: ZoneInfo):
    """The select of the events matching the filters, newest first."""
    statement = _scoped(select(AuditEvent), study_id, filters)
    if filters.entity:
        statement = statement.where(AuditEvent.entity == filters.entity)
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.actor == 0:
        statement = statement.where(AuditEvent.actor_id.is_(None))
    elif filters.actor is not None:
        statement = statement.where(AuditEvent.actor_id == filters.actor)
    start, end = _bounds(filters, zone)
    if start is not None:
        statement = statement.where(AuditEvent.occurred_at >= start)
    if end is not None:
        statement = statement.where(AuditEvent.occurred_at < end)
    return statement.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def page(study_id: int | None, filters: Filters, zone: ZoneInfo, number: int = 1) -> Page:
    """Page `number` (1: the newest) of the matching events, PER_PAGE at most."""
    number = max(1, number)
    statement = filtered(study_id, filters, zone).options(selectinload(AuditEvent.actor))
    rows = list(db.session.scalars(statement.offset((number - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return Page(rows[:PER_PAGE], number, number > 1, len(rows) > PER_PAGE)


def choices(study_id: int | None, filters: Filters) -> dict:
    """The kinds, actions and people that occur in the scope, for the filter's menus."""
    scope = _scoped(select(AuditEvent.entity, AuditEvent.action).distinct(), study_id, filters)
    pairs = db.session.execute(scope).all()
    actor_ids = select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None))
    actor_ids = _scoped(actor_ids, study_id, filters).distinct()
    people = db.session.scalars(
        select(User).where(User.id.in_(actor_ids)).order_by(User.username)
    ).all()
    return {
        "entities": sorted({entity for entity, _action in pairs}),
        "actions": sorted({action for _entity, action in pairs}),
        "people": list(people),
    }


def entity_label(entity: str) -> str:
    """A human name of an entity in the user's language (the raw name if unknown)."""
    return str(ENTITIES.get(entity, entity))


def action_label(action: str) -> str:
    """A human name of an action in the user's language (the raw name if unknown)."""
    return str(ACTIONS.get(action, action))


def value_text(value) -> str:
    """A changed value as text: lists and objects as JSON, nothing as –."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def shorten(value: str) -> str:
    """The start of a long value, ending in …"""
    return value if len(value) <= SHORT else value[: SHORT - 1] + "…"


def changes(event: AuditEvent) -> list[tuple[str, str | None, str]]:
    """(field, old, new) of an event, as text; a value not in [old, new] form (a correction's
    reason, say) has old None and is shown as itself."""
    found = []
    for name, change in sorted((event.changes or {}).items()):
        if isinstance(change, list) and len(change) == 2:
            found.append((name, value_text(change[0]), value_text(change[1])))
        else:
            found.append((name, None, value_text(change)))
    return found


def template_helpers() -> dict:
    """What the audit page's template uses to show an event."""
    return {
        "audit_entity": entity_label,
        "audit_action": action_label,
        "audit_changes": changes,
        "audit_shorten": shorten,
        "audit_short": SHORT,
    }
