"""The in-memory limit counters (limit_storage.py): limits hold, and no thread per hit."""

import threading
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from observations import limit_storage
from observations.limit_storage import SweptMemoryStorage


@pytest.fixture
def storage():
    return storage_from_string("terloops-memory://")


@pytest.fixture
def thread_starts(monkeypatch):
    """How many threads were started since the fixture was set up."""
    started = []
    original = threading.Thread.start

    def counting(thread):
        started.append(thread)
        return original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting)
    return started


def test_the_uri_names_this_storage(storage):
    assert isinstance(storage, SweptMemoryStorage)


@pytest.mark.parametrize("strategy", [FixedWindowRateLimiter, MovingWindowRateLimiter])
def test_a_limit_refuses_the_hit_past_it_and_counts_each_key_alone(storage, strategy):
    limiter, limit = strategy(storage), parse("3 per minute")
    assert [limiter.hit(limit, "phone-a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "phone-b")
    assert not limiter.test(limit, "phone-a")


def test_hits_start_no_thread(storage, thread_starts):
    """memory:// starts a Timer on a hit whose last one has run out (after 10 ms)."""
    limiter, limit = FixedWindowRateLimiter(storage), parse("1000 per minute")
    for _ in range(5):
        limiter.hit(limit, "phone")
        deadline = time.monotonic() + 0.02  # longer than memory://'s 10 ms timer
        while time.monotonic() < deadline:
            pass
    assert thread_starts == []


@pytest.mark.parametrize("strategy", [FixedWindowRateLimiter, MovingWindowRateLimiter])
def test_a_due_sweep_drops_what_has_expired_and_keeps_the_rest(storage, strategy, monkeypatch):
    limiter = strategy(storage)
    limiter.hit(parse("5 per second"), "gone")
    limiter.hit(parse("5 per hour"), "kept")
    clock = time.time()
    monkeypatch.setattr(time, "time", lambda: clock + 5)  # the one-second window has ended
    storage.swept_at -= limit_storage.SWEEP_SECONDS  # and the last sweep is a second old
    limiter.hit(parse("5 per hour"), "kept")
    held = set(storage.storage) | set(storage.events)
    assert not any("gone" in key for key in held), held
    assert any("kept" in key for key in held), held
    assert limiter.get_window_stats(parse("5 per hour"), "kept").remaining == 3


def test_no_sweep_before_it_is_due(storage, monkeypatch):
    limiter = FixedWindowRateLimiter(storage)
    limiter.hit(parse("5 per second"), "gone")
    clock = time.time()
    monkeypatch.setattr(time, "time", lambda: clock + 5)
    limiter.hit(parse("5 per hour"), "kept")
    assert any("gone" in key for key in storage.storage), "swept before SWEEP_SECONDS passed"
    # A counter past its window counts as zero whether or not it was swept.
    assert limiter.get_window_stats(parse("5 per second"), "gone").remaining == 5


def test_the_api_and_login_limits_count_here_without_redis(app_factory):
    from observations.auth import throttle
    from observations.extensions import limiter

    app = app_factory(RATELIMIT_STORAGE_URI=None)
    assert app.config["RATELIMIT_STORAGE_URI"] == "terloops-memory://"
    with app.app_context():
        assert isinstance(limiter.storage, SweptMemoryStorage)
        assert isinstance(app.extensions[throttle.EXTENSION].storage, SweptMemoryStorage)
