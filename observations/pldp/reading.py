"""Reading a PLDP single-table CSV (and its locations file) into surveys with counts.

A survey is the rows of one location and survey id: they become one session with one
scan. Every count column is mapped to a codebook code, added to the codebook, refused
(race and ethnicity) or reported as unknown; nothing is dropped without a word.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .. import json_input
from .columns import (
    CONTEXT,
    EXPORT_NAMES,
    EXTENSION_CODES,
    IMPORT_NAMES,
    REFUSED,
    normalise,
)

# A survey without a stop time is taken to last this long (Seattle's counts: 10 minutes).
DEFAULT_MINUTES = 10


@dataclass
class Survey:
    """The rows of one location in one survey, added up."""

    location: str
    survey: str
    start: datetime | None = None
    stop: datetime | None = None
    weather: str = ""
    temperature: str = ""
    conditions: str = ""
    surveyor: str = ""
    names: dict = field(default_factory=dict)  # location names from the table itself
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    people: int = 0
    rows: int = 0


@dataclass
class Reading:
    """What a file holds: surveys, and what was refused, unknown or warned about."""

    surveys: dict[tuple[str, str], Survey] = field(default_factory=dict)
    rows: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    mapped: dict[str, tuple[str, str]] = field(default_factory=dict)
    extension: dict[str, tuple] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    fahrenheit: bool = False


def _columns(headers: list[str], known: set[tuple[str, str]], reading: Reading) -> dict:
    """Classify every column: context, a code, an extension code, refused or unknown."""
    generic = {normalise(f"{c}_{x}"): (c, x) for c, x in known}
    generic.update({normalise(name): key for key, name in EXPORT_NAMES.items()})
    plan = {}
    for header in headers:
        key = normalise(header)
        if key in CONTEXT:
            plan[header] = ("context", key)
        elif key in REFUSED:
            plan[header] = ("refused", None)
            reading.refused[header] = 0
        elif key in generic or key in IMPORT_NAMES:
            plan[header] = ("count", generic.get(key) or IMPORT_NAMES[key])
            reading.mapped[header] = plan[header][1]
        elif key in EXTENSION_CODES:
            category, code, *_ = EXTENSION_CODES[key]
            plan[header] = ("count", (category, code))
            reading.extension[header] = EXTENSION_CODES[key]
        else:
            plan[header] = ("unknown", None)
            reading.unknown[header] = 0
    return plan


def _number(text: str) -> int:
    """A count: empty is 0; anything else must be a whole number of at least 0."""
    text = (text or "").strip()
    if not text:
        return 0
    value = float(text)
    if value < 0 or not value.is_integer():
        raise ValueError(text)
    return int(value)


def _moment(day: str, clock: str) -> datetime | None:
    """A local time from yyyymmdd and hhmm (or h:mm); None if either is unreadable."""
    try:
        parsed_day = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
        digits = clock.replace(":", "").strip().zfill(4)
        return datetime.combine(parsed_day, time(int(digits[:2]), int(digits[2:4])))
    except (ValueError, IndexError):
        return None


def _times(context: dict) -> tuple[datetime | None, datetime | None]:
    """Start and stop: survey_time_start (yyyymmdd:hhmm) or Date with Start/End_time."""
    if context.get("survey_time_start"):
        start = (
            _moment(*context["survey_time_start"].split(":", 1))
            if ":" in context["survey_time_start"]
            else None
        )
        stop_text = context.get("survey_time_stop", "")
        stop = _moment(*stop_text.split(":", 1)) if ":" in stop_text else None
        return start, stop
    day = context.get("date", "")
    return _moment(day, context.get("start_time", "")), _moment(day, context.get("end_time", ""))


def read_locations(text: str) -> dict[str, dict]:
    """{location id: its names, city, neighbourhood and geometry} from a locations file."""
    places = {}
    for row in csv.DictReader(io.StringIO(text)):
        row = {normalise(k): (v or "").strip() for k, v in row.items()}
        if row.get("location_id"):
            geometry = row.get("location_geometry", "")
            try:
                geometry = json_input.loads(
                    geometry if geometry.startswith("{") else "{" + geometry + "}"
                )
            except ValueError:  # not JSON, or nested too deeply
                geometry = None
            places[row["location_id"]] = {**row, "geometry": geometry}
    return places


def read_table(text: str, known: set[tuple[str, str]]) -> Reading:
    """Read a PLDP single-table CSV into surveys."""
    reading = Reading()
    table = csv.DictReader(io.StringIO(text))
    plan = _columns(table.fieldnames or [], known, reading)
    for line, row in enumerate(table, start=2):
        reading.rows += 1
        context = {
            key: (row.get(h) or "").strip() for h, (kind, key) in plan.items() if kind == "context"
        }
        location, survey_id = context.get("location_id", ""), context.get("survey_id", "")
        if not location:
            reading.rejected.append((line, "no location_id"))
            continue
        start, stop = _times(context)
        survey_id = survey_id or (start.strftime("%Y%m%d:%H%M") if start else "")
        if not survey_id:
            reading.rejected.append((line, "no survey_id and no readable start time"))
            continue
        try:
            counts = {
                h: _number(row.get(h, ""))
                for h, (kind, _k) in plan.items()
                if kind in ("count", "refused", "unknown")
            }
            people = _number(context.get("row_total", ""))
            group_size = _number(context.get("group_size", ""))
        except ValueError as error:
            reading.rejected.append((line, f"not a whole number: {error}"))
            continue
        survey = reading.surveys.setdefault((location, survey_id), Survey(location, survey_id))
        survey.start = survey.start or start
        survey.stop = survey.stop or stop
        stop_given = context.get("end_time") or context.get("survey_time_stop")
        if start is None or (stop is None and stop_given):
            reading.warnings.append(
                f"line {line}: unreadable time; the survey's other rows give its times"
            )
        for key in ("weather", "temperature", "conditions", "surveyor"):
            value = context.get(key) or context.get(
                {
                    "weather": "survey_microclimate",
                    "temperature": "survey_temperature_c",
                    "conditions": "survey_time_character",
                    "surveyor": "survey_surveyor_name",
                }[key],
                "",
            )
            if value and not getattr(survey, key):
                setattr(survey, key, value)
        if context.get("temperature"):
            reading.fahrenheit = reading.fahrenheit or _looks_fahrenheit(context["temperature"])
        for key in ("location_name_primary", "location_name_secondary", "location_city"):
            if context.get(key) and key not in survey.names:
                survey.names[key] = context[key]
        for header, number in counts.items():
            kind, target = plan[header]
            if kind == "count" and number:
                survey.counts[target] = survey.counts.get(target, 0) + number
            elif kind == "refused":
                reading.refused[header] += number
            elif kind == "unknown":
                reading.unknown[header] += number
        if group_size and people:
            company = (
                "alone"
                if group_size == 1
                else "pair"
                if group_size == 2
                else "group"
                if group_size <= 7
                else "large_group"
            )
            survey.counts[("company", company)] = (
                survey.counts.get(("company", company), 0) + people
            )
        survey.people += people
        survey.rows += 1
    if reading.fahrenheit:
        reading.warnings.append(
            "column Temperature read as degrees Fahrenheit (values above "
            "45) and converted to Celsius"
        )
    return reading


def _looks_fahrenheit(value: str) -> bool:
    """A bare 'Temperature' above 45 is not Celsius outdoors."""
    try:
        return float(value) > 45
    except ValueError:
        return False


def survey_minutes(survey: Survey) -> timedelta:
    """How long a survey lasted (its stop, or the default length)."""
    if survey.start and survey.stop and survey.stop > survey.start:
        return survey.stop - survey.start
    return timedelta(minutes=DEFAULT_MINUTES)
