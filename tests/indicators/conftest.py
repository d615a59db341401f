"""The small study of the indicator tests, every figure of which is computed by hand.

Sites (Europe/Amsterdam, January 2026, UTC+1):
  Bieb (zones A1, A2; Noord, Almere), Park (B1; Noord, Almere), Markt (C1; Zuid, Rotterdam).
S1 Bieb, Mon 5 Jan 10:00–12:00, approved, no programme, quiet, zones A1 A2:
   e1 10:10 A1 greeting strangers v-v [across_ages]
   e2 10:20 A1 conversation acquaintances v-v [different_company]
   e3 11:05 A2 eye_contact recognised v-staff [across_ages, different_company]
   e4 11:30 A2 short_chat, no relation, no parties
   e5 11:40 A1 help strangers — retracted
   sc1 10:05 A1 age 0-14:2 25-64:3 65+:1, company alone:2 pair:4, [movable_seats]
   sc2 11:05 A1 age 25-64:2 unknown:2, company alone:1 group:3, []
   sc3 10:06 A2 age 25-64:4, company alone:4, []
   sc4 11:06 A2 age 65+:10 — retracted
S2 Bieb, Sat 17 Jan 14:00–15:30, pending, regular programme, busy, zone A1:
   e6 14:15 A1 joint_activity recognised v-v
   e7 15:10 A1 friction strangers v-v [across_ages]
   sc5 14:05 A1 age 15-24:3 65+:3, company pair:2 large_group:4, [movable_seats, staff_hosting]
S3 Park, Wed 7 Jan 09:00–10:00, has issues, no programme, crowding not recorded:
   e8 09:30 B1 greeting recognised v-v
S4 Markt, Thu 8 Jan 16:00–17:00, rejected: e9 16:30 C1 greeting strangers.
S5 Bieb, Tue 6 Jan from 10:00, never ended: e10. S6 Park, Tue 6 Jan 10:00–11:00, retracted: e11.
Profiles of Bieb: from 1 Jan hosting always, 12 movable seats, functions library + café;
from 15 Jan hosting none, 4 movable seats, functions library. Park and Markt have none.
"""

from types import SimpleNamespace

import pytest

from observations import studies
from observations.extensions import db
from tests import factories
from tests.indicators.builders import Builder, local


def build_small():
    """Create the small study; returns its objects by name."""
    study = studies.create_study("Indicators", "ind")
    fieldworker = factories.user("veldwerker", "fieldworker", study)
    b = Builder(study, fieldworker)
    bieb = b.site("Bieb", ["A1", "A2"], 0, "Noord", "Almere")
    park = b.site("Park", ["B1"], 1, "Noord", "Almere")
    markt = b.site("Markt", ["C1"], 2, "Zuid", "Rotterdam")
    a1, a2 = bieb.zones
    (b1,) = park.zones
    (c1,) = markt.zones
    b.profile(bieb, "2026-01-01", hosting="always", seating_movable=12,
              functions=["library", "cafe"])  # fmt: skip
    b.profile(bieb, "2026-01-15", hosting="none", seating_movable=4, functions=["library"])

    d = "2026-01-05"
    s1 = b.session(bieb, local(d, 10), local(d, 12), programme="none", crowding="quiet")
    b.encounter(s1, local(d, 10, 10), a1, "greeting", "strangers", flags=["across_ages"])
    b.encounter(s1, local(d, 10, 20), a1, "conversation", "acquaintances",
                flags=["different_company"])  # fmt: skip
    b.encounter(s1, local(d, 11, 5), a2, "eye_contact", "recognised", "visitor_staff",
                flags=["across_ages", "different_company"])  # fmt: skip
    b.encounter(s1, local(d, 11, 30), a2, "short_chat", None, None)
    b.encounter(s1, local(d, 11, 40), a1, "help", "strangers", retracted=True)
    b.scan(s1, local(d, 10, 5), a1,
           {"age": {"0-14": 2, "25-64": 3, "65+": 1}, "company": {"alone": 2, "pair": 4}},
           ["movable_seats"])  # fmt: skip
    b.scan(s1, local(d, 11, 5), a1,
           {"age": {"25-64": 2, "unknown": 2}, "company": {"alone": 1, "group": 3}})  # fmt: skip
    b.scan(s1, local(d, 10, 6), a2, {"age": {"25-64": 4}, "company": {"alone": 4}})
    b.scan(s1, local(d, 11, 6), a2, {"age": {"65+": 10}}, retracted=True)

    d = "2026-01-17"
    s2 = b.session(bieb, local(d, 14), local(d, 15, 30), [a1], review_state="pending",
                   programme="regular_programme", crowding="busy")  # fmt: skip
    b.encounter(s2, local(d, 14, 15), a1, "joint_activity", "recognised")
    b.encounter(s2, local(d, 15, 10), a1, "friction", "strangers", flags=["across_ages"])
    b.scan(s2, local(d, 14, 5), a1,
           {"age": {"15-24": 3, "65+": 3}, "company": {"pair": 2, "large_group": 4}},
           ["movable_seats", "staff_hosting"])  # fmt: skip

    d = "2026-01-07"
    s3 = b.session(park, local(d, 9), local(d, 10), review_state="has_issues", programme="none")
    b.encounter(s3, local(d, 9, 30), b1, "greeting", "recognised")

    d = "2026-01-08"
    s4 = b.session(markt, local(d, 16), local(d, 17), review_state="rejected")
    b.encounter(s4, local(d, 16, 30), c1, "greeting", "strangers")

    s5 = b.session(bieb, local("2026-01-06", 10), None)
    b.encounter(s5, local("2026-01-06", 10, 30), a1, "greeting", "strangers")
    s6 = b.session(park, local("2026-01-06", 10), local("2026-01-06", 11), retracted=True)
    b.encounter(s6, local("2026-01-06", 10, 30), b1, "greeting", "strangers")
    db.session.commit()
    return SimpleNamespace(
        study=study, builder=b, bieb=bieb, park=park, markt=markt,
        a1=a1, a2=a2, b1=b1, c1=c1, s1=s1, s2=s2, s3=s3, s4=s4,
    )  # fmt: skip


@pytest.fixture
def small(app):
    """The small study, inside an app context."""
    with app.app_context():
        yield build_small()
        db.session.rollback()


@pytest.fixture
def builder(app):
    """A builder on an empty study (for the DST and other special cases), in an app context."""
    with app.app_context():
        study = studies.create_study("Tijd", "tijd")
        fieldworker = factories.user("veldwerker", "fieldworker", study)
        db.session.commit()
        yield Builder(study, fieldworker)
        db.session.rollback()


@pytest.fixture(autouse=True, params=["facts", "records"])
def counted_from(request, app):
    """Every indicator test runs twice: over the indicator facts (what the pages read) and
    over the records themselves (what a zone filter reads), so that both count alike."""
    app.config["INDICATOR_FACTS"] = request.param == "facts"
    yield request.param
    app.config["INDICATOR_FACTS"] = True
