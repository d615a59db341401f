"""GET /api/v1/studies/<slug>/indicators: who may read it, what the JSON holds (the indicator
functions' values on the small hand-computed study of tests/indicators), the filters, one
figure as CSV (equal to the JSON and to the dashboards' xlsx download), and bad input."""

import csv
import io
from types import SimpleNamespace

import openpyxl
import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from observations import indicators
from observations.api.indicator_figures import FIGURES
from observations.extensions import db
from observations.indicators import Filters
from observations.models import Site, Study, User
from tests import factories, snapshots
from tests.conftest import AuthActions, api_token, bearer
from tests.indicators.conftest import build_small

URL = "/api/v1/studies/ind/indicators"


@pytest.fixture
def small(app):
    """The small study (tests/indicators/conftest.py) with a lead; ids and the lead's token."""

    def build():
        made = build_small()
        factories.user("ind-lead", "lead", made.study)
        db.session.commit()
        ids = SimpleNamespace(
            study=made.study.id,
            bieb=made.bieb.id,
            park=made.park.id,
            markt=made.markt.id,
            a1=made.a1.id,
            a2=made.a2.id,
        )
        ids.token = api_token(app, "ind-lead")
        return ids

    return snapshots.restore_or_build(app, "read api: small", build)


def get(client, token: str, query: str = ""):
    """The answer to the indicators URL with a query string."""
    return client.get(f"{URL}?{query}", headers=bearer(token))


def json_of(client, token: str, query: str = "") -> dict:
    """The JSON answer, which must be 200."""
    response = get(client, token, query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def csv_of(response) -> list[list[str]]:
    """A CSV answer's rows (header first); it starts with a BOM."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def rate(r: indicators.Rate) -> dict:
    """A rate as the JSON gives it."""
    return {"encounters": r.encounters, "hours": r.hours, "rate": r.per_hour, "thin": r.thin}


def expected(app, study_id: int, f: Filters, level: str = "site") -> SimpleNamespace:
    """The indicator functions' results for the filters."""
    with app.app_context():
        study = db.session.get(Study, study_id)
        return SimpleNamespace(
            totals=indicators.totals(study, f),
            rates={
                by: indicators.encounter_rates(study, f, by)
                for by in ("encounter_type", "intensity", "parties", "relation")
            },
            familiarity=indicators.familiarity(study, f, "week"),
            mix={c: indicators.visitor_mix(study, f, c) for c in indicators.CATEGORIES},
            windows={c: indicators.visitor_mix_by_window(study, f, c) for c in ("age", "company")},
            mixing=indicators.mixing(study, f),
            heat=indicators.heat_map(study, f),
            weekly=indicators.weekly(study, f),
            conditions=indicators.conditions(study, f),
            places=indicators.by_place(study, f, level),
        )


# Access ----------------------------------------------------------------------------------


def test_readers_get_the_indicators(client, observed):
    for reader in ("alpha-lead", "alpha-coordinator", "root"):
        response = client.get(
            "/api/v1/studies/alpha/indicators", headers=bearer(observed.tokens[reader])
        )
        assert response.status_code == 200, (reader, response.get_json())
        assert response.get_json()["totals"]["sessions"] == 3, reader


def test_who_else_may_not(client, observed):
    url = "/api/v1/studies/alpha/indicators"
    response = client.get(url)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get(url, headers=bearer(observed.tokens["alpha-fieldworker"]))
    assert response.status_code == 403
    assert response.get_json()["message"] == (
        "Alleen onderzoeksleiders en coördinatoren van deze studie mogen haar gegevens lezen."
    )
    response = client.get(url, headers=bearer(observed.tokens["beta-lead"]))
    assert response.status_code == 404 and "alpha" not in response.get_data(as_text=True).lower()
    response = client.get(
        url + "?format=csv&figure=places", headers=bearer(observed.tokens["beta-lead"])
    )
    assert response.status_code == 404
    response = client.get(
        "/api/v1/studies/gamma/indicators", headers=bearer(observed.tokens["root"])
    )
    assert response.status_code == 404
    assert client.get(url, headers={"Authorization": "Bearer tl_nonsense"}).status_code == 401


def test_a_logged_in_browser_reads_them_too(client, observed):
    AuthActions(client).login("alpha-coordinator")
    response = client.get("/api/v1/studies/alpha/indicators?format=csv&figure=rates-by-type")
    assert response.status_code == 200 and response.mimetype == "text/csv"


# The JSON --------------------------------------------------------------------------------


def test_the_json_holds_the_indicator_functions_values(app, client, small):
    body = json_of(client, small.token)
    want = expected(app, small.study, Filters())
    # By hand (tests/indicators/conftest.py): S1 2 h, S2 1.5 h, S3 1 h; 4 + 2 + 1 encounters.
    assert body["totals"] == {"sessions": 3, "encounters": 7, "hours": 4.5, "rate": 7 / 4.5,
                              "thin": False}  # fmt: skip
    assert body["totals"] == {"sessions": want.totals.sessions, **rate(want.totals.rate)}
    for by, rates in want.rates.items():
        assert [(r["code"], rate_part(r)) for r in body["rates"][by]] == [
            (code, rate(v)) for code, v in rates.items()
        ], by
    assert body["familiarity"] == [
        {
            "week": w.key,
            "strangers": w.strangers,
            "recognised": w.recognised,
            "acquaintances": w.acquaintances,
            "unknown": w.unknown,
            "familiar_share": w.familiar_share,
            "hours": w.hours,
            "thin": w.hours < indicators.THIN_HOURS,
        }
        for w in want.familiarity
    ]
    mixes = {m["category"]: m for m in body["visitor_mix"]}
    assert list(mixes) == list(indicators.CATEGORIES)
    for category, shares in want.mix.items():
        mix = mixes[category]
        assert {c["code"]: c["count"] for c in mix["counts"]} == shares.counts
        assert [c["share"] for c in mix["counts"]] == [shares.share(c) for c in shares.counts]
        assert (mix["total"], mix["blau"], mix["blau_corrected"], mix["shannon"]) == (
            shares.total, shares.blau, shares.blau_corrected, shares.shannon
        )  # fmt: skip
    for category, windows in want.windows.items():
        got = {w["window"]: (w["total"], w["blau_corrected"]) for w in mixes[category]["windows"]}
        assert got == {w: (s.total, s.blau_corrected) for w, s in windows.items()}
    assert body["mixing"] == [
        {
            "code": m.dimension,
            "label": {"age": "leeftijdsgroepen", "company": "gezelschap"}[m.dimension],
            "encounters": m.encounters,
            "cross": m.cross,
            "share": m.share,
            "blau": m.blau,
            "ratio": m.ratio,
            "ei_index": m.ei_index,
        }
        for m in want.mixing.values()
    ]
    assert [(c["day"], c["hour"], rate_part(c)) for c in body["heat_map"]] == [
        (day, hour, rate(r)) for (day, hour), r in sorted(want.heat.items())
    ]
    assert [(w["week"], rate_part(w), w["familiar_share"]) for w in body["weekly"]] == [
        (week, rate(r), f.familiar_share) for week, r, f in want.weekly
    ]
    assert [(c["factor"], c["level"], rate_part(c)) for c in body["conditions"]] == [
        (row.factor, row.level, rate(row.rate)) for row in want.conditions
    ]
    assert [
        (p["key"], p["label"], p["site_ids"], p["sessions"], rate_part(p), p["familiar_share"])
        for p in body["places"]
    ] == [
        (p.key, p.label, list(p.site_ids), p.totals.sessions, rate(p.totals.rate), p.familiar_share)
        for p in want.places
    ]
    bieb = body["places"][0]
    assert [m["ratio"] for m in bieb["mixing"]] == [
        want.places[0].mixing_age.ratio,
        want.places[0].mixing_company.ratio,
    ]
    assert bieb["mix_age"]["blau_corrected"] == want.places[0].mix_age.blau_corrected
    assert [f["name"] for f in body["figures"]] == list(FIGURES)


def rate_part(item: dict) -> dict:
    """The rate's values of a JSON item."""
    return {key: item[key] for key in ("encounters", "hours", "rate", "thin")}


def test_numbers_are_json_numbers_and_codes_come_with_labels(client, small):
    body = json_of(client, small.token)
    greeting = next(r for r in body["rates"]["encounter_type"] if r["code"] == "greeting")
    assert greeting == {"code": "greeting", "label": "groet", "encounters": 2, "hours": 4.5,
                        "rate": 2 / 4.5, "thin": False}  # fmt: skip
    assert body["heat_map"][0]["label"] == "ma"  # Monday 5 January, 10:00
    crowding = next(c for c in body["conditions"] if c["factor"] == "crowding")
    assert crowding["factor_label"] == "Drukte"
    profile = {item["key"]: item for item in body["places"][0]["profile"]}
    assert profile["seating_movable"]["value"] == 4  # the version valid today
    assert profile["hosting"]["value"] == "none" and profile["hosting"]["text"] == "geen"
    assert body["places"][1]["profile"] is None, "Park has no profile"
    english = json_of(client, small.token, "labels=en")
    assert english["labels"] == "en"
    assert english["rates"]["encounter_type"][1]["label"] == "greeting"
    codes = json_of(client, small.token, "labels=codes")
    assert [r["label"] for r in codes["rates"]["encounter_type"]] == [
        r["code"] for r in codes["rates"]["encounter_type"]
    ]


def test_the_answers_and_the_example_match_the_openapi_document(client, small):
    document = client.get("/api/v1/openapi.json").get_json()
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    validator = OAS30Validator(
        {"$ref": "urn:terloops#/components/schemas/Indicators"},
        registry=Registry().with_resource("urn:terloops", resource),
    )
    validator.validate(document["components"]["schemas"]["Indicators"]["example"])
    for query in ("", "level=city&labels=en", "labels=codes&days=weekend", "from=2030-01-01"):
        validator.validate(json_of(client, small.token, query))
    operation = document["paths"]["/studies/{slug}/indicators"]["get"]
    figure = next(p for p in operation["parameters"] if p["name"] == "figure")
    assert figure["schema"]["enum"] == list(FIGURES)


# Filters ---------------------------------------------------------------------------------


def test_the_filters_are_the_dashboards_and_are_echoed(app, client, small):
    query = (
        f"sites={small.bieb}&zones={small.a1}&days=weekday&hour_from=10&hour_to=12"
        "&from=2026-01-01&to=2026-01-31&review=approved,pending&level=city"
    )
    body = json_of(client, small.token, query)
    assert body["filters"] == {
        "from": "2026-01-01",
        "to": "2026-01-31",
        "sites": [small.bieb],
        "zones": [small.a1],
        "days": "weekday",
        "hour_from": 10,
        "hour_to": 12,
        "review": ["approved", "pending"],
    }
    assert body["level"] == "city" and body["level_label"] == "stad"
    f = Filters.from_args(
        {
            "sites": str(small.bieb),
            "zones": str(small.a1),
            "days": "weekday",
            "hour_from": "10",
            "hour_to": "12",
            "from": "2026-01-01",
            "to": "2026-01-31",
            "review": "approved,pending",
        }
    )
    want = expected(app, small.study, f, "city")
    assert body["totals"] == {"sessions": want.totals.sessions, **rate(want.totals.rate)}
    # Only S1 (Monday, approved) in zone A1 between 10 and 12: e1 and e2.
    assert body["totals"]["encounters"] == 2
    assert [p["key"] for p in body["places"]] == [p.key for p in want.places]


def test_site_works_as_on_the_other_read_routes(client, small):
    by_sites = json_of(client, small.token, f"sites={small.bieb}")
    by_id = json_of(client, small.token, f"site={small.bieb}")
    by_name = json_of(client, small.token, "site=Bieb")
    assert by_sites == by_id == by_name
    assert by_sites["totals"]["sessions"] == 2  # S1 and S2
    both = json_of(client, small.token, f"site=Park&sites={small.bieb}")
    assert both["filters"]["sites"] == [small.bieb, small.park]
    assert both["totals"]["sessions"] == 3


def test_weekend_and_rejected_sessions(client, small):
    weekend = json_of(client, small.token, "days=weekend")
    assert weekend["totals"]["encounters"] == 2 and weekend["totals"]["hours"] == 1.5  # S2
    everything = json_of(client, small.token, "review=pending,approved,has_issues,rejected")
    assert everything["totals"]["sessions"] == 4  # S4 at the Markt too


def test_places_per_neighbourhood_and_city(client, small):
    wijken = json_of(client, small.token, "level=neighbourhood")["places"]
    assert [(p["key"], sorted(p["site_ids"])) for p in wijken] == [
        ("Noord", sorted([small.bieb, small.park])),
        ("Zuid", [small.markt]),
    ]
    assert all(p["profile"] is None for p in wijken)
    assert [p["key"] for p in json_of(client, small.token, "level=city")["places"]] == [
        "Almere",
        "Rotterdam",
    ]


# CSV ---------------------------------------------------------------------------------------


def test_a_figure_as_csv_equals_the_json(client, small):
    body = json_of(client, small.token)
    header, *rows = csv_of(get(client, small.token, "format=csv&figure=rates-by-type"))
    assert header == [
        "Code",
        "Soort ontmoeting",
        "Ontmoetingen",
        "Geobserveerde uren",
        "Ontmoetingen per geobserveerd uur",
        "Dun bewijs",
    ]
    assert rows == [
        [r["code"], r["label"], *as_csv(r, "encounters", "hours", "rate", "thin")]
        for r in body["rates"]["encounter_type"]
    ]
    _header, *rows = csv_of(get(client, small.token, "format=csv&figure=places"))
    assert [row[:6] for row in rows] == [
        [p["label"], *as_csv(p, "encounters", "hours", "rate", "thin", "sessions")]
        for p in body["places"]
    ]
    _header, *rows = csv_of(get(client, small.token, "format=csv&figure=heat-map"))
    assert [(int(r[0]), int(r[2]), int(r[3]), float(r[4])) for r in rows] == [
        (c["day"], c["hour"], c["encounters"], c["hours"]) for c in body["heat_map"]
    ]


def as_csv(item: dict, *keys: str) -> list[str]:
    """JSON values as the CSV writes them: null empty, a boolean 1 or 0."""
    return [_cell(item[key]) for key in keys]


def _cell(value) -> str:
    """An xlsx cell as the CSV writes the same value (numbers compared apart)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _same(csv_value: str, xlsx_value) -> bool:
    """Whether a CSV cell holds what the xlsx cell holds (xlsx numbers have 15 digits)."""
    if isinstance(xlsx_value, int | float) and not isinstance(xlsx_value, bool):
        return float(csv_value) == pytest.approx(xlsx_value, rel=1e-12)
    return csv_value == _cell(xlsx_value)


@pytest.mark.parametrize("figure", FIGURES)
def test_each_figure_has_the_columns_and_values_of_its_xlsx_download(client, small, figure):
    compare = figure.startswith("places")
    # The API's conditions are the comparison's, every row (the site dashboard leaves out the
    # profile items that never changed at its site): compared with the comparison's download.
    page = "compare" if compare or figure == "conditions" else f"sites/{small.bieb}"
    one_site = f"&sites={small.bieb}" if figure == "conditions" else ""
    AuthActions(client).login("ind-lead")
    download = client.get(
        f"/studies/ind/research/{page}/figures/{figure}.xlsx?days=weekday{one_site}"
    )
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    xlsx_rows = list(book.worksheets[0].iter_rows(values_only=True))
    query = f"format=csv&figure={figure}&days=weekday" + ("" if compare else f"&sites={small.bieb}")
    response = get(client, small.token, query)
    assert response.headers["Content-Disposition"] == f'attachment; filename="ind-{figure}.csv"'
    header, *rows = csv_of(response)
    assert header == list(xlsx_rows[0])
    assert len(rows) == len(xlsx_rows) - 1 and rows, "the figure has rows"
    for row, xlsx_row in zip(rows, xlsx_rows[1:], strict=True):
        assert all(_same(c, x) for c, x in zip(row, xlsx_row, strict=True)), (row, xlsx_row)


def test_csv_headers_follow_the_labels_and_text_is_never_a_formula(app, client, small):
    with app.app_context():
        db.session.get(Site, small.markt).name = "=HYPERLINK(1)"
        db.session.commit()
    english = csv_of(get(client, small.token, "format=csv&figure=rates-by-type&labels=en"))
    assert english[0][:2] == ["Code", "Encounter type"]
    codes = csv_of(get(client, small.token, "format=csv&figure=rates-by-type&labels=codes"))
    assert [row[1] for row in codes[1:]] == [row[0] for row in codes[1:]]
    rows = csv_of(get(client, small.token, "format=csv&figure=places"))
    assert rows[3][0] == "'=HYPERLINK(1)"
    assert json_of(client, small.token)["places"][2]["label"] == "=HYPERLINK(1)"


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("format=csv&figure=chart", "figure", "Onbekende figuur chart. Figuren: rates-by-type, "),
        ("format=csv", "figure", "format=csv verwacht figure, een van: rates-by-type, "),
        ("format=xml", "format", "format verwacht een van: json, csv."),
        ("labels=fr", "labels", "labels verwacht een van: nl, en, codes."),
        ("level=street", "level", "Kies locatie, wijk of stad."),
        ("from=2026-02-30", "from", "from verwacht een datum zoals 2026-05-01, niet 2026-02-30."),
        ("from=2026-03-05&to=2026-03-01", "to", "from ligt na to."),
        ("site=Nergens", "site", "Onbekende locatie Nergens."),
        ("sites=abc", "sites", "Geef getallen, gescheiden door komma's."),
        ("sites=999999", "sites", "Kies locaties van deze studie."),
        ("zones=999999", "zones", "Kies zones van deze studie."),
        ("days=sometimes", "days", "Kies alle dagen, doordeweeks of het weekend."),
        ("hour_from=25", "hour_from", "Geef een heel uur van 0 tot 23."),
        ("hour_from=12&hour_to=12", "hour_to", "Het tijdvak moet eindigen na het begin."),
        ("hour_from=24", "hour_from", "Geef een heel uur van 0 tot 23."),
        ("hour_to=0", "hour_to", "Geef een heel uur van 1 tot 24."),
        ("review=lost", "review", "Kies bestaande beoordelingen."),
    ],
)
def test_bad_parameters_get_400_with_a_message(client, small, query, parameter, message):
    response = get(client, small.token, query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Ongeldig verzoek"
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0].startswith(message)
    assert parameter in body["message"] and message in body["message"]


def test_every_mistake_is_named_at_once(client, small):
    response = get(client, small.token, "days=x&hour_from=x&labels=x&site=x")
    assert sorted(response.get_json()["errors"]) == ["days", "hour_from", "labels", "site"]


def test_zones_of_another_study_are_refused(app, client, observed, small):
    with app.app_context():
        other_zone = db.session.get(Site, observed.sites["Bibliotheek Oost"]).zones[0].id
    response = get(client, small.token, f"zones={other_zone}")
    assert response.status_code == 400 and list(response.get_json()["errors"]) == ["zones"]


def test_messages_follow_the_user_and_labels_the_parameter(app, client, small):
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="ind-lead")).locale = "en"
        db.session.commit()
    response = get(client, small.token, "days=often")
    assert response.get_json()["errors"] == {"days": ["Choose all days, weekdays or the weekend."]}
    assert json_of(client, small.token)["mixing"][0]["label"] == "leeftijdsgroepen"
    assert json_of(client, small.token, "labels=en")["mixing"][0]["label"] == "age groups"
