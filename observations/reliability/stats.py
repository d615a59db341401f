"""Agreement between two observers: Cohen's kappa, ICC(2,1) and the Landis & Koch bands.

Plain functions over plain values (no database, no request). Where a statistic is undefined
the result names the case (`no_pairs`, `single_category`, `no_variance`, …) and holds None
instead of raising or returning NaN, so that a page or a JSON export can say why.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# A kappa or ICC below this is flagged as low agreement (compared at two decimals, as shown).
LOW_AGREEMENT = 0.6
# Totals of a pair "agree" when they differ by at most this share of their mean.
DEFAULT_TOLERANCE = 0.10

# Landis & Koch (1977), Biometrics 33:159-174: upper bounds (inclusive, two decimals) per band.
_BAND_LIMITS = (
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.00, "almost_perfect"),
)
BANDS = {
    "poor": _l("poor"),
    "slight": _l("slight"),
    "fair": _l("fair"),
    "moderate": _l("moderate"),
    "substantial": _l("substantial"),
    "almost_perfect": _l("almost perfect"),
}


@dataclass(frozen=True)
class Agreement:
    """Cohen's kappa between two observers on one categorical coding.

    `case` is "no_pairs" (nothing to compare: every figure None), "single_category" (both
    observers used one and the same category throughout: agreement 1.0, kappa undefined so
    None), "perfect" (every pair agrees, more than one category: kappa 1.0) or "ok".
    `categories` lists the categories either observer used, sorted, "not coded" (None) last.
    """

    kappa: float | None
    observed: float | None
    expected: float | None
    pairs: int
    categories: tuple[str | None, ...]
    case: str

    @property
    def low(self) -> bool:
        """Whether kappa is defined and below LOW_AGREEMENT."""
        return is_low(self.kappa)


@dataclass(frozen=True)
class Icc:
    """ICC(2,1) between two observers' counts, with the plainer figures SOPARC studies report.

    `mean_abs_diff` is the mean of |a - b|; `share_within` the share of pairs whose values
    differ by at most `tolerance` times their mean (see `within`). `case` is "no_pairs" (every
    figure None), "too_few" (one pair: no ICC, the plain figures are given), "no_variance"
    (every value equal: ICC undefined so None, yet agreement is perfect: `perfect` is True),
    "undefined" (the ANOVA denominator is zero, e.g. the pairs (1, 2) and (2, 1)) or "ok".
    """

    icc: float | None
    mean_abs_diff: float | None
    share_within: float | None
    tolerance: float
    pairs: int
    case: str

    @property
    def perfect(self) -> bool:
        """Whether every pair holds two equal values."""
        return self.pairs > 0 and self.mean_abs_diff == 0

    @property
    def low(self) -> bool:
        """Whether the ICC is defined and below LOW_AGREEMENT."""
        return is_low(self.icc)


def _category_key(category: str | None) -> tuple[bool, str]:
    return (category is None, category or "")


def cohen_kappa(pairs: Sequence[tuple[str | None, str | None]]) -> Agreement:
    """Cohen's (1960) unweighted kappa over (first observer's code, second observer's code).

    A missing code (None) is a category of its own, "not coded": one observer coding an
    encounter's relation and the other leaving it empty is a disagreement, and two empty
    codes agree. Leave such pairs out before calling if "not coded" should not count.

    kappa = (p_o - p_e) / (1 - p_e), with p_o the share of pairs that agree and p_e the sum
    over categories of the product of the two observers' shares of that category.
    """
    n = len(pairs)
    if n == 0:
        return Agreement(None, None, None, 0, (), "no_pairs")
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    categories = tuple(sorted(first.keys() | second.keys(), key=_category_key))
    observed = sum(1 for a, b in pairs if a == b) / n
    expected = sum(first[c] * second[c] for c in categories) / (n * n)
    if len(categories) == 1:
        return Agreement(None, 1.0, 1.0, n, categories, "single_category")
    if observed == 1:
        return Agreement(1.0, 1.0, expected, n, categories, "perfect")
    kappa = (observed - expected) / (1 - expected)
    return Agreement(kappa, observed, expected, n, categories, "ok")


def icc_2_1_table(ratings: Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1) of n targets (rows) each rated by the same k raters (columns).

    Two-way random effects, absolute agreement, single rater: Shrout & Fleiss (1979) ICC(2,1),
    McGraw & Wong (1996) ICC(A,1), from the two-way ANOVA mean squares:

        (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)

    with MSR between targets, MSC between raters and MSE the residual. None when undefined
    (fewer than two targets or raters, or a denominator of zero).
    """
    n = len(ratings)
    k = len(ratings[0]) if n else 0
    if any(len(row) != k for row in ratings):
        raise ValueError("every target needs a rating from every rater")
    if n < 2 or k < 2:
        return None
    grand = sum(sum(row) for row in ratings) / (n * k)
    row_means = [sum(row) / k for row in ratings]
    column_means = [sum(row[j] for row in ratings) / n for j in range(k)]
    total = sum((value - grand) ** 2 for row in ratings for value in row)
    between_rows = k * sum((mean - grand) ** 2 for mean in row_means)
    between_columns = n * sum((mean - grand) ** 2 for mean in column_means)
    residual = max(total - between_rows - between_columns, 0.0)
    msr = between_rows / (n - 1)
    msc = between_columns / (k - 1)
    mse = residual / ((n - 1) * (k - 1))
    denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    if abs(denominator) <= 1e-12 * max(1.0, msr, msc, mse):
        return None
    return (msr - mse) / denominator


def within(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Whether two totals agree: |a - b| at most `tolerance` times their mean (inclusive).

    Two zeros agree (0 differs from 0 by 0 % of anything); a zero against any other count
    does not.
    """
    margin = tolerance * abs(a + b) / 2
    return abs(a - b) <= margin + 1e-9 * max(1.0, margin)


def share_within(
    pairs: Sequence[tuple[float, float]], tolerance: float = DEFAULT_TOLERANCE
) -> float | None:
    """The share of pairs whose totals agree within ±tolerance of their mean; None if none."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if within(a, b, tolerance)) / len(pairs)


def icc_2_1(pairs: Sequence[tuple[float, float]], tolerance: float = DEFAULT_TOLERANCE) -> Icc:
    """ICC(2,1) and the plain agreement figures of two observers' counts, one pair per scan."""
    n = len(pairs)
    if n == 0:
        return Icc(None, None, None, tolerance, 0, "no_pairs")
    mean_abs_diff = sum(abs(a - b) for a, b in pairs) / n
    share = share_within(pairs, tolerance)
    if n < 2:
        return Icc(None, mean_abs_diff, share, tolerance, n, "too_few")
    if len({value for pair in pairs for value in pair}) == 1:
        return Icc(None, mean_abs_diff, share, tolerance, n, "no_variance")
    icc = icc_2_1_table(pairs)
    return Icc(icc, mean_abs_diff, share, tolerance, n, "undefined" if icc is None else "ok")


def _two_decimals(value: float) -> float:
    # Kappa lies in [-1, 1]; a sample ICC(2,1) is at most 1 but can fall below -1.
    if value != value or value > 1.000001:
        raise ValueError(f"an agreement coefficient is at most 1, not {value}")
    return round(value, 2)


def landis_koch(kappa: float | None) -> str | None:
    """The Landis & Koch (1977) band of a kappa (or ICC) as shown, at two decimals.

    poor (< 0), slight (0-0.20), fair (0.21-0.40), moderate (0.41-0.60), substantial
    (0.61-0.80), almost_perfect (0.81-1.00); None for an undefined kappa. Labels: BANDS.
    """
    if kappa is None:
        return None
    shown = _two_decimals(kappa)
    if shown < 0:
        return "poor"
    return next(band for limit, band in _BAND_LIMITS if shown <= limit)


def is_low(value: float | None) -> bool:
    """Whether a defined kappa or ICC is below LOW_AGREEMENT (at two decimals, as shown)."""
    return value is not None and _two_decimals(value) < LOW_AGREEMENT
