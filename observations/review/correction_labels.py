"""Corrections as people read them: field names and old → new values in the user's language.

`CorrectionLabels(study)` is what templates/research/_corrections.html's
`correction_history(corrections, labels)` needs: `labels.rows(correction)` gives
(field, old, new) as text (codes as their labels, zones by name, times in the study's time
zone, counts as "Category: code"), `labels.kind(kind)` the kind of record.
"""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from .. import codebook
from ..extensions import db
from ..i18n import day_clock, day_clock_range
from ..models import Correction, Site, Slot, Study, Zone

KIND_NAMES = {
    "session": _l("Session"),
    "scan": _l("Scan"),
    "encounter": _l("Encounter"),
    "note": _l("Field note"),
}
# Fields named by their codebook category: the category's label.
CODED = {"weather", "crowding", "programme", "conditions", "encounter_type", "parties", "relation"}
CODED_LISTS = {"weather", "conditions", "flags"}
FIELD_NAMES = {
    "started_at": _l("Start"),
    "ended_at": _l("End"),
    "zones": _l("Zones"),
    "slot": _l("Planned slot"),
    "temperature_c": _l("Temperature (°C)"),
    "observed_at": _l("Time"),
    "occurred_at": _l("Time"),
    "written_at": _l("Time"),
    "zone": _l("Zone"),
    "note": _l("Note"),
    "text": _l("Text"),
}
NOTHING = "–"


class CorrectionLabels:
    """Names and values of one study's corrections in the current language."""

    def __init__(self, study: Study, locale: str | None = None):
        locale = locale or str(get_locale())
        categories = codebook.categories(study)
        self.categories = {c.key: c.label(locale) for c in categories}
        self.codes = {c.key: {x.code: x.label(locale) for x in c.codes} for c in categories}
        self.zones = dict(
            db.session.execute(
                sa.select(Zone.id, Zone.name).join(Site).where(Site.study_id == study.id)
            ).all()
        )

    def kind(self, kind: str) -> str:
        """The kind of record, e.g. "Encounter"."""
        return str(KIND_NAMES.get(kind, kind))

    def field(self, name: str) -> str:
        """A field's name; a count as "Category: code"."""
        if name.startswith("counts."):
            _counts, category, code = name.split(".", 2)
            code_label = self.codes.get(category, {}).get(code, code)
            return f"{self.categories.get(category, category)}: {code_label}"
        if name in CODED or name in CODED_LISTS:
            return self.categories.get(name, name)
        return str(FIELD_NAMES.get(name, name))

    def value(self, name: str, value) -> str:
        """A stored value as text."""
        if value is None or value == [] or value == "":
            return NOTHING
        if name in CODED_LISTS:
            return ", ".join(self.codes.get(name, {}).get(v, v) for v in value)
        if name in CODED:
            return self.codes.get(name, {}).get(value, value)
        if name == "zones":
            return ", ".join(self.zones.get(v, str(v)) for v in value)
        if name == "zone":
            return self.zones.get(value, str(value))
        if name == "slot":
            slot = db.session.get(Slot, value)
            return day_clock_range(slot.starts_at, slot.ends_at) if slot else str(value)
        if name.endswith("_at"):
            return day_clock(datetime.fromisoformat(value))
        if name == "temperature_c":
            return format_decimal(value)
        return str(value)

    def rows(self, correction: Correction) -> list[tuple[str, str, str]]:
        """(field, old, new) of each change, in the order of the record's fields."""
        return [
            (self.field(name), self.value(name, old), self.value(name, new))
            for name, (old, new) in correction.changes.items()
        ]
