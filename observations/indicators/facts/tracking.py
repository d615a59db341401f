"""Which sessions' facts to rewrite before a commit, and the rewriting itself.

Changes made through the ORM are noticed by themselves (after each flush); writers that use
Core statements (the sync store, the demo, closing forgotten sessions) name the sessions
they touched with `mark`. Just before the transaction commits, the facts of every session
named are rewritten inside it, so that they never disagree with the records they sum.
"""

import sqlalchemy as sa
from sqlalchemy import orm, select

SESSIONS, SCANS, ENCOUNTERS = "fact_sessions", "fact_scans", "fact_encounters"
STUDIES = "fact_studies"  # a study whose time zone changed: every local hour moves
KEYS = (SESSIONS, SCANS, ENCOUNTERS, STUDIES)


def _pending(session: orm.Session, key: str) -> set:
    return session.info.setdefault(key, set())


def mark(session_ids, session: orm.Session | None = None) -> None:
    """Have the facts of these sessions rewritten before the current transaction commits."""
    from ...extensions import db

    _pending(session or db.session(), SESSIONS).update(i for i in session_ids if i is not None)


def _noticed(session: orm.Session, flush_context) -> None:
    """after_flush: the sessions whose records the flush wrote."""
    from ...models import Encounter, EncounterFlag, Scan, ScanCondition, ScanCount, Study
    from ...models import Session as Observed

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Study):
            if sa.inspect(obj).attrs.timezone.history.has_changes():
                _pending(session, STUDIES).add(obj.id)
        elif isinstance(obj, Observed):
            _pending(session, SESSIONS).add(obj.id)
        elif isinstance(obj, (Scan, Encounter)):
            _pending(session, SESSIONS).add(obj.session_id)
        elif isinstance(obj, (ScanCount, ScanCondition)):
            _pending(session, SCANS).add(obj.scan_id)
        elif isinstance(obj, EncounterFlag):
            _pending(session, ENCOUNTERS).add(obj.encounter_id)


def _rewrite(session: orm.Session) -> None:
    """before_commit: rewrite the facts of every session named since the last commit."""
    from ...models import Encounter, Scan, Session
    from .refresh import refresh

    # before_commit runs before the commit's own flush: flush here, so that the changes
    # made since the last flush are noticed too.
    if session.new or session.dirty or session.deleted:
        session.flush()
    if not any(session.info.get(key) for key in KEYS):
        return
    ids = set(session.info.pop(SESSIONS, set()))
    for key, model in ((SCANS, Scan), (ENCOUNTERS, Encounter), (STUDIES, Session)):
        owners = {i for i in session.info.pop(key, set()) if i is not None}
        if owners:
            if model is Session:
                query = select(Session.id).where(Session.study_id.in_(owners))
            else:
                query = select(model.session_id).where(model.id.in_(owners))
            ids.update(session.execute(query).scalars())
    refresh(ids, session)


def settle() -> None:
    """Rewrite now what is pending, so that a read within the transaction sees its writes."""
    from ...extensions import db

    _rewrite(db.session())


def _forget(session: orm.Session, *args) -> None:
    """after_rollback: what was named is undone with the transaction."""
    for key in KEYS:
        session.info.pop(key, None)


def install() -> None:
    """Listen on every ORM session (once)."""
    if not sa.event.contains(orm.Session, "before_commit", _rewrite):
        sa.event.listen(orm.Session, "after_flush", _noticed)
        sa.event.listen(orm.Session, "before_commit", _rewrite)
        sa.event.listen(orm.Session, "after_rollback", _forget)
