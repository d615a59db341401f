"""Forms of the sites pages: a site, a zone, a week of periods, a site profile."""

from datetime import time

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from .. import text, weekly
from ..forms import DayField, Form, stripped, text_field
from ..models import SITE_KINDS, SITE_SETTINGS, Site, SiteProfile, Zone
from ..research.forms import MultiCheckboxField
from ..sites import profile

KIND_NAMES = {
    "library": _l("library"),
    "park": _l("park"),
    "market": _l("market"),
    "community_centre": _l("community centre"),
    "square": _l("square"),
    "street": _l("street"),
    "other": _l("other"),
}
SETTING_NAMES = {
    "indoor": _l("indoor"),
    "outdoor": _l("outdoor"),
    "mixed": _l("indoor and outdoor"),
}
LARGEST_AREA = 10_000_000  # m²: ten square kilometres is more than any meeting place


class SiteForm(Form):
    """A site's name, kind, setting and address."""

    name = text_field(Site.name, _l("Name"), required_message=_l("Give the site a name."))
    kind = SelectField(
        _l("Kind of place"), choices=[SelectChoice(k, KIND_NAMES[k]) for k in SITE_KINDS]
    )
    setting = RadioField(
        _l("Indoor or outdoor"),
        default="indoor",
        choices=[SelectChoice(s, SETTING_NAMES[s]) for s in SITE_SETTINGS],
        validators=[InputRequired(_l("Choose indoor, outdoor or both."))],
    )
    address = text_field(Site.address, _l("Address"))
    city = text_field(Site.city, _l("City"))
    neighbourhood = text_field(Site.neighbourhood, _l("Neighbourhood"))

    def values(self) -> dict:
        """The site's values as the service takes them."""
        return {
            name: getattr(self, name).data
            for name in ("name", "kind", "setting", "address", "city", "neighbourhood")
        }


class AreaField(StringField):
    """An area in m², typed as the user's language writes numbers ("12,5" in Dutch)."""

    def _value(self):
        """The area in the user's notation, or what was typed."""
        if self.raw_data:
            return text.visible(self.raw_data[0])
        return format_decimal(self.data, locale=get_locale()) if self.data else ""

    def process_formdata(self, valuelist):
        """Parse the number in the user's notation; empty means unknown."""
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if raw:
            try:
                self.data = float(
                    parse_decimal(raw.replace(" ", ""), locale=get_locale(), strict=True)
                )
            except (NumberFormatError, ValueError):
                raise ValueError(
                    _l(
                        "Give the area as a number, like %(example)s.",
                        example=format_decimal(12.5, locale=get_locale()),
                    )
                ) from None

    def pre_validate(self, _form):
        """A positive area no larger than any place could be."""
        if self.data is not None and not 0 < self.data <= LARGEST_AREA:
            raise ValidationError(_l("The area must be more than 0 m² (and at most ten km²)."))


class ZoneForm(Form):
    """A zone's name, description, area and whether it is a counting line."""

    name = text_field(Zone.name, _l("Name"), required_message=_l("Give the zone a name."))
    description = text_field(Zone.description, _l("Description"))
    area_m2 = AreaField(
        _l("Area in m²"), description=_l("Optional."), render_kw={"inputmode": "decimal"}
    )
    counting_line = BooleanField(
        _l("Counting line: fieldworkers count the people passing here (an entrance, a path)")
    )

    def values(self) -> dict:
        """The zone's values as the service takes them."""
        return {
            "name": self.name.data,
            "description": self.description.data,
            "area_m2": self.area_m2.data,
            "counting_line": bool(self.counting_line.data),
        }


class MoveForm(Form):
    """A move-up or move-down button."""

    step = HiddenField(validators=[InputRequired()])

    def validate_step(self, field):
        """Only one place up or down."""
        if field.data not in ("-1", "1"):
            raise ValidationError(_l("Move one place up or down."))


class ActionForm(Form):
    """A button that archives, restores or deletes (its CSRF token is all it carries)."""


class ClockField(StringField):
    """A time of day as a browser's time input sends it (HH:MM)."""

    def process_formdata(self, valuelist):
        """Parse HH:MM (also H:MM and H.MM); empty means no period."""
        super().process_formdata(valuelist)
        self.clock = None
        raw = (self.data or "").strip().replace(".", ":")
        if raw:
            hours, _sep, minutes = raw.partition(":")
            try:
                if len(minutes) != 2 or not (hours.isdigit() and minutes.isdigit()):
                    raise ValueError
                self.clock = time(int(hours), int(minutes))
            except ValueError:
                self.clock = None

    def pre_validate(self, _form):
        """A filled-in field must hold a time (characters no text may hold have their own
        message, from the storable-text check)."""
        if text.character_problem(self.data or ""):
            return
        if (self.data or "").strip() and self.clock is None:
            raise ValidationError(_l("Give a time like 09:30."))


def slot_name(day: int, period: int, end: str) -> str:
    """The name of one time field of the week grid, e.g. d0p1_start."""
    return f"d{day}p{period}_{end}"


def week_form_class() -> type:
    """A form with, per weekday, up to two periods (start and end)."""
    fields = {
        slot_name(day, period, end): ClockField(filters=[stripped], render_kw={"type": "time"})
        for day in weekly.WEEKDAYS
        for period in range(weekly.PERIODS_PER_DAY)
        for end in ("start", "end")
    }
    return type("WeekForm", (WeekFormBase,), fields)


class WeekFormBase(Form):
    """A week of periods: opening hours or availability."""

    def validate(self, extra_validators=None) -> bool:
        """Each period needs both times."""
        valid = super().validate(extra_validators)
        for day in weekly.WEEKDAYS:
            for period in range(weekly.PERIODS_PER_DAY):
                start, end = self.period_fields(day, period)
                if bool(start.clock) != bool(end.clock) and not (start.errors or end.errors):
                    empty = end if start.clock else start
                    empty.errors = [
                        *empty.errors,
                        _l("Give both the start and the end of a period."),
                    ]
                    valid = False
        return valid

    def period_fields(self, day: int, period: int):
        """The start and end fields of one period."""
        return self[slot_name(day, period, "start")], self[slot_name(day, period, "end")]

    def week(self) -> weekly.Week:
        """The periods filled in, per weekday."""
        found: weekly.Week = {}
        for day in weekly.WEEKDAYS:
            found[day] = []
            for period in range(weekly.PERIODS_PER_DAY):
                start, end = self.period_fields(day, period)
                if start.clock and end.clock:
                    found[day].append((start.clock, end.clock))
        return found

    def fill(self, week: weekly.Week) -> None:
        """Show a stored week."""
        for day, periods in week.items():
            for period, (start, end) in enumerate(periods[: weekly.PERIODS_PER_DAY]):
                first, last = self.period_fields(day, period)
                first.data, last.data = f"{start:%H:%M}", f"{end:%H:%M}"

    def add_problems(self, errors: dict[str, list[str]]) -> None:
        """Put the service's messages ("day-period": …) under the period's end field."""
        for key, messages in errors.items():
            day, period = map(int, key.split("-"))
            end = self.period_fields(day, period)[1]
            end.errors = [*end.errors, *messages]


WeekForm = week_form_class()


class CountField(IntegerField):
    """A count from 0 up, or nothing; one clear message for anything else."""

    def _value(self):
        """What was typed (each character a page cannot hold shown as �), or the count."""
        return text.visible(self.raw_data[0]) if self.raw_data else super()._value()

    def process_formdata(self, valuelist):
        """Parse a whole number; empty means not counted."""
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if raw:
            if not (raw.isascii() and raw.isdigit()) or int(raw) > profile.MAX_COUNT:
                raise ValueError(self.message())
            self.data = int(raw)

    @staticmethod
    def message():
        """What a count must be, in the user's language."""
        return _l("Give a number from 0 to %(max)s.", max=profile.MAX_COUNT)


def _profile_field(item: profile.FieldDef):
    """The form field of one checklist item."""
    if item.kind == profile.MULTI:
        return MultiCheckboxField(
            item.label, choices=[SelectChoice(v, label) for v, label in item.choices]
        )
    if item.kind == profile.SCALE:
        return RadioField(
            item.label,
            choices=[SelectChoice(v, label) for v, label in item.choices],
            validators=[Optional()],
        )
    return CountField(item.label, render_kw={"inputmode": "numeric"})


class ProfileFormBase(Form):
    """A new version of a site's profile."""

    valid_from = DayField(
        _l("Valid from"), validators=[InputRequired(_l("Give the date from which this holds."))]
    )
    note = text_field(SiteProfile.note, _l("Note"))

    def checklist(self) -> dict:
        """The checklist's answers."""
        return {item.key: self[item.key].data for item in profile.FIELDS}

    def fill(self, data: dict) -> None:
        """Start from an earlier version's answers."""
        for key, value in profile.clean(data).items():
            self[key].data = value


ProfileForm = type(
    "ProfileForm", (ProfileFormBase,), {item.key: _profile_field(item) for item in profile.FIELDS}
)
