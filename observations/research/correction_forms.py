"""The correction form: one record's fields, prefilled, in the user's language, and its reason.

`correction_form(kind, content, choices)` builds the form of a session, scan, encounter or
note from the record's canonical (sync) content; `form.changes(content)` turns what was sent
back into sync-format changes for the service (review/corrections.py), which checks them
with the sync rules. Code fields offer the codes valid in the record's codebook version but
do not check the choice themselves: an unknown code gets the sync path's message.
Times are typed in the study's time zone, to the second; a time left as shown keeps its
stored fraction of a second, so an untouched field is never a change.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import StopValidation
from wtforms.widgets import DateTimeLocalInput, NumberInput

from .. import codebook, text
from ..extensions import db
from ..forms import Form, text_field
from ..i18n import day_clock_range
from ..models import Correction, Encounter, FieldNote, Slot
from ..review.corrections import EDITABLE
from ..sync.parse import MAX_COUNT
from .forms import MultiCheckboxField

LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"
# The slots offered for a session: those at its site starting within this much of it.
SLOT_WINDOW = timedelta(hours=12)
NO_CHOICE = ""
TIME_FIELDS = {"scan": "observed_at", "encounter": "occurred_at", "note": "written_at"}


class MomentField(StringField):
    """A date and time in the study's time zone, to the second (datetime-local)."""

    widget = DateTimeLocalInput()

    def __init__(self, label, timezone: str = "UTC", **kwargs):
        render_kw = {"step": "1", **kwargs.pop("render_kw", {})}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.zone = ZoneInfo(timezone)
        self.moment: datetime | None = None
        self.problem = None

    def process_formdata(self, valuelist):
        """Keep what was typed; read it as a local time (seconds optional)."""
        raw = (valuelist[0] if valuelist else "").strip()
        self.data, self.moment, self.problem = raw, None, None
        if not raw:
            return
        try:
            local = datetime.fromisoformat(raw)
        except ValueError:
            local = None
        if local is None or local.tzinfo is not None or not 2000 <= local.year < 2100:
            self.problem = _l("Give a date and time like 2026-05-01 14:30.")
            return
        self.moment = local.replace(tzinfo=self.zone).astimezone(UTC)

    def pre_validate(self, form) -> None:
        """A time that could not be read gets one message."""
        if self.problem:
            raise StopValidation(self.problem)

    def _value(self):
        """What was typed (each character a page cannot hold shown as �), or the stored time."""
        return text.visible(self.data or "")


class DecimalField(StringField):
    """A number typed as the user's language writes it ("12,5" in Dutch); empty is none."""

    def __init__(self, label, **kwargs):
        render_kw = {"inputmode": "decimal", **kwargs.pop("render_kw", {})}
        super().__init__(label, render_kw=render_kw, **kwargs)
        self.number: float | None = None
        self.problem = None

    def process_formdata(self, valuelist):
        """Parse the number in the user's notation."""
        raw = (valuelist[0] if valuelist else "").strip()
        self.data, self.number, self.problem = raw, None, None
        if raw:
            try:
                parsed = parse_decimal(raw.replace(" ", ""), locale=get_locale(), strict=True)
                self.number = float(parsed)
            except (NumberFormatError, ValueError):
                self.problem = _l(
                    "Give a number, like %(example)s.",
                    example=format_decimal(12.5, locale=get_locale()),
                )

    def pre_validate(self, form) -> None:
        """A number that could not be read gets one message."""
        if self.problem:
            raise StopValidation(self.problem)

    def _value(self):
        """What was typed, or the stored number in the user's notation."""
        if self.raw_data:
            return text.visible(self.raw_data[0])
        if isinstance(self.data, float | int):
            return format_decimal(self.data, locale=get_locale())
        return text.visible(self.data or "")


class CountField(StringField):
    """How many people carry one code in a scan: a whole number from 0; empty is 0."""

    widget = NumberInput(min=0, max=MAX_COUNT)

    def process_formdata(self, valuelist):
        """Keep what was typed (the number is read by `count`)."""
        self.data = (valuelist[0] if valuelist else "").strip()

    @property
    def count(self) -> int | None:
        """The count, or None if what was typed is not one."""
        raw = str(self.data or "").strip() or "0"
        if raw.isascii() and raw.isdigit() and int(raw) <= MAX_COUNT:
            return int(raw)
        return None

    def pre_validate(self, form) -> None:
        """Anything but a count gets one message."""
        if self.count is None:
            raise StopValidation(_l("Give a whole number from 0 to %(max)s.", max=MAX_COUNT))

    def _value(self):
        """The count, or what was typed."""
        return text.visible(str(self.data or ""))


@dataclass
class Category:
    """A codebook category as the form shows it: its label and the version's codes."""

    key: str
    label: str
    codes: list[tuple[str, str]]  # (code, label)
    counted: bool = False  # a scan category counted per code (not the zone conditions)


@dataclass
class Choices:
    """What a record's fields may be chosen from, in the user's language."""

    timezone: str
    categories: dict[str, Category]
    zones: list[tuple[int, str]]
    slots: list[tuple[int, str]] = field(default_factory=list)


def choices_for(study, session, version: int, current_slot: int | None = None) -> Choices:
    """Codes valid in the record's codebook version, the site's zones and nearby slots."""
    locale = str(get_locale())
    categories = {
        c.key: Category(
            c.key,
            c.label(locale),
            [(code.code, code.label(locale)) for code in c.codes if code.valid_in(version)],
            counted=c.applies_to == "scan" and not c.multiple,
        )
        for c in codebook.categories(study)
    }
    zones = [(zone.id, zone.name) for zone in sorted(session.site.zones, key=_zone_order)]
    nearby = db.session.scalars(
        sa.select(Slot)
        .where(
            Slot.study_id == study.id,
            Slot.site_id == session.site_id,
            sa.or_(
                Slot.starts_at.between(
                    session.started_at - SLOT_WINDOW, session.started_at + SLOT_WINDOW
                ),
                Slot.id == current_slot,
            ),
        )
        .order_by(Slot.starts_at)
    )
    slots = [(slot.id, day_clock_range(slot.starts_at, slot.ends_at)) for slot in nearby]
    return Choices(study.timezone, categories, zones, slots)


def _zone_order(zone) -> tuple:
    """Zones in the site's own order."""
    return (zone.position, zone.id)


def _select(label, options, optional=True):
    """A choice of codes or ids; the service checks the choice, with the sync messages."""
    choices = [SelectChoice(NO_CHOICE, "–")] if optional else []
    choices += [SelectChoice(str(value), name) for value, name in options]
    return SelectField(label, choices=choices, validate_choice=False, coerce=str)


def _checkboxes(label, options):
    """Several codes or ids at once."""
    return MultiCheckboxField(
        label,
        choices=[SelectChoice(str(value), name) for value, name in options],
        validate_choice=False,
        coerce=str,
    )


class CorrectionForm(Form):
    """What every correction has: the reason, and the button."""

    kind = ""
    count_fields: ClassVar[dict[str, tuple[str, str]]] = {}
    category_labels: ClassVar[dict[str, str]] = {}
    reason = text_field(
        Correction.reason,
        _l("Reason for the correction"),
        required_message=_l("Give the reason for this correction."),
        description=_l("Shown with the correction in the record's history and the audit log."),
    )

    def time_fields(self) -> list[str]:
        """Names of the form's time fields."""
        return [name for name in EDITABLE[self.kind] if name.endswith("_at")]

    def count_groups(self) -> list[tuple[str, list]]:
        """The count fields per scan category: (category label, [field, …])."""
        groups: dict[str, list] = {}
        for name, (category, _code) in self.count_fields.items():
            groups.setdefault(self.category_labels[category], []).append(self[name])
        return list(groups.items())

    def changes(self, content: dict) -> dict:
        """What was sent, in the sync format (only after `validate`)."""
        values = {}
        for name in EDITABLE[self.kind]:
            if name == "counts":
                if not any(self[n].errors for n in self.count_fields):
                    values["counts"] = self._counts()
            elif name not in self._fields or self[name].errors:
                continue
            elif name in self.time_fields():
                values[name] = self._moment(name, content.get(name))
            elif name in ("zones",):
                values[name] = [_id_or_text(v) for v in self[name].data or []]
            elif name in ("weather", "conditions", "flags"):
                values[name] = list(self[name].data or [])
            elif name in ("zone", "slot"):
                values[name] = _id_or_text(self[name].data) if self[name].data else None
            elif name == "temperature_c":
                values[name] = self[name].number
            elif name in ("note", "text"):
                values[name] = self[name].data or ""
            else:
                values[name] = self[name].data or None
        return values

    def _moment(self, name: str, stored: datetime | None):
        """The typed time; the stored one (to its fraction of a second) if left as shown."""
        moment = self[name].moment
        if moment is None:
            return None
        if stored is not None and stored.replace(microsecond=0) == moment:
            return stored
        return moment

    def _counts(self) -> dict[str, dict[str, int]]:
        """{category: {code: count}} of the count fields; zero counts left out."""
        counts: dict[str, dict[str, int]] = {}
        for name, (category, code) in self.count_fields.items():
            count = self[name].count
            if count:
                counts.setdefault(category, {})[code] = count
        return counts

    def show_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Put the service's messages at their fields; return those of no field."""
        elsewhere = []
        for name, messages in errors.items():
            target = self._fields.get(name)
            if name == "counts":
                self.counts_errors = [*getattr(self, "counts_errors", []), *messages]
            elif target is not None and name not in ("save", "csrf_token"):
                target.errors = [*target.errors, *messages]
            else:
                elsewhere.extend(messages)
        return elsewhere


def _id_or_text(value: str):
    """An id as a number; anything else as sent (the service says what is wrong)."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def _local(moment: datetime | None, timezone: str) -> str:
    """A stored time as the form shows it: local, to the second."""
    return "" if moment is None else moment.astimezone(ZoneInfo(timezone)).strftime(LOCAL_FORMAT)


def _time_labels(kind: str, ended: bool) -> dict[str, object]:
    """The time fields of a kind and their labels."""
    if kind == "session":
        return {"started_at": _l("Start"), **({"ended_at": _l("End")} if ended else {})}
    return {TIME_FIELDS[kind]: _l("Time")}


def correction_form(kind: str, content: dict, choices: Choices) -> CorrectionForm:
    """The form of one record, prefilled with its stored content (canonical form)."""
    categories = choices.categories
    fields: dict = {"kind": kind}
    data: dict = {}
    for name, label in _time_labels(kind, content.get("ended_at") is not None).items():
        fields[name] = MomentField(label, timezone=choices.timezone)
        data[name] = _local(content.get(name), choices.timezone)
    zones = choices.zones
    if kind == "session":
        fields["zones"] = _checkboxes(_l("Zones"), zones)
        fields["slot"] = _select(_l("Planned slot"), choices.slots)
        fields["weather"] = _checkboxes(categories["weather"].label, categories["weather"].codes)
        fields["temperature_c"] = DecimalField(_l("Temperature (°C)"))
        for key in ("crowding", "programme"):
            fields[key] = _select(categories[key].label, categories[key].codes)
    else:
        fields["zone"] = _select(_l("Zone"), zones, optional=kind != "scan")
    if kind == "scan":
        count_fields = {}
        stored = content.get("counts") or {}
        for key in _scan_count_categories(categories, content):
            category = categories.get(key) or Category(key, key, [])
            for index, (code, label) in enumerate(category.codes):
                name = f"count_{category.key}_{index}"
                count_fields[name] = (category.key, code)
                fields[name] = CountField(label)
                data[name] = str(stored.get(category.key, {}).get(code, 0))
        fields["count_fields"] = count_fields
        fields["conditions"] = _checkboxes(
            categories["conditions"].label, categories["conditions"].codes
        )
    if kind == "encounter":
        fields["encounter_type"] = _select(
            categories["encounter_type"].label, categories["encounter_type"].codes, optional=False
        )
        for key in ("parties", "relation"):
            fields[key] = _select(categories[key].label, categories[key].codes)
        fields["flags"] = _checkboxes(categories["flags"].label, categories["flags"].codes)
        fields["note"] = text_field(Encounter.note, _l("Note"))
    if kind == "note":
        fields["text"] = text_field(FieldNote.text, _l("Text"))
    fields["category_labels"] = {key: c.label for key, c in categories.items()}
    form_class = type(f"{kind.title()}CorrectionForm", (CorrectionForm,), fields)
    for name in EDITABLE[kind]:
        if name in data or name == "counts" or name not in fields:
            continue
        value = content.get(name)
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif name == "temperature_c":
            data[name] = value
        else:
            data[name] = "" if value is None else str(value)
    return form_class(data=data)


def _scan_count_categories(categories: dict[str, Category], content: dict) -> list[str]:
    """The categories a scan counts per code, and any the stored scan has beyond them."""
    keys = [key for key, category in categories.items() if category.counted]
    return keys + [key for key in (content.get("counts") or {}) if key not in keys]
