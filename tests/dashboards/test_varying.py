"""On one site's dashboard, a site-profile item that never changed compares nothing."""

from observations.dashboards.panels import varying
from observations.indicators import ConditionRow, Rate


def row(factor: str, level: str) -> ConditionRow:
    return ConditionRow(factor, level, Rate(encounters=10, hours=2.0))


def test_profile_items_with_one_value_are_left_out_and_the_rest_kept():
    rows = [
        row("programme", "running"),
        row("profile:light", "good"),
        row("profile:hosting", "none"),
        row("profile:hosting", "always"),
        row("zone:movable_seats", "yes"),
    ]
    kept = varying(rows)
    assert [(r.factor, r.level) for r in kept] == [
        ("programme", "running"),
        ("profile:hosting", "none"),
        ("profile:hosting", "always"),
        ("zone:movable_seats", "yes"),
    ]


def test_a_zone_condition_with_one_level_stays():
    assert varying([row("zone:empty", "no")]) == [row("zone:empty", "no")]
