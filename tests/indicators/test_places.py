"""The figures per site, neighbourhood and city."""

import pytest

from observations import indicators
from observations.indicators import Filters


def test_by_site_in_the_studys_order_also_without_data(small):
    bieb, park, markt = indicators.by_place(small.study, Filters())
    assert [(p.key, p.label, p.site_ids) for p in (bieb, park, markt)] == [
        (str(small.bieb.id), "Bieb", (small.bieb.id,)),
        (str(small.park.id), "Park", (small.park.id,)),
        (str(small.markt.id), "Markt", (small.markt.id,)),
    ]
    assert (bieb.totals.sessions, bieb.totals.hours, bieb.totals.encounters) == (2, 3.5, 6)
    assert bieb.familiar_share == pytest.approx(3 / 5)
    assert (bieb.mixing_age.cross, bieb.mixing_age.encounters) == (3, 6)
    assert bieb.mixing_age.blau == pytest.approx(214 / 306)
    assert (bieb.mixing_company.cross, bieb.mixing_company.share) == (2, pytest.approx(2 / 6))
    assert bieb.mix_age.total == 20
    # The profile valid today: the second version, cleaned to the checklist.
    assert bieb.profile["hosting"] == "none"
    assert bieb.profile["seating_movable"] == 4
    assert bieb.profile["functions"] == ["library"]
    assert bieb.profile["light"] is None
    assert (park.totals.encounters, park.familiar_share) == (1, 1.0)
    assert park.mixing_age.blau is None and park.mixing_age.ratio is None
    assert park.profile is None
    assert (markt.totals.sessions, markt.totals.hours, markt.totals.encounters) == (0, 0.0, 0)
    assert markt.familiar_share is None and markt.mixing_age.share is None


def test_by_neighbourhood_and_city(small):
    noord, zuid = indicators.by_place(small.study, Filters(), "neighbourhood")
    assert (noord.key, noord.label, set(noord.site_ids)) == (
        "Noord",
        "Noord",
        {small.bieb.id, small.park.id},
    )
    assert (noord.totals.sessions, noord.totals.hours, noord.totals.encounters) == (3, 4.5, 7)
    assert noord.familiar_share == pytest.approx(4 / 6)
    assert noord.mixing_age.share == pytest.approx(3 / 7)
    assert noord.profile is None
    assert (zuid.key, zuid.totals.encounters) == ("Zuid", 0)
    cities = indicators.by_place(small.study, Filters(), "city")
    assert [(c.key, c.totals.encounters) for c in cities] == [("Almere", 7), ("Rotterdam", 0)]


def test_places_follow_the_filters(small):
    rows = indicators.by_place(small.study, Filters(review=("rejected",)), "city")
    assert [(c.key, c.totals.encounters) for c in rows] == [("Almere", 0), ("Rotterdam", 1)]
    (only,) = indicators.by_place(small.study, Filters(sites=(small.park.id,)))
    assert only.label == "Park"


def test_an_unknown_level_is_refused(small):
    with pytest.raises(ValueError):
        indicators.by_place(small.study, Filters(), "province")
