"""Local hour numbers computed in SQL agree with zoneinfo, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from observations.extensions import db
from observations.indicators.local_time import (
    LocalClock,
    day_of,
    transitions,
    week_of_number,
    weekday_of,
)
from observations.models.types import UTCDateTime


def test_transitions_of_amsterdam():
    first, changes = transitions("Europe/Amsterdam", 2026, 2026)
    assert first == 3600
    assert changes == (
        (datetime(2026, 3, 29, 1, tzinfo=UTC), 7200),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), 3600),
    )


def test_a_zone_without_dst_has_no_transitions_and_a_half_hour_grid():
    assert transitions("Asia/Kolkata", 2026, 2026) == (19800, ())
    assert LocalClock("Asia/Kolkata", 2026, 2026).shift == 1800


def test_hour_numbers_give_weekday_day_and_week():
    number = int(datetime(2026, 1, 5, 10, tzinfo=UTC).timestamp()) // 3600  # a Monday
    assert weekday_of(number) == 1
    assert day_of(number).isoformat() == "2026-01-05"
    assert week_of_number((number // 24 + 3) // 7) == "2026-W02"


@pytest.mark.parametrize("zone_name", ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata"])
def test_sql_hour_numbers_match_zoneinfo(app, zone_name):
    zone = ZoneInfo(zone_name)
    clock = LocalClock(zone_name, 2026, 2026)
    moments = [
        datetime(2026, 3, 7, 23, 0, tzinfo=UTC) + timedelta(minutes=50 * n) for n in range(60)
    ] + [datetime(2026, 10, 24, 22, 0, tzinfo=UTC) + timedelta(minutes=20 * n) for n in range(40)]
    moments += [datetime(2026, 11, 1, 5, 59, 59, 999999, tzinfo=UTC)]
    with app.app_context():
        for moment in moments:
            value = sa.literal(moment, UTCDateTime)
            sql_number, sql_bucket_number = db.session.execute(
                sa.select(
                    clock.hour_number(value),
                    clock.start_hour_number(clock.bucket_start(clock.bucket(value))),
                )
            ).one()
            local = moment.astimezone(zone)
            naive = local.replace(tzinfo=UTC)
            expected = int(naive.timestamp()) // 3600
            assert (sql_number, sql_bucket_number) == (expected, expected), moment
