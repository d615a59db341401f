"""The sync records a PLDP import makes: per survey an ended session with one scan (people
staying) or one people-moving count (people moving).

Their UUIDs derive from the study and the file's own ids (location, survey, start), so the
sync service recognises a second import of the same file and adds nothing.
"""

import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

from .. import codebook
from ..models import Study, User
from .columns import programme_code, weather_code
from .kinds import MOVING
from .reading import Reading, Survey, survey_minutes

NAMESPACE = uuid.UUID("8b0b7c55-4a8e-4f5a-9f5e-1d4c7f0f2a11")
# A people-moving count lasts 1 to 60 minutes (sync/parse.py).
LONGEST_COUNT = 60
TOO_LONG = "a count longer than 60 minutes (Terloops counts passers-by for 1 to 60 minutes)"


def records_of(
    study: Study,
    reading: Reading,
    zones: dict[str, tuple[int, int]],
    observer: Callable[[Study, str, User | None], User],
) -> list[tuple[User, list[dict]]]:
    """Sync records per observer: each survey becomes an ended session with one scan or,
    in a people-moving table, one people-moving count."""
    zone_info = ZoneInfo(study.timezone)
    version = codebook.current_version(study)
    valid = codebook.codes_by_category(study)
    weather_codes = {c.code for c in valid.get("weather", [])}
    per_observer: dict[str, list[dict]] = {}
    observers: dict[str, User] = {}
    for (location, survey_id), survey in reading.surveys.items():
        if survey.start is None:
            reading.warnings.append(f"survey {survey_id} at {location}: no readable time; skipped")
            continue
        if survey.refused:
            continue
        minutes = minutes_of(survey)
        surveyor = survey.surveyor.strip()[:40]
        observers.setdefault(surveyor, observer(study, surveyor, None))
        key = f"{study.slug}|{location}|{survey_id}|{survey.start:%Y%m%d%H%M}"
        session_uuid = str(uuid.uuid5(NAMESPACE, key))
        start = survey.start.replace(tzinfo=zone_info)
        weather = [
            weather_code(part, weather_codes)
            for part in survey.weather.replace(";", ",").split(",")
            if part.strip()
        ]
        temperature = _celsius(survey.temperature, reading.fahrenheit)
        counts: dict[str, dict[str, int]] = {}
        for (category, code), number in survey.counts.items():
            # A scan holds up to 9,999 people per code; a count's limit is the sync's own.
            number = number if reading.kind == MOVING else min(number, 9999)
            counts.setdefault(category, {})[code] = number
        zone_id, site_id = zones[location]
        records = [
            {
                "uuid": session_uuid,
                "kind": "session",
                "study": study.slug,
                "site": site_id,
                "zones": [zone_id],
                "started_at": start.isoformat(),
                "ended_at": (start + survey_minutes(survey)).isoformat(),
                "weather": sorted({w for w in weather if w}),
                "temperature_c": temperature,
                "programme": _programme(survey.conditions, reading),
                "codebook_version": version,
            },
            _counted(survey, reading, key, session_uuid, zone_id, start, minutes, counts)
            | {"codebook_version": version},
        ]
        per_observer.setdefault(surveyor, []).extend(records)
    return [(observers[surveyor], records) for surveyor, records in per_observer.items()]


def _counted(
    survey: Survey,
    reading: Reading,
    key: str,
    session_uuid: str,
    zone_id: int,
    start,
    minutes: int,
    counts: dict,
) -> dict:
    """The survey's counts: a scan of the zone, or a people-moving count at the line."""
    kind = "passers" if reading.kind == MOVING else "scan"
    record = {
        "uuid": str(uuid.uuid5(NAMESPACE, f"{key}|{kind}")),
        "kind": kind,
        "session": session_uuid,
        "zone": zone_id,
    }
    if kind == "passers":
        return record | {
            "started_at": start.isoformat(),
            "minutes": minutes,
            "counts": {"mode": {}} | counts,
        }
    return record | {
        "observed_at": start.isoformat(),
        "counts": counts,
        "conditions": [] if survey.people or counts else ["empty"],
    }


def minutes_of(survey: Survey) -> int:
    """How many whole minutes a survey lasted (at least one)."""
    return max(1, round(survey_minutes(survey).total_seconds() / 60))


def refuse_long_counts(reading: Reading) -> None:
    """In a people-moving table, reject the rows of the surveys too long to be a count."""
    if reading.kind != MOVING:
        return
    for survey in reading.surveys.values():
        if survey.start is not None and minutes_of(survey) > LONGEST_COUNT:
            survey.refused = True
            reading.rejected += [(line, TOO_LONG) for line in survey.lines]


def _celsius(text: str, fahrenheit: bool) -> float | None:
    """A temperature in degrees Celsius, or None."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    value = (value - 32) * 5 / 9 if fahrenheit else value
    return round(value, 1) if -50 <= value <= 60 else None


def _programme(conditions: str, reading: Reading) -> str:
    """The programme code for Seattle's conditions or PLDP's time_character (first event)."""
    events = [programme_code(part) for part in conditions.split(",") if part.strip()]
    events = [e for e in events if e]
    if len(events) > 1:
        reading.warnings.append("a survey with several events keeps the first as programme")
    return events[0] if events else "none"
