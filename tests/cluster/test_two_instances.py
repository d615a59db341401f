"""Two instances behind one proxy keep every guarantee one instance gives (issue 12, item 3).

One installation (conftest.py: two gunicorns, one `flask worker`, PostgreSQL and Redis, as
docs/deploy.md starts them) serves all four tests, in this order:
- a retry storm of the same records split over both instances stores each record once;
- failed logins split over both instances are refused at the limit, on both;
- an export started on one instance shows its progress on the other and downloads there;
- a worker killed mid-export: the export is queued again, and failed with its reason when
  its worker is killed a second time.
"""

import io
import threading
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests

from observations.export import jobs as export_jobs
from tests.cluster.conftest import STALE_SECONDS, Visitor, wait_for
from tests.factories import PASSWORD

STORM_THREADS = 12
SENDS_PER_THREAD = 2


def records(site: dict) -> list[dict]:
    """A phone's outbox after a spell without signal: a session with its scans, encounters
    and a note."""
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    at = lambda minutes: (started + timedelta(minutes=minutes)).isoformat()  # noqa: E731
    session = {
        "uuid": str(uuid.uuid4()),
        "kind": "session",
        "revision": 1,
        "study": "alpha",
        "site": site["id"],
        "zones": site["zones"],
        "started_at": at(0),
        "ended_at": None,
        "weather": ["clouds_light"],
        "temperature_c": 14,
        "crowding": "busy",
        "programme": "none",
        "device_time": at(0),
    }
    scans = [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "scan",
            "revision": 1,
            "session": session["uuid"],
            "zone": zone,
            "observed_at": at(1),
            "counts": {
                "age": {"0-14": 2, "25-64": 5, "65+": 3},
                "gender": {"man": 4, "woman": 6},
                "activity": {"buying_selling": 7},
            },
            "conditions": ["accessible", "usable"],
            "device_time": at(1),
        }
        for zone in site["zones"]
    ]
    encounters = [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "encounter",
            "revision": 1,
            "session": session["uuid"],
            "zone": site["zones"][n % len(site["zones"])],
            "occurred_at": at(2 + n),
            "encounter_type": ("greeting", "short_chat", "conversation")[n % 3],
            "parties": "visitor_visitor",
            "relation": ("strangers", "recognised", "acquaintances")[n % 3],
            "flags": ["across_ages"] if n % 2 else [],
            "device_time": at(2 + n),
        }
        for n in range(10)
    ]
    note = {
        "uuid": str(uuid.uuid4()),
        "kind": "note",
        "revision": 1,
        "session": session["uuid"],
        "written_at": at(15),
        "text": "Regenbui; iedereen schuilt onder de luifel.",
        "device_time": at(15),
    }
    return [session, *scans, *encounters, note]


def storm(cluster, batch: list[dict]) -> list[dict[str, str]]:
    """Send the batch from STORM_THREADS phones at once, each SENDS_PER_THREAD times, the
    threads split over both instances; the status of each record in every answer."""
    start = threading.Barrier(STORM_THREADS)
    headers = {"Authorization": f"Bearer {cluster.token}"}

    def phone(number: int) -> list[dict[str, str]]:
        base = cluster.bases[number % 2]
        answers = []
        with requests.Session() as http:
            start.wait()
            for _ in range(SENDS_PER_THREAD):
                response = http.post(
                    f"{base}/api/v1/sync", json={"records": batch}, headers=headers, timeout=60
                )
                assert response.status_code == 200, response.text
                answers.append({r["uuid"]: r["status"] for r in response.json()["results"]})
        return answers

    with ThreadPoolExecutor(STORM_THREADS) as pool:
        return [answer for answers in pool.map(phone, range(STORM_THREADS)) for answer in answers]


def test_a_retry_storm_over_both_instances_stores_each_record_once(cluster):
    batch = records(cluster.site)
    answers = storm(cluster, batch)

    assert len(answers) == STORM_THREADS * SENDS_PER_THREAD
    for record in batch:
        statuses = sorted(answer[record["uuid"]] for answer in answers)
        assert statuses == ["created"] + ["duplicate"] * (len(answers) - 1), record["kind"]
    session = batch[0]["uuid"]
    stored = {
        table: cluster.query(f"SELECT uuid FROM {table}")
        for table in ("sessions", "scans", "encounters", "field_notes")
    }
    assert [str(row.uuid) for row in stored["sessions"]] == [session]
    for table, kind in (("scans", "scan"), ("encounters", "encounter"), ("field_notes", "note")):
        sent = sorted(r["uuid"] for r in batch if r["kind"] == kind)
        assert sorted(str(row.uuid) for row in stored[table]) == sent, table

    # The end of the session (its revision 2), stormed the same way, is applied once.
    end = {**batch[0], "revision": 2, "ended_at": batch[-1]["written_at"]}
    answers = storm(cluster, [end])
    statuses = sorted(answer[end["uuid"]] for answer in answers)
    assert statuses == ["duplicate"] * (len(answers) - 1) + ["updated"]
    (row,) = cluster.query("SELECT revision, ended_at FROM sessions")
    assert row.revision == 2 and row.ended_at is not None


def test_the_login_limit_holds_across_instances(cluster):
    # The guide's limit per address: 10 failures a minute (TERLOOPS_LOGIN_LIMITS' default).
    intruder = Visitor("203.0.113.7")
    statuses = [
        intruder.login(cluster.bases[n % 2], "alpha-coordinator", "wrong-password").status_code
        for n in range(10)
    ]
    assert statuses == [200] * 10, "each failure shows the form again"
    for base in cluster.bases:
        refused = intruder.login(base, "alpha-coordinator", "wrong-password")
        assert refused.status_code == 429, base
        assert "Te veel inlogpogingen" in refused.text, "in Dutch, the guide's default"
        assert int(refused.headers["Retry-After"]) > 0
        right = intruder.login(base, "alpha-coordinator", PASSWORD)
        assert right.status_code == 429, "not even the right password, from that address"
    # Someone else, from another address, still logs in on either instance.
    for number, base in enumerate(cluster.bases):
        colleague = Visitor(f"198.51.100.{number + 1}")
        assert colleague.login(base, "alpha-lead", PASSWORD).status_code == 302


def start_export(visitor: Visitor, base: str) -> int:
    """Ask for a CSV export on one instance; the job's id (it goes to the queue)."""
    page = f"{base}/studies/alpha/research/export"
    answer = visitor.post_form(page, page, {"format": "csv", "labels": "en", "export": "Export"})
    assert answer.status_code == 302, answer.text[:2000]
    location = answer.headers["Location"]
    assert "job=" in location, location
    return int(location.rsplit("job=", 1)[1])


def status(visitor: Visitor, base: str, job_id: int) -> dict:
    answer = visitor.get(f"{base}/studies/alpha/research/export/jobs/{job_id}")
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def logged_in_lead(cluster, address: str) -> Visitor:
    lead = Visitor(address)
    assert lead.login(cluster.bases[0], "alpha-lead", PASSWORD).status_code == 302
    return lead


def test_an_export_started_on_one_instance_shows_progress_and_downloads_on_the_other(cluster):
    lead = logged_in_lead(cluster, "198.51.100.20")
    first, other = cluster.bases
    job_id = start_export(lead, first)

    seen = []

    def finished() -> bool:
        seen.append(status(lead, other, job_id))
        return seen[-1]["status"] in ("done", "failed")

    assert wait_for(finished, 120, 0.2), cluster.logs_text()
    assert "running" in [s["status"] for s in seen], "the other instance saw it run"
    assert seen[-1]["status"] == "done", seen[-1]
    page = lead.get(f"{other}/studies/alpha/research/export?job={job_id}")
    assert page.status_code == 200 and seen[-1]["download"] in page.text

    download = lead.get(other + seen[-1]["download"])
    assert download.status_code == 200, download.text[:500]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        names = archive.namelist()
        assert any(name.endswith(".csv") for name in names), names
        encounters = next(n for n in names if "encounter" in n.lower())
        lines = archive.read(encounters).decode("utf-8-sig").strip().splitlines()
        (stored,) = cluster.query("SELECT count(*) AS n FROM encounters")
        assert len(lines) == 1 + stored.n, "a header and every encounter, once"


def running_job(cluster, job_id: int):
    (row,) = cluster.query("SELECT status, error FROM export_jobs WHERE id = :id", id=job_id)
    return row if row.status == "running" else None


def kill_worker_mid_export(cluster, job_id: int) -> None:
    """Wait until the worker runs the job, SIGKILL it, let the heartbeat go stale, start the
    worker again as systemd's Restart=on-failure does."""
    assert wait_for(lambda: running_job(cluster, job_id), 120, 0.1), cluster.logs_text()
    cluster.worker.kill()
    assert running_job(cluster, job_id), "nobody told the database"

    def stale() -> bool:
        (row,) = cluster.query("SELECT updated_at FROM export_jobs WHERE id = :id", id=job_id)
        moment = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
        return datetime.now(UTC) - moment > timedelta(seconds=STALE_SECONDS + 0.5)

    assert wait_for(stale, 30, 0.2)
    cluster.start_worker()


def test_a_worker_killed_mid_export_leaves_a_retried_then_failed_job_with_its_reason(cluster):
    lead = logged_in_lead(cluster, "198.51.100.30")
    first, other = cluster.bases
    job_id = start_export(lead, first)

    kill_worker_mid_export(cluster, job_id)

    # The new worker's reaper queued it again at once, and the worker runs it.
    def rerun():
        row = running_job(cluster, job_id)
        return row is not None and row.error == export_jobs.REQUEUED

    assert wait_for(rerun, 120, 0.1), cluster.logs_text()
    assert f"requeued=[{job_id}]" in cluster.worker.output()
    assert status(lead, other, job_id)["status"] == "running"

    kill_worker_mid_export(cluster, job_id)
    failed = wait_for(lambda: status(lead, other, job_id)["status"] == "failed", 120, 0.2)
    assert failed, cluster.logs_text()
    reason = status(lead, other, job_id)["error"]
    assert "twee keer onderbroken" in reason, reason
    page = lead.get(f"{other}/studies/alpha/research/export?job={job_id}")
    assert "twee keer onderbroken" in page.text

    # The worker goes on with new work.
    second = start_export(lead, other)
    assert wait_for(lambda: status(lead, first, second)["status"] == "done", 120, 0.2)
