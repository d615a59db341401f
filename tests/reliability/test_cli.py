"""`flask reliability STUDY [--site] [--from] [--to] [--tolerance-seconds] [--json]`."""

import json

import pytest


def run(runner, *args):
    """Invoke the command; return the result."""
    return runner.invoke(args=["reliability", *args])


def test_json_is_one_object_with_the_contract_keys(paired, runner):
    result = run(runner, "betrouw", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)  # one object, nothing else printed
    assert {"encounters", "scans", "pairs"} <= set(data)
    encounters = data["encounters"]
    assert encounters["matched"] == 10
    assert encounters["unmatched"]["first"] == 1 and encounters["unmatched"]["second"] == 2
    for name in ("encounter_type", "parties", "relation", "flags:across_ages"):
        assert {"kappa", "agreement", "pairs"} <= set(encounters["categories"][name])
    kind = encounters["categories"]["encounter_type"]
    assert kind["kappa"] == pytest.approx(0.43 / 0.73, abs=1e-4)
    assert kind["agreement"] == 0.7 and kind["pairs"] == 10
    total = data["scans"]["categories"]["total"]
    assert {"icc", "mean_abs_diff", "pairs"} <= set(total)
    assert total["icc"] == pytest.approx(772 / 835, abs=1e-4)
    assert (total["mean_abs_diff"], total["pairs"]) == (1.75, 4)
    (pair,) = data["pairs"]
    assert pair["observers"] == ["W01", "W02"]
    assert pair["encounters"]["categories"]["encounter_type"]["pairs"] == 10
    assert "ann" not in result.output and "Ann" not in result.output  # codes, never names


def test_options_narrow_and_change_the_matching(paired, runner):
    args = ["betrouw", "--json", "--site", "Bieb", "--from", "2026-05-04", "--to", "2026-05-04"]
    data = json.loads(run(runner, *args, "--tolerance-seconds", "30").output)
    assert data["filters"] == {
        "site": "Bieb",
        "from": "2026-05-04",
        "to": "2026-05-04",
        "tolerance_seconds": 30,
        "scan_tolerance_seconds": 300,
    }
    assert data["encounters"]["matched"] == 6  # the pairs 40 s, 45 s and 60 s apart go
    data = json.loads(run(runner, "betrouw", "--json", "--site", "Park").output)
    assert data["session_pairs"] == 0 and data["pairs"] == []
    assert data["encounters"]["categories"]["encounter_type"]["kappa"] is None
    data = json.loads(run(runner, "betrouw", "--json", "--scan-tolerance-seconds", "60").output)
    assert data["scans"]["matched"] == 0


def test_text_report(paired, runner):
    result = run(runner, "betrouw")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Betrouwbaarheid" in out
    assert "W01" in out and "W02" in out
    assert "κ 0,59" in out  # Dutch decimals
    assert "ICC 0,92" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "nope"),
        (["betrouw", "--site", "Vondelpark"], "Vondelpark"),
        (["betrouw", "--from", "4-5-2026"], "4-5-2026"),
        (["betrouw", "--to", "9999-12-31"], "9999-12-31"),
        (["betrouw", "--from", "2026-05-05", "--to", "2026-05-04"], "--from"),
        (["betrouw", "--tolerance-seconds", "0"], "--tolerance-seconds"),
        (["betrouw", "--tolerance-seconds", "zestig"], "zestig"),
        (["betrouw", "--scan-tolerance-seconds", "3601"], "3601"),
    ],
)
def test_bad_input_is_explained_with_a_non_zero_exit(paired, runner, args, message):
    result = run(runner, *args, "--json")
    assert result.exit_code == 2
    assert message in result.output
    assert not result.output.lstrip().startswith("{")
