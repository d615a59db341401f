"""bench/instructions.py's workload runs: set-up, warm-up and syncs of bench/load.py's mix,
each answered 200 (the workload asserts it), on SQLite as the benchmark runs it. valgrind
is not started here: it would take minutes; what it adds is one count read off its output."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("mode", ["sync", "healthz"])
def test_the_workload_runs_without_valgrind(mode):
    command = [sys.executable, "bench/instructions.py", "--inside", mode, "--syncs", "10"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_count_is_read_off_valgrinds_output(monkeypatch):
    from bench import instructions

    class Done:
        returncode = 0
        stderr = "==1== Events    : Ir\n==1== Collected : 123456789\n==1==\n"

    monkeypatch.setattr(instructions.subprocess, "run", lambda *a, **k: Done())
    assert instructions.instructions("sync", 10) == 123456789
