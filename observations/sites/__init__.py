"""Sites and zones: create, edit, reorder, archive, and delete what nothing refers to.

Archived sites and zones (`active` False) keep everything recorded there and still export;
they are no longer offered on the phone nor planned. Every change records one audit event.
"""

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from .. import audit
from ..extensions import db
from ..models import (
    Encounter,
    FieldNote,
    PasserCount,
    Scan,
    Session,
    Site,
    Slot,
    Study,
    User,
    Zone,
    session_zones,
    slot_zones,
)
from ..validation import Invalid

SITE_FIELDS = ("name", "kind", "setting", "address", "city", "neighbourhood")
ZONE_FIELDS = ("name", "description", "area_m2", "counting_line")


def values_of(row, fields: tuple[str, ...]) -> dict:
    """A row's values of the named fields, for forms and the audit trail."""
    return {name: getattr(row, name) for name in fields}


def sites_of(study: Study) -> list[Site]:
    """The study's sites in their order, archived ones included."""
    return list(
        db.session.scalars(
            select(Site).filter_by(study_id=study.id).order_by(Site.position, Site.name, Site.id)
        )
    )


def _unique_name(model, parent: dict, name: str, own_id: int | None) -> None:
    """Refuse a name another row of the same parent (study or site) already has."""
    other = db.session.scalar(select(model.id).filter_by(**parent, name=name))
    if other is not None and other != own_id:
        raise Invalid.single("name", _("The name %(name)s is already in use here.", name=name))


def create_site(study: Study, values: dict, actor: User | None = None) -> Site:
    """Add a site at the end of the study's list."""
    _unique_name(Site, {"study_id": study.id}, values["name"], None)
    last = db.session.scalar(select(func.max(Site.position)).filter_by(study_id=study.id))
    site = Site(study_id=study.id, position=(last or 0) + 1, **values)
    db.session.add(site)
    db.session.flush()
    changes = {k: [None, v] for k, v in values_of(site, SITE_FIELDS).items()}
    audit.record("create", "site", site.id, changes, actor=actor, study_id=study.id)
    return site


def update_site(site: Site, values: dict, actor: User | None = None) -> dict:
    """Change a site's details; return the changes (nothing is recorded when none)."""
    _unique_name(Site, {"study_id": site.study_id}, values["name"], site.id)
    return _update(site, "site", SITE_FIELDS, values, actor, site.study_id)


def _update(row, entity: str, fields, values: dict, actor, study_id: int) -> dict:
    """Set the values on a row and record what changed."""
    before = values_of(row, fields)
    for name, value in values.items():
        setattr(row, name, value)
    changes = audit.diff(before, values_of(row, fields))
    if changes:
        db.session.flush()
        audit.record("update", entity, row.id, changes, actor=actor, study_id=study_id)
    return changes


def _move(rows: list, row, step: int, entity: str, actor, study_id: int) -> bool:
    """Swap a row with its neighbour in the list (step -1: up, +1: down); renumber 0, 1, …"""
    index = rows.index(row)
    target = index + step
    if not 0 <= target < len(rows):
        return False
    before = row.position
    rows[index], rows[target] = rows[target], rows[index]
    for position, each in enumerate(rows):
        each.position = position
    audit.record(
        "move", entity, row.id, {"position": [before, row.position]}, actor=actor, study_id=study_id
    )
    return True


def move_site(site: Site, step: int, actor: User | None = None) -> bool:
    """Move a site one place up (-1) or down (+1) in the study's list."""
    return _move(sites_of(site.study), site, step, "site", actor, site.study_id)


def set_active(row, active: bool, actor: User | None = None) -> bool:
    """Archive (False) or restore (True) a site or zone; False when nothing changed."""
    if row.active == active:
        return False
    entity, study_id = (
        ("site", row.study_id) if isinstance(row, Site) else ("zone", row.site.study_id)
    )
    row.active = active
    action = "restore" if active else "archive"
    audit.record(
        action, entity, row.id, {"active": [not active, active]}, actor=actor, study_id=study_id
    )
    return True


def zone_in_use(zone: Zone) -> bool:
    """Whether any session, scan, encounter, note, people-moving count or slot refers to
    the zone."""
    checks = (
        select(session_zones.c.zone_id).where(session_zones.c.zone_id == zone.id),
        select(slot_zones.c.zone_id).where(slot_zones.c.zone_id == zone.id),
        select(Scan.id).where(Scan.zone_id == zone.id),
        select(Encounter.id).where(Encounter.zone_id == zone.id),
        select(FieldNote.id).where(FieldNote.zone_id == zone.id),
        select(PasserCount.id).where(PasserCount.zone_id == zone.id),
    )
    return any(db.session.scalar(select(exists(check))) for check in checks)


def site_in_use(site: Site) -> bool:
    """Whether any session or slot is at the site, or any of its zones is in use."""
    for model in (Session, Slot):
        if db.session.scalar(select(exists(select(model.id).where(model.site_id == site.id)))):
            return True
    return any(zone_in_use(zone) for zone in site.zones)


def _delete(row, entity: str, fields: tuple[str, ...], study_id: int, actor) -> None:
    """Record a row's values as gone, then delete it."""
    gone = {k: [v, None] for k, v in values_of(row, fields).items()}
    audit.record("delete", entity, row.id, gone, actor=actor, study_id=study_id)
    db.session.delete(row)
    db.session.flush()


def delete_site(site: Site, actor: User | None = None) -> None:
    """Delete a site nothing refers to, with its zones, hours and profiles; else refuse."""
    if site_in_use(site):
        raise Invalid.single("site", _("This site holds data: archive it instead."))
    for row in [*site.zones, *site.profiles]:
        db.session.delete(row)
    _delete(site, "site", SITE_FIELDS, site.study_id, actor)


def create_zone(site: Site, values: dict, actor: User | None = None) -> Zone:
    """Add a zone at the end of the site's list."""
    _unique_name(Zone, {"site_id": site.id}, values["name"], None)
    last = db.session.scalar(select(func.max(Zone.position)).filter_by(site_id=site.id))
    zone = Zone(site=site, position=(last if last is not None else -1) + 1, **values)
    db.session.add(zone)
    db.session.flush()
    changes = {"site": [None, site.name]} | {
        k: [None, v] for k, v in values_of(zone, ZONE_FIELDS).items()
    }
    audit.record("create", "zone", zone.id, changes, actor=actor, study_id=site.study_id)
    return zone


def update_zone(zone: Zone, values: dict, actor: User | None = None) -> dict:
    """Change a zone's details; return the changes."""
    _unique_name(Zone, {"site_id": zone.site_id}, values["name"], zone.id)
    return _update(zone, "zone", ZONE_FIELDS, values, actor, zone.site.study_id)


def move_zone(zone: Zone, step: int, actor: User | None = None) -> bool:
    """Move a zone one place up (-1) or down (+1) within its site."""
    rows = list(
        db.session.scalars(
            select(Zone).filter_by(site_id=zone.site_id).order_by(Zone.position, Zone.name, Zone.id)
        )
    )
    return _move(rows, zone, step, "zone", actor, zone.site.study_id)


def delete_zone(zone: Zone, actor: User | None = None) -> None:
    """Delete a zone nothing refers to; else refuse."""
    if zone_in_use(zone):
        raise Invalid.single("zone", _("This zone holds data: archive it instead."))
    _delete(zone, "zone", ZONE_FIELDS, zone.site.study_id, actor)
