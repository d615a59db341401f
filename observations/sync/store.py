"""Storing a checked record exactly once: created, duplicate, conflict, updated or invalid.

A new record is inserted with INSERT … ON CONFLICT DO NOTHING on (study_id, uuid): the unique
constraint, not a prior look-up, decides, so two requests racing with the same UUID store it
once. A record that exists is compared in canonical form; a higher revision is a correction,
applied only if no one else changed the row meanwhile (UPDATE … WHERE revision = old).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit, core_sql
from ..extensions import db
from ..indicators import facts
from ..models import (
    Encounter,
    EncounterFlag,
    FieldNote,
    PasserCount,
    PasserTally,
    Scan,
    ScanCondition,
    ScanCount,
    Session,
    SessionWeather,
    Study,
    User,
    session_zones,
    utcnow,
)
from . import late
from .context import BatchContext, SessionInfo
from .fields import iso
from .parse import TIME_FIELDS, Parsed

# What a correction never changes: the record's identity, owner and first receipt.
FIXED_COLUMNS = {"study_id", "uuid", "received_at", "fieldworker_id", "session_id"}
MODELS = {
    "session": Session,
    "scan": Scan,
    "encounter": Encounter,
    "note": FieldNote,
    "passers": PasserCount,
}
TIME_FIELD = TIME_FIELDS
# The kinds the indicator facts sum (indicators/facts/): storing another kind (a
# people-moving count) leaves its session's facts as they are.
FACT_KINDS = {"session", "scan", "encounter", "note"}
# Kinds whose {category: {code: number}} counts live in a table of their own (long format).
COUNT_TABLES = {
    "scan": (ScanCount.__table__, "scan_id"),
    "passers": (PasserTally.__table__, "passer_count_id"),
}
COMMON = ("revision", "device_time", "codebook_version", "retracted")
# Columns that are the record's content (the rest are ids, bookkeeping or derived).
OWN_COLUMNS = {
    "session": ("started_at", "ended_at", "temperature_c", "crowding", "programme"),
    "scan": ("observed_at",),
    "encounter": ("occurred_at", "encounter_type", "parties", "relation", "note"),
    "note": ("written_at", "text"),
    "passers": ("started_at", "minutes"),
}


@dataclass
class Stored:
    """A record as the database holds it."""

    id: int
    revision: int
    owner_id: int
    content: dict
    # A session's: set while its end is the one the server gave it (late.py).
    auto_closed_at: datetime | None = None

    def as_sent(self) -> dict:
        """The content as the phone made it (without an end the server gave)."""
        return late.phone_view(self.content, self.auto_closed_at)


def store_record(parsed: Parsed, ctx: BatchContext, actor: User) -> tuple[str, dict | None]:
    """Store one checked record and say what happened."""
    if parsed.refusal:
        return _refused(parsed, ctx)
    values = row_of(parsed, ctx.owner)
    new_id = _insert_ignoring_duplicates(MODELS[parsed.kind].__table__, values)
    if new_id is not None:
        _write_children(parsed.kind, new_id, parsed.content)
        if parsed.kind != "session" or parsed.content["ended_at"] is not None:
            # A new session still open has no facts to write (bulk.py says why).
            _mark_facts(parsed, new_id)
        if parsed.kind == "session":
            _remember_session(ctx, parsed, new_id)
        else:
            _late_record(parsed)
        return "created", None
    return store_existing(parsed, ctx, actor)


def store_existing(
    parsed: Parsed, ctx: BatchContext, actor: User, stored: Stored | None = None
) -> tuple[str, dict | None]:
    """The verdict on a record whose UUID is stored: duplicate, update, conflict, invalid.

    `stored` is the stored record if already read (the bulk path reads many at once).
    """
    for _attempt in range(3):
        outcome = _existing(parsed, ctx, actor, stored)
        if outcome is not None:
            return outcome
        stored = None  # changed meanwhile: read it again
    return "conflict", None


def result(parsed: Parsed, status: str, errors: dict | None) -> dict:
    """A record's line in the sync answer."""
    line = {"uuid": parsed.uuid, "status": status}
    if errors:
        line["errors"] = errors
    if parsed.notice:
        line["notice"] = parsed.notice
    return line


def _refused(parsed: Parsed, ctx: BatchContext) -> tuple[str, dict | None]:
    """A record its study takes no more; a copy of one already stored is still a duplicate.

    A phone that sent its records before the study was archived (or the membership ended)
    but never heard the answer sends them again: they arrived, so they are not refused.
    """
    stored = _load(parsed)
    if (
        stored is not None
        and stored.owner_id == ctx.owner.id
        and (
            parsed.revision < stored.revision
            or (parsed.revision == stored.revision and stored.as_sent() == parsed.content)
        )
    ):
        return "duplicate", None
    return "invalid", {"study": [parsed.refusal]}


def _existing(parsed: Parsed, ctx: BatchContext, actor: User, stored: Stored | None = None):
    """Compare with the stored record; apply a correction. None means: changed meanwhile."""
    stored = stored or _load(parsed)
    if stored is None:
        return None
    if stored.owner_id != ctx.owner.id:
        return "invalid", {"uuid": [_("This record belongs to another fieldworker.")]}
    if parsed.revision < stored.revision:
        return "duplicate", None  # an older version of what the server already has
    if parsed.revision == stored.revision:
        if stored.as_sent() != parsed.content:
            return "conflict", None
        if stored.auto_closed_at is not None:
            parsed.notice = late.session_notice(
                stored.auto_closed_at, stored.content["ended_at"], own_end=False
            )
        return "duplicate", None
    if parsed.kind != "session" and stored.content["session"] != parsed.content["session"]:
        return "invalid", {"session": [_("A record cannot move to another session.")]}
    # A session's own row says whether it ended; a record's session was looked up by parse.
    of = stored if parsed.kind == "session" else parsed.session
    closed_by_server = of.auto_closed_at
    ended = stored.content["ended_at"] if parsed.kind == "session" else parsed.session.ended_at
    if ended is not None and closed_by_server is None:
        return "invalid", {
            "revision": [_("The session has ended: its records can no longer be corrected.")]
        }
    where, extra, after = (), {}, parsed.content
    if parsed.kind == "session":
        # The server may have closed it meanwhile without a new revision: then look again.
        where = (late.same_end(stored.content["ended_at"]),)
        extra = late.session_columns(parsed.content, stored.content, closed_by_server)
        after = late.applied_session(stored.content, parsed.content, closed_by_server)
    if not rewrite(parsed, stored, ctx.owner, where, extra):
        return None
    changed = audit.diff(jsonable(stored.content), jsonable(after))
    if parsed.kind == "session" and closed_by_server and "auto_closed_at" in extra:
        changed["auto_closed_at"] = [iso(closed_by_server), None]
    audit.record("update", parsed.kind, parsed.uuid, changed, actor=actor, study_id=parsed.study.id)
    if parsed.kind == "session":
        _remember_session(
            ctx,
            parsed,
            stored.id,
            after["ended_at"],
            extra.get("auto_closed_at", closed_by_server),
        )
        if closed_by_server is not None:
            parsed.notice = late.session_notice(
                closed_by_server, after["ended_at"], own_end=parsed.content["ended_at"] is not None
            )
    else:
        _late_record(parsed)
    return "updated", None


def rewrite(
    parsed: Parsed, stored: Stored, owner: User, where: tuple = (), extra: dict | None = None
) -> bool:
    """Write a checked new version over the stored record, its child rows included.

    The row changes only if its revision is still the one read (UPDATE … WHERE revision =
    old, and any further `where`); False means someone changed it meanwhile. `updated_at`
    becomes now; `extra` sets columns beyond the record's content. The sync path (a
    fieldworker's correction) and a lead's correction (review/corrections.py) both write
    this way.
    """
    table = MODELS[parsed.kind].__table__
    changes = {
        name: value for name, value in row_of(parsed, owner).items() if name not in FIXED_COLUMNS
    }
    changes["updated_at"] = utcnow()
    changes.update(extra or {})
    query = sa.update(table).where(
        table.c.id == stored.id, table.c.revision == stored.revision, *where
    )
    if not db.session.execute(query.values(**changes)).rowcount:
        return False
    _write_children(parsed.kind, stored.id, parsed.content, before=stored.content)
    _mark_facts(parsed, stored.id)
    return True


def _mark_facts(parsed: Parsed, record_id: int) -> None:
    """Have the facts of the record's session rewritten, if the facts sum its kind."""
    if parsed.kind in FACT_KINDS:
        facts.mark([record_id if parsed.kind == "session" else parsed.session.id])


def _late_record(parsed: Parsed) -> None:
    """A scan, encounter or note stored in a session the server closed: move its end."""
    at = parsed.content[TIME_FIELD[parsed.kind]]
    parsed.notice = late.after_record(
        db.session, parsed.session, at, live=not parsed.content["retracted"]
    )


def row_of(parsed: Parsed, owner: User) -> dict:
    """Column values of the record's own table."""
    content = parsed.content
    row = {
        "study_id": parsed.study.id,
        "uuid": parsed.uuid,
        "revision": parsed.revision,
        "received_at": utcnow(),
    }
    row.update({name: content[name] for name in COMMON if name != "revision"})
    row.update({name: content[name] for name in OWN_COLUMNS[parsed.kind]})
    if parsed.kind == "session":
        row.update(site_id=content["site"], slot_id=content["slot"], fieldworker_id=owner.id)
    else:
        row.update(session_id=parsed.session.id, zone_id=content["zone"])
    return row


@cache
def insert_statement(dialect: str, table: sa.Table, *returning: str):
    """INSERT … ON CONFLICT (study_id, uuid) DO NOTHING RETURNING id (and the `returning`
    columns), built once per table."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["study_id", "uuid"])
        .returning(table.c.id, *(table.c[name] for name in returning))
    )


def _insert_ignoring_duplicates(table: sa.Table, row: dict) -> int | None:
    """Insert a row unless its (study_id, uuid) exists; return the new id or None."""
    statement = insert_statement(db.session.get_bind().dialect.name, table)
    return db.session.execute(statement, row).scalar_one_or_none()


CHILDREN = {
    # kind: [(table, owner column, content key, how a content item becomes row values)]
    "session": [
        (session_zones, "session_id", "zones", lambda zone: {"zone_id": zone}),
        (SessionWeather.__table__, "session_id", "weather", lambda code: {"code": code}),
    ],
    "scan": [
        (ScanCondition.__table__, "scan_id", "conditions", lambda code: {"code": code}),
    ],
    "encounter": [
        (EncounterFlag.__table__, "encounter_id", "flags", lambda code: {"code": code}),
    ],
    "note": [],
    "passers": [],
}


def child_rows(kind: str, owner_id: int, content: dict):
    """(table, owner column, rows) for each child table of a record: its multi-valued
    codes and its counts."""
    for table, column, key, make in _children(kind, content):
        items = content[key] if isinstance(key, str) else key
        yield table, column, [{column: owner_id, **make(i)} for i in items]


def _children(kind: str, content: dict) -> list:
    """CHILDREN's entries for the kind, with its counts table if it has one."""
    children = list(CHILDREN[kind])
    if kind in COUNT_TABLES:
        counts = [
            (category, code, n)
            for category, per in content["counts"].items()
            for code, n in per.items()
        ]
        children.append(
            (
                *COUNT_TABLES[kind],
                counts,
                lambda c: {"category": c[0], "code": c[1], "count": c[2]},
            )
        )
    return children


def _write_children(kind: str, owner_id: int, content: dict, before: dict | None = None) -> None:
    """Write the record's multi-valued codes (and its counts) in their own tables.

    With `before` (the stored content, in the same canonical form), the rows of a new
    version replace the old ones, except where they are the same: a session's end leaves its
    zones and weather as they were, and costs no DELETE and INSERT for them.
    """
    old = dict.fromkeys(_children_keys(kind))
    if before is not None:
        old = {key: before.get(key) for key in old}
    for (table, column, rows), key in zip(child_rows(kind, owner_id, content), old, strict=True):
        if before is not None:
            if old[key] == content[key]:
                continue
            db.session.execute(sa.delete(table).where(table.c[column] == owner_id))
        if rows:
            db.session.execute(core_sql.insert(table), rows)


def _children_keys(kind: str) -> list[str]:
    """The content keys of the kind's child tables, in child_rows' order."""
    keys = [key for _table, _column, key, _make in CHILDREN[kind]]
    return keys + (["counts"] if kind in COUNT_TABLES else [])


def _remember_session(
    ctx: BatchContext,
    parsed: Parsed,
    session_id: int,
    ended_at: datetime | None = None,
    auto_closed_at: datetime | None = None,
) -> None:
    """Let later records of the batch find the session as it now stands."""
    content = parsed.content
    ctx.sessions[parsed.uuid] = SessionInfo(
        id=session_id,
        uuid=parsed.uuid,
        study=parsed.study,
        site_id=content["site"],
        fieldworker_id=ctx.owner.id,
        started_at=content["started_at"],
        ended_at=ended_at or content["ended_at"],
        revision=parsed.revision,
        zones=content["zones"],
        auto_closed_at=auto_closed_at,
    )


def _load(parsed: Parsed) -> Stored | None:
    """Read the stored record with this UUID in canonical form (None: there is none)."""
    return load(parsed.kind, parsed.study, parsed.uuid)


def load(kind: str, study: Study, uuid: str) -> Stored | None:
    """Read a stored record of the study in canonical form (None: there is none)."""
    return load_many(kind, study, [uuid]).get(uuid)


def load_many(kind: str, study: Study, uuids: list[str]) -> dict[str, Stored]:
    """Read the stored records of the study with these UUIDs, in canonical form, by UUID:
    one query for the records and one per child table, however many there are."""
    table = MODELS[kind].__table__
    connection = core_sql.connection()
    wanted = (table.c.study_id == study.id, table.c.uuid.in_(uuids))
    if kind == "session":
        rows = connection.execute(sa.select(table).where(*wanted)).all()
        ids = [row.id for row in rows]
        zones = _codes(session_zones, "session_id", ids, "zone_id")
        weather = _codes(SessionWeather.__table__, "session_id", ids)
    else:
        sessions = Session.__table__
        rows = connection.execute(
            sa.select(
                table,
                sessions.c.uuid.label("session_uuid"),
                sessions.c.fieldworker_id.label("owner_id"),
            )
            .join(sessions, sessions.c.id == table.c.session_id)
            .where(*wanted)
        ).all()
        children = _child_content(kind, [row.id for row in rows])
    found = {}
    for row in rows:
        if kind == "session":
            content = {
                "study": study.slug,
                "site": row.site_id,
                "slot": row.slot_id,
                "zones": zones.get(row.id, []),
                "weather": weather.get(row.id, []),
            }
            owner_id, auto_closed_at = row.fieldworker_id, row.auto_closed_at
        else:
            content = {"session": row.session_uuid, "zone": row.zone_id}
            content.update({key: per[row.id] for key, per in children.items()})
            owner_id, auto_closed_at = row.owner_id, None
        content.update({name: getattr(row, name) for name in COMMON if name != "revision"})
        content.update({name: getattr(row, name) for name in OWN_COLUMNS[kind]})
        found[row.uuid] = Stored(row.id, row.revision, owner_id, content, auto_closed_at)
    return found


def _child_content(kind: str, record_ids: list[int]) -> dict[str, dict]:
    """The multi-valued parts of stored scans, encounters or people-moving counts:
    {content key: {record id: value}}, every record present."""
    if kind == "scan":
        parts = {
            "counts": _counts(kind, record_ids),
            "conditions": _codes(ScanCondition.__table__, "scan_id", record_ids),
        }
    elif kind == "passers":
        parts = {"counts": _counts(kind, record_ids)}
    elif kind == "encounter":
        parts = {"flags": _codes(EncounterFlag.__table__, "encounter_id", record_ids)}
    else:
        return {}
    empty = {"counts": dict, "conditions": list, "flags": list}
    return {key: {i: per.get(i, empty[key]()) for i in record_ids} for key, per in parts.items()}


def _counts(kind: str, record_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """Stored records' counts: {record id: {category: {code: number}}}."""
    table, column = COUNT_TABLES[kind]
    counts: dict[int, dict[str, dict[str, int]]] = {}
    if not record_ids:
        return counts
    for owner, category, code, n in core_sql.connection().execute(
        sa.select(table.c[column], table.c.category, table.c.code, table.c["count"])
        .where(table.c[column].in_(record_ids))
        .order_by(table.c[column], table.c.category, table.c.code)
    ):
        counts.setdefault(owner, {}).setdefault(category, {})[code] = n
    return counts


def _codes(
    table: sa.Table, column: str, owner_ids: list[int], value: str = "code"
) -> dict[int, list]:
    """The sorted values of a child table: {owner id: [value, …]} (owners without none)."""
    codes: dict[int, list] = {}
    if not owner_ids:
        return codes
    for owner, code in core_sql.connection().execute(
        sa.select(table.c[column], table.c[value]).where(table.c[column].in_(owner_ids))
    ):
        codes.setdefault(owner, []).append(code)
    return {owner: sorted(values) for owner, values in codes.items()}


def jsonable(content: dict) -> dict:
    """Content with times as ISO text, fit for the audit trail's JSON."""
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in content.items()}
