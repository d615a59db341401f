"""The visitor mix from scans, its diversity, its time windows, and mixing."""

import math

import pytest

from observations import indicators
from observations.indicators import Filters

AGE = {"0-14": 2, "15-24": 3, "25-64": 9, "65+": 4, "unknown": 2}  # sc1–sc3, sc5 (sc4 retracted)


def test_the_age_mix_with_blau_corrected_blau_and_shannon(small):
    mix = indicators.visitor_mix(small.study, Filters(), "age")
    assert mix.counts == AGE
    assert mix.total == 20
    assert mix.blau == pytest.approx(1 - (4 + 9 + 81 + 16 + 4) / 400)  # 0.715
    assert mix.blau_corrected == pytest.approx(20 / 19 * 0.715)
    shares = [n / 20 for n in AGE.values()]
    assert mix.shannon == pytest.approx(-sum(p * math.log(p) for p in shares))
    assert mix.share("25-64") == 0.45


def test_the_company_mix_lists_codes_never_seen_as_zero(small):
    mix = indicators.visitor_mix(small.study, Filters(), "company")
    assert mix.counts == {"alone": 7, "pair": 6, "group": 3, "large_group": 4}
    gender = indicators.visitor_mix(small.study, Filters(), "gender")
    assert gender.counts == {"man": 0, "woman": 0, "unknown": 0}
    assert gender.blau is None


def test_the_mix_per_time_window(small):
    windows = indicators.visitor_mix_by_window(small.study, Filters(), "age")
    assert list(windows) == ["morning", "afternoon", "evening"]
    assert windows["morning"].counts == {"0-14": 2, "15-24": 0, "25-64": 9, "65+": 1, "unknown": 2}
    afternoon = {"0-14": 0, "15-24": 3, "25-64": 0, "65+": 3, "unknown": 0}
    assert windows["afternoon"].counts == afternoon
    assert windows["evening"].total == 0


def test_scans_follow_the_zone_and_review_filters(small):
    assert indicators.visitor_mix(small.study, Filters(zones=(small.a2.id,)), "age").counts == {
        "0-14": 0,
        "15-24": 0,
        "25-64": 4,
        "65+": 0,
        "unknown": 0,
    }
    assert indicators.visitor_mix(small.study, Filters(review=("pending",)), "age").total == 6


def test_mixing_against_the_blau_of_the_people_present(small):
    mixing = indicators.mixing(small.study, Filters())
    age, company = mixing["age"], mixing["company"]
    # e1, e3, e7 cross ages (e5 is retracted) of 7 encounters
    assert (age.encounters, age.cross) == (7, 3)
    assert age.share == pytest.approx(3 / 7)
    # Blau of the known ages 2, 3, 9, 4 (N = 18), corrected: 18/17 · (1 − 110/324) = 214/306
    assert age.blau == pytest.approx(214 / 306)
    assert age.ratio == pytest.approx((3 / 7) / (214 / 306))
    assert age.ei_index == pytest.approx((3 - 4) / 7)
    # e2, e3 between different company; company 7, 6, 3, 4 (N = 20): 20/19 · 290/400 = 29/38
    assert (company.cross, company.share) == (2, pytest.approx(2 / 7))
    assert company.blau == pytest.approx(29 / 38)
    assert company.ratio == pytest.approx((2 / 7) / (29 / 38))
    assert company.ei_index == pytest.approx(-3 / 7)


def test_an_unknown_category_is_refused(small):
    with pytest.raises(ValueError):
        indicators.visitor_mix(small.study, Filters(), "posture")
