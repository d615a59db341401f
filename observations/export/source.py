"""The study's data for an export, read from the database as streams of typed rows.

Every sheet is a header and an iterator of tuples holding ints, floats, strings, local
(naive) datetimes or None. Rows are streamed with `yield_per`, so memory stays flat however
large the study; names, labels and observer codes come from small look-up tables read once.

The read API takes the same sheets a page at a time: given a `Keyset`, a sheet lists its
rows in the order of their keys instead of in time order, below the keyset's horizon of
rows still settling (keyset.py).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cached_property
from heapq import merge
from itertools import islice
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale

from .. import codebook
from ..extensions import db
from ..models import (
    Encounter,
    EncounterFlag,
    FieldNote,
    Membership,
    PasserCount,
    Review,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    SessionWeather,
    Site,
    Study,
    Zone,
    session_zones,
)
from ..review import quality
from .keyset import Keyset, after, bytewise, settled
from .options import ExportOptions
from .words import words

BATCH = 5000
# Day 0 of Excel's serial dates (as counted for every date after 1 March 1900).
EXCEL_EPOCH = datetime(1899, 12, 30)
ONE_DAY = timedelta(days=1)
UNIX_EPOCH_SERIAL = 25569.0  # 1970-01-01


def raw_time(column):
    """A time column read without its type's conversion (the export converts it faster)."""
    return sa.type_coerce(column, sa.DateTime())


@dataclass
class Column:
    """A column of a sheet: its header, the kind of value, and a width for Excel."""

    header: str
    kind: str  # int, float, text, datetime
    width: float = 14


def columns(*specs: tuple) -> list[Column]:
    """Columns from (header, kind[, width]) tuples."""
    return [Column(*spec) for spec in specs]


# The columns of each sheet (the encounters' flag columns, one per flag code, go before
# `note`); the read API describes its tables with them too.
CODEBOOK_COLUMNS = columns(
    ("category", "text", 16),
    ("category_nl", "text", 26),
    ("category_en", "text", 26),
    ("applies_to", "text", 11),
    ("code", "text", 18),
    ("label_nl", "text", 32),
    ("label_en", "text", 32),
    ("description_nl", "text", 40),
    ("description_en", "text", 40),
    ("introduced_in", "int", 12),
    ("retired_in", "int", 11),
)
SITES_COLUMNS = columns(
    ("site_id", "int", 8),
    ("site", "text", 30),
    ("site_type", "text", 16),
    ("city", "text", 14),
    ("neighbourhood", "text", 18),
    ("address", "text", 24),
    ("zone_id", "int", 8),
    ("zone", "text", 26),
    ("zone_area_m2", "float", 12),
)
SESSIONS_COLUMNS = columns(
    ("session_id", "int", 10),
    ("session_uuid", "text", 38),
    ("site", "text", 28),
    ("zones", "text", 32),
    ("observer", "text", 9),
    ("planned", "int", 8),
    ("start", "datetime", 17),
    ("end", "datetime", 17),
    ("minutes", "float", 9),
    ("weather", "text", 24),
    ("temperature_c", "float", 13),
    ("crowding", "text", 12),
    ("programme", "text", 22),
    ("review", "text", 14),
    ("review_comment", "text", 40),
    ("flags", "text", 30),
    ("scans", "int", 7),
    ("encounters", "int", 11),
    ("notes", "int", 7),
    ("codebook_version", "int", 10),
)
SCANS_COLUMNS = columns(
    ("session_id", "int", 10),
    ("scan_id", "int", 9),
    ("site", "text", 28),
    ("zone", "text", 24),
    ("observer", "text", 9),
    ("time", "datetime", 17),
    ("category", "text", 12),
    ("code", "text", 22),
    ("count", "int", 7),
    ("codebook_version", "int", 10),
)
ENCOUNTERS_COLUMNS = columns(
    ("session_id", "int", 10),
    ("encounter_id", "int", 12),
    ("site", "text", 28),
    ("zone", "text", 24),
    ("observer", "text", 9),
    ("time", "datetime", 17),
    ("encounter_type", "text", 22),
    ("parties", "text", 22),
    ("relation", "text", 20),
    ("note", "text", 40),
    ("codebook_version", "int", 10),
)
NOTES_COLUMNS = columns(
    ("session_id", "int", 10),
    ("note_id", "int", 8),
    ("site", "text", 28),
    ("zone", "text", 24),
    ("observer", "text", 9),
    ("time", "datetime", 17),
    ("text", "text", 80),
    ("codebook_version", "int", 10),
)


class Lookup(dict):
    """A dict that asks `fill(key)` for a key it lacks, e.g. a session added since it was read.

    Streams read while a phone syncs can meet records of a session that is newer than the
    look-up table; it is fetched then, rather than failing the export.
    """

    def __init__(self, fill, items=()):
        super().__init__(items)
        self.fill = fill

    def __missing__(self, key):
        value = self[key] = self.fill(key)
        return value


def _paged(query: sa.Select, order: tuple, page: Keyset | None, key: list) -> sa.Select:
    """The query in the export's order, or (given a page) its part of it in key order.

    `key` lists columns, or a constant where every row of the query has the same value.
    """
    if page is None:
        return query.order_by(*order)
    if page.after:
        query = query.where(after(key, page.after))
    query = query.where(settled(key[0], page))
    return query.order_by(*(part for part in key if not isinstance(part, str))).limit(page.limit)


def _streaming(stream: bool) -> dict:
    """Execution options: a server-side cursor read a batch at a time, or a plain one."""
    return {"yield_per": BATCH} if stream else {}


def _tracked(rows, page: Keyset, key) -> Iterator[tuple]:
    """At most `page.limit` rows, noting each one's key in `page.last` before it is passed on."""
    for row in islice(rows, page.limit):
        page.last = key(row)
        yield row


class StudyData:
    """The filtered data of one study, with look-ups to turn ids and codes into text."""

    def __init__(self, study: Study, options: ExportOptions):
        self.study = study
        self.options = options
        self.zone_info = ZoneInfo(study.timezone)
        self._hour: tuple | None = None
        self._offset = timedelta(0)
        self._serial_hour: str | float = ""
        self._serial_base = 0.0
        # How the sheets give times: local datetimes, or Excel serials for the workbook.
        self.stamp = self.local
        self.categories = codebook.categories(study)
        self.flag_codes = [
            c.code for cat in self.categories if cat.key == "flags" for c in cat.codes
        ]
        self._labels = {
            (cat.key, code.code): self._pick(code) for cat in self.categories for code in cat.codes
        }
        self.sites = {
            s.id: s for s in db.session.scalars(sa.select(Site).filter_by(study_id=study.id))
        }
        self.zones = {
            z.id: z
            for z in db.session.scalars(sa.select(Zone).join(Site).where(Site.study_id == study.id))
        }
        self.observers = dict(
            db.session.execute(
                sa.select(Membership.user_id, Membership.observer_code).filter_by(study_id=study.id)
            ).all()
        )
        self.sessions = Lookup(self._late_session, self._load_sessions())

    @cached_property
    def versions(self) -> list[int]:
        """The codebook versions the covered records were coded with (read when first asked)."""
        return self.codebook_versions()

    def versioned(self, sheet: tuple[list[Column], Iterator[tuple]]):
        """Keep a sheet's last column, codebook_version, only if versions differ.

        With one version the column says nothing the About sheet does not, and costs a
        cell in every row of a million-row export.
        """
        header, rows = sheet
        if len(self.versions) > 1:
            return header, rows
        # Writers take as many values of a row as the header has columns.
        return header[:-1], rows

    def _pick(self, item) -> str:
        """A code's text in the chosen labels: Dutch, English or the raw code."""
        if self.options.labels == "codes":
            return item.code
        return item.label_en if self.options.labels == "en" else item.label_nl

    def labels_of(self, category: str) -> dict[str, str]:
        """{code: text} of one category (None maps to None)."""
        return {code: text for (key, code), text in self._labels.items() if key == category}

    def where(self) -> dict[int, tuple[str, str | None]]:
        """{session id: (site name, observer code)} for the covered sessions."""

        def place(session) -> tuple[str, str | None]:
            return self.sites[session.site_id].name, self.observers.get(session.fieldworker_id)

        return Lookup(
            lambda sid: place(self.sessions[sid]),
            ((sid, place(s)) for sid, s in self.sessions.items()),
        )

    def label(self, category: str, code: str | None) -> str | None:
        """The text of a code (an unknown code stays as it is)."""
        if code is None:
            return None
        return self._labels.get((category, code), code)

    def local(self, moment: datetime | str | None) -> datetime | None:
        """A stored UTC time as a naive local time, which is what spreadsheets show.

        Takes aware times, or naive ones in UTC, or SQLite's text for them (as the hot
        streams read them). The offset of the last UTC hour is remembered: rows come in
        time order within a session, and time-zone transitions fall on whole hours.
        """
        if moment is None:
            return None
        if moment.__class__ is str:
            moment = datetime.fromisoformat(moment)
        if moment.tzinfo is not None:
            moment = (moment - moment.utcoffset()).replace(tzinfo=None)
        hour = (moment.year, moment.month, moment.day, moment.hour)
        if hour != self._hour:
            self._hour = hour
            self._offset = moment.replace(tzinfo=UTC).astimezone(self.zone_info).utcoffset()
        return moment + self._offset

    def excel_time(self, moment: datetime | str | None) -> float | None:
        """A stored UTC time as Excel's serial number of its local time (days since 1899-12-30).

        It is what XlsxWriter's write_datetime computes, without a datetime per row:
        SQLite's text `YYYY-MM-DD HH:MM:SS[.ffffff]` is split at the hour, and the serial of
        the last local hour is remembered; for PostgreSQL's aware times, the UTC offset of the
        last hour. Other values go through local().
        """
        if moment.__class__ is str and len(moment) in (19, 26) and moment[10] == " ":
            hour = moment[:13]
            if hour != self._serial_hour:
                self._serial_hour = hour
                self._serial_base = (self.local(hour + ":00:00") - EXCEL_EPOCH) / ONE_DAY
            return self._serial_base + (int(moment[14:16]) * 60 + float(moment[17:])) / 86400
        if moment.__class__ is datetime and moment.tzinfo is not None:  # as PostgreSQL gives
            seconds = moment.timestamp()
            if seconds // 3600 != self._serial_hour:
                self._serial_hour = seconds // 3600
                self._serial_base = moment.astimezone(self.zone_info).utcoffset().total_seconds()
            return (seconds + self._serial_base) / 86400 + UNIX_EPOCH_SERIAL
        local = self.local(moment)
        return None if local is None else (local - EXCEL_EPOCH) / ONE_DAY

    def session_filter(self) -> sa.Select:
        """The ids of the sessions this export covers."""
        options = self.options
        query = sa.select(Session.id).where(
            Session.study_id == self.study.id, Session.retracted.is_(False)
        )
        if options.sites:
            query = query.where(Session.site_id.in_(options.sites))
        if options.observers:
            query = query.where(Session.fieldworker_id.in_(options.observers))
        if options.review_states:
            query = query.where(Session.review_state.in_(options.review_states))
        if options.date_from:
            start = datetime.combine(options.date_from, time.min, tzinfo=self.zone_info)
            query = query.where(Session.started_at >= start)
        if options.date_to:
            end = datetime.combine(
                options.date_to + timedelta(days=1), time.min, tzinfo=self.zone_info
            )
            query = query.where(Session.started_at < end)
        return query

    def _load_sessions(self, page: Keyset | None = None) -> dict[int, sa.Row]:
        """The covered sessions (a study has thousands at most), in time order.

        With a page: those after its key, in the order of their ids, at most its limit.
        """
        query = sa.select(
            Session.id,
            Session.uuid,
            Session.site_id,
            Session.fieldworker_id,
            Session.slot_id,
            Session.started_at,
            Session.ended_at,
            Session.temperature_c,
            Session.crowding,
            Session.programme,
            Session.review_state,
            Session.codebook_version,
        ).where(Session.id.in_(self.session_filter()))
        if page is None:
            query = query.order_by(Session.started_at, Session.id)
        else:
            if page.after:
                query = query.where(after([Session.id], page.after))
            query = query.where(settled(Session.id, page))
            query = query.order_by(Session.id).limit(page.limit)
        return {row.id: row for row in db.session.execute(query)}

    def _late_session(self, session_id: int) -> sa.Row:
        """A covered session that was stored after the others were read."""
        found = self._load_sessions(Keyset(after=(session_id - 1,), limit=1))
        if session_id not in found:
            raise KeyError(session_id)
        return found[session_id]

    def _stream(self, query: sa.Select, stream: bool = True) -> Iterator[sa.Row]:
        """Rows of a large query, fetched a batch at a time (or all at once: a page of it)."""
        return db.session.execute(query, execution_options=_streaming(stream))

    def _raw(self, query: sa.Select, stream: bool = True) -> Iterator[tuple]:
        """The DB-API's own tuples of a large query, a batch at a time.

        For the million-row sheets: SQLAlchemy builds the query and opens the (server-side)
        cursor; skipping its Row objects saves a third of the reading time. Values come as
        the driver gives them (SQLite: times as text, flags as 0/1). A page of a sheet
        (`stream` false) is short: it is read at once, and leaves no cursor open when its
        reader stops early.
        """
        connection = db.session.connection()
        result = connection.execute(query, execution_options=_streaming(stream))
        try:
            # Opening a streaming result buffers its first row; take that one through
            # SQLAlchemy (values converted, which the callers accept), the rest raw.
            first = result.fetchmany(1)
            if not first:
                return
            yield tuple(first[0])
            cursor = result.cursor
            while rows := cursor.fetchmany(BATCH):
                yield from rows
        finally:
            result.close()

    def _many(
        self, table, owner: str, value: str, covered: sa.Select | None = None
    ) -> dict[int, list]:
        """{session id: [values]} of a session's child table, for the covered sessions."""
        found: dict[int, list] = {}
        rows = db.session.execute(
            sa.select(table.c[owner], table.c[value])
            .where(table.c[owner].in_(self._covered(covered)))
            .order_by(table.c[owner], table.c[value])
        )
        for owner_id, item in rows:
            found.setdefault(owner_id, []).append(item)
        return found

    def _covered(self, covered: sa.Select | None) -> sa.Select:
        """The given selection of session ids, or by default all the export covers."""
        return self.session_filter() if covered is None else covered

    def _count_by_session(self, model, covered: sa.Select | None = None) -> dict[int, int]:
        """{session id: number of live records} of a kind."""
        return dict(
            db.session.execute(
                sa.select(model.session_id, sa.func.count())
                .where(model.session_id.in_(self._covered(covered)), model.retracted.is_(False))
                .group_by(model.session_id)
            ).all()
        )

    def codebook_versions(self) -> list[int]:
        """The codebook versions the covered records were coded with."""
        versions = {s.codebook_version for s in self.sessions.values()}
        for model in (Scan, Encounter, FieldNote, PasserCount):
            versions.update(
                db.session.scalars(
                    sa.select(model.codebook_version)
                    .distinct()
                    .where(model.session_id.in_(self.session_filter()))
                )
            )
        return sorted(versions)

    def estimated_rows(self) -> int:
        """About how many rows the export writes (for the progress bar)."""

        def count(query):
            return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

        covered = self.session_filter()
        return len(self.sessions) + sum(
            count(q)
            for q in (
                sa.select(ScanCount.scan_id).join(Scan).where(Scan.session_id.in_(covered)),
                sa.select(Encounter.id).where(Encounter.session_id.in_(covered)),
                sa.select(FieldNote.id).where(FieldNote.session_id.in_(covered)),
            )
        )

    # The sheets -----------------------------------------------------------------------

    def codebook_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """Every category and code, with both languages and the versions they are valid in."""
        header = CODEBOOK_COLUMNS
        rows = (
            (
                cat.key,
                cat.label_nl,
                cat.label_en,
                cat.applies_to,
                c.code,
                c.label_nl,
                c.label_en,
                c.description_nl or None,
                c.description_en or None,
                c.introduced_in,
                c.retired_in,
            )
            for cat in self.categories
            for c in cat.codes
        )
        return header, rows

    def sites_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """One row per zone, with its site."""
        header = SITES_COLUMNS
        by_site: dict[int, list] = {}
        for zone in self.zones.values():
            by_site.setdefault(zone.site_id, []).append(zone)

        def rows():
            for site in sorted(self.sites.values(), key=lambda s: s.name):
                base = (
                    site.id,
                    site.name,
                    words(self.options.labels)["kind"][site.kind],
                    site.city,
                    site.neighbourhood,
                    site.address or None,
                )
                zones = sorted(by_site.get(site.id, []), key=lambda z: (z.position, z.name))
                if not zones:
                    yield (*base, None, None, None)
                for zone in zones:
                    yield (*base, zone.id, zone.name, zone.area_m2)

        return header, rows()

    def sessions_sheet(self, page: Keyset | None = None) -> tuple[list[Column], Iterator[tuple]]:
        """One row per session: where, who (by code), when, conditions, review, tallies.

        `review_comment` is the newest review decision's comment; `flags` the session's
        data-quality flags (review/quality.py), computed for all covered sessions at once
        (with a page: for the page's sessions, which are the covered ones in its id range).
        """
        header = SESSIONS_COLUMNS
        sessions, covered = self.sessions, self.session_filter()
        if page is not None:
            sessions = self._load_sessions(page)
            ids = list(sessions) or [0]
            covered = covered.where(Session.id.between(ids[0], ids[-1]))
        zones = self._many(session_zones, "session_id", "zone_id", covered)
        weather = self._many(SessionWeather.__table__, "session_id", "code", covered)
        counts = [self._count_by_session(m, covered) for m in (Scan, Encounter, FieldNote)]
        review = words(self.options.labels)["review"]
        comments = self._review_comments(covered)
        flags = self._flags(covered)

        def rows():
            for s in sessions.values():
                if page is not None:
                    page.last = (s.id,)
                minutes = (s.ended_at - s.started_at).total_seconds() / 60 if s.ended_at else None
                yield (
                    s.id,
                    s.uuid,
                    self.sites[s.site_id].name,
                    ", ".join(self.zones[z].name for z in zones.get(s.id, []) if z in self.zones),
                    self.observers.get(s.fieldworker_id),
                    int(s.slot_id is not None),
                    self.stamp(s.started_at),
                    self.stamp(s.ended_at),
                    round(minutes, 1) if minutes is not None else None,
                    ", ".join(self.label("weather", c) for c in weather.get(s.id, [])) or None,
                    s.temperature_c,
                    self.label("crowding", s.crowding),
                    self.label("programme", s.programme),
                    review[s.review_state],
                    comments.get(s.id) or None,
                    flags.get(s.id),
                    counts[0].get(s.id, 0),
                    counts[1].get(s.id, 0),
                    counts[2].get(s.id, 0),
                    s.codebook_version,
                )

        return header, rows()

    def _review_comments(self, covered: sa.Select | None = None) -> dict[int, str]:
        """{session id: the comment of its newest review decision} for the covered sessions."""
        newest: dict[int, str] = {}
        rows = db.session.execute(
            sa.select(Review.session_id, Review.comment)
            .where(Review.session_id.in_(self._covered(covered)))
            .order_by(Review.session_id, Review.created_at, Review.id)
        )
        for session_id, comment in rows:
            newest[session_id] = comment
        return newest

    def _flags(self, covered: sa.Select | None = None) -> dict[int, str]:
        """{session id: its data-quality flags, joined by "; "} in the export's labels."""
        labels = self.options.labels
        with force_locale("en" if labels == "codes" else labels):
            found = quality.session_flags(self.study, self._covered(covered))
            return {
                sid: "; ".join(flag.code if labels == "codes" else flag.label for flag in flags)
                for sid, flags in found.items()
            }

    def scans_sheet(self, page: Keyset | None = None) -> tuple[list[Column], Iterator[tuple]]:
        """Long format: one row per scan × category × code, with the number of people.

        A zone condition appears as category `conditions` with count 1 (present).
        A row's key is (scan id, category, code).
        """
        header = SCANS_COLUMNS
        live = sa.and_(Scan.session_id.in_(self.session_filter()), Scan.retracted.is_(False))
        counts = self._raw(
            _paged(
                sa.select(
                    Scan.id,
                    Scan.session_id,
                    Scan.zone_id,
                    raw_time(Scan.observed_at),
                    Scan.codebook_version,
                    ScanCount.category,
                    ScanCount.code,
                    ScanCount.count,
                )
                .join(ScanCount, ScanCount.scan_id == Scan.id)
                .where(live),
                (ScanCount.scan_id, ScanCount.category, ScanCount.code),
                page,
                [ScanCount.scan_id, bytewise(ScanCount.category), bytewise(ScanCount.code)],
            ),
            stream=page is None,
        )
        conditions = self._raw(
            _paged(
                sa.select(
                    Scan.id,
                    Scan.session_id,
                    Scan.zone_id,
                    raw_time(Scan.observed_at),
                    Scan.codebook_version,
                    sa.literal("conditions"),
                    ScanCondition.code,
                    sa.literal(1),
                )
                .join(ScanCondition, ScanCondition.scan_id == Scan.id)
                .where(live),
                (ScanCondition.scan_id, ScanCondition.code),
                page,
                [ScanCondition.scan_id, "conditions", bytewise(ScanCondition.code)],
            ),
            stream=page is None,
        )
        merged = merge(counts, conditions, key=lambda row: (row[0], row[5], row[6]))
        if page is not None:
            merged = _tracked(merged, page, lambda row: (row[0], row[5], row[6]))

        def rows():
            # Hot loop: names are bound to locals, per-session facts looked up once.
            where, stamp, labels = self.where(), self.stamp, self._labels
            zone_name = {zid: zone.name for zid, zone in self.zones.items()}
            for scan_id, session_id, zone_id, at, version, category, code, n in merged:
                site, observer = where[session_id]
                yield (
                    session_id,
                    scan_id,
                    site,
                    zone_name.get(zone_id),
                    observer,
                    stamp(at),
                    category,
                    labels.get((category, code), code),
                    n,
                    version,
                )

        return header, rows()

    def encounters_sheet(self, page: Keyset | None = None) -> tuple[list[Column], Iterator[tuple]]:
        """One row per encounter, with a 0/1 column per encounter flag; its key is its id."""
        flag_columns = [Column(f"flag_{code}", "int", 12) for code in self.flag_codes]
        at = [c.header for c in ENCOUNTERS_COLUMNS].index("note")
        header = [*ENCOUNTERS_COLUMNS[:at], *flag_columns, *ENCOUNTERS_COLUMNS[at:]]
        flags = [
            sa.exists().where(
                EncounterFlag.encounter_id == Encounter.id, EncounterFlag.code == code
            )
            for code in self.flag_codes
        ]
        result = self._raw(
            _paged(
                sa.select(
                    Encounter.id,
                    Encounter.session_id,
                    Encounter.zone_id,
                    raw_time(Encounter.occurred_at),
                    Encounter.encounter_type,
                    Encounter.parties,
                    Encounter.relation,
                    Encounter.note,
                    Encounter.codebook_version,
                    *flags,
                ).where(
                    Encounter.session_id.in_(self.session_filter()),
                    Encounter.retracted.is_(False),
                ),
                (Encounter.session_id, Encounter.occurred_at, Encounter.id),
                page,
                [Encounter.id],
            ),
            stream=page is None,
        )
        if page is not None:
            result = _tracked(result, page, lambda row: (row[0],))

        def rows():
            # Hot loop: names are bound to locals, per-session facts looked up once.
            where, stamp = self.where(), self.stamp
            types, parties_of, relations = (
                self.labels_of(key) for key in ("encounter_type", "parties", "relation")
            )
            zone_name = {zid: zone.name for zid, zone in self.zones.items()}
            for eid, sid, zone_id, at, kind, parties, relation, note, version, *marks in result:
                site, observer = where[sid]
                yield (
                    sid,
                    eid,
                    site,
                    zone_name.get(zone_id),
                    observer,
                    stamp(at),
                    types.get(kind, kind),
                    parties_of.get(parties, parties),
                    relations.get(relation, relation),
                    *map(int, marks),
                    note or None,
                    version,
                )

        return header, rows()

    def notes_sheet(self, page: Keyset | None = None) -> tuple[list[Column], Iterator[tuple]]:
        """One row per field note; its key is its id."""
        header = NOTES_COLUMNS
        result = self._stream(
            _paged(
                sa.select(
                    FieldNote.id,
                    FieldNote.session_id,
                    FieldNote.zone_id,
                    raw_time(FieldNote.written_at),
                    FieldNote.text,
                    FieldNote.codebook_version,
                ).where(
                    FieldNote.session_id.in_(self.session_filter()),
                    FieldNote.retracted.is_(False),
                ),
                (FieldNote.session_id, FieldNote.written_at, FieldNote.id),
                page,
                [FieldNote.id],
            ),
            stream=page is None,
        )
        if page is not None:
            result = _tracked(result, page, lambda row: (row[0],))

        def rows():
            for nid, sid, zone_id, at, text, version in result:
                session = self.sessions[sid]
                zone = self.zones.get(zone_id)
                yield (
                    sid,
                    nid,
                    self.sites[session.site_id].name,
                    zone.name if zone else None,
                    self.observers.get(session.fieldworker_id),
                    self.stamp(at),
                    text,
                    version,
                )

        return header, rows()
