"""Keyset paging: every row exactly once across pages, also while phones add records; the
`next` URL keeps the filters; bad limits, cursors and dates are 400 with a message."""

import pytest
import sqlalchemy as sa

from observations.api.read_args import encode_cursor
from observations.extensions import db
from observations.models import Site, Study
from observations.sync import sync_records
from tests.api.conftest import local, observe, user, walk
from tests.conftest import bearer

PAGED = ("sessions", "scans", "encounters", "notes", "passers")
KEY = {
    "sessions": ("session_id",),
    "scans": ("scan_id", "category", "code"),
    "encounters": ("encounter_id",),
    "notes": ("note_id",),
    "passers": ("passer_id",),
}


def key(table: str, row: dict) -> tuple:
    """A row's key; for scans the code is the raw one (labels=codes)."""
    return tuple(row[name] for name in KEY[table])


@pytest.mark.parametrize("table", PAGED)
@pytest.mark.parametrize("limit", [1, 2, 7])
def test_the_pages_hold_every_row_once_in_key_order(client, observed, table, limit):
    token = observed.tokens["alpha-lead"]
    whole = walk(client, f"/api/v1/studies/alpha/{table}?labels=codes&limit=10000", token)
    paged = walk(client, f"/api/v1/studies/alpha/{table}?labels=codes&limit={limit}", token)
    assert paged == whole
    keys = [key(table, row) for row in paged]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert (
        len(whole) == {"sessions": 3, "scans": 48, "encounters": 9, "notes": 3, "passers": 6}[table]
    )


def test_a_page_says_where_the_next_starts(client, observed):
    response = client.get(
        f"/api/v1/studies/alpha/encounters?limit=4&site={observed.sites['Bibliotheek Oost']}",
        headers=bearer(observed.tokens["alpha-lead"]),
    )
    body = response.get_json()
    assert len(body["data"]) == 4
    assert body["next"].startswith("http://localhost/api/v1/studies/alpha/encounters?")
    assert f"site={observed.sites['Bibliotheek Oost']}" in body["next"]
    assert "limit=4" in body["next"] and "cursor=" in body["next"]
    assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'


def test_the_last_page_has_no_next_even_when_it_is_full(client, observed):
    token = observed.tokens["alpha-lead"]
    response = client.get("/api/v1/studies/alpha/encounters?limit=9", headers=bearer(token))
    body = response.get_json()
    assert len(body["data"]) == 9 and body["next"] is None
    assert "Link" not in response.headers
    first = client.get("/api/v1/studies/alpha/encounters?limit=8", headers=bearer(token))
    last = client.get(first.get_json()["next"], headers=bearer(token)).get_json()
    assert len(last["data"]) == 1 and last["next"] is None


def _add_while_walking(app, observed) -> None:
    """A new session, and a new encounter and scan in the first (older) session."""
    with app.app_context():
        worker = user("alpha-fieldworker")
        east = db.session.get(Site, observed.sites["Bibliotheek Oost"])
        observe(worker, "alpha", east, local("2026-03-09", "11:00"))
        first = observed.sessions[0]
        late = [
            {
                "uuid": f"00000000-0000-4000-8000-00000000000{n}",
                "kind": kind,
                "session": first,
                "zone": observed.zones["Entree"],
                "occurred_at": local("2026-03-02", "10:40").isoformat(),
                "observed_at": local("2026-03-02", "10:45").isoformat(),
                "encounter_type": "help",
                "counts": {"age": {"0-14": 1}, "gender": {"unknown": 1}},
            }
            for n, kind in ((1, "encounter"), (2, "scan"))
        ]
        late = [{k: v for k, v in r.items() if k in FIELDS[r["kind"]]} for r in late]
        assert [r["status"] for r in sync_records(worker, late)] == ["created"] * 2
        db.session.commit()


FIELDS = {
    "encounter": {"uuid", "kind", "session", "zone", "occurred_at", "encounter_type"},
    "scan": {"uuid", "kind", "session", "zone", "observed_at", "counts"},
}


@pytest.mark.parametrize("table", PAGED)
def test_rows_added_between_pages_are_neither_lost_nor_repeated(app, client, observed, table):
    token = observed.tokens["alpha-coordinator"]
    before = walk(client, f"/api/v1/studies/alpha/{table}?labels=codes&limit=10000", token)
    first = client.get(
        f"/api/v1/studies/alpha/{table}?labels=codes&limit=2", headers=bearer(token)
    ).get_json()
    _add_while_walking(app, observed)
    rest = walk(client, first["next"], token)
    walked = first["data"] + rest
    after = walk(client, f"/api/v1/studies/alpha/{table}?labels=codes&limit=10000", token)

    keys = [key(table, row) for row in walked]
    assert len(set(keys)) == len(keys), "a row came twice"
    assert {key(table, r) for r in before} <= set(keys), "a row that was there got lost"
    new = {key(table, r) for r in after} - {key(table, r) for r in before}
    assert new, "the test added rows"
    assert new <= set(keys), "rows added during the walk come on later pages"


def test_rows_of_other_studies_never_show(app, client, observed):
    with app.app_context():
        beta = db.session.scalar(sa.select(Study).filter_by(slug="beta"))
        beta_sites = set(db.session.scalars(sa.select(Site.name).filter_by(study_id=beta.id)))
    for table in PAGED:
        rows = walk(client, f"/api/v1/studies/alpha/{table}?limit=5", observed.tokens["root"])
        assert not {row["site"] for row in rows} & beta_sites


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("limit=0", "limit", "limit verwacht een geheel getal van 1 tot en met 10000."),
        ("limit=10001", "limit", "limit verwacht een geheel getal van 1 tot en met 10000."),
        ("limit=ten", "limit", "limit verwacht een geheel getal van 1 tot en met 10000."),
        ("cursor=nonsense", "cursor", "De cursor is ongeldig: neem hem over uit de vorige pagina."),
        ("cursor=" + encode_cursor("notes", (1,)), "cursor", "De cursor is ongeldig"),
        ("cursor=" + encode_cursor("encounters", ("1",)), "cursor", "De cursor is ongeldig"),
        ("cursor=" + encode_cursor("encounters", (2**40,)), "cursor", "De cursor is ongeldig"),
        ("cursor=" + "W" * 1000, "cursor", "De cursor is ongeldig"),
        ("from=2026-02-30", "from", "from verwacht een datum zoals 2026-05-01, niet 2026-02-30."),
        ("to=1700-01-01", "to", "to neemt een datum van 2000-01-01 tot en met 2099-12-31"),
        ("from=2026-03-05&to=2026-03-01", "to", "from ligt na to."),
        ("labels=fr", "labels", "labels verwacht een van: nl, en, codes."),
        ("format=xlsx", "format", "format verwacht een van: json, csv."),
        ("site=Nergens", "site", "Onbekende locatie Nergens."),
    ],
)
def test_bad_parameters_get_400_with_a_message(client, observed, query, parameter, message):
    response = client.get(
        f"/api/v1/studies/alpha/encounters?{query}", headers=bearer(observed.tokens["alpha-lead"])
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Ongeldig verzoek"
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0].startswith(message)
    assert message in body["message"]


def test_scan_cursors_compare_codes_byte_by_byte(client, observed):
    # "conditions" lies between "age" and "gender"; "65+" after "25-64": as Python sorts them.
    token = observed.tokens["alpha-lead"]
    after = encode_cursor("scans", (1, "conditions", "accessible"))
    rows = client.get(
        f"/api/v1/studies/alpha/scans?labels=codes&limit=3&cursor={after}", headers=bearer(token)
    ).get_json()["data"]
    assert [(r["scan_id"], r["category"], r["code"]) for r in rows] == [
        (1, "conditions", "well_lit"),
        (1, "gender", "man"),
        (1, "gender", "woman"),
    ]


def test_messages_follow_the_users_language(app, client, observed):
    with app.app_context():
        user("alpha-lead").locale = "en"
        db.session.commit()
    response = client.get(
        "/api/v1/studies/alpha/notes?limit=-1&from=yesterday",
        headers=bearer(observed.tokens["alpha-lead"]),
    )
    assert response.get_json()["errors"] == {
        "limit": ["limit takes a whole number from 1 to 10000."],
        "from": ["from takes a date like 2026-05-01, not yesterday."],
    }


def test_an_empty_cursor_is_the_first_page(client, observed):
    token = observed.tokens["alpha-lead"]
    response = client.get("/api/v1/studies/alpha/notes?cursor=&limit=", headers=bearer(token))
    assert response.status_code == 200 and len(response.get_json()["data"]) == 3
