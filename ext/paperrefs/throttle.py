"""A rate limit shared by every process on this machine: one request start per interval.

arXiv's terms count all of a user's clients together, so two builds running at once
must share one budget. The shared state is a small file holding the earliest wall-clock
time the next request may start, read and updated under a separate lock file. A caller
reserves the next slot under the lock and sleeps outside it, so waiting never blocks
other processes from queueing behind it.
"""

from __future__ import annotations

import time
from pathlib import Path

from filelock import FileLock

from paperrefs.environment import Environment

# arXiv's terms ask for no more than one request every three seconds.
MIN_INTERVAL = 3.0
# A stored time further ahead than this is not a real reservation (the clock jumped back,
# or the file is damaged); trusting it could block every build for hours.
MAX_RESERVATION_AHEAD = 3600.0


def default_throttle_path(environment: Environment | None = None) -> Path:
    """``$PAPERREFS_THROTTLE_FILE``, else ``$XDG_CACHE_HOME`` (or ``~/.cache``)/paperrefs."""
    env = environment or Environment.read()
    return env.throttle_file or env.cache_home / "paperrefs" / "arxiv-throttle"


class Throttle:
    """Lets at most one request start every ``min_interval`` seconds, across processes."""

    def __init__(self, min_interval: float = MIN_INTERVAL, path: Path | None = None) -> None:
        self.min_interval = min_interval
        self.path = path if path is not None else default_throttle_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(self.path.with_name(self.path.name + ".lock"))

    def wait(self) -> None:
        """Block until this caller may start a request; the start counts from now."""
        with self._lock:
            start = max(time.time(), self._next_start())
            self._store(start + self.min_interval)
        time.sleep(max(0.0, start - time.time()))

    def defer_until(self, when: float) -> None:
        """Let no process start a request before the wall-clock time ``when``."""
        with self._lock:
            if when > self._next_start():
                self._store(when)

    def penalize(self, seconds: float) -> None:
        """Push every process's next request at least ``seconds`` into the future."""
        self.defer_until(time.time() + seconds)

    def _next_start(self) -> float:
        try:
            stored = float(self.path.read_text(encoding="ascii"))
        except (OSError, ValueError):
            return 0.0
        if not stored < time.time() + MAX_RESERVATION_AHEAD:  # also rejects nan
            return 0.0
        return stored

    def _store(self, when: float) -> None:
        self.path.write_text(f"{when:.6f}\n", encoding="ascii")
