"""bench/sync_stages.py runs, times every stage it names, and prints its figures' line."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = (
    "database driver",
    "SQLAlchemy execution layer",
    "ORM session commit",
    "record checks (parse.py)",
    "the batch's own code (bulk, store)",
    "caller look-up (tokens.py)",
    "reading the JSON body",
    "the JSON answer",
    "the request and the rest",
)


def test_a_short_run_splits_a_sync_into_its_stages():
    command = [sys.executable, "bench/sync_stages.py", "--syncs", "100"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    times = {}
    for line in lines[1:-2]:
        found = re.fullmatch(r"(.+?)\s+(-?\d+)\s+(-?[\d.]+)%\s+(\d+)", line)
        assert found, line
        times[found.group(1)] = int(found.group(2))
    for stage in STAGES:
        assert times.get(stage, 0) > 0, f"{stage} took no time: {lines}"
    figures = dict(re.findall(r"(\w+)=([\d.]+)", lines[-1]))
    assert figures["syncs"] == "100"
    assert abs(sum(times.values()) - int(figures["sync_us"])) <= len(times), lines
    assert 0 < float(figures["ratio"]) < float(figures["without_sqlalchemy_ratio"]) < 1


def test_statements_lists_those_that_cost_the_driver_most():
    command = [sys.executable, "bench/sync_stages.py", "--syncs", "100", "--statements", "3"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    first = lines.index(next(line for line in lines if line.lstrip().startswith("µs/sync")))
    listed = [
        re.fullmatch(r"\s*(\d+)\s+([\d.]+)\s+(\d+)  (.+)", line) for line in lines[first + 1 :]
    ][:3]
    assert all(listed), lines
    costs = [int(found.group(1)) for found in listed]
    assert costs == sorted(costs, reverse=True), lines
    # Every sync of the mix stores encounters, and every API request looks up its caller.
    statements = " | ".join(found.group(4) for found in listed)
    assert "INSERT INTO encounters" in statements or "SELECT users.id" in statements, lines
    driver = next(line for line in lines if line.startswith("database driver"))
    assert sum(costs) <= int(driver.split()[2]) + 3, (driver, costs)
    # The figures' line stays the last.
    assert lines[-1].startswith("syncs=100 "), lines[-1]


def test_replay_times_the_database_alone():
    command = [sys.executable, "bench/sync_stages.py", "--syncs", "100", "--replay"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    alone = next(line for line in lines if line.startswith("the database alone:"))
    # A sync of the mix looks up its caller and its session, stores, and commits.
    calls = float(re.search(r"([\d.]+) driver calls a sync", alone).group(1))
    assert calls >= 4, alone
    figures = dict(re.findall(r"(\w+)=([\d.]+)", lines[-1]))
    assert 0 < int(figures["database_alone_us"]) < int(figures["sync_us"]), lines[-1]
    # Everything a sync does besides its statements costs something: a sync that did
    # nothing else would have the better ratio.
    assert float(figures["ratio"]) < float(figures["database_alone_ratio"]) < 1, lines[-1]
    assert any(line.startswith("the sync's own work beyond both") for line in lines), lines


def test_replay_refuses_postgresql():
    command = [sys.executable, "bench/sync_stages.py", "--replay", "--database-url", "x://"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SQLite only" in result.stderr
