"""Data-quality flags: what a systematic observation should look like, checked per session.

`session_flags(study, session_ids)` computes the flags of many sessions at once with a few
grouped queries (no query per session) and returns {session_id: [Flag, ...]}; sessions
without flags are left out. Each flag carries its code (stable: exports and filters use it)
and the reason in the language in force, with the figures behind it. Limits: thresholds.py.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Encounter, FieldNote, Scan, Session, Study

# Every flag, in the order pages list them: code → short label.
FLAGS = {
    "auto_closed": _l("closed automatically"),
    "no_records": _l("no records"),
}


@dataclass(frozen=True)
class Flag:
    """One data-quality flag of one session."""

    code: str
    message: str

    @property
    def label(self) -> str:
        """The flag's short name in the language in force."""
        return str(FLAGS[self.code])


def session_flags(study: Study, session_ids: Iterable[int] | None = None) -> dict[int, list[Flag]]:
    """The flags of the study's sessions (all of them, or those given), by session id."""
    query = sa.select(Session).where(Session.study_id == study.id, Session.retracted.is_(False))
    if session_ids is not None:
        ids = list(session_ids)
        if not ids:
            return {}
        query = query.where(Session.id.in_(ids))
    sessions = db.session.scalars(query).all()
    found: dict[int, list[Flag]] = defaultdict(list)
    records = _record_counts(study, [s.id for s in sessions])
    for session in sessions:
        if session.auto_closed_at is not None:
            found[session.id].append(
                Flag(
                    "auto_closed",
                    _(
                        "The fieldworker did not end this session; the server closed it at "
                        "its last record's time (%(end)s).",
                        end=format_datetime(session.ended_at, "short"),
                    ),
                )
            )
        if session.ended_at is not None and not records.get(session.id):
            found[session.id].append(
                Flag("no_records", _("The session has no scans, encounters or notes."))
            )
    order = list(FLAGS)
    return {sid: sorted(flags, key=lambda f: order.index(f.code)) for sid, flags in found.items()}


def _record_counts(study: Study, session_ids: list[int]) -> dict[int, int]:
    """Live (not retracted) scans, encounters and notes per session."""
    totals: dict[int, int] = defaultdict(int)
    for model in (Scan, Encounter, FieldNote):
        rows = db.session.execute(
            sa.select(model.session_id, sa.func.count())
            .where(model.study_id == study.id, model.retracted.is_(False))
            .where(model.session_id.in_(session_ids))
            .group_by(model.session_id)
        )
        for session_id, n in rows:
            totals[session_id] += n
    return totals
