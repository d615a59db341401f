"""Rate-limit counters in process memory that start no thread per request.

The `limits` library's memory:// storage drops expired counters on a `threading.Timer` of
10 ms, which every hit starts anew once the last one has run: a worker answering a request
every 20 ms or more started and ended a thread for nearly every request it counted (a
phone's sync, a login). This storage keeps the same counters and leaves their checks to
`limits` (a counter read after its window has ended counts as zero either way); it only
drops the expired ones itself, on the first hit at least SWEEP_SECONDS after the last sweep,
in the request's own thread.

The URI `terloops-memory://` names it; config.derived makes it the default when no Redis is
configured. Like memory://, every process counts on its own.
"""

import threading
import time
from typing import ClassVar

from limits.storage import MemoryStorage

SCHEME = "terloops-memory"
# How often, at most, expired counters are dropped. Memory only: reads ignore them already.
SWEEP_SECONDS = 1.0


class _NeverIdle:
    """Stands where MemoryStorage keeps its timer: always running, so none is started."""

    def is_alive(self) -> bool:
        return True

    def cancel(self) -> None:
        pass


class SweptMemoryStorage(MemoryStorage):
    """memory:// counters whose expired entries are dropped inline, once a second at most."""

    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one the parent started; none follows it
        self.timer = _NeverIdle()
        self.swept_at = time.monotonic()
        self.sweeping = threading.Lock()

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.timer.cancel()
        self.timer = _NeverIdle()
        self.sweeping = threading.Lock()

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("sweeping", None)
        return state

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.sweep_if_due()
        return super().incr(key, expiry, amount)

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        self.sweep_if_due()
        return super().acquire_entry(key, limit, expiry, amount)

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1):
        self.sweep_if_due()
        return super().acquire_sliding_window_entry(key, limit, expiry, amount)

    def sweep_if_due(self) -> None:
        """Drop expired counters and window entries if the last sweep is SWEEP_SECONDS old;
        a thread that finds another sweeping goes on at once."""
        if time.monotonic() - self.swept_at < SWEEP_SECONDS:
            return
        if not self.sweeping.acquire(blocking=False):
            return
        try:
            self.swept_at = time.monotonic()
            self.sweep()
        finally:
            self.sweeping.release()

    def sweep(self) -> None:
        """Drop every counter whose window has ended, and every moving-window entry that has
        expired (a key left with none is dropped with its lock)."""
        now = time.time()
        for key, ends in list(self.expirations.items()):
            if ends <= now:
                with self.locks[key]:
                    if self.expirations.get(key, now + 1) <= now:
                        self.storage.pop(key, None)
                        self.expirations.pop(key, None)
                self.locks.pop(key, None)
        for key in list(self.events):
            with self.locks[key]:
                # Newest first (MemoryStorage inserts at the front): keep those still running.
                kept = [entry for entry in self.events.get(key, ()) if entry.expiry > now]
                if kept:
                    self.events[key] = kept
                else:
                    self.events.pop(key, None)
            if key not in self.events:
                self.locks.pop(key, None)
