"""Every limit the review services use, in one place.

The defaults suit a study of sessions of one to three hours; an installation can change any of
them with `REVIEW_THRESHOLDS` in instance/config.py, a dict of {name: value}, e.g.
{"short_session_minutes": 15}, or the same as JSON in the environment variable
TERLOOPS_REVIEW_THRESHOLDS (read like every TERLOOPS_ setting, prefix removed).
"""

from dataclasses import dataclass, fields, replace

from flask import current_app


@dataclass(frozen=True)
class Thresholds:
    """Limits for closing forgotten sessions and for the data-quality flags."""

    # A planned session still open this many hours after its slot's end is closed.
    close_after_planned_end_hours: float = 2.0
    # An unplanned session still open this many hours after its start is closed.
    max_unplanned_hours: float = 6.0
    # How often the web process looks for forgotten sessions.
    close_check_minutes: float = 10.0
    # The phone is told about (and its home page shows) sessions the server closed this many
    # days ago or less.
    closed_notice_days: float = 14.0
    # A session shorter than this, or longer than that, is flagged.
    short_session_minutes: float = 10.0
    long_session_hours: float = 4.0
    # A record more than this outside the session's start and end is flagged.
    outside_session_minutes: float = 1.0
    # A phone clock this far ahead of the server's receipt time is flagged (quality.py says
    # why only "ahead" can be told apart from a phone that was simply offline).
    clock_skew_minutes: float = 10.0
    # Session crowding codes under which a scan of nobody at all is suspicious, and the scan
    # conditions that say the zone really was empty (such a scan is never flagged).
    busy_crowding: tuple[str, ...] = ("busy", "crowded")
    empty_conditions: tuple[str, ...] = ("empty",)
    # An encounter rate this many times above, or below 1/this of, the site's usual rate for
    # the time window is flagged, when the usual rate rests on enough observed hours and the
    # session lasted long enough. The usual rate is that of the site's other ended sessions
    # that started in the same time window of the day (local time of the study).
    rate_factor: float = 3.0
    rate_min_baseline_hours: float = 3.0
    rate_min_session_minutes: float = 30.0
    # Too few encounters say nothing about a rate: the session's count, or the count the
    # usual rate predicts for it, whichever is larger, must be at least this.
    rate_min_encounters: float = 3.0
    # The time windows of the day, by the local hour each one starts at (the last one runs
    # to the first): morning, afternoon, evening.
    rate_window_hours: tuple[int, ...] = (0, 12, 17)
    # Two sessions of one observer that overlap by more than this are flagged.
    overlap_minutes: float = 1.0


def thresholds() -> Thresholds:
    """The thresholds in force: the defaults with the app's overrides."""
    overrides = current_app.config.get("REVIEW_THRESHOLDS") or {}
    known = {f.name for f in fields(Thresholds)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown review thresholds: {', '.join(sorted(unknown))}")
    return replace(Thresholds(), **overrides)
