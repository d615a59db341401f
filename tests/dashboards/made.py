"""Hand-made indicator results for testing the charts and pages without a database full of
observations: every kind of figure, a thin one among them, and a name that needs escaping."""

from observations.indicators import (
    Comparison,
    ConditionRow,
    Familiarity,
    Filters,
    Mixing,
    PlaceRow,
    Rate,
    Shares,
    SiteDashboard,
    Totals,
)

TYPES = (
    "eye_contact",
    "greeting",
    "short_chat",
    "conversation",
    "help",
    "joint_activity",
    "friction",
)
AGES = ("0-14", "15-24", "25-64", "65+", "unknown")


def _shares(codes, counts) -> Shares:
    return Shares.of(codes, dict(zip(codes, counts, strict=True)))


def site_dashboard(site_id: int = 1) -> SiteDashboard:
    """A site with 12.5 observed hours, a thin week and a thin condition."""
    hours = 12.5
    types = dict(zip(TYPES, (20, 31, 12, 6, 3, 2, 1), strict=True))
    weeks = [
        Familiarity("2026-W40", 10, 6, 2, 1, 4.0),
        Familiarity("2026-W41", 8, 9, 4, 0, 7.0),
        Familiarity("2026-W42", 2, 1, 1, 0, 1.5),
    ]
    mix = {
        "age": _shares(AGES, (14, 10, 40, 12, 4)),
        "gender": _shares(("man", "woman", "unknown"), (35, 40, 5)),
        "company": _shares(("alone", "pair", "group", "large_group"), (30, 28, 20, 2)),
        "role": _shares(("visitor", "staff", "trader"), (70, 8, 2)),
        "regular": _shares(("regular", "new", "unknown"), (30, 20, 30)),
    }
    windows = {
        c: {
            "morning": _shares(list(s.counts), [n // 2 for n in s.counts.values()]),
            "afternoon": _shares(list(s.counts), [n - n // 2 for n in s.counts.values()]),
            "evening": _shares(list(s.counts), [0 for _ in s.counts]),
        }
        for c, s in mix.items()
    }
    return SiteDashboard(
        site_id=site_id,
        filters=Filters(sites=(site_id,)),
        totals=Totals(5, hours, 75, Rate(75, hours)),
        rates_by_type={code: Rate(n, hours) for code, n in types.items()},
        rates_by_intensity={
            "fleeting": Rate(51, hours),
            "brief": Rate(15, hours),
            "sustained": Rate(8, hours),
            "friction": Rate(1, hours),
        },
        familiarity_weekly=weeks,
        mix=mix,
        mix_by_window=windows,
        mixing={
            "age": Mixing.of("age", 60, 21, 0.62),
            "company": Mixing.of("company", 60, 12, 0.7),
        },
        heat_map={
            (1, 10): Rate(6, 2.0),
            (1, 11): Rate(9, 2.0),
            (3, 14): Rate(12, 3.0),
            (6, 11): Rate(20, 4.0),
            (6, 12): Rate(3, 1.0),
            (7, 16): Rate(25, 0.5),
        },
        weekly=[(w.key, Rate(20 + i * 5, w.hours), w) for i, w in enumerate(weeks)],
        conditions=[
            ConditionRow("programme", "running", Rate(30, 4.0)),
            ConditionRow("programme", "none", Rate(45, 8.5)),
            ConditionRow("crowding", "quiet", Rate(5, 1.5)),
            ConditionRow("crowding", "busy", Rate(70, 11.0)),
            ConditionRow("zone:movable_seats", "yes", Rate(40, 5.0)),
            ConditionRow("zone:movable_seats", "no", Rate(35, 7.5)),
            ConditionRow("profile:hosting", "always", Rate(75, 12.5)),
        ],
    )


def comparison(level: str = "site") -> Comparison:
    """Two places, one of them on thin evidence and with a name that needs escaping."""
    board = site_dashboard()
    places = [
        PlaceRow(
            key="1",
            label="Bibliotheek <b>&amp; Co</b>",
            site_ids=(1,),
            totals=Totals(5, 12.5, 75, Rate(75, 12.5)),
            familiar_share=0.55,
            mixing_age=Mixing.of("age", 60, 21, 0.62),
            mixing_company=Mixing.of("company", 60, 12, 0.7),
            mix_age=board.mix["age"],
            profile={"seating_movable": 12, "hosting": "always", "functions": ["library", "cafe"]}
            if level == "site"
            else None,
        ),
        PlaceRow(
            key="2",
            label="Wijkpark",
            site_ids=(2,),
            totals=Totals(1, 1.25, 4, Rate(4, 1.25)),
            familiar_share=None,
            mixing_age=Mixing.of("age", 0, 0, None),
            mixing_company=Mixing.of("company", 0, 0, None),
            mix_age=_shares(AGES, (0, 0, 3, 0, 0)),
            profile=None,
        ),
    ]
    return Comparison(
        level=level,
        filters=Filters(),
        totals=board.totals,
        rates_by_type=board.rates_by_type,
        rates_by_intensity=board.rates_by_intensity,
        familiarity_weekly=board.familiarity_weekly,
        mix=board.mix,
        mix_by_window=board.mix_by_window,
        mixing=board.mixing,
        heat_map=board.heat_map,
        weekly=board.weekly,
        conditions=board.conditions,
        places=places,
    )
