"""Importing a PLDP single-table CSV into a study, through the same path phones sync by.

Locations become zones (grouped into sites by neighbourhood, or by their primary name),
surveyors become inactive observer accounts with a pseudonymous code, each survey becomes
an ended session with one scan. Records get UUIDs derived from the file's own ids, so the
sync service recognises a second import of the same file and adds nothing.
"""

import uuid
from collections.abc import Callable
from dataclasses import replace

from flask_babel import gettext as _
from sqlalchemy import select

from .. import accounts, audit, codebook, studies, text
from ..extensions import db
from ..models import Category, Code, Codebook, Membership, Site, Study, User, Zone
from ..sync import MAX_BATCH, sync_in_transaction
from ..validation import Invalid
from .columns import normalise
from .dialects import DESCRIPTION
from .kinds import MOVING, NAMES
from .reading import Reading, read_locations, read_table
from .records import records_of, refuse_long_counts
from .report import ImportRefused, ImportReport

__all__ = ["ImportRefused", "ImportReport", "import_pldp"]

# PLDP notes every activity a person shows, so one person may count in several: a study
# made from a PLDP file lets them (scan_rules.py). An existing study keeps its own rules.
SEVERAL_PER_PERSON = ("activity",)


def _study(slug: str, name: str, timezone: str, actor: User | None) -> tuple[Study, bool]:
    """The study with this short name, created (with the default codebook) if missing."""
    study = db.session.scalar(select(Study).filter_by(slug=slug))
    if study is not None:
        return study, False
    study = studies.create_study(name or slug, slug, actor=actor)
    study.timezone = timezone
    for category in codebook.categories(study):
        if category.key in SEVERAL_PER_PERSON:
            category.per_person = None
    return study, True


def _extend_codebook(study: Study, reading: Reading) -> list[str]:
    """Add the codes the file needs and the codebook lacks, in a new codebook version."""
    missing = {}
    for category_key, code, label_nl, label_en in reading.extension.values():
        category = db.session.scalar(
            select(Category).filter_by(study_id=study.id, key=category_key)
        )
        if category is not None and code not in {c.code for c in category.codes}:
            missing[(category_key, code)] = (category, label_nl, label_en)
    if not missing:
        return []
    version = codebook.current_version(study) + 1
    db.session.add(
        Codebook(
            study_id=study.id,
            version=version,
            note="PLDP import: " + ", ".join(c for _, c in missing),
        )
    )
    for (_key, code), (category, label_nl, label_en) in missing.items():
        category.codes.append(
            Code(
                code=code,
                label_nl=label_nl,
                label_en=label_en,
                position=len(category.codes),
                introduced_in=version,
            )
        )
    db.session.flush()
    return [f"{key}:{code}" for key, code in missing]


def _zones(
    study: Study, reading: Reading, places: dict, actor: User | None
) -> dict[str, tuple[int, int]]:
    """{location id: (zone id, site id)}, creating sites and zones that do not exist yet; in
    a people-moving table the zones are counting lines."""
    sites = {s.name: s for s in db.session.scalars(select(Site).filter_by(study_id=study.id))}
    zones: dict[str, tuple[int, int]] = {}
    for survey in reading.surveys.values():
        location = survey.location
        if location in zones or survey.refused:
            continue
        place = places.get(location, {})
        names = {**survey.names, **{k: v for k, v in place.items() if isinstance(v, str) and v}}
        if places and location not in places:
            reading.warnings.append(f"location {location} is not in the locations file")
        site_name = _place_text(
            location,
            names.get("neighborhood")
            or names.get("neighbourhood")
            or names.get("location_name_primary")
            or location,
            Site.name,
        )
        site = sites.get(site_name)
        if site is None:
            site = Site(
                study_id=study.id,
                name=site_name,
                kind="street" if places else "other",
                city=_place_text(location, names.get("location_city", ""), Site.city),
                neighbourhood=_place_text(
                    location, names.get("neighborhood") or "", Site.neighbourhood
                ),
            )
            db.session.add(site)
            db.session.flush()
            sites[site_name] = site
        detail = " · ".join(
            v
            for v in (names.get("location_name_primary"), names.get("location_name_secondary"))
            if v
        )
        zone_name = (f"{location} · {detail}" if detail and detail != site_name else location)[:120]
        zone = db.session.scalar(select(Zone).filter_by(site_id=site.id, name=zone_name))
        moving = reading.kind == MOVING
        if zone is None:
            zone = Zone(
                site_id=site.id, name=zone_name, position=len(site.zones), counting_line=moving
            )
            db.session.add(zone)
            db.session.flush()
        elif moving and not zone.counting_line:
            _mark_counting_line(zone, study, actor, reading)
        zones[location] = (zone.id, site.id)
    return zones


def _mark_counting_line(zone: Zone, study: Study, actor: User | None, reading: Reading) -> None:
    """People were counted passing an existing zone: it becomes a counting line (audited)."""
    zone.counting_line = True
    db.session.flush()
    changes = {"counting_line": [False, True]}
    audit.record("update", "zone", zone.id, changes, actor=actor, study_id=study.id)
    reading.warnings.append(f"zone {zone.name} is now a counting line: people were counted passing")


def _place_text(location: str, value: str, column) -> str:
    """A name from the file as the column can hold it, or Invalid saying which location."""
    found = text.problems(value, replace(text.rule_of(column), required=False))
    if found:
        raise Invalid.single(
            "locations",
            _(
                "Location %(location)s: %(problem)s",
                location=text.visible(location[:40]),
                problem=found[0],
            ),
        )
    return value


def _observer(study: Study, surveyor: str, actor: User | None) -> User:
    """An inactive account standing for a surveyor of the file, a member of the study."""
    label = surveyor or "pldp"
    username = normalise(f"pldp-{study.slug}-{label}").replace("_", "-")[:64]
    user = db.session.scalar(select(User).filter_by(username=username))
    if user is None:
        user = User(username=username, display_name=f"PLDP {label}"[:120], active=False)
        user.set_password(uuid.uuid4().hex)
        db.session.add(user)
        db.session.flush()
        audit.record("create", "user", user.id, {"username": [None, username]}, actor=actor)
    if db.session.scalar(select(Membership).filter_by(study_id=study.id, user_id=user.id)) is None:
        accounts.add_member(study, user, "fieldworker", actor=actor)
    return user


def _not_pldp() -> Invalid:
    return Invalid.single(
        "table",
        _(
            "This is not a PLDP table: it needs the columns location_id and survey_id "
            "(or survey_time_start, or Date), or in the camelCase dialect name and startedAt."
        ),
    )


def _store(
    study: Study,
    batches: list[tuple[User, list[dict]]],
    report: ImportReport,
    actor: User | None,
    progress: Callable[[float], None] | None,
) -> None:
    """Sync the records inside the import's one transaction, noting each session's status."""
    total, done = sum(len(records) for _owner, records in batches), 0
    refused: dict[str, int] = {}
    for owner, records in batches:
        sessions = {r["uuid"] for r in records if r["kind"] == "session"}
        for start in range(0, len(records), MAX_BATCH):
            if progress is not None:
                progress(done / total)
                done += len(records[start : start + MAX_BATCH])
            for result in sync_in_transaction(
                owner, records[start : start + MAX_BATCH], actor=actor, study=study.slug
            ):
                if result["uuid"] in sessions:
                    status = result["status"]
                    report.sessions[status] = report.sessions.get(status, 0) + 1
                if result["status"] == "invalid":
                    why = f"a record was refused: {result.get('errors')}"
                    refused[why] = refused.get(why, 0) + 1
    report.warnings += [why + (f" ({n} records)" if n > 1 else "") for why, n in refused.items()]


def import_pldp(
    table: str,
    study_slug: str,
    locations: str | None = None,
    study_name: str = "",
    timezone: str = "Europe/Amsterdam",
    actor: User | None = None,
    progress: Callable[[float], None] | None = None,
    via: str = "",
    encoding: str = "",
    dry_run: bool = False,
    kind: str | None = None,
) -> ImportReport:
    """Import a PLDP single-table CSV (text, in either dialect) into the study; create the
    study if needed. All or nothing: one transaction, committed at the end.

    Raises ImportRefused (after rolling back: no study, zone or session is left) when no
    row can be imported, and Invalid when the table is no PLDP table or holds text that
    cannot be stored. With `dry_run` everything is checked and rolled back; the report
    says what would have been imported. `encoding` (the one the text was read in) is only
    reported. `progress(fraction)` hears how far the records are; `via` (e.g. "web") is
    noted in the audit event.
    """
    try:
        report = _import(
            table,
            study_slug,
            locations,
            study_name,
            timezone,
            actor,
            progress,
            via,
            dry_run,
            kind,
        )
    except BaseException:
        db.session.rollback()
        raise
    report.encoding = encoding
    if dry_run or report.reasons():
        db.session.rollback()
        report.stored = False
        if report.reasons():
            raise ImportRefused(report)
        return report
    db.session.commit()
    return report


def _import(
    table: str,
    study_slug: str,
    locations: str | None,
    study_name: str,
    timezone: str,
    actor: User | None,
    progress: Callable[[float], None] | None,
    via: str,
    dry_run: bool,
    kind: str | None,
) -> ImportReport:
    """The import, up to (not including) its commit or rollback."""
    study, created = _study(study_slug, study_name, timezone, actor)
    known = {
        (category, c.code)
        for category, codes in codebook.codes_by_category(study).items()
        for c in codes
    }
    reading = read_table(table, known, kind)
    if reading.dialect is None:
        raise _not_pldp()
    places = read_locations(locations) if locations else {}
    report = ImportReport(study=study.slug, created_study=created, rows=reading.rows)
    report.dialect, report.dry_run = DESCRIPTION[reading.dialect], dry_run
    report.kind = f"{NAMES[reading.kind]} ({reading.kind_reason})"
    report.added_codes = _extend_codebook(study, reading)
    refuse_long_counts(reading)
    zones = _zones(study, reading, places, actor)
    _store(study, records_of(study, reading, zones, _observer), report, actor, progress)
    report.rows_imported = reading.rows - len(reading.rejected)
    report.rejected = reading.rejected
    report.people = sum(s.people for s in reading.surveys.values() if not s.refused)
    report.mapped = {column: f"{c}:{x}" for column, (c, x) in reading.mapped.items()}
    report.mapped.update({column: f"{c}:{x}" for column, (c, x, *_) in reading.extension.items()})
    report.refused, report.unknown = reading.refused, reading.unknown
    report.unknown_text, report.completed = reading.unknown_text, reading.completed
    report.points, report.point_columns = reading.points, reading.point_columns
    report.warnings = reading.warnings + report.warnings
    changes = {"rows": [None, reading.rows], "sessions": [None, report.sessions]}
    changes["kind"] = [None, reading.kind]
    if via:
        changes["via"] = [None, via]
    audit.record("import", "pldp", study.slug, changes, actor=actor, study_id=study.id)
    return report
