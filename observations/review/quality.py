"""Data-quality flags: what a systematic observation should look like, checked per session.

`session_flags(study, session_ids)` computes the flags of many sessions at once with a few
grouped queries (no query per session) and returns {session_id: [Flag, ...]}; sessions
without flags are left out. Each flag carries its code (stable: exports and filters use it)
and the reason in the language in force, with the figures behind it. Limits: thresholds.py.

The queries for a call: the sessions; one pass over each record table (scans, encounters,
notes) for counts, times outside the session and the phone's clock; the empty scans of busy
sessions; the sites' usual encounter rates (quality_rate.py); overlapping sessions. Ids are
taken as a subquery (a `Select` of session ids, as the export passes) or in chunks.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_datetime, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import codebook
from ..extensions import db
from ..i18n import day_clock, day_clock_range, label
from ..models import (
    Encounter,
    FieldNote,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    Site,
    Study,
    Zone,
    utcnow,
)
from .quality_rate import Rates
from .sql_time import seconds_between
from .thresholds import Thresholds, thresholds

# Every flag, in the order pages list them: code → short label.
FLAGS = {
    "auto_closed": _l("closed automatically"),
    "no_records": _l("no records"),
    "too_short": _l("very short"),
    "too_long": _l("very long"),
    "outside_time": _l("records outside the session's time"),
    "clock_skew": _l("phone clock ahead"),
    "empty_busy_scan": _l("nobody counted while busy"),
    "unusual_rate": _l("unusual encounter rate"),
    "overlap": _l("overlapping sessions"),
}
FLAG_CODES = tuple(FLAGS)
# Session ids given as a list are looked up this many at a time (no huge IN lists).
CHUNK = 500
# The record tables a session's figures come from, each with its record's own time.
RECORD_TIMES = (
    (Scan, Scan.observed_at),
    (Encounter, Encounter.occurred_at),
    (FieldNote, FieldNote.written_at),
)


@dataclass(frozen=True)
class Flag:
    """One data-quality flag of one session."""

    code: str
    message: str

    @property
    def label(self) -> str:
        """The flag's short name in the language in force."""
        return str(FLAGS[self.code])


@dataclass
class RecordFacts:
    """What the records of one session say, gathered by the grouped record queries."""

    live: int = 0
    outside: int = 0
    # The most seconds a live record lies before the start / after the end (may be < 0).
    before: float | None = None
    after: float | None = None
    # The most seconds a record's phone time lies ahead of its receipt by the server.
    ahead: float | None = None

    def add(self, live, outside, before, after, ahead) -> None:
        """Fold in one record table's figures for the session."""
        self.live += live or 0
        self.outside += outside or 0
        self.before = _most(self.before, before)
        self.after = _most(self.after, after)
        self.ahead = _most(self.ahead, ahead)


def _most(a: float | None, b: float | None) -> float | None:
    """The larger of two figures that may be missing."""
    return b if a is None else a if b is None else max(a, b)


def session_flags(
    study: Study,
    session_ids: Iterable[int] | sa.Select | None = None,
    *,
    now: datetime | None = None,
) -> dict[int, list[Flag]]:
    """The flags of the study's sessions (all, those given, or a Select of ids), by session id.

    `now` is when open sessions end for the overlap check (the current time by default).
    """
    if session_ids is None or isinstance(session_ids, sa.Select):
        scopes: list = [session_ids]
    else:
        ids = sorted(set(session_ids))
        if not ids:
            return {}
        scopes = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    checker = _Checker(study, thresholds(), now or utcnow())
    for scope in scopes:
        checker.check(scope)
    order = {code: index for index, code in enumerate(FLAG_CODES)}
    return {sid: sorted(flags, key=lambda f: order[f.code]) for sid, flags in checker.found.items()}


def sessions_with_flag(
    study: Study, code: str, session_ids: Iterable[int] | sa.Select | None = None
) -> set[int]:
    """The ids of the study's sessions (all, or those given) that carry the flag `code`."""
    if code not in FLAGS:
        raise ValueError(f"unknown flag: {code}")
    return {
        sid
        for sid, flags in session_flags(study, session_ids).items()
        if any(flag.code == code for flag in flags)
    }


def _in_scope(column, scope):
    """A condition: the session id column is in the scope (everything when None)."""
    return sa.true() if scope is None else column.in_(scope)


def _number(value: float, pattern: str = "#,##0.#") -> str:
    """A figure for a message, in the locale's notation."""
    return format_decimal(value, pattern)


class _Checker:
    """Runs the checks for one call, chunk by chunk, collecting the flags found."""

    def __init__(self, study: Study, limits: Thresholds, now: datetime):
        self.study = study
        self.limits = limits
        self.now = now
        self.rates = Rates(study, limits)
        self.found: dict[int, list[Flag]] = defaultdict(list)
        self._site_names: dict[int, str] | None = None
        self._crowding: dict[str, str] | None = None
        self._timelines: dict[int, list[sa.Row]] = {}

    def flag(self, session_id: int, code: str, message: str) -> None:
        """Note a flag."""
        self.found[session_id].append(Flag(code, message))

    def check(self, scope) -> None:
        """Every check for the sessions in scope."""
        sessions = db.session.execute(
            sa.select(
                Session.id,
                Session.site_id,
                Session.fieldworker_id,
                Session.started_at,
                Session.ended_at,
                Session.auto_closed_at,
                Session.device_time,
                Session.received_at,
                Session.updated_at,
            ).where(
                Session.study_id == self.study.id,
                Session.retracted.is_(False),
                _in_scope(Session.id, scope),
            )
        ).all()
        if not sessions:
            return
        facts = self._record_facts(scope)
        self.rates.load({s.site_id for s in sessions})
        for session in sessions:
            own = facts.get(session.id, RecordFacts())
            # The session row itself is a record the phone stamped too.
            own.add(0, 0, None, None, _ahead(session))
            self._session_checks(session, own)
            message = self.rates.message(session.id)
            if message:
                self.flag(session.id, "unusual_rate", message)
        self._empty_busy_scans(scope)
        self._overlaps(sessions)

    def _session_checks(self, session, facts: RecordFacts) -> None:
        """The flags one session's own row and its record figures tell."""
        limits, sid = self.limits, session.id
        if session.auto_closed_at is not None:
            self.flag(
                sid,
                "auto_closed",
                _(
                    "The fieldworker did not end this session; the server closed it at "
                    "its last record's time (%(end)s).",
                    end=format_datetime(session.ended_at, "short"),
                ),
            )
        if session.ended_at is not None:
            if not facts.live:
                self.flag(sid, "no_records", _("The session has no scans, encounters or notes."))
            minutes = (session.ended_at - session.started_at).total_seconds() / 60
            if minutes < limits.short_session_minutes:
                self.flag(
                    sid,
                    "too_short",
                    _(
                        "Only %(minutes)s minutes long (shorter than %(limit)s).",
                        minutes=_number(minutes, "#,##0.##"),
                        limit=_number(limits.short_session_minutes),
                    ),
                )
            if minutes > limits.long_session_hours * 60:
                self.flag(
                    sid,
                    "too_long",
                    _(
                        "%(hours)s hours long (longer than %(limit)s).",
                        hours=_number(minutes / 60, "#,##0.##"),
                        limit=_number(limits.long_session_hours),
                    ),
                )
        if facts.outside:
            furthest = max(x for x in (facts.before, facts.after) if x is not None)
            self.flag(
                sid,
                "outside_time",
                ngettext(
                    "%(num)d record lies outside the session's time, by up to %(minutes)s "
                    "minutes (more than %(limit)s).",
                    "%(num)d records lie outside the session's time, by up to %(minutes)s "
                    "minutes (more than %(limit)s).",
                    facts.outside,
                    minutes=_number(furthest / 60),
                    limit=_number(limits.outside_session_minutes),
                ),
            )
        if facts.ahead is not None and facts.ahead > limits.clock_skew_minutes * 60:
            self.flag(
                sid,
                "clock_skew",
                _(
                    "The phone's clock ran %(minutes)s minutes ahead: it stamped a record "
                    "later than the server received it (allowed: %(limit)s).",
                    minutes=_number(facts.ahead / 60, "#,##0"),
                    limit=_number(limits.clock_skew_minutes),
                ),
            )

    def _record_facts(self, scope) -> dict[int, RecordFacts]:
        """Counts, times outside the session and clock figures, one query per record table.

        Why only a clock *ahead* is flagged: `device_time` is the phone's clock at the moment
        the record was saved on the phone (static/js/records.js stamps it on creation and on
        every correction), not when it was sent. Phones work offline and send later, so a
        device_time hours before its receipt is normal and says nothing about the clock. But
        the server cannot receive a record before the phone saved it: a device_time later
        than the receipt (`received_at`, or `updated_at` for a correction, whose device_time
        is the correction's) can only be a clock running ahead. Retracted records count
        too: they came from the same phone.
        """
        limit = self.limits.outside_session_minutes * 60
        found: dict[int, RecordFacts] = defaultdict(RecordFacts)
        for model, moment in RECORD_TIMES:
            live = model.retracted.is_(False)
            # Plain comparisons first: the differences in seconds (costly on SQLite, which
            # parses its text times) are computed only for the few records that need them.
            early = sa.and_(live, moment < Session.started_at)
            late = sa.and_(live, Session.ended_at.is_not(None), moment > Session.ended_at)
            before = seconds_between(Session.started_at, moment)
            after = seconds_between(moment, Session.ended_at)
            outside = sa.or_(sa.and_(early, before > limit), sa.and_(late, after > limit))
            receipt = sa.func.coalesce(model.updated_at, model.received_at)
            ahead = sa.case(
                (model.device_time > receipt, seconds_between(model.device_time, receipt))
            )
            rows = db.session.execute(
                sa.select(
                    model.session_id,
                    sa.func.sum(sa.case((live, 1), else_=0)),
                    sa.func.sum(sa.case((outside, 1), else_=0)),
                    sa.func.max(sa.case((early, before))),
                    sa.func.max(sa.case((late, after))),
                    sa.func.max(ahead),
                )
                .join(Session, Session.id == model.session_id)
                .where(model.study_id == self.study.id, _in_scope(model.session_id, scope))
                .group_by(model.session_id)
            )
            for sid, *figures in rows:
                found[sid].add(*figures)
        return found

    def _empty_busy_scans(self, scope) -> None:
        """Live scans that counted nobody in a session whose crowding was busy."""
        limits = self.limits
        someone = sa.exists().where(ScanCount.scan_id == Scan.id, ScanCount.count > 0)
        said_empty = sa.exists().where(
            ScanCondition.scan_id == Scan.id, ScanCondition.code.in_(limits.empty_conditions)
        )
        rows = db.session.execute(
            sa.select(Scan.session_id, Session.crowding, Zone.name)
            .join(Session, Session.id == Scan.session_id)
            .join(Zone, Zone.id == Scan.zone_id)
            .where(
                Scan.study_id == self.study.id,
                Scan.retracted.is_(False),
                Session.crowding.in_(limits.busy_crowding),
                ~someone,
                ~said_empty,
                _in_scope(Scan.session_id, scope),
            )
            .order_by(Scan.session_id, Scan.observed_at, Scan.id)
        ).all()
        empty: dict[int, tuple[str, list[str]]] = {}
        for sid, crowding, zone in rows:
            empty.setdefault(sid, (crowding, []))[1].append(zone)
        for sid, (crowding, zones) in empty.items():
            self.flag(
                sid,
                "empty_busy_scan",
                ngettext(
                    "%(num)d scan counted nobody (%(zones)s) although the session's crowding "
                    "was “%(crowding)s”.",
                    "%(num)d scans counted nobody (%(zones)s) although the session's crowding "
                    "was “%(crowding)s”.",
                    len(zones),
                    zones=", ".join(dict.fromkeys(zones)),
                    crowding=self.crowding_label(crowding),
                ),
            )

    def crowding_label(self, code: str) -> str:
        """A crowding code's label in the language in force."""
        if self._crowding is None:
            self._crowding = {
                c.code: label(c)
                for cat in codebook.categories(self.study)
                if cat.key == "crowding"
                for c in cat.codes
            }
        return self._crowding.get(code, code)

    def _overlaps(self, sessions) -> None:
        """Sessions of one observer that run at the same time (open ones until now).

        Each observer's sessions are read once per call and swept in time order, so the
        work grows with the number of sessions, not with its square.
        """
        in_scope = {s.id for s in sessions}
        observers = {s.fieldworker_id for s in sessions}
        self._load_timelines(observers)
        tolerance = timedelta(minutes=self.limits.overlap_minutes)
        clashes: dict[int, list[str]] = defaultdict(list)
        for observer in observers:
            running: list[tuple[datetime, sa.Row]] = []  # begun earlier, with their ends
            for row in self._timelines[observer]:
                end = row.ended_at or self.now
                running = [(e, r) for e, r in running if e - row.started_at > tolerance]
                for other_end, other in running:
                    if min(end, other_end) - row.started_at <= tolerance:
                        continue
                    if row.id in in_scope:
                        clashes[row.id].append(self._other_session(other))
                    if other.id in in_scope:
                        clashes[other.id].append(self._other_session(row))
                running.append((end, row))
        for sid, others in clashes.items():
            self.flag(
                sid,
                "overlap",
                _(
                    "Overlaps with another session of the same observer: %(others)s.",
                    others="; ".join(others),
                ),
            )

    def _load_timelines(self, observers: set[int]) -> None:
        """Read the live sessions of observers not read yet, in time order."""
        new = observers - set(self._timelines)
        if not new:
            return
        for observer in new:
            self._timelines[observer] = []
        rows = db.session.execute(
            sa.select(
                Session.id,
                Session.fieldworker_id,
                Session.site_id,
                Session.started_at,
                Session.ended_at,
            )
            .where(
                Session.study_id == self.study.id,
                Session.retracted.is_(False),
                Session.fieldworker_id.in_(sorted(new)),
            )
            .order_by(Session.started_at, Session.id)
        )
        for row in rows:
            self._timelines[row.fieldworker_id].append(row)

    def _other_session(self, other) -> str:
        """Where and when another session ran, for the overlap message."""
        if self._site_names is None:
            self._site_names = dict(
                db.session.execute(
                    sa.select(Site.id, Site.name).where(Site.study_id == self.study.id)
                ).all()
            )
        site = self._site_names.get(other.site_id, "?")
        if other.ended_at is None:
            return _(
                "%(site)s, since %(start)s (still open)",
                site=site,
                start=day_clock(other.started_at),
            )
        return _(
            "%(site)s, %(when)s", site=site, when=day_clock_range(other.started_at, other.ended_at)
        )


def _ahead(session) -> float | None:
    """How many seconds the session row's phone time lies ahead of its receipt."""
    if session.device_time is None:
        return None
    received = session.updated_at or session.received_at
    return (session.device_time - received).total_seconds()
