"""One TERLOOPS_REDIS_URL configures everything that needs Redis; the shared folders."""

import pytest

from observations import create_app
from observations.export import jobs as export_jobs
from observations.tasks import consumer, queue

REDIS = "redis://127.0.0.1:6379/3"


@pytest.fixture(autouse=True)
def own_instance_folder(monkeypatch, tmp_path):
    """Never read the developer's instance/config.py or environment."""
    monkeypatch.setenv("TERLOOPS_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("TERLOOPS_REDIS_URL", "TERLOOPS_RATELIMIT_STORAGE_URI", "TERLOOPS_EXPORT_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_by_default_sqlite_queue_in_the_instance_folder_worked_by_the_web():
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "terloops-memory://"
    assert queue.storage_path(app).name == "queue.db"
    assert str(queue.storage_path(app)).startswith(app.instance_path)
    assert consumer.in_web(app) and not queue.is_immediate(app)
    assert type(queue.build(app)).__name__ == "SqliteHuey"


def test_the_redis_url_moves_the_queue_and_the_limits_to_redis(monkeypatch):
    monkeypatch.setenv("TERLOOPS_REDIS_URL", REDIS)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS
    assert not consumer.in_web(app), "the web processes leave the work to `flask worker`"
    assert type(queue.build(app)).__name__ == "RedisHuey"
    assert queue.describe(app) == "Redis 127.0.0.1:6379/3"


def test_limits_named_on_their_own_win(monkeypatch):
    monkeypatch.setenv("TERLOOPS_REDIS_URL", REDIS)
    monkeypatch.setenv("TERLOOPS_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/4")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/4"


def test_export_folder_and_queue_file_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TERLOOPS_EXPORT_DIR", str(tmp_path / "shared" / "exports"))
    monkeypatch.setenv("TERLOOPS_QUEUE_PATH", str(tmp_path / "shared" / "queue.db"))
    app = create_app({"SECRET_KEY": "x"})
    assert export_jobs.export_dir(app) == tmp_path / "shared" / "exports"
    assert export_jobs.export_dir(app).is_dir()
    assert queue.storage_path(app) == tmp_path / "shared" / "queue.db"
    assert queue.describe(app) == f"SQLite {tmp_path / 'shared' / 'queue.db'}"
