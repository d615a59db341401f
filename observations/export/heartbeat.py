"""A running export's heartbeat: proof, written to the database, that its worker is alive.

Progress is written as rows are exported, but some steps (a large query, the summary
tables) write nothing for a while. A thread beside the export touches the job's
`updated_at` every `interval` seconds until the export ends, so the reaper (tasks/reaper.py)
can tell a slow export from one whose worker died: only a dead worker stops beating.
"""

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Heartbeat:
    """Call `beat()` every `interval` seconds in a daemon thread while the block runs."""

    def __init__(self, beat: Callable[[], None], interval: float):
        self.beat = beat
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="terloops-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self.thread.join()

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.beat()
            except Exception:  # a missed beat is harmless; the next one may pass
                logger.exception("export heartbeat failed")
