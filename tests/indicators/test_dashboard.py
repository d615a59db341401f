"""The page bundles hold the same figures as the single indicators."""

from observations import indicators
from observations.indicators import Filters


def test_the_site_dashboard_forces_its_site(small):
    f = Filters(sites=(small.park.id,), days="weekday")
    page = indicators.site_dashboard(small.study, small.bieb, f)
    own = f.replace(sites=(small.bieb.id,))
    assert page.filters == own
    assert (page.totals.sessions, page.totals.hours, page.totals.encounters) == (1, 2.0, 4)
    assert page.totals == indicators.totals(small.study, own)
    assert page.rates_by_type == indicators.encounter_rates(small.study, own, "encounter_type")
    assert page.rates_by_intensity == indicators.encounter_rates(small.study, own, "intensity")
    assert page.familiarity_weekly == indicators.familiarity(small.study, own)
    assert page.mix["age"] == indicators.visitor_mix(small.study, own, "age")
    assert page.mix_by_window["company"] == indicators.visitor_mix_by_window(
        small.study, own, "company"
    )
    assert page.mixing == indicators.mixing(small.study, own)
    assert page.heat_map == indicators.heat_map(small.study, own)
    assert page.weekly == indicators.weekly(small.study, own)
    assert page.conditions == indicators.conditions(small.study, own)
    assert page.profile["hosting"] == "none"


def test_the_comparison_holds_every_place(small):
    page = indicators.comparison(small.study, Filters(), "neighbourhood")
    assert page.level == "neighbourhood"
    assert page.places == indicators.by_place(small.study, Filters(), "neighbourhood")
    assert page.totals == indicators.totals(small.study, Filters())
    assert page.familiarity_by_site == indicators.familiarity(small.study, Filters(), "site")
    assert set(page.mix) == set(indicators.CATEGORIES)


def test_the_old_overview_still_works(small):
    overview = indicators.site_overview(small.study)
    assert [row["site"].name for row in overview][:1] == ["Bieb"]
    assert indicators.recent_sessions(small.study, limit=1)[0]["encounters"] >= 0
