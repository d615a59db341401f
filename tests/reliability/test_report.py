"""The reliability report on the hand-made pair: matches, kappa, ICC and the edge cases."""

from datetime import date

import pytest
from sklearn.metrics import cohen_kappa_score

from observations.reliability import report
from observations.reliability.report import Options, as_json, build
from tests.reliability.conftest import ENCOUNTERS, SCANS


def sklearn_kappa(first, second) -> float:
    """scikit-learn's kappa, "not coded" (None) as a category of its own."""
    name = lambda v: "<not coded>" if v is None else v  # noqa: E731
    return float(cohen_kappa_score([name(v) for v in first], [name(v) for v in second]))


def codings(position: int) -> tuple[list, list]:
    """A's and B's values of one coding (0 type, 1 parties, 2 relation) over the pairs."""
    return [a[position] for _, _, a, _, _ in ENCOUNTERS], [b[position] for *_, b, _ in ENCOUNTERS]


def flag(code: str) -> tuple[list, list]:
    """A's and B's flag as present/absent over the pairs."""
    present = lambda coding: "present" if code in coding[3] else "absent"  # noqa: E731
    return (
        [present(a) for _, _, a, _, _ in ENCOUNTERS],
        [present(b) for *_, b, _ in ENCOUNTERS],
    )


def test_encounters_match_within_a_minute_in_the_same_zone(paired):
    found = build(paired.study, Options())
    assert len(found.sessions) == 1
    encounters = found.overall.encounters
    assert len(encounters.pairs) == len(ENCOUNTERS) == 10
    # A's at minute 70; B's at 80 and 100. Not counted: A's at minute 2 (B not there yet),
    # B's in the children's corner (A did not watch it), B's withdrawn one.
    assert (encounters.unmatched_first, encounters.unmatched_second) == (1, 2)
    for a, b in encounters.pairs:
        assert a.session_id == paired.a.id and b.session_id == paired.b.id
        assert a.zone == b.zone
        assert abs((a.at - b.at).total_seconds()) <= 60


def test_a_smaller_tolerance_matches_fewer(paired):
    found = build(paired.study, Options(tolerance_seconds=59))
    # The pairs 60 s apart (minutes 20 and 35) no longer match.
    assert len(found.overall.encounters.pairs) == 8
    assert found.overall.encounters.unmatched_first == 3
    assert found.overall.encounters.unmatched_second == 4


def test_kappa_of_each_coding_by_hand_and_by_scikit_learn(paired):
    kappas = build(paired.study, Options()).overall.kappas
    assert list(kappas) == [
        "encounter_type",
        "parties",
        "relation",
        "flags:across_ages",
        "flags:different_company",
        "flags:via_object",
    ]
    kind = kappas["encounter_type"]
    # By hand: 7 of 10 agree; A's marginals G3 C3 V2 E2, B's G4 C3 V2 E1:
    # p_e = (12 + 9 + 4 + 2) / 100 = 0.27, kappa = (0.70 - 0.27) / 0.73 = 0.589…: moderate, low.
    assert (kind.pairs, kind.observed, kind.expected) == (10, 0.7, pytest.approx(0.27))
    assert kind.kappa == pytest.approx(0.43 / 0.73)
    assert kind.kappa == pytest.approx(sklearn_kappa(*codings(0)))
    assert kind.low
    relation = kappas["relation"]
    assert relation.case == "ok"
    assert relation.kappa == pytest.approx(sklearn_kappa(*codings(2)))
    assert None in relation.categories  # "not coded" is a category of its own
    company = kappas["flags:different_company"]
    assert company.kappa == pytest.approx(sklearn_kappa(*flag("different_company")))
    assert company.observed == 0.8
    # Edge cases, named: one category used throughout, perfect agreement.
    assert kappas["parties"].case == "single_category" and kappas["parties"].kappa is None
    assert kappas["flags:via_object"].case == "single_category"
    assert kappas["flags:across_ages"].case == "perfect"
    assert kappas["flags:across_ages"].kappa == 1.0


def test_icc_of_the_totals_and_of_each_count(paired):
    found = build(paired.study, Options())
    scans = found.overall.scans
    assert len(scans.pairs) == len(SCANS) == 4
    # A's scan at minute 1 lies before B came (and matches nothing): not counted.
    assert (scans.unmatched_first, scans.unmatched_second) == (0, 0)
    iccs = found.overall.iccs
    assert list(iccs) == ["total", "age:0-14", "age:25-64", "age:65+"]
    total = iccs["total"]
    # Totals A 10 20 5 8, B 11 18 5 12. Two-way ANOVA by hand (fractions): MSR 1619/24,
    # MSC 9/8, MSE 25/8, so ICC(2,1) = (MSR - MSE) / (MSR + MSE + 2 (MSC - MSE) / 4) = 772/835.
    assert total.icc == pytest.approx(772 / 835)
    assert total.mean_abs_diff == pytest.approx(7 / 4)
    # Within ±10 % of their mean: 10/11 (1 ≤ 1.05) and 5/5; not 20/18 (2 > 1.9) nor 8/12.
    assert total.share_within == 0.5
    assert iccs["age:0-14"].mean_abs_diff == 0.25
    assert iccs["age:65+"].case == "ok"


def test_no_paired_sessions_names_the_case_everywhere(built):
    built.session(built.ann, 0, 60)
    found = build(built.study, Options())
    assert found.sessions == [] and found.observer_pairs == []
    assert {a.case for a in found.overall.kappas.values()} == {"no_pairs"}
    assert list(found.overall.iccs) == ["total"]
    assert found.overall.iccs["total"].case == "no_pairs"
    data = as_json(found, built.study)
    assert data["encounters"]["matched"] == 0
    assert data["encounters"]["categories"]["encounter_type"]["kappa"] is None
    assert data["scans"]["categories"]["total"]["icc"] is None
    assert data["pairs"] == []


def test_paired_sessions_without_matches(built):
    a = built.session(built.ann, 0, 60)
    b = built.session(built.bob, 0, 60)
    built.encounter(a, 10, built.entrance)
    built.encounter(b, 12, built.entrance)  # two minutes later: no match
    built.scan(a, 20, built.entrance, {"age:25-64": 3})
    found = build(built.study, Options())
    assert len(found.sessions) == 1
    assert found.overall.kappas["encounter_type"].case == "no_pairs"
    assert found.overall.encounters.unmatched_first == 1
    assert found.overall.encounters.unmatched_second == 1
    assert found.overall.scans.unmatched_first == 1
    assert found.overall.iccs["total"].case == "no_pairs"


def test_perfect_agreement_and_no_variance(built):
    a = built.session(built.ann, 0, 60)
    b = built.session(built.bob, 0, 60)
    for minute, kind in ((10, "greeting"), (20, "short_chat")):
        built.encounter(a, minute, built.tables, kind, "visitor_visitor", relation="strangers")
        built.encounter(b, minute, built.tables, kind, "visitor_visitor", relation="strangers")
    for minute in (15, 45):
        built.scan(a, minute, built.tables, {"age:25-64": 4})
        built.scan(b, minute + 1, built.tables, {"age:25-64": 4})
    found = build(built.study, Options())
    kappas, iccs = found.overall.kappas, found.overall.iccs
    assert kappas["encounter_type"].case == "perfect" and kappas["encounter_type"].kappa == 1.0
    assert kappas["relation"].case == "single_category"
    assert iccs["total"].case == "no_variance" and iccs["total"].perfect
    assert iccs["total"].share_within == 1.0


def test_per_observer_pair_and_overall(paired):
    # A third observer joins the library for an hour and agrees with A on one encounter.
    c = paired.session(paired.cas, 60, 90, zones=[paired.entrance])
    paired.encounter(c, 70, paired.entrance)
    found = build(paired.study, Options())
    assert [(o.first, o.second) for o in found.observer_pairs] == [
        ("W01", "W02"),
        ("W01", "W03"),
        ("W02", "W03"),
    ]
    by_codes = {(o.first, o.second): o for o in found.observer_pairs}
    assert list(by_codes) == [("W01", "W02"), ("W01", "W03"), ("W02", "W03")]
    assert len(by_codes["W01", "W03"].agreement.encounters.pairs) == 1
    assert len(by_codes["W01", "W02"].agreement.encounters.pairs) == 10
    # B has nothing at the entrance while C is there (minute 80 is at the tables, which C did
    # not watch; 70.2 is withdrawn): C's encounter is unmatched in that pair.
    with_c = by_codes["W02", "W03"].agreement.encounters
    assert (len(with_c.pairs), with_c.unmatched_first, with_c.unmatched_second) == (0, 0, 1)
    assert len(found.overall.encounters.pairs) == 11


def test_filters_narrow_the_pairs(paired):
    assert build(paired.study, Options(site_id=paired.park.id)).sessions == []
    assert len(build(paired.study, Options(site_id=paired.library.id)).sessions) == 1
    assert build(paired.study, Options(date_from=date(2026, 5, 5))).sessions == []
    day = date(2026, 5, 4)
    assert len(build(paired.study, Options(date_from=day, date_to=day)).sessions) == 1


def test_json_has_the_contract_keys(paired):
    data = as_json(build(paired.study, Options()), paired.study)
    encounters, scans = data["encounters"], data["scans"]
    assert encounters["matched"] == 10
    assert encounters["unmatched"] == {"first": 1, "second": 2, "total": 3}
    kind = encounters["categories"]["encounter_type"]
    assert kind["kappa"] == round(0.43 / 0.73, 4)
    assert (kind["agreement"], kind["pairs"], kind["band"], kind["low"]) == (
        0.7,
        10,
        "moderate",
        True,
    )
    assert encounters["categories"]["parties"]["kappa"] is None
    assert encounters["categories"]["parties"]["case"] == "single_category"
    total = scans["categories"]["total"]
    assert (total["icc"], total["mean_abs_diff"], total["pairs"]) == (round(772 / 835, 4), 1.75, 4)
    assert total["band"] == "almost_perfect" and not total["low"]
    assert scans["totals_within"] == 0.5
    (pair,) = data["pairs"]
    assert pair["observers"] == ["W01", "W02"]
    assert pair["encounters"]["matched"] == 10
    assert pair["sessions"][0]["first_session"] == paired.a.id
    assert pair["sessions"][0]["site"] == "Bieb"
    assert pair["sessions"][0]["zones"] == ["Entree", "Leestafels"]
    assert report.DEFAULT_SECONDS == data["filters"]["tolerance_seconds"] == 60
