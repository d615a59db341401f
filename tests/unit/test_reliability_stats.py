"""The reliability statistics: Cohen's kappa, ICC(2,1), the Landis & Koch bands.

Checked against published worked examples with known results, against scikit-learn's
`cohen_kappa_score` and an independent two-rater form of ICC(A,1) computed with numpy, and on
the edge cases that must be named rather than crash or give NaN.
"""

import math
import random

import numpy as np
import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from observations.reliability.stats import (
    BANDS,
    LOW_AGREEMENT,
    cohen_kappa,
    icc_2_1,
    icc_2_1_table,
    is_low,
    landis_koch,
    share_within,
    within,
)

NOT_CODED = "<not coded>"  # what None becomes for scikit-learn, which cannot sort None and str


def table_pairs(table: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    """The pairs behind a contingency table {(first code, second code): count}."""
    return [pair for pair, count in table.items() for _ in range(count)]


def sklearn_kappa(pairs) -> float:
    first = [NOT_CODED if a is None else a for a, _ in pairs]
    second = [NOT_CODED if b is None else b for _, b in pairs]
    return float(cohen_kappa_score(first, second))


# --- Cohen's kappa: published examples --------------------------------------------------------


def test_kappa_two_categories_wikipedia_example():
    # Wikipedia, "Cohen's kappa", worked example: 50 grant proposals read by A and B; both
    # "yes" 20, both "no" 15, A yes / B no 5, A no / B yes 10: p_o = 0.70, p_e = 0.50, κ = 0.40.
    pairs = table_pairs({("yes", "yes"): 20, ("no", "no"): 15, ("yes", "no"): 5, ("no", "yes"): 10})
    result = cohen_kappa(pairs)
    assert result.case == "ok"
    assert result.pairs == 50
    assert result.categories == ("no", "yes")
    assert result.observed == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)
    assert landis_koch(result.kappa) == "fair"
    assert result.low


def test_kappa_three_categories_fleiss_example():
    # Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions (3rd ed., 2003),
    # ch. 18 (ch. 13 in Fleiss 1981, 2nd ed.): 100 subjects diagnosed by two diagnosticians as
    # psychotic, neurotic or organic; p_o = 0.89, p_e = 0.66, κ = 0.23 / 0.34 = 0.68.
    pairs = table_pairs(
        {
            ("psychotic", "psychotic"): 75,
            ("psychotic", "neurotic"): 1,
            ("psychotic", "organic"): 4,
            ("neurotic", "psychotic"): 5,
            ("neurotic", "neurotic"): 4,
            ("neurotic", "organic"): 1,
            ("organic", "organic"): 10,
        }
    )
    result = cohen_kappa(pairs)
    assert result.case == "ok"
    assert result.pairs == 100
    assert result.observed == pytest.approx(0.89)
    assert result.expected == pytest.approx(0.66)
    assert result.kappa == pytest.approx(0.23 / 0.34)
    assert round(result.kappa, 2) == 0.68
    assert landis_koch(result.kappa) == "substantial"
    assert not result.low


# --- Cohen's kappa: edge cases ----------------------------------------------------------------


def test_kappa_no_pairs():
    result = cohen_kappa([])
    assert (result.case, result.pairs, result.categories) == ("no_pairs", 0, ())
    assert result.kappa is None and result.observed is None and result.expected is None
    assert not result.low


def test_kappa_perfect_agreement():
    result = cohen_kappa([("a", "a"), ("b", "b"), ("a", "a"), (None, None)])
    assert result.case == "perfect"
    assert result.kappa == 1.0 and result.observed == 1.0
    assert result.expected == pytest.approx((2 * 2 + 1 + 1) / 16)
    assert result.categories == ("a", "b", None)


@pytest.mark.parametrize("code", ["stranger", None])
def test_kappa_single_category_is_undefined_not_nan(code):
    result = cohen_kappa([(code, code)] * 7)
    assert result.case == "single_category"
    assert result.kappa is None
    assert result.observed == 1.0
    assert result.categories == (code,)
    assert landis_koch(result.kappa) is None
    assert not result.low


def test_kappa_each_observer_one_different_category():
    # Each observer used one category, but not the same one: total disagreement, κ = 0.
    result = cohen_kappa([("a", "b")] * 4)
    assert result.case == "ok"
    assert result.observed == 0.0 and result.expected == 0.0 and result.kappa == 0.0


def test_kappa_not_coded_is_a_category_of_its_own():
    # A coded against an empty relation disagrees; two empty ones agree.
    result = cohen_kappa([("a", None), (None, None), ("a", "a"), ("b", "b")])
    assert result.categories == ("a", "b", None)
    assert result.observed == pytest.approx(0.75)
    assert result.kappa == pytest.approx(
        sklearn_kappa([("a", None), (None, None), ("a", "a"), ("b", "b")])
    )


# --- Cohen's kappa: against scikit-learn ------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_kappa_matches_scikit_learn_on_random_codings(seed):
    rng = random.Random(seed)
    categories = ["stranger", "recognised", "acquaintance", None][: 2 + seed % 3]
    weights = [rng.random() + 0.05 for _ in categories]
    pairs = []
    for _ in range(rng.randint(20, 300)):
        first = rng.choices(categories, weights)[0]
        # Copy the first observer's code most of the time, so kappa spans a useful range.
        second = first if rng.random() < seed / 8 else rng.choices(categories, weights)[0]
        pairs.append((first, second))
    result = cohen_kappa(pairs)
    assert result.case in {"ok", "perfect"}
    assert result.kappa == pytest.approx(sklearn_kappa(pairs), abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(*[st.sampled_from(["a", "b", "c", None])] * 2), min_size=1, max_size=40))
def test_kappa_matches_scikit_learn_wherever_defined(pairs):
    result = cohen_kappa(pairs)
    assert result.pairs == len(pairs)
    assert result.observed == pytest.approx(sum(a == b for a, b in pairs) / len(pairs))
    if result.case == "single_category":
        assert len({code for pair in pairs for code in pair}) == 1
        assert result.kappa is None
        return
    assert result.kappa is not None and not math.isnan(result.kappa)
    assert -1 <= result.kappa <= 1
    assert result.kappa == pytest.approx(sklearn_kappa(pairs), abs=1e-12)
    assert (result.case == "perfect") == (result.observed == 1)


# --- ICC(2,1) --------------------------------------------------------------------------------

# Shrout & Fleiss (1979), Psychological Bulletin 86(2):420-428, Table 2: six targets rated by
# four judges; ICC(2,1) = 0.29 (ICC(1,1) = 0.17, ICC(3,1) = 0.71).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_icc_shrout_fleiss_worked_example():
    assert round(icc_2_1_table(SHROUT_FLEISS), 2) == 0.29
    # The mean squares of their Table 3 (BMS 11.24, JMS 32.49, EMS 1.02), put into the formula.
    bms, jms, ems, n, k = 11.24, 32.49, 1.02, 6, 4
    published = (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n)
    assert icc_2_1_table(SHROUT_FLEISS) == pytest.approx(published, abs=0.002)


def two_rater_icc_reference(pairs) -> float:
    """ICC(A,1) for two raters from sample moments (numpy), not from an ANOVA table.

    With s_x², s_y², s_xy the (n - 1) variances and covariance and d the difference of means,
    the ANOVA form reduces for k = 2 to 2 s_xy / (s_x² + s_y² + d² - (s_x² + s_y² - 2 s_xy) / n).
    """
    values = np.array(pairs, dtype=float)
    n = len(values)
    (sxx, sxy), (_, syy) = np.cov(values[:, 0], values[:, 1], ddof=1)
    d = values[:, 0].mean() - values[:, 1].mean()
    return 2 * sxy / (sxx + syy + d**2 - (sxx + syy - 2 * sxy) / n)


@pytest.mark.parametrize("seed", range(8))
def test_icc_matches_independent_two_rater_reference(seed):
    rng = random.Random(seed)
    pairs = []
    for _ in range(rng.randint(3, 80)):
        true = rng.randint(0, 40)
        # A second observer who sees about the same, sometimes a few more (a bias).
        pairs.append((true + rng.randint(-3, 3), max(0, true + rng.randint(-3, 3) + seed % 3)))
    result = icc_2_1(pairs)
    assert result.case == "ok"
    assert result.icc == pytest.approx(two_rater_icc_reference(pairs), abs=1e-9)
    assert result.mean_abs_diff == pytest.approx(np.mean([abs(a - b) for a, b in pairs]))


def test_icc_absolute_agreement_punishes_a_constant_bias():
    # Perfectly correlated but one observer counts 5 more each time: consistency would be 1,
    # absolute agreement is lower.
    pairs = [(value, value + 5) for value in (0, 4, 8, 12, 16)]
    result = icc_2_1(pairs)
    assert result.case == "ok"
    assert result.icc == pytest.approx(two_rater_icc_reference(pairs))
    assert result.icc < 0.9
    assert result.mean_abs_diff == 5


def test_icc_no_pairs():
    result = icc_2_1([])
    assert (result.case, result.pairs) == ("no_pairs", 0)
    assert result.icc is None and result.mean_abs_diff is None and result.share_within is None
    assert not result.perfect


def test_icc_one_pair_is_too_few_but_plain_figures_are_given():
    result = icc_2_1([(10, 12)])
    assert (result.case, result.pairs, result.icc) == ("too_few", 1, None)
    assert result.mean_abs_diff == 2
    assert result.share_within == 0.0  # 2 > 10 % of 11


def test_icc_no_variance_states_perfect_agreement():
    result = icc_2_1([(3, 3)] * 5)
    assert result.case == "no_variance"
    assert result.icc is None
    assert result.perfect
    assert result.mean_abs_diff == 0 and result.share_within == 1.0
    assert not result.low


def test_icc_equal_pairs_with_variance_is_one():
    result = icc_2_1([(0, 0), (3, 3), (10, 10)])
    assert result.case == "ok"
    assert result.icc == pytest.approx(1.0)
    assert result.perfect


def test_icc_zero_denominator_is_named():
    # Row means and rater means all equal with two targets: MSR + MSE + 2 (MSC - MSE) / 2 = 0.
    result = icc_2_1([(1, 2), (2, 1)])
    assert (result.case, result.icc) == ("undefined", None)
    assert result.mean_abs_diff == 1


def test_icc_can_fall_below_minus_one_and_is_still_banded():
    result = icc_2_1([(0, 10), (10, 0), (5, 5)])
    assert result.case == "ok"
    assert result.icc == pytest.approx(-3.0)
    assert landis_koch(result.icc) == "poor" and result.low


def test_icc_table_needs_a_full_table():
    with pytest.raises(ValueError):
        icc_2_1_table([[1, 2], [3]])
    assert icc_2_1_table([[1, 2]]) is None
    assert icc_2_1_table([[1], [2]]) is None


# --- Share within ±10 % -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (0, 0, True),  # two zeros agree
        (0, 1, False),
        (10, 11, True),  # 1 <= 1.05
        (9, 10, False),  # 1 > 0.95
        (19, 21, True),  # 2 == 2.0: the bound is inclusive
        (100, 110, True),
        (100, 112, False),
    ],
)
def test_within_ten_percent_of_the_mean(a, b, agree):
    assert within(a, b) is agree
    assert within(b, a) is agree


def test_share_within():
    assert share_within([]) is None
    assert share_within([(0, 0), (0, 1), (10, 11), (9, 10)]) == 0.5
    assert share_within([(9, 10)], tolerance=0.2) == 1.0
    assert icc_2_1([(0, 0), (0, 1), (10, 11), (9, 10)], tolerance=0.2).share_within == 0.75


# --- Landis & Koch ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kappa", "band"),
    [
        (-1.0, "poor"),
        (-0.01, "poor"),
        (-0.004, "slight"),  # shown as 0.00
        (0.0, "slight"),
        (0.20, "slight"),
        (0.204, "slight"),  # shown as 0.20
        (0.206, "fair"),  # shown as 0.21
        (0.21, "fair"),
        (0.40, "fair"),
        (0.41, "moderate"),
        (0.60, "moderate"),
        (0.61, "substantial"),
        (0.80, "substantial"),
        (0.81, "almost_perfect"),
        (1.0, "almost_perfect"),
        (0.1 + 0.2 + 0.3, "moderate"),  # 0.6000000000000001 is shown as 0.60
    ],
)
def test_landis_koch_boundaries(kappa, band):
    assert landis_koch(kappa) == band


def test_landis_koch_rejects_what_is_no_coefficient():
    assert landis_koch(None) is None
    for value in (float("nan"), 1.01):
        with pytest.raises(ValueError):
            landis_koch(value)


@pytest.mark.parametrize(
    ("value", "low"),
    [
        (None, False),
        (0.59, True),
        (0.594, True),
        (0.596, False),
        (0.6, False),
        (0.9, False),
        (-0.2, True),
    ],
)
def test_low_agreement_flag(value, low):
    assert LOW_AGREEMENT == 0.6
    assert is_low(value) is low


def test_band_labels_are_lazy_and_cover_every_band():
    codes = {landis_koch(value / 100) for value in range(-100, 101)}
    assert (
        codes
        == set(BANDS)
        == {"poor", "slight", "fair", "moderate", "substantial", "almost_perfect"}
    )
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context(), force_locale("en"):
        assert str(BANDS["almost_perfect"]) == "almost perfect"
        assert str(BANDS["poor"]) == "poor"
