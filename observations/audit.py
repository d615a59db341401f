"""The audit trail: who changed what, when, old → new. Append-only."""

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from .extensions import db
from .models import AuditEvent, User


def record(
    action: str,
    entity: str,
    key,
    changes: dict | None = None,
    actor: User | None = None,
    study_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    audit_event = AuditEvent(
        action=action,
        entity=entity,
        entity_key=str(key),
        changes=changes or {},
        actor_id=actor.id if actor is not None else None,
        study_id=study_id,
    )
    db.session.add(audit_event)
    return audit_event


def diff(before: dict, after: dict) -> dict:
    """Return {field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


class AuditIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit event."""


@event.listens_for(OrmSession, "before_flush")
def _refuse_audit_changes(session, _context, _instances) -> None:
    """Audit events are never edited or deleted through the ORM."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditIsAppendOnly("audit events cannot be changed or deleted")
