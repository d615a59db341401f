"""Route × role rows for sites, zones, opening hours and site profiles (manage/sites).

Added to expectations.ROWS; see expectations.py for how to write a row. Coordinators of
study A and the admin pass; a site or zone of study B in a URL of study A is not found.
"""

from tests.access.rows import NOT_FOUND, Row, in_study

NOT_IN_A = {"coordinator_a": NOT_FOUND, "admin": NOT_FOUND}
SITE_A = {"site_id": "site of study a"}
SITE_B = {"site_id": "site of study b"}
ZONE_A = {"site_id": "site of study a", "zone_id": "zone of study a"}
SITE = {"name": "Buurtplein", "kind": "square", "setting": "outdoor", "city": "Utrecht"}


def _site_rows(endpoint: str, method: str, form=None, get: bool = False) -> list[Row]:
    """A site route's row with study A's site, and its variant with study B's site."""
    return [
        Row(endpoint, method, in_study("a", "coordinator"), params=SITE_A, form=form),
        Row(
            endpoint,
            method,
            in_study("a", "coordinator", **NOT_IN_A),
            variant="site of study b",
            params=SITE_B,
            form=form,
        ),
    ]


def _zone_rows(endpoint: str, method: str, form=None) -> list[Row]:
    """A zone route's row, and variants with study B's zone and with study B's site."""
    return [
        Row(endpoint, method, in_study("a", "coordinator"), params=ZONE_A, form=form),
        Row(
            endpoint,
            method,
            in_study("a", "coordinator", **NOT_IN_A),
            variant="zone of study b",
            params={"site_id": "site of study a", "zone_id": "zone of study b"},
            form=form,
        ),
        Row(
            endpoint,
            method,
            in_study("a", "coordinator", **NOT_IN_A),
            variant="site of study b",
            params={"site_id": "site of study b", "zone_id": "zone of study a"},
            form=form,
        ),
    ]


ROWS: list = [
    Row("manage.sites", "GET", in_study("a", "coordinator")),
    Row("manage.new_site", "GET", in_study("a", "coordinator")),
    Row("manage.new_site", "POST", in_study("a", "coordinator"), form=SITE),
    *_site_rows("manage.site", "GET"),
    *_site_rows("manage.site", "POST", {**SITE, "name": "Nieuwe naam"}),
    *_site_rows("manage.move_site", "POST", {"step": "1"}),
    *_site_rows("manage.archive_site", "POST", {}),
    *_site_rows("manage.restore_site", "POST", {}),
    *_site_rows("manage.delete_site", "POST", {}),
    *_site_rows("manage.site_hours", "POST", {"d0p0_start": "10:00", "d0p0_end": "17:00"}),
    *_site_rows("manage.site_profile", "GET"),
    *_site_rows("manage.site_profile", "POST", {"valid_from": "2026-05-01", "light": "good"}),
    *_site_rows("manage.new_zone", "POST", {"zone-name": "Tuin", "zone-area_m2": "12,5"}),
    *_zone_rows("manage.zone", "GET"),
    *_zone_rows("manage.zone", "POST", {"zone-name": "Hal", "zone-counting_line": "y"}),
    *_zone_rows("manage.move_zone", "POST", {"step": "1"}),
    *_zone_rows("manage.archive_zone", "POST", {}),
    *_zone_rows("manage.restore_zone", "POST", {}),
    *_zone_rows("manage.delete_zone", "POST", {}),
]
