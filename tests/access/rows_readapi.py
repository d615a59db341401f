"""Route × role rows for the read API (api/reading.py): a study's tables for analysis tools,
and its indicators (api/indicator_reading.py).

Research leads and coordinators of the study and the admin read them; a fieldworker of the
study gets 403, everyone else 404 (anonymous: 401). Each actor calls them logged in and
with an API token (test_route_matrix._calls). Added to expectations.ROWS.
"""

from observations.export.passers import PASSERS_COLUMNS
from tests.access.rows import Row, in_study

TABLES = ("sessions", "scans", "encounters", "notes", "passers", "sites", "codebook")
READERS = ("lead", "coordinator")


def of_study_a(table: str):
    """Check an OK answer: a JSON page of study A's table (its sessions are study A's)."""

    def check(response, world, _actor) -> None:
        body = response.get_json()
        assert body["table"] == table and body["study"] == world["study a"], body
        assert {c["name"] for c in body["columns"]} >= set(body["data"][0] if body["data"] else {})
        if table == "passers":
            names = [c["name"] for c in body["columns"]]
            assert names[:9] == [c.header for c in PASSERS_COLUMNS], names
        if table == "sessions":
            ids = {row["session_id"] for row in body["data"]}
            assert world["id of session of fieldworker_a"] in ids, body
            assert world["id of session of fieldworker_b"] not in ids, body

    return check


def csv_download(response, world, _actor) -> None:
    """Check an OK answer: the whole table as a CSV file."""
    assert response.mimetype == "text/csv", response.mimetype
    assert response.get_data().startswith(b"\xef\xbb\xbfsession_id,")
    assert f"{world['study a']}-encounters.csv" in response.headers["Content-Disposition"]


def indicators_of_study_a(response, world, _actor) -> None:
    """Check an OK answer: study A's indicators, its sessions counted."""
    body = response.get_json()
    assert body["study"] == world["study a"], body
    assert body["totals"]["sessions"] >= 1 and body["places"], body


def figure_csv(response, world, _actor) -> None:
    """Check an OK answer: one figure's table as a CSV file."""
    assert response.mimetype == "text/csv", response.mimetype
    assert response.get_data().startswith("\ufeffLocatie,".encode())
    assert f"{world['study a']}-places.csv" in response.headers["Content-Disposition"]


ROWS: list = [
    *(
        Row(f"api.read_{table}", "GET", in_study("a", *READERS), check=of_study_a(table))
        for table in TABLES
    ),
    Row(
        "api.read_encounters",
        "GET",
        in_study("a", *READERS),
        variant="as CSV",
        query={"format": "csv"},
        check=csv_download,
    ),
    Row(
        "api.read_indicators",
        "GET",
        in_study("a", *READERS),
        check=indicators_of_study_a,
    ),
    Row(
        "api.read_indicators",
        "GET",
        in_study("a", *READERS),
        variant="a figure as CSV",
        query={"format": "csv", "figure": "figure places"},
        check=figure_csv,
    ),
]
