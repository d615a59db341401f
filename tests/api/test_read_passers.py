"""GET /api/v1/studies/<slug>/passers: the people-moving counts, the workbook's Passers-by
rows under the same filters and labels, keyset-paged on passer_id, withdrawn counts left
out, and every answer as the OpenAPI document describes it.

On the study of tests/export/passers_field.py (`tellen`): six live counts at two sites and
one withdrawn count. Who may read the table is tested with the other tables
(test_read_access.py), and so are paging while phones sync and settling.
"""

from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from openpyxl import load_workbook
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from observations.export import ExportOptions, export
from observations.extensions import db
from observations.models import PasserCount, Study
from tests.api.conftest import walk
from tests.conftest import api_token, bearer
from tests.export import passers_field
from tests.export.passers_field import TOTALS
from tests.export.test_passers import sheet_totals
from tests.export.test_workbook import records

URL = "/api/v1/studies/tellen/passers"
FIXED = ["passer_id", "session_id", "site", "zone", "observer", "start", "minutes", "total"]
FIXED += ["per_hour"]


@pytest.fixture
def tellen(app):
    """The counted study; its ids, and a token of its research lead."""
    with app.app_context():
        built = passers_field.build()
    built.token = api_token(app, "tellen-lead")
    return built


def workbook_rows(app, tmp_path, **options) -> tuple[list[str], list[dict]]:
    """The header and rows of the workbook's Passers-by sheet for the options; times as
    the API writes them."""
    path = tmp_path / "tellen.xlsx"
    with app.test_request_context():
        study = db.session.scalar(sa.select(Study).filter_by(slug="tellen"))
        export(study, ExportOptions(**options), str(path))
    book = load_workbook(path, read_only=True)
    header = list(next(book["Passers-by"].iter_rows(values_only=True)))
    rows = records(book, "Passers-by")
    for row in rows:
        row["start"] = row["start"].isoformat(sep=" ", timespec="seconds")
    return header, rows


@pytest.mark.parametrize(
    ("query", "options", "found"),
    [
        ("labels=codes", {"labels": "codes"}, 6),
        ("labels=en&site=Park", {"labels": "en", "sites": ["Park"]}, 3),
        ("site=Bieb&from=2026-05-06", {"sites": ["Bieb"], "date_from": date(2026, 5, 6)}, 1),
        ("to=2026-05-04&labels=codes", {"labels": "codes", "date_to": date(2026, 5, 4)}, 5),
        (
            "from=2020-01-01&to=2020-01-02",
            {"date_from": date(2020, 1, 1), "date_to": date(2020, 1, 2)},
            0,
        ),
    ],
)
def test_the_rows_are_the_workbooks_for_the_same_filters(
    app, client, tellen, tmp_path, query, options, found
):
    sites = [tellen.sites[name] for name in options.get("sites", [])]
    header, sheet = workbook_rows(app, tmp_path, **{**options, "sites": sites})
    first = client.get(f"{URL}?{query}", headers=bearer(tellen.token)).get_json()
    rows = walk(client, f"{URL}?{query}&limit=2", tellen.token)
    # The workbook of one codebook version leaves out the column the API always has.
    assert [c["name"] for c in first["columns"]] == [*header, "codebook_version"]
    assert header[:9] == FIXED and len(header) > 9
    assert {row.pop("codebook_version") for row in rows} <= {1}
    assert rows == sorted(sheet, key=lambda row: row["passer_id"])
    assert len(rows) == found


def test_the_filters_pick_the_counts_of_their_sessions(client, tellen):
    def totals(query: str) -> list[tuple[str, str, int]]:
        rows = walk(client, f"{URL}?{query}", tellen.token)
        return sorted((row["site"], row["start"][:10], row["total"]) for row in rows)

    assert totals("site=Park") == [
        ("Park", "2026-05-04", 10),
        ("Park", "2026-05-04", 30),
        ("Park", "2026-05-04", 45),
    ]
    assert totals(f"site={tellen.sites['Bieb']}&from=2026-05-05") == [("Bieb", "2026-05-06", 7)]
    assert totals("to=2026-05-03") == []


def test_withdrawn_counts_are_left_out(app, client, tellen):
    with app.app_context():
        withdrawn = db.session.scalar(
            sa.select(PasserCount.id).where(
                PasserCount.study_id == tellen.study_id, PasserCount.retracted.is_(True)
            )
        )
    assert withdrawn is not None, "the study has a withdrawn count"
    rows = walk(client, f"{URL}?labels=codes&limit=1", tellen.token)
    assert len(rows) == 6 and withdrawn not in {row["passer_id"] for row in rows}
    assert 99 not in {row["mode_on_foot"] for row in rows}, "its 99 people on foot"
    csv = client.get(f"{URL}?format=csv", headers=bearer(tellen.token)).get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 1 + 6


@pytest.mark.parametrize("limit", [1, 4, 6])
def test_the_pages_hold_every_count_once_with_all_its_people(client, tellen, limit):
    """A page's limit counts counts, not their tallies: a count's row comes whole."""
    rows = walk(client, f"{URL}?labels=codes&limit={limit}", tellen.token)
    ids = [row["passer_id"] for row in rows]
    assert ids == sorted(set(ids)) and len(ids) == 6
    assert sheet_totals(rows) == Counter(TOTALS)
    for row in rows:
        assert row["total"] == sum(v for k, v in row.items() if k.startswith("mode_"))
    last = client.get(f"{URL}?limit=6", headers=bearer(tellen.token)).get_json()
    assert len(last["data"]) == 6 and last["next"] is None, "a full last page has no next"


# Two code columns' headers per labels setting: people on foot, and aged 65+.
HEADERS = {
    "codes": ("mode_on_foot", "age_65+"),
    "en": ("Mode: on foot", "Age (perceived): 65+"),
    "nl": ("Vervoerswijze: te voet", "Leeftijd (geschat): 65+"),
}


@pytest.mark.parametrize("labels", list(HEADERS))
def test_columns_carry_their_types_and_follow_the_labels(client, tellen, labels):
    mode, age = HEADERS[labels]
    body = client.get(f"{URL}?labels={labels}", headers=bearer(tellen.token)).get_json()
    types = {c["name"]: c["type"] for c in body["columns"]}
    assert (types["passer_id"], types["start"], types["per_hour"]) == (
        "integer",
        "datetime",
        "number",
    )
    assert types[mode] == types[age] == "integer"
    first = body["data"][0]
    assert list(first) == list(types), "keys in the columns' order"
    # The first count (Bieb, 4 May 10:10) noted ages; the one at 10:40 did not.
    by_start = {row["start"]: row for row in body["data"]}
    assert by_start["2026-05-04 10:10:00"][mode] == 20
    assert by_start["2026-05-04 10:10:00"][age] == 5
    assert by_start["2026-05-04 10:40:00"][age] is None, "not noted: empty, not 0"
    assert by_start["2026-05-04 10:10:00"]["start"] == "2026-05-04 10:10:00", "local time"


def _validator(document: dict, schema: str) -> OAS30Validator:
    """A validator of one schema of the OpenAPI document, with its references."""
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    return OAS30Validator(
        {"$ref": f"urn:terloops#/components/schemas/{schema}"},
        registry=Registry().with_resource("urn:terloops", resource),
    )


def test_the_answers_and_the_example_match_the_openapi_document(client, tellen):
    document = client.get("/api/v1/openapi.json").get_json()
    page = _validator(document, "PassersPage")
    example = document["components"]["schemas"]["PassersPage"]["example"]
    page.validate(example)
    for query in ("", "labels=en&limit=2", "labels=codes&site=Park", "from=2030-01-01"):
        page.validate(client.get(f"{URL}?{query}", headers=bearer(tellen.token)).get_json())
    # The example's columns are those of a study with the default codebook, in Dutch.
    body = client.get(URL, headers=bearer(tellen.token)).get_json()
    assert example["columns"] == body["columns"]
    # (The document's objects come with their keys sorted.)
    assert sorted(example["data"][0]) == sorted(c["name"] for c in body["columns"])
    operation = document["paths"]["/studies/{slug}/passers"]["get"]
    names = [p["name"] for p in operation["parameters"]]
    assert names == ["slug", "format", "labels", "site", "from", "to", "limit", "cursor"]


def test_a_code_column_that_is_not_a_count_is_refused_by_the_document(client, tellen):
    """The row schema holds: a text where a count belongs fails validation."""
    document = client.get("/api/v1/openapi.json").get_json()
    row = dict(client.get(URL, headers=bearer(tellen.token)).get_json()["data"][0])
    _validator(document, "PasserRow").validate(row)
    row["Vervoerswijze: te voet"] = "twintig"
    with pytest.raises(ValidationError, match="twintig"):
        _validator(document, "PasserRow").validate(row)
