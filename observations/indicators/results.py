"""The values indicators return: frozen dataclasses of plain numbers and codes.

Formulas (the pages show them):
- rate = encounters / observed hours; `thin` when fewer than THIN_HOURS hours lie behind it.
- Blau (Gini–Simpson) = 1 − Σ pᵢ²; corrected Blau = N/(N−1) · Blau (the chance that two people
  drawn without replacement differ); Shannon H = −Σ pᵢ ln pᵢ (natural log).
- mixing share = E / (E + I), E = encounters with the flag, I = those without;
  ratio = share / corrected Blau of the visitor mix of that dimension (1 = as random mixing of
  the people present would give); E-I index = (E − I) / (E + I).
"""

import math
from dataclasses import dataclass, field

from .filters import Filters

THIN_HOURS = 2.0


@dataclass(frozen=True)
class Rate:
    """Encounters per observed hour, with the hours behind the figure."""

    encounters: int
    hours: float

    @property
    def per_hour(self) -> float | None:
        """Encounters per hour; None without observed hours."""
        return self.encounters / self.hours if self.hours else None

    @property
    def thin(self) -> bool:
        """Fewer than THIN_HOURS observed hours: the page shows the figure as thin evidence."""
        return self.hours < THIN_HOURS


@dataclass(frozen=True)
class Totals:
    """Sessions, observed hours and encounters within the filters."""

    sessions: int
    hours: float
    encounters: int
    rate: Rate


def blau(counts: dict[str, int]) -> float | None:
    """1 − Σ p² (Gini–Simpson); None when there is nobody."""
    total = sum(counts.values())
    if total == 0:
        return None
    return 1.0 - sum((n / total) ** 2 for n in counts.values())


def blau_corrected(counts: dict[str, int]) -> float | None:
    """N/(N−1) · Blau: unbiased for a sample of N people; None when N < 2."""
    total = sum(counts.values())
    if total < 2:
        return None
    return total / (total - 1) * blau(counts)


def shannon(counts: dict[str, int]) -> float | None:
    """−Σ p ln p over the codes present; None when there is nobody."""
    total = sum(counts.values())
    if total == 0:
        return None
    return -sum(n / total * math.log(n / total) for n in counts.values() if n)


@dataclass(frozen=True)
class Shares:
    """A composition (code → count, codebook order, unseen codes 0) with its diversity."""

    counts: dict[str, int]
    total: int
    blau: float | None
    blau_corrected: float | None
    shannon: float | None

    @classmethod
    def of(cls, codes: list[str] | tuple[str, ...], counts: dict[str, int]) -> "Shares":
        """The composition over `codes` in that order; counts of codes not listed are added last."""
        ordered = {code: int(counts.get(code, 0)) for code in codes}
        ordered |= {code: int(n) for code, n in counts.items() if code not in ordered}
        return cls(
            counts=ordered,
            total=sum(ordered.values()),
            blau=blau(ordered),
            blau_corrected=blau_corrected(ordered),
            shannon=shannon(ordered),
        )

    def share(self, code: str) -> float | None:
        """The share of one code; None when the total is 0."""
        return self.counts.get(code, 0) / self.total if self.total else None


@dataclass(frozen=True)
class Familiarity:
    """Encounters by apparent relation for one week (ISO "2026-W40") or one site (id as str)."""

    key: str
    strangers: int
    recognised: int
    acquaintances: int
    unknown: int
    hours: float

    @property
    def coded(self) -> int:
        """Encounters whose relation was coded."""
        return self.strangers + self.recognised + self.acquaintances

    @property
    def familiar_share(self) -> float | None:
        """(recognised + acquaintances) / coded encounters; None when none was coded."""
        return (self.recognised + self.acquaintances) / self.coded if self.coded else None


@dataclass(frozen=True)
class Mixing:
    """Cross-group encounters on one dimension ("age" or "company") against random mixing."""

    dimension: str
    encounters: int
    cross: int
    share: float | None
    blau: float | None
    ratio: float | None
    ei_index: float | None

    @classmethod
    def of(cls, dimension: str, encounters: int, cross: int, blau: float | None) -> "Mixing":
        """The figures from E + I encounters, E of them cross-group, and the corrected Blau."""
        share = cross / encounters if encounters else None
        return cls(
            dimension=dimension,
            encounters=encounters,
            cross=cross,
            share=share,
            blau=blau,
            ratio=share / blau if share is not None and blau else None,
            ei_index=(2 * cross - encounters) / encounters if encounters else None,
        )


@dataclass(frozen=True)
class ConditionRow:
    """The encounter rate under one level of one condition."""

    factor: str
    level: str
    rate: Rate


@dataclass(frozen=True)
class PlaceRow:
    """One site, neighbourhood or city with its headline figures."""

    key: str
    label: str
    site_ids: tuple[int, ...]
    totals: Totals
    familiar_share: float | None
    mixing_age: Mixing
    mixing_company: Mixing
    mix_age: Shares
    profile: dict | None


@dataclass(frozen=True)
class SiteDashboard:
    """Everything the site page shows.

    Beyond the contract: `rates_by_parties`, `rates_by_relation` (as `encounter_rates`) and
    `profile` (the site's profile valid today, cleaned; None without one).
    `mix_by_window` is {category: {window: Shares}}.
    """

    site_id: int
    filters: Filters
    totals: Totals
    rates_by_type: dict[str, Rate]
    rates_by_intensity: dict[str, Rate]
    familiarity_weekly: list[Familiarity]
    mix: dict[str, Shares]
    mix_by_window: dict[str, dict[str, Shares]]
    mixing: dict[str, Mixing]
    heat_map: dict[tuple[int, int], Rate]
    weekly: list[tuple[str, Rate, Familiarity]]
    conditions: list[ConditionRow]
    rates_by_parties: dict[str, Rate] = field(default_factory=dict)
    rates_by_relation: dict[str, Rate] = field(default_factory=dict)
    profile: dict | None = None


@dataclass(frozen=True)
class Comparison:
    """Everything the cross-site page shows: the figures of all places together, and `places`.

    Beyond the contract: `rates_by_parties`, `rates_by_relation` and `familiarity_by_site`
    (as `familiarity(per="site")`).
    """

    level: str
    filters: Filters
    totals: Totals
    rates_by_type: dict[str, Rate]
    rates_by_intensity: dict[str, Rate]
    familiarity_weekly: list[Familiarity]
    mix: dict[str, Shares]
    mix_by_window: dict[str, dict[str, Shares]]
    mixing: dict[str, Mixing]
    heat_map: dict[tuple[int, int], Rate]
    weekly: list[tuple[str, Rate, Familiarity]]
    conditions: list[ConditionRow]
    places: list[PlaceRow]
    rates_by_parties: dict[str, Rate] = field(default_factory=dict)
    rates_by_relation: dict[str, Rate] = field(default_factory=dict)
    familiarity_by_site: list[Familiarity] = field(default_factory=list)
