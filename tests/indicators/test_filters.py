"""Filters from URL arguments and back, and what they refuse."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from observations.indicators import FilterError, Filters


def test_defaults_leave_out_rejected_sessions_and_write_no_arguments():
    f = Filters.from_args({})
    assert f == Filters()
    assert f.review == ("pending", "approved", "has_issues")
    assert f.query_args() == {}


def test_every_filter_goes_to_arguments_and_back():
    f = Filters(
        date_from=date(2026, 1, 1),
        date_to=date(2026, 1, 31),
        sites=(3, 1),
        zones=(7,),
        days="weekend",
        hour_from=9,
        hour_to=17,
        review=("approved",),
    )
    args = f.query_args()
    assert args == {
        "from": "2026-01-01",
        "to": "2026-01-31",
        "sites": "3,1",
        "zones": "7",
        "days": "weekend",
        "hour_from": "9",
        "hour_to": "17",
        "review": "approved",
    }
    assert Filters.from_args(args) == f


def test_repeated_arguments_are_read_as_a_list():
    f = Filters.from_args(MultiDict([("sites", "1"), ("sites", "2,3"), ("review", "rejected")]))
    assert f.sites == (1, 2, 3)
    assert f.review == ("rejected",)


@pytest.mark.parametrize(
    ("args", "field", "key"),
    [
        ({"from": "2026-13-01"}, "from", "date"),
        ({"to": "1999-12-31"}, "to", "date"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to", "date_order"),
        ({"sites": "1,x"}, "sites", "ids"),
        ({"zones": "-1"}, "zones", "ids"),
        ({"days": "sunday"}, "days", "days"),
        ({"hour_from": "25"}, "hour_from", "hour_start"),
        ({"hour_from": "24"}, "hour_from", "hour_start"),
        ({"hour_to": "9.5"}, "hour_to", "hour_end"),
        ({"hour_to": "0"}, "hour_to", "hour_end"),
        ({"hour_from": "12", "hour_to": "12"}, "hour_to", "hour_order"),
        ({"review": "approved,lost"}, "review", "review"),
    ],
)
def test_bad_arguments_name_their_field_and_problem(args, field, key):
    with pytest.raises(FilterError) as raised:
        Filters.from_args(args)
    assert (raised.value.field, raised.value.key) == (field, key)


def test_the_message_is_in_the_users_language(app):
    with app.test_request_context():
        with pytest.raises(FilterError) as raised:
            Filters.from_args({"hour_from": "x"})
        assert str(raised.value.message) == "Geef een heel uur van 0 tot 23."


def test_keeps_tells_hours_inside_the_window_and_days():
    f = Filters(days="weekday", hour_from=9, hour_to=12)
    assert f.keeps(1, 9) and f.keeps(5, 11)
    assert not f.keeps(1, 12) and not f.keeps(6, 10) and not f.keeps(3, 8)
