"""Reading a PLDP single-table CSV (and its locations file) into surveys with counts.

A survey is the rows of one location and survey id: they become one session with one
scan (people staying) or one people-moving count (people moving: kinds.py). Every count
column is mapped to a code, added to the codebook, refused (race and ethnicity) or reported
as unknown; nothing is dropped without a word.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .. import json_input
from .columns import (
    CONTEXT,
    EXPORT_NAMES,
    EXTENSION_CODES,
    IMPORT_NAMES,
    REFUSED,
    normalise,
)
from .dialects import CAMEL, COMPLETED, POINT, POINT_COLUMNS, SNAKE, camel_column, detect
from .kinds import MOVING, STAYING, mode_of
from .kinds import detect as detect_kind
from .times import camel_time, looks_fahrenheit, snake_times

# A survey without a stop time is taken to last this long (Seattle's counts: 10 minutes).
DEFAULT_MINUTES = 10
# The categories of a people-moving count; the protocol's groups (group_1 …) are read as
# the codebook's company codes, which are the count's group sizes.
MOVING_CATEGORIES = ("mode", "gender", "age", "group")


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
    lines: list[int] = field(default_factory=list)  # the table's lines of its rows
    refused: bool = False  # its rows were rejected after reading (e.g. a count too long)


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
    dialect: str | None = None
    points: int = 0  # rows whose point location was dropped
    point_columns: list[str] = field(default_factory=list)
    unknown_text: dict[str, int] = field(default_factory=dict)  # unknown columns: text cells
    completed: dict[str, int] = field(default_factory=dict)  # camel: unknowns added
    kind: str = STAYING
    kind_reason: str = ""


def _columns(headers: list[str], known: set[tuple[str, str]], reading: Reading) -> dict:
    """Classify every column: context, a code, an extension code, a point, refused or unknown."""
    generic = {normalise(f"{c}_{x}"): (c, x) for c, x in known}
    generic.update({normalise(name): key for key, name in EXPORT_NAMES.items()})
    plan = {}
    for header in headers:
        key = normalise(header)
        camel = camel_column(key) if reading.dialect == CAMEL else None
        if camel and camel[0] == "extension":
            category, code, *_ = camel[1]
            plan[header] = ("count", (category, code))
            reading.extension[header] = camel[1]
        elif camel:
            plan[header] = camel
            if camel[0] == "count":
                reading.mapped[header] = camel[1]
        elif key in CONTEXT and reading.dialect == SNAKE:
            plan[header] = ("context", key)
        elif key in POINT_COLUMNS:
            plan[header] = (POINT, None)
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
        if plan[header][0] == POINT:
            reading.point_columns.append(header.strip())
    if reading.kind == MOVING:
        _moving_plan(plan, reading)
    return plan


def _moving_plan(plan: dict, reading: Reading) -> None:
    """A people-moving table's columns: modes, gender, age and group; others are unknown."""
    for header, (kind, target) in plan.items():
        mode = mode_of(normalise(header))
        if mode:
            plan[header] = ("count", ("mode", mode))
        elif kind == "count":
            category, code = target
            category = "group" if category == "company" else category
            if category in MOVING_CATEGORIES:
                plan[header] = ("count", (category, code))
            else:
                plan[header] = ("unknown", None)
                reading.unknown[header] = 0
        else:
            continue
        reading.extension.pop(header, None)
        reading.mapped.pop(header, None)
        if mode:
            reading.unknown.pop(header, None)
        if plan[header][0] == "count":
            reading.mapped[header] = plan[header][1]


def _number(text: str) -> int:
    """A count: empty is 0; anything else must be a whole number of at least 0."""
    text = (text or "").strip()
    if not text:
        return 0
    value = float(text)
    if value < 0 or not value.is_integer():
        raise ValueError(text)
    return int(value)


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


def _survey_key(context: dict, dialect: str) -> tuple[str, str, tuple, str]:
    """(location, survey id, (start, stop), why the row cannot be read or "")."""
    location = context.get("location_id", "")
    if dialect == CAMEL:
        times = camel_time(context.get("started_at", "")), camel_time(context.get("ended_at", ""))
    else:
        times = snake_times(context)
    survey_id = context.get("survey_id", "") if dialect == SNAKE else ""
    survey_id = survey_id or (times[0].strftime("%Y%m%d:%H%M") if times[0] else "")
    if not location:
        return "", "", times, "no location name" if dialect == CAMEL else "no location_id"
    if not survey_id:
        why = "no readable start time (startedAt)" if dialect == CAMEL else ""
        return location, "", times, why or "no survey_id and no readable start time"
    return location, survey_id, times, ""


def _row_numbers(row: dict, plan: dict, context: dict, reading: Reading) -> tuple[dict, str]:
    """The row's counts per column, and the column that is not a whole number ("" if none)."""
    counts = {}
    for header, (kind, _key) in plan.items():
        if kind not in ("count", "refused", "unknown"):
            continue
        try:
            counts[header] = _number(row.get(header, ""))
        except ValueError:
            if kind != "unknown":
                return counts, header.strip()
            reading.unknown_text[header] = reading.unknown_text.get(header, 0) + 1
    for key in ("row_total", "group_size"):
        try:
            counts[key] = _number(context.get(key, ""))
        except ValueError:
            return counts, key
    return counts, ""


def read_table(text: str, known: set[tuple[str, str]], kind: str | None = None) -> Reading:
    """Read a PLDP single-table CSV, in either dialect, into surveys: of people staying or
    moving as `kind` says, or as its columns tell (kinds.py) when it is None."""
    reading = Reading()
    table = csv.DictReader(io.StringIO(text))
    reading.dialect = detect(table.fieldnames or [])
    if reading.dialect is None:
        return reading
    if kind:
        reading.kind, reading.kind_reason = kind, "given"
    else:
        kind, why = detect_kind(table.fieldnames or [])
        reading.kind, reading.kind_reason = kind, f"detected: {why}"
    plan = _columns(table.fieldnames or [], known, reading)
    points = [h for h, (kind, _k) in plan.items() if kind == POINT]
    for line, row in enumerate(table, start=2):
        reading.rows += 1
        context = {
            key: (row.get(h) or "").strip() for h, (kind, key) in plan.items() if kind == "context"
        }
        location, survey_id, (start, stop), why = _survey_key(context, reading.dialect)
        if why:
            reading.rejected.append((line, why))
            continue
        counts, bad = _row_numbers(row, plan, context, reading)
        if bad:
            reading.rejected.append((line, f"not a whole number in column {bad}"))
            continue
        people, group_size = counts.pop("row_total"), counts.pop("group_size")
        if any((row.get(h) or "").strip() for h in points):
            reading.points += 1
        survey = reading.surveys.setdefault((location, survey_id), Survey(location, survey_id))
        survey.start = survey.start or start
        survey.stop = survey.stop or stop
        stop_given = (
            context.get("end_time") or context.get("survey_time_stop") or context.get("ended_at")
        )
        if start is None or (stop is None and stop_given):
            reading.warnings.append(
                "unreadable time in a row; the survey's other rows give its times"
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
            reading.fahrenheit = reading.fahrenheit or looks_fahrenheit(context["temperature"])
        for key in ("location_name_primary", "location_name_secondary", "location_city"):
            if context.get(key) and key not in survey.names:
                survey.names[key] = context[key]
        row_counts: dict[tuple[str, str], int] = {}
        for header, number in counts.items():
            kind, target = plan[header]
            if kind == "count" and number:
                row_counts[target] = row_counts.get(target, 0) + number
            elif kind == "refused":
                reading.refused[header] += number
            elif kind == "unknown":
                reading.unknown[header] += number
        if reading.kind == MOVING:
            people = _complete_modes(row_counts, people, reading)
        elif reading.dialect == CAMEL:
            people = _complete(row_counts, reading)
        for target, number in row_counts.items():
            survey.counts[target] = survey.counts.get(target, 0) + number
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
            group = ("group" if reading.kind == MOVING else "company", company)
            survey.counts[group] = survey.counts.get(group, 0) + people
        survey.people += people
        survey.rows += 1
        survey.lines.append(line)
    if reading.fahrenheit:
        reading.warnings.append(
            "column Temperature read as degrees Fahrenheit (values above "
            "45) and converted to Celsius"
        )
    return reading


def _complete(counts: dict[tuple[str, str], int], reading: Reading) -> int:
    """A camel row's people (the most any of gender, age, posture counts), with the
    gender and age it leaves out counted as unknown, as every person has one of each."""
    totals = {
        category: sum(n for (c, _code), n in counts.items() if c == category)
        for category in (*COMPLETED, "posture")
    }
    people = max(totals.values())
    for category in COMPLETED:
        missing = people - totals[category]
        if missing:
            counts[(category, "unknown")] = counts.get((category, "unknown"), 0) + missing
            reading.completed[category] = reading.completed.get(category, 0) + missing
    return people


def _complete_modes(counts: dict[tuple[str, str], int], total: int, reading: Reading) -> int:
    """A people-moving row's people: its row_total, or the most any of its categories
    counts; those without a mode among the table's columns have mode `other` (PLDP: a
    person whose mode the survey does not list has none of its mode attributes)."""
    totals = {
        category: sum(n for (c, _code), n in counts.items() if c == category)
        for category in MOVING_CATEGORIES
    }
    people = max(total, *totals.values())
    missing = people - totals["mode"]
    if missing:
        counts[("mode", "other")] = counts.get(("mode", "other"), 0) + missing
        reading.completed["mode"] = reading.completed.get("mode", 0) + missing
    return people


def survey_minutes(survey: Survey) -> timedelta:
    """How long a survey lasted (its stop, or the default length)."""
    if survey.start and survey.stop and survey.stop > survey.start:
        return survey.stop - survey.start
    return timedelta(minutes=DEFAULT_MINUTES)
