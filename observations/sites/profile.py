"""The site profile: a dated checklist of the conditions the KIS research names for a good
meeting place (functions, activities and their groups, seating, light, air, space, hosting).

FIELDS defines the checklist once: the form, the site page and the indicator pages read it.
A profile is never edited: saving makes a new version valid from its date, so that the
conditions that held on a day can be set against that day's encounters.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Site, SiteProfile, User

MULTI, COUNT, SCALE = "multi", "count", "scale"
MAX_COUNT = 100_000


@dataclass(frozen=True)
class FieldDef:
    """One item of the checklist: a multi-select, a count or a choice on a scale."""

    key: str
    label: object
    kind: str
    choices: tuple[tuple[str, object], ...] = ()

    def display(self, value) -> str:
        """The value as the interface shows it, in the user's language."""
        if value is None or value == []:
            return "–"
        names = dict(self.choices)
        if self.kind == MULTI:
            return ", ".join(str(names.get(v, v)) for v in value)
        if self.kind == SCALE:
            return str(names.get(value, value))
        return str(value)


QUALITY = (("poor", _l("poor")), ("adequate", _l("adequate")), ("good", _l("good")))
FIELDS = (
    FieldDef(
        "functions",
        _l("Functions offered"),
        MULTI,
        (
            ("library", _l("library")),
            ("cafe", _l("café")),
            ("playground", _l("playground")),
            ("market_stalls", _l("market stalls")),
            ("workshop_room", _l("workshop room")),
            ("meeting_room", _l("meeting room")),
            ("garden", _l("garden")),
            ("sports", _l("sports")),
            ("exhibition", _l("exhibition")),
            ("counter", _l("counter or desk")),
            ("toilets", _l("toilets")),
            ("other", _l("other")),
        ),
    ),
    FieldDef("activities_per_week", _l("Activities per week"), COUNT),
    FieldDef(
        "activity_groups",
        _l("Groups the activities aim at"),
        MULTI,
        (
            ("children", _l("children")),
            ("young_people", _l("young people")),
            ("adults", _l("adults")),
            ("older_people", _l("older people")),
            ("families", _l("families")),
            ("newcomers", _l("newcomers")),
            ("everyone", _l("everyone")),
        ),
    ),
    FieldDef("seating_fixed", _l("Fixed seats"), COUNT),
    FieldDef("seating_movable", _l("Movable seats"), COUNT),
    FieldDef("light", _l("Light"), SCALE, QUALITY),
    FieldDef("air", _l("Air and climate"), SCALE, QUALITY),
    FieldDef(
        "space",
        _l("Space"),
        SCALE,
        (("cramped", _l("cramped")), ("adequate", _l("adequate")), ("spacious", _l("spacious"))),
    ),
    FieldDef(
        "hosting",
        _l("Staff who host"),
        SCALE,
        (("none", _l("none")), ("sometimes", _l("sometimes")), ("always", _l("always"))),
    ),
)
BY_KEY = {f.key: f for f in FIELDS}


def clean(data: dict) -> dict:
    """Keep the checklist's known keys with values it offers (None where unanswered)."""
    kept = {}
    for f in FIELDS:
        value = data.get(f.key)
        allowed = {code for code, _label in f.choices}
        if f.kind == MULTI:
            value = [v for v in (value or []) if v in allowed]
        elif f.kind == SCALE:
            value = value if value in allowed else None
        else:
            value = value if isinstance(value, int) and 0 <= value <= MAX_COUNT else None
        kept[f.key] = value
    return kept


def versions(site: Site) -> list[SiteProfile]:
    """Every profile of the site, oldest first (by valid-from date, then as saved)."""
    return list(
        db.session.scalars(
            select(SiteProfile)
            .filter_by(site_id=site.id)
            .order_by(SiteProfile.valid_from, SiteProfile.id)
        )
    )


def profile_on(site: Site, day: date) -> SiteProfile | None:
    """The profile that held on a day: the latest version valid from that day or before."""
    return db.session.scalar(
        select(SiteProfile)
        .filter(SiteProfile.site_id == site.id, SiteProfile.valid_from <= day)
        .order_by(SiteProfile.valid_from.desc(), SiteProfile.id.desc())
        .limit(1)
    )


def save_profile(
    site: Site, valid_from: date, data: dict, note: str = "", actor: User | None = None
) -> SiteProfile:
    """Save a new version of the site's profile, valid from the day given."""
    # Compared with the version that held on that day until now.
    earlier = profile_on(site, valid_from)
    before = clean(earlier.data) if earlier is not None else {}
    profile = SiteProfile(
        site_id=site.id,
        valid_from=valid_from,
        data=clean(data),
        note=note,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(profile)
    db.session.flush()
    changes = {"valid_from": [None, valid_from.isoformat()], "note": [None, note or None]}
    changes |= {k: [before.get(k), v] for k, v in profile.data.items() if before.get(k) != v}
    audit.record("create", "site_profile", profile.id, changes, actor=actor, study_id=site.study_id)
    return profile


def changed_fields(older: SiteProfile | None, newer: SiteProfile) -> list[FieldDef]:
    """The checklist items whose answer differs between two versions."""
    if older is None:
        return []
    old, new = clean(older.data), clean(newer.data)
    return [f for f in FIELDS if old[f.key] != new[f.key]]


def history(site: Site) -> list[tuple[SiteProfile, list[FieldDef]]]:
    """Every version, newest first, with what changed since the version before it."""
    rows = versions(site)
    paired = [(row, changed_fields(rows[i - 1] if i else None, row)) for i, row in enumerate(rows)]
    return paired[::-1]
