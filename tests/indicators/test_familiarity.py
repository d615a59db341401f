"""Familiarity per week and per site, and the weekly trend."""

from observations import indicators
from observations.indicators import Familiarity, Filters, Rate


def test_familiarity_per_local_iso_week(small):
    weeks = indicators.familiarity(small.study, Filters())
    assert weeks == [
        # S1 (Mon 5 Jan) and S3 (Wed 7 Jan): e1 strangers, e2 acquaintances, e3 e8 recognised
        Familiarity("2026-W02", strangers=1, recognised=2, acquaintances=1, unknown=1, hours=3.0),
        # S2 (Sat 17 Jan): e6 recognised, e7 strangers
        Familiarity("2026-W03", strangers=1, recognised=1, acquaintances=0, unknown=0, hours=1.5),
    ]
    assert weeks[0].familiar_share == 0.75
    assert weeks[1].familiar_share == 0.5


def test_familiarity_per_site_in_the_studys_order(small):
    sites = indicators.familiarity(small.study, Filters(), per="site")
    bieb, park = str(small.bieb.id), str(small.park.id)
    assert sites == [
        Familiarity(bieb, strangers=2, recognised=2, acquaintances=1, unknown=1, hours=3.5),
        Familiarity(park, strangers=0, recognised=1, acquaintances=0, unknown=0, hours=1.0),
    ]
    assert sites[0].familiar_share == 0.6


def test_the_weekly_trend(small):
    weekly = indicators.weekly(small.study, Filters())
    assert [(key, rate) for key, rate, _ in weekly] == [
        ("2026-W02", Rate(5, 3.0)),
        ("2026-W03", Rate(2, 1.5)),
    ]
    assert weekly[1][2].strangers == 1


def test_a_week_is_the_local_one(builder):
    """Sunday 23:30 local is Sunday 22:30 UTC; Monday 0:30 local is still Sunday in UTC."""
    from tests.indicators.builders import local

    site = builder.site("Plein", ["Z"])
    (zone,) = site.zones
    session = builder.session(site, local("2026-01-11", 23), local("2026-01-12", 1))
    builder.encounter(session, local("2026-01-11", 23, 30), zone, "greeting", "strangers")
    builder.encounter(session, local("2026-01-12", 0, 30), zone, "greeting", "recognised")
    weeks = indicators.familiarity(builder.study, Filters())
    assert [(w.key, w.strangers, w.recognised, w.hours) for w in weeks] == [
        ("2026-W02", 1, 0, 1.0),
        ("2026-W03", 0, 1, 1.0),
    ]
