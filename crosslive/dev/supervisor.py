"""A child process of ``crosslive dev`` that is started again when it dies.

``crosslive dev`` runs the media nodes and the demo broadcaster as their own processes. One that
crashes (or is killed) would otherwise stay an unreaped zombie behind URLs that answer nothing,
while the rest of the platform keeps running. ``RestartingProcess`` watches its child from a
thread, reaps it when it exits, says so on stderr and starts it again with the same command line
(a node comes back on the same port), waiting 1, 2, 4 ... up to 10 s between attempts while it
keeps failing.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable

logger = logging.getLogger("crosslive.dev")
WATCH_INTERVAL = 0.5  # seconds between looks at the child
MAX_BACKOFF = 10.0


class RestartingProcess:
    """Runs ``launch()`` and runs it again whenever its process exits before ``stop()``.

    ``launch`` returns the started process and may block until it is ready (raising if it never
    gets there); a launch that raises counts as one more failed attempt.
    """

    def __init__(self, name: str, launch: Callable[[], subprocess.Popen[bytes]]) -> None:
        self.name = name
        self._launch = launch
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # self.proc changes hands under it
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Launch the process (blocking until ``launch`` returns), then watch it."""
        self._stopping.clear()
        self.proc = self._launch()
        self._thread = threading.Thread(target=self._watch, name=f"watch {self.name}", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        backoff = 1.0
        while not self._stopping.wait(WATCH_INTERVAL):
            proc = self.proc
            if proc is None or proc.poll() is None:  # poll() also reaps an exited child
                continue
            logger.warning("%s exited with %s; starting it again", self.name, proc.returncode)
            while not self._stopping.is_set():
                try:
                    started = self._launch()
                except Exception as exc:
                    logger.warning("%s did not start again (%s); next try in %.0f s", self.name, exc, backoff)
                    if self._stopping.wait(backoff):
                        return
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    continue
                with self._lock:
                    if self._stopping.is_set():  # stop() came while it started: it is ours to end
                        _terminate(started, 10.0)
                        return
                    self.proc = started
                self.restarts += 1
                logger.warning("%s is running again (restart %d)", self.name, self.restarts)
                backoff = 1.0
                break

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching, then terminate the process (kill it after ``timeout`` seconds)."""
        with self._lock:
            self._stopping.set()
            proc, self.proc = self.proc, None
        if proc is not None:
            _terminate(proc, timeout)
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
