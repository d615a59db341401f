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
