"""The study's data for an export, read from the database as streams of typed rows.

Every sheet is a header and an iterator of tuples holding ints, floats, strings, local
(naive) datetimes or None. Rows are streamed with `yield_per`, so memory stays flat however
large the study; names, labels and observer codes come from small look-up tables read once.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from heapq import merge
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from .. import codebook
from ..extensions import db
from ..models import (
    Encounter,
    EncounterFlag,
    FieldNote,
    Membership,
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
from .options import ExportOptions
from .words import words

BATCH = 5000


@dataclass
class Column:
    """A column of a sheet: its header, the kind of value, and a width for Excel."""

    header: str
    kind: str  # int, float, text, datetime
    width: float = 14


def columns(*specs: tuple) -> list[Column]:
    """Columns from (header, kind[, width]) tuples."""
    return [Column(*spec) for spec in specs]


class StudyData:
    """The filtered data of one study, with look-ups to turn ids and codes into text."""

    def __init__(self, study: Study, options: ExportOptions):
        self.study = study
        self.options = options
        self.zone_info = ZoneInfo(study.timezone)
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
        self.sessions = self._load_sessions()

    def _pick(self, item) -> str:
        """A code's text in the chosen labels: Dutch, English or the raw code."""
        if self.options.labels == "codes":
            return item.code
        return item.label_en if self.options.labels == "en" else item.label_nl

    def label(self, category: str, code: str | None) -> str | None:
        """The text of a code (an unknown code stays as it is)."""
        if code is None:
            return None
        return self._labels.get((category, code), code)

    def local(self, moment: datetime | None) -> datetime | None:
        """A stored UTC time as a naive local time, which is what spreadsheets show."""
        if moment is None:
            return None
        return moment.astimezone(self.zone_info).replace(tzinfo=None)

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

    def _load_sessions(self) -> dict[int, sa.Row]:
        """The covered sessions (a study has thousands at most), in time order."""
        rows = db.session.execute(
            sa.select(
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
            )
            .where(Session.id.in_(self.session_filter()))
            .order_by(Session.started_at, Session.id)
        )
        return {row.id: row for row in rows}

    def _stream(self, query: sa.Select) -> Iterator[sa.Row]:
        """Rows of a large query, fetched a batch at a time."""
        return db.session.execute(query, execution_options={"yield_per": BATCH})

    def _many(self, table, owner: str, value: str) -> dict[int, list]:
        """{session id: [values]} of a session's child table, for the covered sessions."""
        found: dict[int, list] = {}
        rows = db.session.execute(
            sa.select(table.c[owner], table.c[value])
            .where(table.c[owner].in_(self.session_filter()))
            .order_by(table.c[owner], table.c[value])
        )
        for owner_id, item in rows:
            found.setdefault(owner_id, []).append(item)
        return found

    def _count_by_session(self, model) -> dict[int, int]:
        """{session id: number of live records} of a kind."""
        return dict(
            db.session.execute(
                sa.select(model.session_id, sa.func.count())
                .where(model.session_id.in_(self.session_filter()), model.retracted.is_(False))
                .group_by(model.session_id)
            ).all()
        )

    def codebook_versions(self) -> list[int]:
        """The codebook versions the covered records were coded with."""
        versions = {s.codebook_version for s in self.sessions.values()}
        for model in (Scan, Encounter, FieldNote):
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
        header = columns(
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
        header = columns(
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

    def sessions_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """One row per session: where, who (by code), when, conditions, review, tallies."""
        header = columns(
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
            ("scans", "int", 7),
            ("encounters", "int", 11),
            ("notes", "int", 7),
            ("codebook_version", "int", 10),
        )
        zones = self._many(session_zones, "session_id", "zone_id")
        weather = self._many(SessionWeather.__table__, "session_id", "code")
        counts = [self._count_by_session(m) for m in (Scan, Encounter, FieldNote)]
        review = words(self.options.labels)["review"]

        def rows():
            for s in self.sessions.values():
                minutes = (s.ended_at - s.started_at).total_seconds() / 60 if s.ended_at else None
                yield (
                    s.id,
                    s.uuid,
                    self.sites[s.site_id].name,
                    ", ".join(self.zones[z].name for z in zones.get(s.id, []) if z in self.zones),
                    self.observers.get(s.fieldworker_id),
                    int(s.slot_id is not None),
                    self.local(s.started_at),
                    self.local(s.ended_at),
                    round(minutes, 1) if minutes is not None else None,
                    ", ".join(self.label("weather", c) for c in weather.get(s.id, [])) or None,
                    s.temperature_c,
                    self.label("crowding", s.crowding),
                    self.label("programme", s.programme),
                    review[s.review_state],
                    counts[0].get(s.id, 0),
                    counts[1].get(s.id, 0),
                    counts[2].get(s.id, 0),
                    s.codebook_version,
                )

        return header, rows()

    def scans_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """Long format: one row per scan × category × code, with the number of people.

        A zone condition appears as category `conditions` with count 1 (present).
        """
        header = columns(
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
        live = sa.and_(Scan.session_id.in_(self.session_filter()), Scan.retracted.is_(False))
        counts = self._stream(
            sa.select(
                Scan.id,
                Scan.session_id,
                Scan.zone_id,
                Scan.observed_at,
                Scan.codebook_version,
                ScanCount.category,
                ScanCount.code,
                ScanCount.count,
            )
            .join(ScanCount, ScanCount.scan_id == Scan.id)
            .where(live)
            .order_by(ScanCount.scan_id, ScanCount.category, ScanCount.code)
        )
        conditions = self._stream(
            sa.select(
                Scan.id,
                Scan.session_id,
                Scan.zone_id,
                Scan.observed_at,
                Scan.codebook_version,
                sa.literal("conditions"),
                ScanCondition.code,
                sa.literal(1),
            )
            .join(ScanCondition, ScanCondition.scan_id == Scan.id)
            .where(live)
            .order_by(ScanCondition.scan_id, ScanCondition.code)
        )

        def rows():
            sessions, zones, label, local = self.sessions, self.zones, self.label, self.local
            site_name = {sid: site.name for sid, site in self.sites.items()}
            zone_name = {zid: zone.name for zid, zone in zones.items()}
            for scan_id, session_id, zone_id, at, version, category, code, n in merge(
                counts, conditions, key=lambda row: (row[0], row[5], row[6])
            ):
                session = sessions[session_id]
                yield (
                    session_id,
                    scan_id,
                    site_name[session.site_id],
                    zone_name.get(zone_id),
                    self.observers.get(session.fieldworker_id),
                    local(at),
                    category,
                    label(category, code),
                    n,
                    version,
                )

        return header, rows()

    def encounters_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """One row per encounter, with a 0/1 column per encounter flag."""
        flag_columns = [(f"flag_{code}", "int", 12) for code in self.flag_codes]
        header = columns(
            ("session_id", "int", 10),
            ("encounter_id", "int", 12),
            ("site", "text", 28),
            ("zone", "text", 24),
            ("observer", "text", 9),
            ("time", "datetime", 17),
            ("encounter_type", "text", 22),
            ("parties", "text", 22),
            ("relation", "text", 20),
            *flag_columns,
            ("note", "text", 40),
            ("codebook_version", "int", 10),
        )
        flags = [
            sa.exists().where(
                EncounterFlag.encounter_id == Encounter.id, EncounterFlag.code == code
            )
            for code in self.flag_codes
        ]
        result = self._stream(
            sa.select(
                Encounter.id,
                Encounter.session_id,
                Encounter.zone_id,
                Encounter.occurred_at,
                Encounter.encounter_type,
                Encounter.parties,
                Encounter.relation,
                Encounter.note,
                Encounter.codebook_version,
                *flags,
            )
            .where(Encounter.session_id.in_(self.session_filter()), Encounter.retracted.is_(False))
            .order_by(Encounter.session_id, Encounter.occurred_at, Encounter.id)
        )

        def rows():
            sessions, label, local, observers = (
                self.sessions,
                self.label,
                self.local,
                self.observers,
            )
            site_name = {sid: site.name for sid, site in self.sites.items()}
            zone_name = {zid: zone.name for zid, zone in self.zones.items()}
            for eid, sid, zone_id, at, kind, parties, relation, note, version, *marks in result:
                session = sessions[sid]
                yield (
                    sid,
                    eid,
                    site_name[session.site_id],
                    zone_name.get(zone_id),
                    observers.get(session.fieldworker_id),
                    local(at),
                    label("encounter_type", kind),
                    label("parties", parties),
                    label("relation", relation),
                    *(int(bool(m)) for m in marks),
                    note or None,
                    version,
                )

        return header, rows()

    def notes_sheet(self) -> tuple[list[Column], Iterator[tuple]]:
        """One row per field note."""
        header = columns(
            ("session_id", "int", 10),
            ("note_id", "int", 8),
            ("site", "text", 28),
            ("zone", "text", 24),
            ("observer", "text", 9),
            ("time", "datetime", 17),
            ("text", "text", 80),
            ("codebook_version", "int", 10),
        )
        result = self._stream(
            sa.select(
                FieldNote.id,
                FieldNote.session_id,
                FieldNote.zone_id,
                FieldNote.written_at,
                FieldNote.text,
                FieldNote.codebook_version,
            )
            .where(FieldNote.session_id.in_(self.session_filter()), FieldNote.retracted.is_(False))
            .order_by(FieldNote.session_id, FieldNote.written_at, FieldNote.id)
        )

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
                    self.local(at),
                    text,
                    version,
                )

        return header, rows()
