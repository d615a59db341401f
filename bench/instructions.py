"""What a sync costs against GET /healthz, in CPU instructions: the same every run.

bench/load.py measures what the server manages under gunicorn, but on a shared 2-core machine
its figures wander by a fifth between runs, so a change of a few per cent cannot be seen
there. This counts instructions instead (valgrind's callgrind, which runs the program on a
simulated CPU): in one process, with the test client, the same batches as bench/load.py's
phones send (sessions, mostly 1–3 records, now and then a scan of every zone or a backlog,
the session's end), on SQLite, with personal API tokens (bench/load.py --auth token). The
count of a run is the same to a few parts in 10,000 whatever else the machine does, so two
versions of the code compare exactly.

Three runs under valgrind, two at a time: the set-up alone (app, study, fieldworkers, a
warm-up of WARM syncs and /healthz requests), the set-up with N syncs after it, and the
set-up with N /healthz after it. Per request: (run − set-up) / N.

    python bench/instructions.py [--syncs N]

Last line: `syncs=N sync_instructions=… healthz_instructions=… ratio=…`, ratio being
healthz / sync (bench/load.py's ratio, counted in instructions instead of requests a second).
Needs valgrind; takes a few minutes (the simulated CPU is some 50 times slower).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 5
WARM = 100


def workload(mode: str, count: int) -> None:
    """Inside valgrind: set up, warm up, then `count` requests of `mode` (setup: none)."""
    import logging

    import flask_migrate

    sys.path.insert(0, str(ROOT))
    logging.disable(logging.WARNING)
    from bench.common import app_on
    from bench.in_process import Phones
    from bench.load import fresh_installation
    from observations.extensions import db

    # The schema from the models (the migrations give the same, tests/test_migrations.py),
    # which spares the simulated CPU a minute of Alembic.
    flask_migrate.upgrade = lambda directory=None: db.create_all()
    instance = Path(tempfile.mkdtemp(prefix="terloops-instructions-")) / "instance"
    instance.mkdir()
    url = f"sqlite:///{instance}/terloops.db"
    plain_tokens, sites = fresh_installation(url, str(instance), CLIENTS)
    phones = Phones(app_on(url, str(instance)).test_client(), plain_tokens, sites, WARM + count)
    phones.sync(0, WARM)
    phones.healthz(WARM)
    if mode == "sync":
        phones.sync(WARM)
    elif mode == "healthz":
        phones.healthz(count)
    shutil.rmtree(instance.parent, ignore_errors=True)


def instructions(mode: str, count: int) -> int:
    """The instructions of one run of the workload under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={tmp}/out",
            sys.executable,
            __file__,
            "--inside",
            mode,
            "--syncs",
            str(count),
        ]
        # The same hash seed every run: dictionaries and sets iterate alike.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{mode}: exit {done.returncode}\n{done.stderr[-3000:]}")
        found = re.search(r"Collected : (\d+)", done.stderr)
        if not found:
            raise SystemExit(f"{mode}: no instruction count in valgrind's output")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syncs", type=int, default=300, choices=range(10, 5001), metavar="N")
    parser.add_argument("--inside", choices=("setup", "sync", "healthz"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        workload(args.inside, args.syncs)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: apt-get install valgrind")
    with ThreadPoolExecutor(2) as pool:
        runs = dict(
            zip(
                ("setup", "sync", "healthz"),
                pool.map(lambda mode: instructions(mode, args.syncs), ("setup", "sync", "healthz")),
                strict=True,
            )
        )
    sync = (runs["sync"] - runs["setup"]) // args.syncs
    healthz = (runs["healthz"] - runs["setup"]) // args.syncs
    print(f"set-up {runs['setup']:,} instructions; {args.syncs} syncs of bench/load.py's mix")
    print(
        f"syncs={args.syncs} sync_instructions={sync} healthz_instructions={healthz} "
        f"ratio={healthz / sync:.3f}"
    )


if __name__ == "__main__":
    main()
