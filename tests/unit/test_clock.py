"""Times on pages: the locale's own clock, and `datetime` attributes HTML accepts.

Issue 8, points 14 and 15: English pages mixed "12:30 AM" with "10:00–11:30"; session times
were written with microseconds in `datetime` attributes.
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale

from observations.i18n import clock, day_clock, day_clock_range, html_datetime

# 09:05 and 14:30 in Amsterdam (winter time, UTC+1), stored in UTC with microseconds.
MORNING = datetime(2026, 11, 27, 8, 5, 7, 123456, tzinfo=UTC)
AFTERNOON = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)


@pytest.fixture
def page_context(app):
    """A request in the default time zone, Europe/Amsterdam."""
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("locale", "morning", "afternoon"),
    [("nl", "09:05", "14:30"), ("en", "9:05\u202fAM", "2:30\u202fPM")],
)
def test_a_time_of_day_follows_the_locales_clock(page_context, locale, morning, afternoon):
    with force_locale(locale):
        assert clock(MORNING) == morning
        assert clock(AFTERNOON) == afternoon


def test_a_day_and_time_span_use_the_same_clock(page_context):
    with force_locale("nl"):
        assert day_clock(MORNING) == "vr 27 nov, 09:05"
        assert day_clock_range(MORNING, AFTERNOON) == "vr 27 nov, 09:05–14:30"
    with force_locale("en"):
        assert day_clock(MORNING) == "Fri, Nov 27, 9:05\u202fAM"
        assert (
            day_clock_range(MORNING, AFTERNOON)
            == "Fri, Nov 27, 9:05\u202fAM\u2009–\u20092:30\u202fPM"
        )


def test_datetime_attributes_have_no_microseconds(page_context):
    assert html_datetime(MORNING) == "2026-11-27T09:05:07+01:00"
    html = render_template_string('<time datetime="{{ t|html_datetime }}">', t=MORNING)
    assert html == '<time datetime="2026-11-27T09:05:07+01:00">'


def test_templates_write_no_fixed_24_hour_patterns():
    templates = Path(__file__).resolve().parents[2] / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "HH:mm" not in text and ".isoformat()" not in text, path


def test_pages_say_their_language(client):
    """The service worker compares it with the language of the pages it has cached."""
    assert client.get("/login").headers["Content-Language"] == "nl"
    with client.session_transaction() as session:
        session["locale"] = "en"
    assert client.get("/login").headers["Content-Language"] == "en"
    assert "Content-Language" not in client.get("/api/v1/openapi.json").headers
