"""The people-moving count (record kind `passers`): who passed a counting line in a period.

A fieldworker counts the people passing a zone marked as a counting line (an entrance, a
path, a market aisle) for a set period, one tap per person by mode, and optionally by
perceived gender, age band and the size of the group the person walks in. The record
carries the totals: {category: {code: people}}, as a scan carries its counts.

- mode (PLDP survey_mode): on_foot, bicycle, wheelchair (wheelchair or other mobility
  aid), pushchair (carried in a pushchair or pram), other; every person has one, so the
  modes add up to everyone who passed;
- gender and age: the codes of the codebook's categories of the same key;
- group (PLDP survey_group: group_1, group_2, group_3-7, group_8+): alone, pair, group
  (3–7 people), large_group (8 or more), the bands of the codebook's company.
The optional categories never hold more people than the modes do.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import PASSER_GROUPS, PASSER_MODES, PasserCount, Study
from . import fields as f

CATEGORIES = ("mode", "gender", "age", "group")
FIXED_CODES = {"mode": frozenset(PASSER_MODES), "group": frozenset(PASSER_GROUPS)}
# People passing one line in at most an hour: a busy street carries a few thousand.
MAX_PASSERS = 99_999
SHAPE = "{category: {code: number}}"


def _valid(category: str, rules) -> set[str]:
    """The codes a category takes: fixed ones, or the codebook's (gender, age)."""
    if category in FIXED_CODES:
        return set(FIXED_CODES[category])
    return rules.codes.get(category, set()) if rules is not None else set()


def counts(value, rules) -> dict[str, dict[str, int]]:
    """People per category and code, zero counts dropped; the modes are required."""
    if not isinstance(value, dict):
        raise f.FieldError(_("Give counts as %(shape)s.", shape=SHAPE))
    if "mode" not in value:
        raise f.FieldError(
            _("Give the people per mode: on_foot, bicycle, wheelchair, pushchair, other.")
        )
    found: dict[str, dict[str, int]] = {}
    for category, per_code in value.items():
        if category not in CATEGORIES:
            if isinstance(category, str) and len(category) <= f.LONGEST_CODE:
                raise f.FieldError(
                    _(
                        "Unknown category %(category)s: use mode, gender, age or group.",
                        category=category,
                    )
                )
            raise f.FieldError(_("Use the categories mode, gender, age or group."))
        if not isinstance(per_code, dict):
            raise f.FieldError(_("Give counts as %(shape)s.", shape=SHAPE))
        valid = _valid(category, rules)
        for code, count in per_code.items():
            f.code(code, valid, category)
            count = f.whole(count, 0, MAX_PASSERS)
            if count:
                found.setdefault(category, {})[code] = count
    everyone = sum(found.get("mode", {}).values())
    for category in CATEGORIES[1:]:
        counted = sum(found.get(category, {}).values())
        if counted > everyone:
            raise f.FieldError(
                _(
                    "%(counted)d people counted by %(category)s, but %(everyone)d by mode: "
                    "every person passing has a mode.",
                    counted=counted,
                    category=category,
                    everyone=everyone,
                )
            )
    return {category: dict(sorted(per.items())) for category, per in sorted(found.items())}


def stored_zone(study: Study, uuid: str) -> int | None:
    """The zone of the stored count with this UUID (None: none stored)."""
    return db.session.scalar(
        select(PasserCount.zone_id).where(
            PasserCount.study_id == study.id, PasserCount.uuid == uuid
        )
    )


def zone_problem(zone: int, uuid: str, session, counting_lines: set[int]) -> str | None:
    """Why passers cannot be counted at this zone in this session, or None.

    A count already stored at a zone keeps its zone: a resend, a correction or an undo still
    works after the zone stopped being a counting line.
    """
    if zone in session.zones and zone in counting_lines:
        return None
    if stored_zone(session.study, uuid) == zone:
        return None
    if zone not in session.zones:
        return _("Count passers-by at one of the session's zones.")
    return _(
        "This zone is not a counting line; a coordinator can mark it as one on the site's page."
    )
