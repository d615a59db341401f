"""Times and temperatures in PLDP tables: the protocol's, Seattle's and the camel dialect's."""

from datetime import date, datetime, time

# Formats of startedAt/endedAt: the Stae export's, with a four-digit year, and ISO.
CAMEL_TIMES = ("%m/%d/%y %I:%M %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M")


def moment(day: str, clock: str) -> datetime | None:
    """A local time from yyyymmdd and hhmm (or h:mm); None if either is unreadable."""
    try:
        parsed_day = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
        digits = clock.replace(":", "").strip().zfill(4)
        return datetime.combine(parsed_day, time(int(digits[:2]), int(digits[2:4])))
    except (ValueError, IndexError):
        return None


def snake_times(context: dict) -> tuple[datetime | None, datetime | None]:
    """Start and stop: survey_time_start (yyyymmdd:hhmm) or Date with Start/End_time."""
    if context.get("survey_time_start"):
        start = (
            moment(*context["survey_time_start"].split(":", 1))
            if ":" in context["survey_time_start"]
            else None
        )
        stop_text = context.get("survey_time_stop", "")
        stop = moment(*stop_text.split(":", 1)) if ":" in stop_text else None
        return start, stop
    day = context.get("date", "")
    return moment(day, context.get("start_time", "")), moment(day, context.get("end_time", ""))


def looks_fahrenheit(value: str) -> bool:
    """A bare 'Temperature' above 45 is not Celsius outdoors."""
    try:
        return float(value) > 45
    except ValueError:
        return False


def camel_time(text: str) -> datetime | None:
    """A local time from a camel startedAt/endedAt value; None if unreadable."""
    text = " ".join((text or "").split()).upper()
    for pattern in CAMEL_TIMES:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
