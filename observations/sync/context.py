"""What a sync batch looks up once and reuses: studies, membership, codebooks, places, sessions."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from .. import codebook, core_sql, scan_rules
from ..extensions import db
from ..models import Codebook, Membership, Session, Site, Slot, Study, User, Zone, session_zones
from . import rules_cache


@dataclass(frozen=True)
class StudyInfo:
    """What a batch reads of a study. Read as columns, not as the Study entity: a sync looks
    its session's study up every batch, and the entity costs the ORM's loading besides."""

    id: int
    slug: str
    name: str
    archived_at: datetime | None


@dataclass
class SessionInfo:
    """The parts of a stored session that its records are checked against."""

    id: int
    uuid: str
    study: StudyInfo
    site_id: int
    fieldworker_id: int
    started_at: datetime
    ended_at: datetime | None
    revision: int
    zones: list[int] = field(default_factory=list)
    # Set while the session's end is the one the server gave it (sync/late.py).
    auto_closed_at: datetime | None = None
    # Every zone of its site, and which of them are counting lines, when the session's
    # look-up read them (a session stored in this batch leaves them to zones_of_sites).
    site_zones: set[int] | None = None
    counting_lines: set[int] | None = None


class ValidCodes(set):
    """The codes of a category valid in a version; `retired` names those retired by then."""

    retired: dict[str, int]

    @classmethod
    def of(cls, category, version: int) -> "ValidCodes":
        """The category's codes valid in the version, and {code: retired_in} of the others."""
        codes = cls(x.code for x in category.codes if x.valid_in(version))
        codes.retired = {
            x.code: x.retired_in
            for x in category.codes
            if x.retired_in is not None and x.retired_in <= version
        }
        return codes


@dataclass
class CodebookRules:
    """Valid codes per category in one codebook version, and what each category applies to."""

    version: int
    codes: dict[str, set[str]]
    applies_to: dict[str, str]
    multiple: dict[str, bool]
    # The scan's arithmetic (scan_rules.py): who counts once, at most once, and "empty".
    scan: dict = field(default_factory=dict)


class BatchContext:
    """Lookups for one batch, cached so a batch of thousands costs few queries."""

    def __init__(self, owner: User, only_study: str | None = None):
        self.owner = owner
        # A coordinator's upload may only write into the coordinator's own study.
        self.only_study = only_study
        self._studies: dict[str, StudyInfo | None] = {}
        self._members: dict[int, bool | None] = {}
        self._rules: dict[tuple[int, int], CodebookRules | None] = {}
        self._versions: dict[int, tuple] = {}
        self._archived_sites: dict[int, set[int]] = {}
        self._zones: dict[int, dict[int, set[int]]] = {}
        self._counting_lines: dict[int, set[int]] = {}
        self._slots: dict[int, Slot | None] = {}
        self.sessions: dict[str, SessionInfo] = {}

    def study(self, slug: str) -> StudyInfo | None:
        """The study with this short name, if the owner is or was a member of it."""
        if self.only_study is not None and slug != self.only_study:
            return None
        if slug not in self._studies:
            row = core_sql.connection().execute(_STUDY_BY_SLUG(), {"slug": slug}).first()
            self._studies[slug] = StudyInfo(*row) if row else None
        study = self._studies[slug]
        return study if study is not None and self.membership(study) is not None else None

    def membership(self, study: StudyInfo) -> bool | None:
        """Whether the owner's membership of the study is active (None: never a member)."""
        if study.id not in self._members:
            self._members[study.id] = core_sql.connection().scalar(
                _MEMBERSHIP(), {"study_id": study.id, "user_id": self.owner.id}
            )
        return self._members[study.id]

    def is_member(self, study: StudyInfo) -> bool:
        """Whether the owner holds an active role in the study."""
        return bool(self.membership(study))

    def refusal(self, study: StudyInfo) -> str | None:
        """Why nothing of the owner's may be stored in the study now, or None.

        The records stay on the phone either way; the message says what the person can do.
        """
        if not self.is_member(study):
            return _(
                "Your membership of study %(name)s has ended; your records stay on this "
                "phone. Ask your coordinator.",
                name=study.name,
            )
        if study.archived_at is not None:
            return _(
                "Study %(name)s is archived: nothing new can be stored. Your records stay "
                "on this phone; ask your coordinator.",
                name=study.name,
            )
        return None

    def _newest(self, study: StudyInfo) -> tuple:
        """(version, id, created_at) of the study's newest codebook row."""
        if study.id not in self._versions:
            newest = core_sql.connection().execute(_NEWEST(), {"study_id": study.id}).first()
            self._versions[study.id] = tuple(newest) if newest else (1, None, None)
        return self._versions[study.id]

    def current_version(self, study: StudyInfo) -> int:
        """The study's newest codebook version."""
        return self._newest(study)[0]

    def rules(self, study: StudyInfo, version: int) -> CodebookRules | None:
        """The codebook rules of a version, or None if the study has no such version."""
        key = (study.id, version)
        if key not in self._rules:
            if not 1 <= version <= self.current_version(study):
                self._rules[key] = None
            else:
                kept_under = (study.id, version, *self._newest(study))
                self._rules[key] = rules_cache.kept(
                    kept_under, lambda: self._load_rules(study, version)
                )
        return self._rules[key]

    @staticmethod
    def _load_rules(study: StudyInfo, version: int) -> CodebookRules:
        categories = codebook.categories(study)
        return CodebookRules(
            version,
            {c.key: ValidCodes.of(c, version) for c in categories},
            {c.key: c.applies_to for c in categories},
            {c.key: c.multiple for c in categories},
            scan_rules.rules_for(categories, version),
        )

    def zones_of_sites(self, study: StudyInfo) -> dict[int, set[int]]:
        """{site id: its zone ids} for the study, archived sites included: a session that
        began before its site was archived still takes its later records."""
        if study.id not in self._zones:
            rows = core_sql.connection().execute(_ZONES(), {"study_id": study.id})
            zones: dict[int, set[int]] = {}
            archived: set[int] = set()
            lines: set[int] = set()
            for site_id, active, zone_id, counting_line in rows:
                zones.setdefault(site_id, set())
                if not active:
                    archived.add(site_id)
                if zone_id is not None:
                    zones[site_id].add(zone_id)
                    if counting_line:
                        lines.add(zone_id)
            self._zones[study.id] = zones
            self._counting_lines[study.id] = lines
            self._archived_sites[study.id] = archived
        return self._zones[study.id]

    def counting_lines(self, study: StudyInfo) -> set[int]:
        """Ids of the study's zones marked as counting lines (people-moving counts)."""
        self.zones_of_sites(study)
        return self._counting_lines[study.id]

    def zones_of_session_site(self, session: SessionInfo) -> tuple[set[int], set[int]]:
        """(every zone of the session's site, those that are counting lines): as the session's
        look-up read them, which spares a batch of its records the study's zones."""
        if session.site_zones is not None and session.counting_lines is not None:
            return session.site_zones, session.counting_lines
        zones = self.zones_of_sites(session.study).get(session.site_id, set())
        return zones, self.counting_lines(session.study) & zones

    def archived_sites(self, study: StudyInfo) -> set[int]:
        """Ids of the study's archived sites (no new sessions there)."""
        self.zones_of_sites(study)
        return self._archived_sites[study.id]

    def slot(self, slot_id: int) -> Slot | None:
        """A planned slot by id."""
        if slot_id not in self._slots:
            self._slots[slot_id] = db.session.get(Slot, slot_id)
        return self._slots[slot_id]

    def session(self, uuid: str, study_slug: str | None) -> SessionInfo | None:
        """A stored session by its UUID (within the named study, if one is named)."""
        if self.only_study is not None:
            if study_slug not in (None, self.only_study):
                return None
            study_slug = self.only_study
        cached = self.sessions.get(uuid)
        if cached is not None and (study_slug is None or cached.study.slug == study_slug):
            return cached
        rows = (
            core_sql.connection()
            .execute(
                _SESSION_BY_UUID(study_slug is not None),
                {"uuid": uuid, "slug": study_slug, "owner": self.owner.id},
            )
            .all()
        )
        if not rows:
            return None
        # Rows are (session, one zone of its site); the owner's own session comes first.
        mine = [r for r in rows if r.fieldworker_id == self.owner.id]
        chosen = (mine or rows)[0]
        own = [r for r in rows if r.id == chosen.id and r.zone_id is not None]
        info = self._info(chosen, sorted(r.zone_id for r in own if r.in_session))
        info.site_zones = {r.zone_id for r in own}
        info.counting_lines = {r.zone_id for r in own if r.counting_line}
        return info

    def _info(self, row, zones: list[int]) -> SessionInfo:
        """Cache a stored session's facts (a row of _SESSION_BY_UUID) for the rest of the batch,
        and what the row says of its study: the owner's membership, the newest codebook."""
        self._members.setdefault(row.study_id, row.member)
        if row.study_id not in self._versions:
            newest = (row.codebook_version, row.codebook_id, row.codebook_created_at)
            self._versions[row.study_id] = newest if row.codebook_id else (1, None, None)
        info = SessionInfo(
            id=row.id,
            uuid=row.uuid,
            study=StudyInfo(row.study_id, row.study_slug, row.study_name, row.study_archived_at),
            site_id=row.site_id,
            fieldworker_id=row.fieldworker_id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            revision=row.revision,
            zones=zones,
            auto_closed_at=row.auto_closed_at,
        )
        self.sessions[info.uuid] = info
        return info


# The batch's look-ups, each built once (core_sql.py): a sync runs them for every batch.


@cache
def _STUDY_BY_SLUG():
    return select(Study.id, Study.slug, Study.name, Study.archived_at).where(
        Study.slug == bindparam("slug")
    )


@cache
def _MEMBERSHIP():
    return select(Membership.active).where(
        Membership.study_id == bindparam("study_id"), Membership.user_id == bindparam("user_id")
    )


@cache
def _NEWEST():
    return (
        select(Codebook.version, Codebook.id, Codebook.created_at)
        .where(Codebook.study_id == bindparam("study_id"))
        .order_by(Codebook.version.desc())
        .limit(1)
    )


@cache
def _ZONES():
    return (
        select(Site.id, Site.active, Zone.id, Zone.counting_line)
        .outerjoin(Zone, Zone.site_id == Site.id)
        .where(Site.study_id == bindparam("study_id"))
    )


@cache
def _SESSION_BY_UUID(in_study: bool):
    """The sessions with :uuid (in the study named :slug, if `in_study`), one row per zone of
    its site (whether it is one of the session's, whether it is a counting line), with whether
    :owner is an active member of its study (null: never one) and its study's newest codebook
    row (_NEWEST): what checking the session's records needs besides."""
    newest = (
        select(Codebook.id)
        .where(Codebook.study_id == Session.study_id)
        .order_by(Codebook.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    codebook = aliased(Codebook)
    query = (
        select(
            Study.slug.label("study_slug"),
            Study.name.label("study_name"),
            Study.archived_at.label("study_archived_at"),
            Session.id,
            Session.uuid,
            Session.study_id,
            Session.site_id,
            Session.fieldworker_id,
            Session.started_at,
            Session.ended_at,
            Session.revision,
            Session.auto_closed_at,
            Zone.id.label("zone_id"),
            Zone.counting_line,
            sa.exists()
            .where(session_zones.c.session_id == Session.id, session_zones.c.zone_id == Zone.id)
            .label("in_session"),
            Membership.active.label("member"),
            codebook.version.label("codebook_version"),
            codebook.id.label("codebook_id"),
            codebook.created_at.label("codebook_created_at"),
        )
        .join(Study, Study.id == Session.study_id)
        .outerjoin(Zone, Zone.site_id == Session.site_id)
        .outerjoin(
            Membership,
            (Membership.study_id == Session.study_id) & (Membership.user_id == bindparam("owner")),
        )
        .outerjoin(codebook, codebook.id == newest)
        .where(Session.uuid == bindparam("uuid"))
        .order_by(Session.id)
    )
    return query.where(Study.slug == bindparam("slug")) if in_study else query
