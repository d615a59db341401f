"""bench/load.py works: two phones' past days are stored, gunicorn starts, the phones sync (the
floor and the load by turns), the rows add up, gunicorn stops.

The figures of so short a run mean nothing; what is checked is the run itself: no error,
nothing lost, nothing twice, and the last line in the documented form.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, empty_database, make_app

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(
    r"clients=2 requests=(\d+) errors=0 lost=0 duplicates=0 p99_ms=[\d.]+ rps=\d+ "
    r"floor_rps=\d+ ratio=[\d.]+"
)


@pytest.mark.slow  # gunicorn starts and loads the app: 10–20 s on the 2-core machine
def test_two_phones_for_two_seconds(tmp_path):
    command = [sys.executable, "bench/load.py", "--clients", "2", "--seconds", "2"]
    command += ["--history", "2"]  # each phone's two past days stored first, and counted
    command += ["--workers", "1", "--threads", "2"]
    if TEST_DATABASE_URL:
        empty_database(make_app(tmp_path, empty=False))  # the next test makes its tables anew
        command += ["--database-url", TEST_DATABASE_URL]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)

    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    match = LAST_LINE.fullmatch(lines[-1])
    assert match, lines
    assert int(match.group(1)) > 0
    assert any(line.startswith("rows: sessions ") for line in lines), lines
    # Four past sessions of 41–91 records each, none of them counted lost or twice above.
    history = next(line for line in lines if line.startswith("history: "))
    past = int(re.search(r"(\d+) records stored before the run", history).group(1))
    assert 4 * 41 <= past <= 4 * 91, history
    sessions = int(re.search(r"rows: sessions (\d+)", "\n".join(lines)).group(1))
    assert sessions > 4, lines
    # The floor and the load took turns four times (--rounds' default), each round counted.
    by_round = next(line for line in lines if line.startswith("by round "))
    rounds = by_round.partition(": ")[2].split("; ")
    assert len(rounds) == 4, by_round
    assert all(int(figures.split(", ")[1]) > 0 for figures in rounds), by_round
    # On SQLite the app is loaded once, before the workers fork (docs/deploy.md).
    started = "gunicorn gthread: " if TEST_DATABASE_URL else "gunicorn gthread --preload: "
    assert lines[0].startswith(started + "1 workers × 2 threads; 2 clients"), lines[0]
