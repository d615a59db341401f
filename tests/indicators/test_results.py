"""The formulas behind the figures, on numbers worked out by hand."""

import math

import pytest

from observations.indicators import Familiarity, Mixing, Rate, Shares


def test_a_rate_is_encounters_per_hour_and_thin_below_two_hours():
    assert Rate(7, 3.5).per_hour == 2.0
    assert Rate(3, 0.0).per_hour is None
    assert Rate(3, 1.99).thin and not Rate(3, 2.0).thin


def test_shares_give_blau_its_correction_and_shannon():
    shares = Shares.of(["a", "b", "c"], {"a": 2, "b": 2})
    assert shares.counts == {"a": 2, "b": 2, "c": 0}
    assert shares.total == 4
    assert shares.blau == pytest.approx(0.5)
    assert shares.blau_corrected == pytest.approx(4 / 3 * 0.5)
    assert shares.shannon == pytest.approx(math.log(2))
    assert shares.share("a") == 0.5 and shares.share("c") == 0.0


def test_shares_keep_codes_outside_the_list_at_the_end():
    shares = Shares.of(["a"], {"z": 1, "a": 3})
    assert list(shares.counts) == ["a", "z"]
    assert shares.blau == pytest.approx(1 - (9 + 1) / 16)


def test_empty_and_single_person_compositions_have_no_index():
    empty = Shares.of(["a", "b"], {})
    assert (empty.total, empty.blau, empty.blau_corrected, empty.shannon) == (0, None, None, None)
    assert empty.share("a") is None
    single = Shares.of(["a", "b"], {"a": 1})
    assert single.blau == 0.0 and single.blau_corrected is None and single.shannon == 0.0


def test_mixing_share_ratio_and_ei_index():
    mixing = Mixing.of("age", encounters=8, cross=2, blau=0.5)
    assert mixing.share == 0.25
    assert mixing.ratio == 0.5
    assert mixing.ei_index == (2 - 6) / 8


def test_mixing_without_encounters_or_diversity_has_no_ratio():
    assert Mixing.of("age", 0, 0, 0.5).share is None
    assert Mixing.of("age", 0, 0, 0.5).ei_index is None
    assert Mixing.of("age", 4, 1, None).ratio is None
    assert Mixing.of("age", 4, 1, 0.0).ratio is None


def test_familiar_share_counts_only_coded_relations():
    week = Familiarity("2026-W02", strangers=1, recognised=2, acquaintances=1, unknown=5, hours=3)
    assert week.familiar_share == 0.75
    assert Familiarity("x", 0, 0, 0, 4, 1.0).familiar_share is None
